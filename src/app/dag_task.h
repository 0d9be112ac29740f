// Private to src/app: what the app's DAG task types (dag_task_*.cc) share: their arguments'
// checks and the constructors DagTaskTypes (dag_task_types.cc) registers.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "app/app.h"
#include "common/status.h"
#include "orchestrator/orchestrator.h"

namespace kappa::app {

// Typed access to a task's arguments (a JSON object). Errors read "argument 'duration': ..."
// so the config loader can point at the argument's line. A string holding `{{ }}` is only
// known when the task runs: at load the typed getters accept it unchecked (Templated()).
class TaskArgs {
 public:
  explicit TaskArgs(const nlohmann::json& args) : args_(args) {}

  // "unknown argument 'durtion' (did you mean 'duration'?)"; also refuses a non-object.
  Status CheckKeys(std::initializer_list<std::string_view> known) const;
  bool Has(std::string_view key) const { return args_.contains(std::string(key)); }
  bool Templated(std::string_view key) const;
  Result<std::string> String(std::string_view key) const;
  // A string or a list of strings.
  Result<std::vector<std::string>> Strings(std::string_view key) const;
  Result<int64_t> Int(std::string_view key, int64_t min, int64_t max) const;
  Result<double> Double(std::string_view key, double min) const;
  Result<bool> Bool(std::string_view key) const;
  // A duration with a unit ("60s", "5m"; 0), as everywhere in kappa.yaml.
  Result<int64_t> DurationMs(std::string_view key) const;
  Status Error(std::string_view key, std::string_view problem) const;

 private:
  const nlohmann::json& args_;
};

// The sensors' common arguments and their loop (Airflow's BaseSensorOperator): pokes now,
// then every poke_interval (default 60 s) until `poke` says done or `timeout` (default 7
// days) passed; then TimedOut, or skipped with soft_fail.
struct SensorOptions {
  int64_t poke_interval_ms = 60'000;
  int64_t timeout_ms = 7LL * 24 * 3600 * 1000;
  bool soft_fail = false;
};
Result<SensorOptions> ParseSensorOptions(const TaskArgs& a);
// `poke` returns whether the condition holds and sets *observed (the task's result and log).
Result<std::string> RunSensor(orchestrator::TaskContext& ctx, const SensorOptions& o,
                              const std::function<Result<bool>(std::string* observed)>& poke);

// `pipeline` may be null (validation only): Run then fails with FailedPrecondition-like
// Unavailable "needs a running pipeline".
std::shared_ptr<orchestrator::TaskType> NewProduceTaskType(const PipelineConfig* config, Pipeline* pipeline);
std::shared_ptr<orchestrator::TaskType> NewCqlTaskType(const PipelineConfig* config, Pipeline* pipeline);
std::shared_ptr<orchestrator::TaskType> NewReplayTaskType(const PipelineConfig* config, Pipeline* pipeline);
// Takes over `wait` from `builtins`: the time forms (`until:` / `seconds:`) go to the
// built-in time sensor there, which `builtins` keeps alive.
std::shared_ptr<orchestrator::TaskType> NewWaitTaskType(
    const PipelineConfig* config, Pipeline* pipeline,
    std::shared_ptr<const orchestrator::TaskTypes> builtins);

}  // namespace kappa::app
