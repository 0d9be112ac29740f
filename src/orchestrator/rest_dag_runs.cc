// /api/v1/dags/{dag_id}/dagRuns (GET with filters, "~" for every DAG; POST to trigger) and
// /dagRuns/{dag_run_id} (GET, PATCH state, DELETE, setNote, clear), as Airflow's
// api_connexion/endpoints/dag_run_endpoint.py.
#include <fmt/format.h>

#include <algorithm>

#include "orchestrator/rest_common.h"

namespace kappa::orchestrator::rest {

namespace {

using nlohmann::json;


struct RunQuery {
  RunFilter pushed;  // what the orchestrator filters itself
  std::optional<TimeMs> start_gte, start_lte, end_gte, end_lte;
  OrderBy order;
  Page page;
};

Result<RunQuery> ParseRunQuery(const Req& req) {
  RunQuery q;
  ASSIGN_OR_RETURN(q.page, ParsePage(req));
  ASSIGN_OR_RETURN(q.pushed.logical_date_gte, QueryTime(req, "execution_date_gte"));
  ASSIGN_OR_RETURN(q.pushed.logical_date_lte, QueryTime(req, "execution_date_lte"));
  ASSIGN_OR_RETURN(q.start_gte, QueryTime(req, "start_date_gte"));
  ASSIGN_OR_RETURN(q.start_lte, QueryTime(req, "start_date_lte"));
  ASSIGN_OR_RETURN(q.end_gte, QueryTime(req, "end_date_gte"));
  ASSIGN_OR_RETURN(q.end_lte, QueryTime(req, "end_date_lte"));
  if (req.Query("updated_at_gte") || req.Query("updated_at_lte")) {
    return Status::InvalidArgument(
        "updated_at_gte/updated_at_lte are not supported: kappa does not record when a run "
        "was last updated");
  }
  for (const auto& s : QueryAll(req, "state")) {
    ASSIGN_OR_RETURN(RunState st, ParseRunState(s));
    q.pushed.states.push_back(st);
  }
  // Airflow's allowed_filter_attrs; "id" (its insertion order) is the logical date here.
  ASSIGN_OR_RETURN(q.order, ParseOrderBy(req, "id",
                                         {"id", "state", "dag_id", "execution_date", "dag_run_id",
                                          "start_date", "end_date", "external_trigger", "conf"}));
  return q;
}

json SortKey(const DagRun& r, const std::string& field) {
  if (field == "state") return RunStateName(r.state);
  if (field == "dag_id") return r.dag_id;
  if (field == "dag_run_id") return r.run_id;
  if (field == "start_date") return r.start_date ? json(*r.start_date) : json(nullptr);
  if (field == "end_date") return r.end_date ? json(*r.end_date) : json(nullptr);
  if (field == "external_trigger") return r.external_trigger;
  if (field == "conf") return r.conf.dump();
  return r.logical_date;  // id, execution_date
}

Res ListRuns(Orchestrator* o, Req& req) {
  std::string dag_id(req.Param("dag_id"));
  ASSIGN_OR_RETURN(RunQuery q, ParseRunQuery(req));
  std::vector<std::string> dag_ids;
  if (dag_id == "~") {
    for (const auto& d : o->ListDags()) dag_ids.push_back(d.spec.dag_id);
    std::sort(dag_ids.begin(), dag_ids.end());
  } else {
    RETURN_IF_ERROR(FindDag(*o, dag_id).status());
    dag_ids.push_back(dag_id);
  }
  bool by_date = q.order.field == "id" || q.order.field == "execution_date";
  bool simple =
      dag_ids.size() == 1 && by_date && !q.start_gte && !q.start_lte && !q.end_gte && !q.end_lte;
  json items = json::array();
  int64_t total = 0;
  if (simple) {
    // The orchestrator pages by logical date itself.
    RunFilter f = q.pushed;
    f.offset = q.page.offset;
    f.limit = q.page.limit;
    f.newest_first = q.order.descending;
    ASSIGN_OR_RETURN(auto page, o->ListRuns(dag_ids[0], f));
    for (const auto& r : page.first) items.push_back(RunJson(r));
    total = page.second;
  } else {
    std::vector<DagRun> runs;
    RunFilter f = q.pushed;
    f.offset = 0;
    f.limit = kAll;
    for (const auto& id : dag_ids) {
      ASSIGN_OR_RETURN(auto all, o->ListRuns(id, f));
      for (auto& r : all.first) {
        if (InRange(r.start_date, q.start_gte, q.start_lte) &&
            InRange(r.end_date, q.end_gte, q.end_lte)) {
          runs.push_back(std::move(r));
        }
      }
    }
    std::stable_sort(runs.begin(), runs.end(), [&](const DagRun& a, const DagRun& b) {
      json ka = SortKey(a, q.order.field), kb = SortKey(b, q.order.field);
      return q.order.descending ? kb < ka : ka < kb;
    });
    total = int64_t(runs.size());
    for (int64_t i = q.page.offset; i < total && int64_t(items.size()) < q.page.limit; ++i) {
      items.push_back(RunJson(runs[size_t(i)]));
    }
  }
  return JsonOk({{"dag_runs", items}, {"total_entries", total}});
}

// POST dagRuns: the DAGRun schema's loadable fields (dag_run_id, logical_date or its old name
// execution_date, conf, note), run id default manual__<logical date>, logical date default now.
Res TriggerRun(Orchestrator* o, Req& req) {
  std::string dag_id(req.Param("dag_id"));
  if (Result<DagInfo> d = o->GetDag(dag_id); !d.ok()) {
    if (!d.status().IsNotFound()) return d.status();
    return Problem(404, "DAG not found", fmt::format("DAG with dag_id: '{}' not found", dag_id));
  }
  ASSIGN_OR_RETURN(json body, ParseBodyObject(req));
  if (body.contains("data_interval_start") || body.contains("data_interval_end")) {
    return Status::InvalidArgument(
        "data_interval_start/data_interval_end cannot be set: a manual run's data interval "
        "follows the DAG's schedule");
  }
  RETURN_IF_ERROR(
      CheckKnownFields(body, {"dag_run_id", "logical_date", "execution_date", "conf", "note"}));
  ASSIGN_OR_RETURN(std::optional<std::string> run_id, BodyString(body, "dag_run_id"));
  ASSIGN_OR_RETURN(std::optional<TimeMs> logical, BodyTime(body, "logical_date"));
  ASSIGN_OR_RETURN(std::optional<TimeMs> execution, BodyTime(body, "execution_date"));
  ASSIGN_OR_RETURN(std::optional<std::string> note, BodyString(body, "note"));
  if (logical && execution && *logical != *execution) {
    return Problem(400, "logical_date conflicts with execution_date",
                   fmt::format("'{}' != '{}'", body["logical_date"].get<std::string>(),
                               body["execution_date"].get<std::string>()));
  }
  if (!logical) logical = execution;
  if (run_id && run_id->empty()) {
    return Status::InvalidArgument("{'dag_run_id': ['dag_run_id must not be empty']}");
  }
  json conf = json::object();
  if (auto it = body.find("conf"); it != body.end() && !it->is_null()) {
    if (!it->is_object()) {
      return Status::InvalidArgument("{'conf': ['Not a valid mapping type.']}");
    }
    conf = *it;
  }
  if (run_id && o->GetRun(dag_id, *run_id).ok()) {
    return Problem(409, "Conflict",
                   fmt::format("DAGRun with DAG ID: '{}' and DAGRun ID: '{}' already exists",
                               dag_id, *run_id));
  }
  if (note && !note->empty()) {
    // Refuse before creating anything when the orchestrator keeps no notes: the default
    // SetRunNote answers NotSupported whatever the run; an implementation answers NotFound
    // for a run id that cannot exist.
    Status probe = o->SetRunNote(dag_id, "", "").status();
    if (probe.code() == Status::Code::kNotSupported) return probe;
  }
  ASSIGN_OR_RETURN(DagRun run, o->Trigger(dag_id, run_id, logical, conf));
  if (note && !note->empty()) {
    Result<DagRun> noted = o->SetRunNote(dag_id, run.run_id, *note);
    if (!noted.ok()) {
      return noted.status().WithContext(
          fmt::format("DAG run '{}' was created but its note could not be set", run.run_id));
    }
    run = *noted;
  }
  return JsonOk(RunJson(run));
}

Res PatchRunState(Orchestrator* o, Req& req) {
  std::string dag_id(req.Param("dag_id")), run_id(req.Param("dag_run_id"));
  RETURN_IF_ERROR(FindRun(*o, dag_id, run_id).status());  // Airflow looks the run up first
  ASSIGN_OR_RETURN(json body, ParseBodyObject(req));
  RETURN_IF_ERROR(CheckKnownFields(body, {"state"}));
  ASSIGN_OR_RETURN(std::optional<std::string> state, BodyString(body, "state"));
  if (!state || (*state != "success" && *state != "failed" && *state != "queued")) {
    return Status::InvalidArgument("{'state': ['Must be one of: success, failed, queued.']}");
  }
  ASSIGN_OR_RETURN(RunState st, ParseRunState(*state));
  ASSIGN_OR_RETURN(DagRun run, o->SetRunState(dag_id, run_id, st));
  return JsonOk(RunJson(run));
}

Res SetNote(Orchestrator* o, Req& req) {
  std::string dag_id(req.Param("dag_id")), run_id(req.Param("dag_run_id"));
  RETURN_IF_ERROR(FindRun(*o, dag_id, run_id).status());
  ASSIGN_OR_RETURN(json body, ParseBodyObject(req));
  RETURN_IF_ERROR(CheckKnownFields(body, {"note"}));
  ASSIGN_OR_RETURN(std::optional<std::string> note, BodyString(body, "note"));
  if (!note) return Status::InvalidArgument("{'note': ['Missing data for required field.']}");
  ASSIGN_OR_RETURN(DagRun run, o->SetRunNote(dag_id, run_id, *note));
  return JsonOk(RunJson(run));
}

// POST .../clear (clear_dag_run): every task of the run; dry_run (default true) answers the
// task instances that would be cleared, otherwise the run after clearing.
Res ClearRun(Orchestrator* o, Req& req) {
  std::string dag_id(req.Param("dag_id")), run_id(req.Param("dag_run_id"));
  ASSIGN_OR_RETURN(DagRun run, FindRun(*o, dag_id, run_id));
  ASSIGN_OR_RETURN(json body, ParseBodyObject(req));
  RETURN_IF_ERROR(CheckKnownFields(body, {"dry_run"}));
  ASSIGN_OR_RETURN(std::optional<bool> dry_run, BodyBool(body, "dry_run"));
  ClearRequest c;
  c.run_ids = {run_id};
  c.dry_run = dry_run.value_or(true);
  c.reset_dag_runs = true;
  ASSIGN_OR_RETURN(std::vector<TaskInstance> tis, o->Clear(dag_id, c));
  if (c.dry_run) {
    json refs = json::array();
    for (const auto& ti : tis) {
      refs.push_back({{"task_id", ti.task_id},
                      {"dag_id", ti.dag_id},
                      {"dag_run_id", ti.run_id},
                      {"execution_date", FormatIso(run.logical_date)}});
    }
    return JsonOk({{"task_instances", refs}});
  }
  ASSIGN_OR_RETURN(run, FindRun(*o, dag_id, run_id));
  return JsonOk(RunJson(run));
}

}  // namespace

void AddDagRunRoutes(Orchestrator* o, http::Router* router) {
  router->Get("/api/v1/dags/{dag_id}/dagRuns",
              Wrap("get_dag_runs", [o](Req& req) { return ListRuns(o, req); }));
  router->Post("/api/v1/dags/{dag_id}/dagRuns",
               Wrap("post_dag_run", [o](Req& req) { return TriggerRun(o, req); }));
  router->Get(
      "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}", Wrap("get_dag_run", [o](Req& req) -> Res {
        ASSIGN_OR_RETURN(DagRun r, FindRun(*o, req.Param("dag_id"), req.Param("dag_run_id")));
        return JsonOk(RunJson(r));
      }));
  router->Add("PATCH", "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}",
              Wrap("update_dag_run_state", [o](Req& req) { return PatchRunState(o, req); }));
  router->Delete("/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}",
                 Wrap("delete_dag_run", [o](Req& req) -> Res {
                   std::string dag_id(req.Param("dag_id")), run_id(req.Param("dag_run_id"));
                   RETURN_IF_ERROR(FindRun(*o, dag_id, run_id).status());
                   RETURN_IF_ERROR(o->DeleteRun(dag_id, run_id));
                   http::Response r;
                   r.status = 204;
                   r.content_type.clear();
                   return r;
                 }));
  router->Add("PATCH", "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/setNote",
              Wrap("set_dag_run_note", [o](Req& req) { return SetNote(o, req); }));
  router->Post("/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/clear",
               Wrap("clear_dag_run", [o](Req& req) { return ClearRun(o, req); }));
}

}  // namespace kappa::orchestrator::rest
