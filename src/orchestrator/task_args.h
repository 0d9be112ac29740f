// Private to src/orchestrator: checking and reading task arguments (the built-in task
// types; the app's types may use the same public pieces through TaskType::Validate).
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string_view>

#include "common/status.h"
#include "orchestrator/orchestrator.h"

namespace kappa {
class Clock;
}

namespace kappa::orchestrator {

enum class ArgType {
  kString,
  kInt,     // an integer
  kNumber,  // an integer or a decimal
  kBool,
  kObject,  // a mapping of strings
  kStringOrObject,
  kIntOrList,  // an integer or a list of integers
  kDuration,   // "30s", "5m" (common/units.h)
};

struct ArgSpec {
  std::string_view name;
  ArgType type;
  bool required = false;
};

// Unknown keys (with a "did you mean" for a near miss), missing required ones, and types. A
// string holding a `{{ }}` template passes for any type here; it is checked once rendered.
Status CheckArgs(const nlohmann::json& args, std::initializer_list<ArgSpec> specs);

bool HasTemplate(const nlohmann::json& v);

// After rendering: a duration argument (a string such as "30s"), `def` when absent.
Result<int64_t> ArgDurationMs(const nlohmann::json& args, std::string_view name, int64_t def);

// Sleeps `ms` on the task's clock or until it is cancelled; true if cancelled. Uses
// ctx.sleep_or_cancelled when set (the scheduler's, virtual time included).
bool SleepOrCancelled(TaskContext& ctx, int64_t ms);
bool Cancelled(const TaskContext& ctx);
Clock* TaskClock(const TaskContext& ctx);
void Log(TaskContext& ctx, std::string_view line);

}  // namespace kappa::orchestrator
