// Private to src/orchestrator: the built-in task types, one file each (task_http.cc,
// task_command.cc, task_wait.cc, task_noop.cc); BuiltinTaskTypes (task_builtin.cc) registers
// them.
#pragma once

#include <memory>

#include "orchestrator/orchestrator.h"

namespace kappa::orchestrator {

std::shared_ptr<TaskType> NewHttpTaskType();
std::shared_ptr<TaskType> NewCommandTaskType(bool allowed);
std::shared_ptr<TaskType> NewWaitTaskType();
std::shared_ptr<TaskType> NewNoopTaskType();

}  // namespace kappa::orchestrator
