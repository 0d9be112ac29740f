// Private to the console's DAGs routes (routes_dags.cc, routes_dag_runs.cc): the JSON of
// DAGs, runs and task instances as the DAGs page reads them. Times are ISO 8601 with offset
// (orchestrator::FormatIso, as Airflow's REST API renders them) or null.
#pragma once

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "console/meta_routes_util.h"
#include "orchestrator/orchestrator.h"

namespace kappa::console::dags {

nlohmann::json TimeJson(std::optional<orchestrator::TimeMs> t);

// A DAG list row: id, schedule, paused/active, owner, tags, next run, the newest runs.
nlohmann::json DagRow(const orchestrator::DagInfo& d,
                      const std::vector<orchestrator::DagRun>& recent_runs);
// The row plus the tasks in topological order, params, catchup, start/end dates.
nlohmann::json DagDetail(const orchestrator::DagInfo& d,
                         const std::vector<orchestrator::DagRun>& recent_runs);

nlohmann::json RunJson(const orchestrator::DagRun& r);
nlohmann::json TaskInstanceJson(const orchestrator::TaskInstance& ti);

// The grid's task ids: the DAG's in topological order, then any other task a run has
// (a task since removed from the config), in first-seen order.
std::vector<std::string> GridTaskIds(
    const orchestrator::DagSpec& spec,
    const std::vector<std::vector<orchestrator::TaskInstance>>& runs_tis);

// A JSON object body whose fields are all in `known` (an empty body: {}); InvalidArgument
// naming a malformed body or an unknown field and the known ones.
Result<nlohmann::json> ObjectBody(http::Request& req,
                                  std::initializer_list<std::string_view> known);

// The orchestrator a route works on, or the 503 "not configured" answer (Unavailable).
using OrchestratorFn = std::function<orchestrator::Orchestrator*()>;

// A handler over the orchestrator, answering 503 "not configured" when there is none.
using OrchestratorHandler = Result<http::Response> (*)(orchestrator::Orchestrator&,
                                                       http::Request&);
http::Handler WithOrchestrator(const OrchestratorFn& get, OrchestratorHandler fn);

// routes_dag_runs.cc: the grid, a run, a try's log (added by AddDagsRoutes).
void AddDagRunRoutes(http::Router& router, const OrchestratorFn& orchestrator);

}  // namespace kappa::console::dags
