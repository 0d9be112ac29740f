// /api/console/dags/{dag_id}/grid, .../runs/{run_id}, .../runs/{run_id}/tasks/{task_id}/logs:
// Airflow's grid view (runs by tasks, each cell a task instance's state), a run's task
// instances, and a try's log, paged; and the grid's actions: clear a task instance (with its
// downstream), mark a run success or failed.
#include "console/dags_json.h"
#include "console/routes.h"

namespace kappa::console::dags {

namespace {

using nlohmann::json;
using Res = Result<http::Response>;
namespace orch = orchestrator;

// Airflow's grid shows the 25 newest runs by default (webserver.default_dag_run_display_number).
constexpr size_t kGridRuns = 25;

// Runs newest first (the page draws them oldest on the left, as Airflow does); the cursor
// is an offset into that order. ?state= keeps runs in that state.
Res Grid(orch::Orchestrator& o, http::Request& req) {
  std::string dag_id(req.Param("dag_id"));
  ASSIGN_OR_RETURN(orch::DagInfo dag, o.GetDag(dag_id));
  ASSIGN_OR_RETURN(PageRequest page, ParsePage(req));
  if (!req.Query("limit")) page.limit = kGridRuns;
  ASSIGN_OR_RETURN(size_t offset, OffsetCursor(page.cursor));
  orch::RunFilter f;
  f.newest_first = true;
  f.offset = int64_t(offset);
  f.limit = int64_t(page.limit);
  if (auto s = req.Query("state")) {
    ASSIGN_OR_RETURN(orch::RunState st, orch::ParseRunState(*s));
    f.states.push_back(st);
  }
  ASSIGN_OR_RETURN(auto runs, o.ListRuns(dag_id, f));
  std::vector<std::vector<orch::TaskInstance>> tis;
  for (const auto& run : runs.first) {
    ASSIGN_OR_RETURN(auto t, o.ListTaskInstances(dag_id, run.run_id));
    tis.push_back(std::move(t));
  }
  json items = json::array();
  for (size_t i = 0; i < runs.first.size(); ++i) {
    json cells = json::object();
    for (const auto& ti : tis[i]) {
      cells[ti.task_id] = {
          {"state", ti.state == orch::TaskState::kNone ? json(nullptr)
                                                        : json(orch::TaskStateName(ti.state))},
          {"try_number", ti.try_number}};
    }
    json row = RunJson(runs.first[i]);
    row["task_instances"] = std::move(cells);
    items.push_back(std::move(row));
  }
  json tasks = json::array();
  for (const std::string& id : GridTaskIds(dag.spec, tis)) {
    const orch::TaskSpec* t = dag.spec.FindTask(id);
    tasks.push_back({{"task_id", id}, {"type", t ? json(t->type) : json(nullptr)},
                     {"upstream", t ? json(t->upstream) : json::array()}});
  }
  size_t end = offset + runs.first.size();
  json next = end < size_t(runs.second) && !runs.first.empty() ? json(std::to_string(end))
                                                               : json(nullptr);
  return http::Response::Json({{"dag_id", dag_id},
                               {"tasks", std::move(tasks)},
                               {"items", std::move(items)},
                               {"next_cursor", std::move(next)},
                               {"total", runs.second}});
}

Res Run(orch::Orchestrator& o, http::Request& req) {
  std::string dag_id(req.Param("dag_id")), run_id(req.Param("run_id"));
  ASSIGN_OR_RETURN(orch::DagRun run, o.GetRun(dag_id, run_id));
  ASSIGN_OR_RETURN(auto tis, o.ListTaskInstances(dag_id, run_id));
  ASSIGN_OR_RETURN(orch::DagInfo dag, o.GetDag(dag_id));
  // In the grid's task order.
  std::vector<std::string> order = GridTaskIds(dag.spec, {tis});
  json list = json::array();
  for (const std::string& id : order) {
    for (const auto& ti : tis) {
      if (ti.task_id == id) list.push_back(TaskInstanceJson(ti));
    }
  }
  json out = RunJson(run);
  out["dag_id"] = dag_id;
  out["task_instances"] = std::move(list);
  return http::Response::Json(out);
}

// ?try=N (default: the instance's current try); lines paged by offset.
Res Logs(orch::Orchestrator& o, http::Request& req) {
  std::string dag_id(req.Param("dag_id")), run_id(req.Param("run_id")),
      task_id(req.Param("task_id"));
  ASSIGN_OR_RETURN(PageRequest page, ParsePage(req));
  ASSIGN_OR_RETURN(size_t offset, OffsetCursor(page.cursor));
  ASSIGN_OR_RETURN(orch::TaskInstance ti, o.GetTaskInstance(dag_id, run_id, task_id));
  int try_number = ti.try_number;
  if (req.Query("try")) {
    ASSIGN_OR_RETURN(try_number, meta::PositiveIntQuery(req, "try"));
    if (try_number > ti.try_number) {
      return Status::NotFound("task '" + task_id + "' has had " +
                              std::to_string(ti.try_number) + " tries, not " +
                              std::to_string(try_number));
    }
  }
  std::vector<std::string> lines;
  if (try_number > 0) {
    ASSIGN_OR_RETURN(lines, o.ReadLog(dag_id, run_id, task_id, try_number));
  }
  json items = json::array();
  size_t i = offset;
  for (; i < lines.size() && items.size() < page.limit; ++i) items.push_back(lines[i]);
  json next = i < lines.size() ? json(std::to_string(i)) : json(nullptr);
  return http::Response::Json({{"dag_id", dag_id},
                               {"run_id", run_id},
                               {"task_id", task_id},
                               {"try_number", try_number},
                               {"tries", ti.try_number},
                               {"state", ti.state == orch::TaskState::kNone
                                             ? json(nullptr)
                                             : json(orch::TaskStateName(ti.state))},
                               {"items", std::move(items)},
                               {"next_cursor", std::move(next)},
                               {"total", lines.size()}});
}

Result<bool> BoolField(const json& body, const char* name) {
  if (!body.contains(name) || body[name].is_null()) return false;
  if (!body[name].is_boolean()) return Status::InvalidArgument(std::string(name) + " must be true or false");
  return body[name].get<bool>();
}

// POST {downstream, upstream}: Airflow's grid "Clear" of one task instance (the run goes back
// to queued, the instance and the ones chosen run again). The instances cleared.
Res ClearTask(orch::Orchestrator& o, http::Request& req) {
  std::string dag_id(req.Param("dag_id")), run_id(req.Param("run_id")),
      task_id(req.Param("task_id"));
  ASSIGN_OR_RETURN(json body, ObjectBody(req, {"downstream", "upstream"}));
  ASSIGN_OR_RETURN(orch::TaskInstance ti, o.GetTaskInstance(dag_id, run_id, task_id));
  (void)ti;  // NotFound for an unknown run or task, before clearing anything
  orch::ClearRequest c;
  c.task_ids = {task_id};
  c.run_ids = {run_id};
  ASSIGN_OR_RETURN(c.include_downstream, BoolField(body, "downstream"));
  ASSIGN_OR_RETURN(c.include_upstream, BoolField(body, "upstream"));
  ASSIGN_OR_RETURN(auto cleared, o.Clear(dag_id, c));
  json items = json::array();
  for (const auto& t : cleared) items.push_back(TaskInstanceJson(t));
  return http::Response::Json({{"dag_id", dag_id}, {"run_id", run_id}, {"items", std::move(items)}});
}

// PUT {state: success | failed | queued}: Airflow's "Mark success/failed" of a run (and
// "queued" to run it again). The run as it is now.
Res SetRunState(orch::Orchestrator& o, http::Request& req) {
  std::string dag_id(req.Param("dag_id")), run_id(req.Param("run_id"));
  ASSIGN_OR_RETURN(json body, ObjectBody(req, {"state"}));
  if (!body.contains("state") || !body["state"].is_string()) {
    return Status::InvalidArgument("state must be one of success, failed, queued");
  }
  const std::string state = body["state"].get<std::string>();
  if (state != "success" && state != "failed" && state != "queued") {
    return Status::InvalidArgument("state must be one of success, failed, queued, not '" + state + "'");
  }
  ASSIGN_OR_RETURN(orch::RunState st, orch::ParseRunState(state));
  ASSIGN_OR_RETURN(orch::DagRun run, o.SetRunState(dag_id, run_id, st));
  json out = RunJson(run);
  out["dag_id"] = dag_id;
  return http::Response::Json(out);
}

}  // namespace

void AddDagRunRoutes(http::Router& router, const OrchestratorFn& get) {
  auto with = [&get](OrchestratorHandler fn) { return WithOrchestrator(get, fn); };
  router.Get("/api/console/dags/{dag_id}/grid", with(Grid));
  router.Get("/api/console/dags/{dag_id}/runs/{run_id}", with(Run));
  router.Get("/api/console/dags/{dag_id}/runs/{run_id}/tasks/{task_id}/logs", with(Logs));
  router.Post("/api/console/dags/{dag_id}/runs/{run_id}/tasks/{task_id}/clear", with(ClearTask));
  router.Put("/api/console/dags/{dag_id}/runs/{run_id}/state", with(SetRunState));
}

}  // namespace kappa::console::dags
