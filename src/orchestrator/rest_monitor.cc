// /api/v1/health and /api/v1/version (Airflow's health_endpoint.py and version_endpoint.py).
#include "orchestrator/rest_common.h"

namespace kappa::orchestrator::rest {

namespace {

using nlohmann::json;

json HealthStatus(bool healthy) { return healthy ? "healthy" : "unhealthy"; }

}  // namespace

void AddMonitorRoutes(Orchestrator* o, http::Router* router) {
  router->Get(
      "/api/v1/health", Wrap("get_health", [o](Req&) -> Res {
        OrchestratorHealth h = o->Health();
        // kappa has no triggerer or standalone DAG processor: Airflow reports a
        // component that never ran with a null status and heartbeat.
        return JsonOk({
            {"metadatabase", {{"status", HealthStatus(h.metadatabase_healthy)}}},
            {"scheduler",
             {{"status", HealthStatus(h.scheduler_healthy)},
              {"latest_scheduler_heartbeat", TimeJson(h.latest_scheduler_heartbeat)}}},
            {"triggerer", {{"status", nullptr}, {"latest_triggerer_heartbeat", nullptr}}},
            {"dag_processor", {{"status", nullptr}, {"latest_dag_processor_heartbeat", nullptr}}},
        });
      }));
  // `version` is the Airflow release whose API this follows (what clients compare against);
  // git_version says what actually answers.
  router->Get("/api/v1/version", Wrap("get_version", [](Req&) -> Res {
                return JsonOk({{"version", std::string(kAirflowApiVersion)},
                               {"git_version", "kappa " KAPPA_VERSION}});
              }));
}

}  // namespace kappa::orchestrator::rest
