// `orchestrator:` of kappa.yaml: the scheduler `kappa up` runs for `dags:`
// (app::OrchestratorConfig). Loaded before `dags:`, whose task types depend on it.
#include <fmt/format.h>

#include "app/config_section.h"

namespace kappa::app {

Status LoadOrchestrator(const YamlReader& r, const YAML::Node& n, PipelineConfig* c) {
  RETURN_IF_ERROR(r.CheckKeys(
      n, {"allow_commands", "parallelism", "task_log_max_bytes", "history_retention"},
      "orchestrator"));
  if (n["allow_commands"]) {
    ASSIGN_OR_RETURN(c->orchestrator.allow_commands,
                     r.Bool(n["allow_commands"], "orchestrator.allow_commands"));
  }
  if (n["parallelism"]) {
    ASSIGN_OR_RETURN(int64_t p, r.Int(n["parallelism"], "orchestrator.parallelism", 1, 1024));
    c->orchestrator.parallelism = static_cast<int>(p);
  }
  if (n["task_log_max_bytes"]) {
    ASSIGN_OR_RETURN(int64_t b, r.ByteSize(n["task_log_max_bytes"], "orchestrator.task_log_max_bytes"));
    if (b < 1024) {
      return r.Error(n["task_log_max_bytes"],
                     fmt::format("orchestrator.task_log_max_bytes must be at least 1KiB, got {}", b));
    }
    c->orchestrator.task_log_max_bytes = b;
  }
  if (const YAML::Node h = n["history_retention"]) {
    RETURN_IF_ERROR(r.ExpectMap(h, "orchestrator.history_retention"));
    RETURN_IF_ERROR(r.CheckKeys(h, {"max_age", "max_runs_per_dag"}, "orchestrator.history_retention"));
    if (h["max_age"]) {
      ASSIGN_OR_RETURN(c->orchestrator.history_max_age_ms,
                       r.DurationMs(h["max_age"], "orchestrator.history_retention.max_age"));
    }
    if (h["max_runs_per_dag"]) {
      ASSIGN_OR_RETURN(c->orchestrator.history_max_runs_per_dag,
                       r.Int(h["max_runs_per_dag"], "orchestrator.history_retention.max_runs_per_dag",
                             0, int64_t(1) << 40));
    }
  }
  return Status::OK();
}

}  // namespace kappa::app
