// .../dagRuns/{dag_run_id}/taskInstances (with filters; "~" for every DAG and run),
// .../taskInstances/{task_id} and /dags/{dag_id}/clearTaskInstances, as Airflow's
// api_connexion/endpoints/task_instance_endpoint.py.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "orchestrator/rest_common.h"

namespace kappa::orchestrator::rest {

namespace {

using nlohmann::json;


struct TiFilter {
  std::optional<TimeMs> exec_gte, exec_lte, start_gte, start_lte, end_gte, end_lte;
  std::optional<double> duration_gte, duration_lte;
  std::vector<TaskState> states;
  std::vector<std::string> pools, queues, executors;
  bool has_executors = false;
};

Result<TiFilter> ParseTiFilter(const Req& req) {
  TiFilter f;
  ASSIGN_OR_RETURN(f.exec_gte, QueryTime(req, "execution_date_gte"));
  ASSIGN_OR_RETURN(f.exec_lte, QueryTime(req, "execution_date_lte"));
  ASSIGN_OR_RETURN(f.start_gte, QueryTime(req, "start_date_gte"));
  ASSIGN_OR_RETURN(f.start_lte, QueryTime(req, "start_date_lte"));
  ASSIGN_OR_RETURN(f.end_gte, QueryTime(req, "end_date_gte"));
  ASSIGN_OR_RETURN(f.end_lte, QueryTime(req, "end_date_lte"));
  ASSIGN_OR_RETURN(f.duration_gte, QueryNumber(req, "duration_gte"));
  ASSIGN_OR_RETURN(f.duration_lte, QueryNumber(req, "duration_lte"));
  if (req.Query("updated_at_gte") || req.Query("updated_at_lte")) {
    return Status::InvalidArgument(
        "updated_at_gte/updated_at_lte are not supported: kappa does not record when a task "
        "instance was last updated");
  }
  for (const auto& s : QueryAll(req, "state")) {
    // "none" (and, since 2.7, an empty value for null) selects instances without a state.
    if (s.empty() || s == "null") {
      f.states.push_back(TaskState::kNone);
      continue;
    }
    ASSIGN_OR_RETURN(TaskState st, ParseTaskState(s));
    f.states.push_back(st);
  }
  f.pools = QueryAll(req, "pool");
  f.queues = QueryAll(req, "queue");
  f.executors = QueryAll(req, "executor");
  return f;
}

bool Matches(const TiFilter& f, const TaskInstance& ti, const DagRun& run) {
  if (!InRange(run.logical_date, f.exec_gte, f.exec_lte)) return false;
  if (!InRange(ti.start_date, f.start_gte, f.start_lte)) return false;
  if (!InRange(ti.end_date, f.end_gte, f.end_lte)) return false;
  if (f.duration_gte || f.duration_lte) {
    if (!ti.start_date || !ti.end_date) return false;
    double d = double(*ti.end_date - *ti.start_date) / 1000.0;
    if ((f.duration_gte && d < *f.duration_gte) || (f.duration_lte && d > *f.duration_lte)) {
      return false;
    }
  }
  if (!f.states.empty() &&
      std::find(f.states.begin(), f.states.end(), ti.state) == f.states.end()) {
    return false;
  }
  // Every kappa task runs in Airflow's default pool and queue, on the default executor
  // (null, which no executor filter matches).
  auto has = [](const std::vector<std::string>& v, std::string_view x) {
    return v.empty() || std::find(v.begin(), v.end(), x) != v.end();
  };
  return has(f.pools, "default_pool") && has(f.queues, "default") && f.executors.empty();
}

// A run's task instances in the DAG's task order (the file order).
void SortByTaskOrder(std::vector<TaskInstance>* tis, const DagSpec* dag) {
  if (!dag) return;
  auto pos = [&](const std::string& id) {
    for (size_t i = 0; i < dag->tasks.size(); ++i) {
      if (dag->tasks[i].task_id == id) return i;
    }
    return dag->tasks.size();
  };
  std::stable_sort(tis->begin(), tis->end(), [&](const TaskInstance& a, const TaskInstance& b) {
    return pos(a.task_id) < pos(b.task_id);
  });
}

Res ListTaskInstances(Orchestrator* o, Req& req) {
  std::string dag_id(req.Param("dag_id")), run_id(req.Param("dag_run_id"));
  ASSIGN_OR_RETURN(Page page, ParsePage(req));
  ASSIGN_OR_RETURN(TiFilter f, ParseTiFilter(req));
  std::vector<DagInfo> dags;
  if (dag_id == "~") {
    dags = o->ListDags();
    std::sort(dags.begin(), dags.end(),
              [](const DagInfo& a, const DagInfo& b) { return a.spec.dag_id < b.spec.dag_id; });
  } else {
    ASSIGN_OR_RETURN(DagInfo d, FindDag(*o, dag_id));
    dags.push_back(std::move(d));
  }
  json items = json::array();
  int64_t total = 0;
  for (const auto& d : dags) {
    std::vector<DagRun> runs;
    if (run_id == "~") {
      RunFilter rf;
      rf.logical_date_gte = f.exec_gte;
      rf.logical_date_lte = f.exec_lte;
      rf.limit = kAll;
      ASSIGN_OR_RETURN(auto all, o->ListRuns(d.spec.dag_id, rf));
      runs = std::move(all.first);
    } else {
      Result<DagRun> r = FindRun(*o, d.spec.dag_id, run_id);
      if (!r.ok() && dag_id == "~" && r.status().IsNotFound()) continue;
      RETURN_IF_ERROR(r.status());
      runs.push_back(std::move(r).value());
    }
    for (const auto& run : runs) {
      ASSIGN_OR_RETURN(std::vector<TaskInstance> tis,
                       o->ListTaskInstances(d.spec.dag_id, run.run_id));
      SortByTaskOrder(&tis, &d.spec);
      for (const auto& ti : tis) {
        if (!Matches(f, ti, run)) continue;
        if (total >= page.offset && int64_t(items.size()) < page.limit) {
          items.push_back(TaskInstanceJson(ti, run, &d.spec));
        }
        ++total;
      }
    }
  }
  return JsonOk({{"task_instances", items}, {"total_entries", total}});
}

Res GetTaskInstance(Orchestrator* o, Req& req) {
  std::string dag_id(req.Param("dag_id")), run_id(req.Param("dag_run_id"));
  std::string task_id(req.Param("task_id"));
  ASSIGN_OR_RETURN(DagInfo d, FindDag(*o, dag_id));
  ASSIGN_OR_RETURN(DagRun run, FindRun(*o, dag_id, run_id));
  Result<TaskInstance> ti = o->GetTaskInstance(dag_id, run_id, task_id);
  if (!ti.ok()) {
    if (!ti.status().IsNotFound()) return ti.status();
    return Problem(404, "Task instance not found",
                   fmt::format("Task instance with task_id '{}' not found in DAG run '{}' of "
                               "DAG '{}'",
                               task_id, run_id, dag_id));
  }
  return JsonOk(TaskInstanceJson(*ti, run, &d.spec));
}

// POST /dags/{dag_id}/clearTaskInstances with Airflow's ClearTaskInstanceFormSchema: defaults
// dry_run=true, only_failed=true, reset_dag_runs=false; dag_run_id or a date range.
Res ClearTaskInstances(Orchestrator* o, Req& req) {
  std::string dag_id(req.Param("dag_id"));
  Result<DagInfo> dag = o->GetDag(dag_id);
  if (!dag.ok()) {
    if (!dag.status().IsNotFound()) return dag.status();
    return Problem(404, "Not Found", fmt::format("Dag id {} not found", dag_id));
  }
  ASSIGN_OR_RETURN(json body, ParseBodyObject(req));
  RETURN_IF_ERROR(CheckKnownFields(
      body, {"dry_run", "task_ids", "start_date", "end_date", "only_failed", "only_running",
             "reset_dag_runs", "dag_run_id", "include_upstream", "include_downstream",
             "include_future", "include_past", "include_subdags", "include_parentdag"}));
  ClearRequest c;
  bool only_running = false, future = false, past = false;
  std::optional<std::string> run_id;
  {
    std::optional<bool> b;
    ASSIGN_OR_RETURN(b, BodyBool(body, "dry_run"));
    c.dry_run = b.value_or(true);
    ASSIGN_OR_RETURN(b, BodyBool(body, "only_failed"));
    c.only_failed = b.value_or(true);
    ASSIGN_OR_RETURN(b, BodyBool(body, "only_running"));
    only_running = b.value_or(false);
    ASSIGN_OR_RETURN(b, BodyBool(body, "reset_dag_runs"));
    c.reset_dag_runs = b.value_or(false);
    ASSIGN_OR_RETURN(b, BodyBool(body, "include_upstream"));
    c.include_upstream = b.value_or(false);
    ASSIGN_OR_RETURN(b, BodyBool(body, "include_downstream"));
    c.include_downstream = b.value_or(false);
    ASSIGN_OR_RETURN(b, BodyBool(body, "include_future"));
    future = b.value_or(false);
    ASSIGN_OR_RETURN(b, BodyBool(body, "include_past"));
    past = b.value_or(false);
    // include_subdags / include_parentdag: there are no subdags; accepted and meaningless.
    ASSIGN_OR_RETURN(b, BodyBool(body, "include_subdags"));
    ASSIGN_OR_RETURN(b, BodyBool(body, "include_parentdag"));
  }
  ASSIGN_OR_RETURN(c.start_date, BodyTime(body, "start_date"));
  ASSIGN_OR_RETURN(c.end_date, BodyTime(body, "end_date"));
  ASSIGN_OR_RETURN(run_id, BodyString(body, "dag_run_id"));
  if (auto it = body.find("task_ids"); it != body.end() && !it->is_null()) {
    if (!it->is_array() || it->empty()) {
      return Status::InvalidArgument(
          "{'task_ids': ['a non-empty list of task ids is required (Shorter than minimum "
          "length 1.)']}");
    }
    for (const auto& t : *it) {
      if (!t.is_string())
        return Status::InvalidArgument("{'task_ids': {0: ['Not a valid string.']}}");
      if (!dag->spec.FindTask(t.get<std::string>())) {
        return Status::InvalidArgument(
            fmt::format("task_ids: DAG '{}' has no task '{}'", dag_id, t.get<std::string>()));
      }
      c.task_ids.push_back(t.get<std::string>());
    }
  }
  if (c.only_failed && only_running) {
    return Status::InvalidArgument("only_failed and only_running both are set to True");
  }
  if (c.start_date && c.end_date && *c.start_date > *c.end_date) {
    return Status::InvalidArgument("end_date is sooner than start_date");
  }
  if (run_id && (c.start_date || c.end_date)) {
    return Status::InvalidArgument(
        "Exactly one of dag_run_id or (start_date and end_date) must be provided");
  }
  if (run_id) {
    Result<DagRun> run = o->GetRun(dag_id, *run_id);
    if (!run.ok()) {
      if (!run.status().IsNotFound()) return run.status();
      return Problem(404, "Not Found",
                     fmt::format("Dag Run id {} not found in dag {}", *run_id, dag_id));
    }
    // Airflow turns the run into its logical date; include_past/future then open the range.
    if (past || future) {
      c.start_date = past ? std::nullopt : std::optional<TimeMs>(run->logical_date);
      c.end_date = future ? std::nullopt : std::optional<TimeMs>(run->logical_date);
    } else {
      c.run_ids = {*run_id};
    }
  } else {
    if (past) c.start_date.reset();
    if (future) c.end_date.reset();
  }

  std::vector<TaskInstance> cleared;
  if (!only_running) {
    ASSIGN_OR_RETURN(cleared, o->Clear(dag_id, c));
  } else {
    // The Orchestrator has no only_running: take the candidates of a dry run, keep the running
    // ones, and clear exactly those, run by run.
    ClearRequest probe = c;
    probe.dry_run = true;
    probe.only_failed = false;
    ASSIGN_OR_RETURN(std::vector<TaskInstance> candidates, o->Clear(dag_id, probe));
    std::map<std::string, std::vector<std::string>> by_run;
    for (auto& ti : candidates) {
      if (ti.state != TaskState::kRunning) continue;
      by_run[ti.run_id].push_back(ti.task_id);
      cleared.push_back(std::move(ti));
    }
    if (!c.dry_run) {
      for (const auto& [rid, tasks] : by_run) {
        ClearRequest one;
        one.run_ids = {rid};
        one.task_ids = tasks;
        one.only_failed = false;
        one.reset_dag_runs = c.reset_dag_runs;
        RETURN_IF_ERROR(o->Clear(dag_id, one).status());
      }
    }
  }
  // TaskInstanceReferenceCollection: each with its run's logical date.
  std::map<std::string, TimeMs> logical;
  json refs = json::array();
  for (const auto& ti : cleared) {
    auto it = logical.find(ti.run_id);
    if (it == logical.end()) {
      ASSIGN_OR_RETURN(DagRun run, FindRun(*o, dag_id, ti.run_id));
      it = logical.emplace(ti.run_id, run.logical_date).first;
    }
    refs.push_back({{"task_id", ti.task_id},
                    {"dag_id", ti.dag_id},
                    {"dag_run_id", ti.run_id},
                    {"execution_date", FormatIso(it->second)}});
  }
  return JsonOk({{"task_instances", refs}});
}

}  // namespace

void AddTaskInstanceRoutes(Orchestrator* o, http::Router* router) {
  router->Get("/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances",
              Wrap("get_task_instances", [o](Req& req) { return ListTaskInstances(o, req); }));
  router->Get("/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}",
              Wrap("get_task_instance", [o](Req& req) { return GetTaskInstance(o, req); }));
  router->Post(
      "/api/v1/dags/{dag_id}/clearTaskInstances",
      Wrap("post_clear_task_instances", [o](Req& req) { return ClearTaskInstances(o, req); }));
}

}  // namespace kappa::orchestrator::rest
