// /api/console/dags...: the DAGs page's list, a DAG's details, pause/unpause and trigger,
// over the in-process orchestrator::Orchestrator (the same operations Airflow's REST API v1
// answers with, without the HTTP round trip). Runs, the grid and logs: routes_dag_runs.cc.
#include <algorithm>

#include "console/dags_json.h"
#include "console/routes.h"

namespace kappa::console {

namespace {

using nlohmann::json;
using Res = Result<http::Response>;
namespace orch = orchestrator;

// The newest runs a list row shows (Airflow's DAG list shows the recent runs' states).
constexpr int64_t kRecentRuns = 5;

Result<std::vector<orch::DagRun>> RecentRuns(orch::Orchestrator& o, std::string_view dag_id) {
  orch::RunFilter f;
  f.limit = kRecentRuns;
  f.newest_first = true;
  ASSIGN_OR_RETURN(auto runs, o.ListRuns(dag_id, f));
  return std::move(runs.first);
}

// Sorted by dag_id; the cursor is the last dag_id of the previous page.
Res ListDags(orch::Orchestrator& o, http::Request& req) {
  ASSIGN_OR_RETURN(PageRequest page, ParsePage(req));
  std::vector<orch::DagInfo> all = o.ListDags();
  std::sort(all.begin(), all.end(),
            [](const auto& a, const auto& b) { return a.spec.dag_id < b.spec.dag_id; });
  auto it = all.begin();
  if (!page.cursor.empty()) {
    it = std::upper_bound(all.begin(), all.end(), page.cursor,
                          [](const std::string& c, const orch::DagInfo& d) {
                            return c < d.spec.dag_id;
                          });
  }
  json items = json::array();
  for (; it != all.end() && items.size() < page.limit; ++it) {
    ASSIGN_OR_RETURN(auto recent, RecentRuns(o, it->spec.dag_id));
    items.push_back(dags::DagRow(*it, recent));
  }
  json next = nullptr;
  if (it != all.end() && !items.empty()) next = items.back()["dag_id"];
  return http::Response::Json(
      {{"items", std::move(items)}, {"next_cursor", next}, {"total", all.size()}});
}

Res DagDetail(orch::Orchestrator& o, std::string_view dag_id) {
  ASSIGN_OR_RETURN(orch::DagInfo d, o.GetDag(dag_id));
  ASSIGN_OR_RETURN(auto recent, RecentRuns(o, dag_id));
  return http::Response::Json(dags::DagDetail(d, recent));
}

// PUT {"paused": true|false}: Airflow's PATCH /dags/{id} {is_paused}.
Res SetPaused(orch::Orchestrator& o, http::Request& req) {
  json body;
  http::Response bad;
  if (!http::ParseJsonBody(req, &body, &bad)) return bad;
  if (!body.is_object() || !body.contains("paused") || !body["paused"].is_boolean()) {
    return Status::InvalidArgument(R"(the body must be {"paused": true} or {"paused": false})");
  }
  RETURN_IF_ERROR(o.SetPaused(req.Param("dag_id"), body["paused"].get<bool>()));
  return DagDetail(o, req.Param("dag_id"));
}

// POST {"conf": {...}, "run_id": "...", "logical_date": "2023-09-03T10:00:00Z"} (each
// optional): a manual run, as Airflow's POST /dags/{id}/dagRuns. A paused DAG's run is
// created and waits until the DAG is unpaused, as in Airflow.
Res Trigger(orch::Orchestrator& o, http::Request& req) {
  ASSIGN_OR_RETURN(json body, dags::ObjectBody(req, {"conf", "run_id", "logical_date"}));
  json conf = body.value("conf", json::object());
  if (conf.is_null()) conf = json::object();
  if (!conf.is_object()) return Status::InvalidArgument("conf must be a JSON object");
  std::optional<std::string> run_id;
  if (body.contains("run_id") && !body["run_id"].is_null()) {
    if (!body["run_id"].is_string() || body["run_id"].get<std::string>().empty()) {
      return Status::InvalidArgument("run_id must be a non-empty string");
    }
    run_id = body["run_id"].get<std::string>();
  }
  std::optional<orch::TimeMs> logical;
  if (body.contains("logical_date") && !body["logical_date"].is_null()) {
    if (!body["logical_date"].is_string()) {
      return Status::InvalidArgument("logical_date must be an ISO 8601 string");
    }
    ASSIGN_OR_RETURN(logical, orch::ParseDateTime(body["logical_date"].get<std::string>()));
  }
  ASSIGN_OR_RETURN(orch::DagRun run, o.Trigger(req.Param("dag_id"), run_id, logical, conf));
  return http::Response::Json(dags::RunJson(run), 201);
}

}  // namespace

void AddDagsRoutes(http::Router& router, const Sources& sources) {
  const Sources* src = &sources;
  dags::OrchestratorFn get = [src] { return src->orchestrator; };
  auto with = [&get](dags::OrchestratorHandler fn) { return dags::WithOrchestrator(get, fn); };
  router.Get("/api/console/dags", with(ListDags));
  router.Get("/api/console/dags/{dag_id}", with([](orch::Orchestrator& o, http::Request& req) {
               return DagDetail(o, req.Param("dag_id"));
             }));
  router.Put("/api/console/dags/{dag_id}/paused", with(SetPaused));
  router.Post("/api/console/dags/{dag_id}/runs", with(Trigger));
  dags::AddDagRunRoutes(router, get);
}

}  // namespace kappa::console
