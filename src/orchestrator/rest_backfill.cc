// POST /api/v1/dags/{dag_id}/backfill: a kappa extension. Airflow 2's stable REST API v1 has
// no backfill (a backfill there is the `airflow dags backfill` CLI, a process of its own);
// kappa's backfill is an Orchestrator operation, so `kappa dags backfill` against a running
// `kappa up` needs a route. The body's field names follow Airflow 3's BackfillPostBody
// (api_fastapi/core_api/datamodels/backfills.py: from_date, to_date, dag_run_conf); the
// answer is a DAGRunCollection of the runs created (Airflow 3 answers a Backfill object,
// which kappa has no counterpart for: its backfill runs are ordinary runs of type backfill).
//
// Dates follow the v1 API's body rules: RFC 3339 with an offset (a naive date is a 400).
// Intervals that already have a run are left alone (Airflow 3's reprocess_behavior "none");
// a range of more than kMaxBackfillRuns intervals is a 400 before anything is created.
#include <fmt/format.h>

#include "orchestrator/rest_common.h"

namespace kappa::orchestrator::rest {

namespace {

using nlohmann::json;

Res PostBackfill(Orchestrator* o, Req& req) {
  std::string dag_id(req.Param("dag_id"));
  if (Result<DagInfo> d = o->GetDag(dag_id); !d.ok()) {
    if (!d.status().IsNotFound()) return d.status();
    return Problem(404, "DAG not found", fmt::format("DAG with dag_id: '{}' not found", dag_id));
  }
  ASSIGN_OR_RETURN(json body, ParseBodyObject(req));
  RETURN_IF_ERROR(CheckKnownFields(body, {"from_date", "to_date", "dag_run_conf"}));
  ASSIGN_OR_RETURN(std::optional<TimeMs> from, BodyTime(body, "from_date"));
  ASSIGN_OR_RETURN(std::optional<TimeMs> to, BodyTime(body, "to_date"));
  if (!from) return Status::InvalidArgument("{'from_date': ['Missing data for required field.']}");
  if (!to) return Status::InvalidArgument("{'to_date': ['Missing data for required field.']}");
  json conf = json::object();
  if (auto it = body.find("dag_run_conf"); it != body.end() && !it->is_null()) {
    if (!it->is_object()) {
      return Status::InvalidArgument("{'dag_run_conf': ['Not a valid mapping type.']}");
    }
    conf = *it;
  }
  ASSIGN_OR_RETURN(std::vector<DagRun> runs, o->Backfill(dag_id, *from, *to, conf));
  json items = json::array();
  for (const auto& r : runs) items.push_back(RunJson(r));
  return JsonOk({{"dag_runs", items}, {"total_entries", runs.size()}});
}

}  // namespace

void AddBackfillRoutes(Orchestrator* o, http::Router* router) {
  router->Post("/api/v1/dags/{dag_id}/backfill",
               Wrap("post_backfill", [o](Req& req) { return PostBackfill(o, req); }));
}

}  // namespace kappa::orchestrator::rest
