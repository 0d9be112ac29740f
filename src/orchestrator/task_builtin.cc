// BuiltinTaskTypes: the task types the orchestrator itself provides (one file each:
// task_http.cc, task_command.cc, task_wait.cc, task_noop.cc). The app registers its own
// (produce, cql, replay, the pipeline sensors) next to these.
#include "orchestrator/task_builtin.h"

namespace kappa::orchestrator {

TaskTypes BuiltinTaskTypes(const BuiltinTaskOptions& options) {
  TaskTypes types;
  types.Register(NewHttpTaskType());
  types.Register(NewCommandTaskType(options.allow_commands));
  types.Register(NewWaitTaskType());
  types.Register(NewNoopTaskType());
  return types;
}

}  // namespace kappa::orchestrator
