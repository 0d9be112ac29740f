// DagTaskTypes (app/app.h): the orchestrator's built-in task types plus the app's.
#include "app/dag_task.h"

namespace kappa::app {

orchestrator::TaskTypes DagTaskTypes(const PipelineConfig& config, Pipeline* pipeline) {
  orchestrator::BuiltinTaskOptions bo;
  bo.allow_commands = config.orchestrator.allow_commands;
  auto builtins = std::make_shared<const orchestrator::TaskTypes>(orchestrator::BuiltinTaskTypes(bo));
  orchestrator::TaskTypes types = *builtins;  // shares the built-in types (shared_ptrs)
  types.Register(NewProduceTaskType(&config, pipeline));
  types.Register(NewCqlTaskType(&config, pipeline));
  types.Register(NewReplayTaskType(&config, pipeline));
  // Replaces the built-in `wait`, which it still runs for `until:` / `seconds:`.
  types.Register(NewWaitTaskType(&config, pipeline, builtins));
  return types;
}

}  // namespace kappa::app
