// TaskArgs and the sensor loop shared by the app's DAG task types (app/dag_task.h).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cerrno>

#include "app/dag_task.h"
#include "app/yaml_reader.h"
#include "common/units.h"

namespace kappa::app {

Status TaskArgs::Error(std::string_view key, std::string_view problem) const {
  return Status::InvalidArgument(fmt::format("argument '{}': {}", key, problem));
}

Status TaskArgs::CheckKeys(std::initializer_list<std::string_view> known) const {
  if (!args_.is_object()) return Status::InvalidArgument("the arguments must be a mapping");
  for (const auto& [key, _] : args_.items()) {
    bool ok = false;
    std::string_view best;
    size_t best_d = 3;
    for (std::string_view k : known) {
      if (k == key) ok = true;
      size_t d = EditDistance(key, k);
      if (d < best_d) {
        best_d = d;
        best = k;
      }
    }
    if (ok) continue;
    std::string msg = fmt::format("unknown argument '{}'", key);
    if (!best.empty()) {
      msg += fmt::format(" (did you mean '{}'?)", best);
    } else {
      msg += fmt::format(" (known: {})", fmt::join(known, ", "));
    }
    return Status::InvalidArgument(msg);
  }
  return Status::OK();
}

bool TaskArgs::Templated(std::string_view key) const {
  auto it = args_.find(std::string(key));
  return it != args_.end() && it->is_string() &&
         it->get_ref<const std::string&>().find("{{") != std::string::npos;
}

Result<std::string> TaskArgs::String(std::string_view key) const {
  const auto& v = args_.at(std::string(key));
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number() || v.is_boolean()) return v.dump();
  return Error(key, "must be a single value");
}

Result<std::vector<std::string>> TaskArgs::Strings(std::string_view key) const {
  const auto& v = args_.at(std::string(key));
  if (!v.is_array()) {
    ASSIGN_OR_RETURN(std::string s, String(key));
    return std::vector<std::string>{std::move(s)};
  }
  std::vector<std::string> out;
  for (const auto& e : v) {
    if (!e.is_string()) return Error(key, "must be a list of strings");
    out.push_back(e.get<std::string>());
  }
  return out;
}

Result<int64_t> TaskArgs::Int(std::string_view key, int64_t min, int64_t max) const {
  const auto& v = args_.at(std::string(key));
  int64_t n = 0;
  if (v.is_number_integer()) {
    n = v.get<int64_t>();
  } else if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    char* end = nullptr;
    errno = 0;
    long long x = std::strtoll(s.c_str(), &end, 10);
    if (s.empty() || end != s.c_str() + s.size() || errno) return Error(key, fmt::format("must be a whole number, not '{}'", s));
    n = x;
  } else {
    return Error(key, "must be a whole number");
  }
  if (n < min || n > max) return Error(key, fmt::format("must be between {} and {}, not {}", min, max, n));
  return n;
}

Result<double> TaskArgs::Double(std::string_view key, double min) const {
  const auto& v = args_.at(std::string(key));
  double d = 0;
  if (v.is_number()) {
    d = v.get<double>();
  } else if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    char* end = nullptr;
    d = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size()) return Error(key, fmt::format("must be a number, not '{}'", s));
  } else {
    return Error(key, "must be a number");
  }
  if (!(d >= min)) return Error(key, fmt::format("must be at least {}", min));
  return d;
}

Result<bool> TaskArgs::Bool(std::string_view key) const {
  const auto& v = args_.at(std::string(key));
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (s == "true" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "no" || s == "off") return false;
  }
  return Error(key, "must be true or false");
}

Result<int64_t> TaskArgs::DurationMs(std::string_view key) const {
  const auto& v = args_.at(std::string(key));
  if (v.is_number_integer() && v.get<int64_t>() == 0) return int64_t{0};
  if (!v.is_string()) return Error(key, "must be a duration with a unit (60s, 5m, 1h)");
  auto ms = ParseDurationMs(v.get_ref<const std::string&>());
  if (!ms.ok()) return Error(key, ms.status().message());
  return *ms;
}

Result<SensorOptions> ParseSensorOptions(const TaskArgs& a) {
  SensorOptions o;
  if (a.Has("poke_interval") && !a.Templated("poke_interval")) {
    ASSIGN_OR_RETURN(o.poke_interval_ms, a.DurationMs("poke_interval"));
    if (o.poke_interval_ms <= 0) return a.Error("poke_interval", "must be positive");
  }
  if (a.Has("timeout") && !a.Templated("timeout")) {
    ASSIGN_OR_RETURN(o.timeout_ms, a.DurationMs("timeout"));
  }
  if (a.Has("soft_fail")) { ASSIGN_OR_RETURN(o.soft_fail, a.Bool("soft_fail")); }
  return o;
}

Result<std::string> RunSensor(orchestrator::TaskContext& ctx, const SensorOptions& o,
                              const std::function<Result<bool>(std::string* observed)>& poke) {
  // Time is counted in the waits asked of the scheduler's clock, so a virtual clock runs a
  // long sensor in no real time.
  int64_t waited = 0;
  while (true) {
    std::string observed;
    ASSIGN_OR_RETURN(bool done, poke(&observed));
    if (ctx.log) ctx.log(fmt::format("poke: {}{}", observed, done ? " (done)" : ""));
    if (done) return observed;
    if (waited >= o.timeout_ms) {
      std::string why = fmt::format("sensor timed out after {} (last: {})", FormatDurationMs(waited), observed);
      if (o.soft_fail) return orchestrator::SkipTask(why);
      return Status::TimedOut(why);
    }
    int64_t step = std::min(o.poke_interval_ms, o.timeout_ms - waited);
    if (ctx.sleep_or_cancelled && ctx.sleep_or_cancelled(step)) {
      return Status::Aborted("sensor cancelled");
    }
    waited += step;
  }
}

}  // namespace kappa::app
