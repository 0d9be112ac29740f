// Task arguments: load-time checks with readable messages, and the small helpers the
// built-in task types share while they run.
#include "orchestrator/task_args.h"

#include <fmt/format.h>

#include <algorithm>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/units.h"

namespace kappa::orchestrator {

namespace {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string_view TypeName(ArgType t) {
  switch (t) {
    case ArgType::kString:
      return "a string";
    case ArgType::kInt:
      return "an integer";
    case ArgType::kNumber:
      return "a number";
    case ArgType::kBool:
      return "true or false";
    case ArgType::kObject:
      return "a mapping of strings";
    case ArgType::kStringOrObject:
      return "a string or a mapping";
    case ArgType::kIntOrList:
      return "an integer or a list of integers";
    case ArgType::kDuration:
      return "a duration such as 30s or 5m";
  }
  return "?";
}

Status CheckType(const nlohmann::json& v, ArgType t) {
  if (HasTemplate(v) && v.is_string()) return Status::OK();
  bool ok = false;
  switch (t) {
    case ArgType::kString:
      ok = v.is_string();
      break;
    case ArgType::kInt:
      ok = v.is_number_integer();
      break;
    case ArgType::kNumber:
      ok = v.is_number();
      break;
    case ArgType::kBool:
      ok = v.is_boolean();
      break;
    case ArgType::kObject:
      ok = v.is_object() && std::all_of(v.begin(), v.end(), [](const auto& e) {
             return e.is_string() || e.is_number() || e.is_boolean();
           });
      break;
    case ArgType::kStringOrObject:
      ok = v.is_string() || v.is_object() || v.is_array();
      break;
    case ArgType::kIntOrList:
      ok = v.is_number_integer() ||
           (v.is_array() && !v.empty() &&
            std::all_of(v.begin(), v.end(), [](const auto& e) { return e.is_number_integer(); }));
      break;
    case ArgType::kDuration:
      if (v.is_string()) return ParseDurationMs(v.get<std::string>()).status();
      break;
  }
  if (ok) return Status::OK();
  return Status::InvalidArgument(fmt::format("must be {}, not {}", TypeName(t), v.dump()));
}

}  // namespace

bool HasTemplate(const nlohmann::json& v) {
  return v.is_string() && v.get_ref<const std::string&>().find("{{") != std::string::npos;
}

Status CheckArgs(const nlohmann::json& args, std::initializer_list<ArgSpec> specs) {
  if (args.is_null()) return CheckArgs(nlohmann::json::object(), specs);
  if (!args.is_object()) {
    return Status::InvalidArgument("the task's arguments must be a mapping, not " + args.dump());
  }
  for (const auto& [key, value] : args.items()) {
    auto spec =
        std::find_if(specs.begin(), specs.end(), [&](const ArgSpec& s) { return s.name == key; });
    if (spec == specs.end()) {
      std::string msg = fmt::format("unknown argument '{}'", key);
      std::string_view best;
      size_t best_d = 3;
      for (const auto& s : specs) {
        size_t d = EditDistance(key, s.name);
        if (d < best_d) best_d = d, best = s.name;
      }
      if (!best.empty()) msg += fmt::format(" (did you mean '{}'?)", best);
      std::string known;
      for (const auto& s : specs) known += (known.empty() ? "" : ", ") + std::string(s.name);
      return Status::InvalidArgument(msg + fmt::format(" (known: {})", known));
    }
    Status s = CheckType(value, spec->type);
    if (!s.ok()) {
      return Status::InvalidArgument(fmt::format("argument '{}' {}", key, s.message()));
    }
  }
  for (const auto& s : specs) {
    if (s.required && !args.contains(std::string(s.name))) {
      return Status::InvalidArgument(fmt::format("argument '{}' is required", s.name));
    }
  }
  return Status::OK();
}

Result<int64_t> ArgDurationMs(const nlohmann::json& args, std::string_view name, int64_t def) {
  auto it = args.find(std::string(name));
  if (it == args.end()) return def;
  if (!it->is_string()) {
    return Status::InvalidArgument(
        fmt::format("argument '{}' must be a duration such as 30s", name));
  }
  auto ms = ParseDurationMs(it->get<std::string>());
  if (!ms.ok()) {
    return Status::InvalidArgument(fmt::format("argument '{}': {}", name, ms.status().message()));
  }
  return *ms;
}

bool Cancelled(const TaskContext& ctx) { return ctx.cancelled != nullptr && ctx.cancelled->load(); }

Clock* TaskClock(const TaskContext& ctx) {
  return ctx.clock != nullptr ? ctx.clock : Clock::Real();
}

bool SleepOrCancelled(TaskContext& ctx, int64_t ms) {
  if (ctx.sleep_or_cancelled) return ctx.sleep_or_cancelled(ms);
  // Without the scheduler (tests, `kappa dags test`): real time, checking every 100 ms.
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (!Cancelled(ctx)) {
    auto left = until - std::chrono::steady_clock::now();
    if (left <= std::chrono::nanoseconds(0)) return false;
    std::this_thread::sleep_for(
        std::min<std::chrono::nanoseconds>(left, std::chrono::milliseconds(100)));
  }
  return true;
}

void Log(TaskContext& ctx, std::string_view line) {
  if (ctx.log) ctx.log(line);
}

}  // namespace kappa::orchestrator
