// `orchestrator:` of kappa.yaml: the scheduler `kappa up` runs for `dags:`
// (app::OrchestratorConfig). Loaded before `dags:`, whose task types depend on it.
#include <fmt/format.h>

#include "app/config_section.h"

namespace kappa::app {

Status LoadOrchestrator(const YamlReader& r, const YAML::Node& n, PipelineConfig* c) {
  RETURN_IF_ERROR(r.CheckKeys(n, {"allow_commands", "parallelism"}, "orchestrator"));
  if (n["allow_commands"]) {
    ASSIGN_OR_RETURN(c->orchestrator.allow_commands,
                     r.Bool(n["allow_commands"], "orchestrator.allow_commands"));
  }
  if (n["parallelism"]) {
    ASSIGN_OR_RETURN(int64_t p, r.Int(n["parallelism"], "orchestrator.parallelism", 1, 1024));
    c->orchestrator.parallelism = static_cast<int>(p);
  }
  return Status::OK();
}

}  // namespace kappa::app
