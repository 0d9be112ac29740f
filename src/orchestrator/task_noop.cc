// The `noop` task: does nothing and returns `result` (tests, benchmarks, a join point).
//
//   type: noop   args: {result: "text"}     (optional) what the task returns
#include "orchestrator/task_args.h"
#include "orchestrator/task_builtin.h"

namespace kappa::orchestrator {

namespace {

class NoopTask final : public TaskType {
 public:
  std::string_view name() const override { return "noop"; }
  Status Validate(const nlohmann::json& args) const override {
    return CheckArgs(args, {{"result", ArgType::kString}});
  }
  Result<std::string> Run(TaskContext& ctx) override {
    return ctx.args.is_object() ? ctx.args.value("result", std::string()) : std::string();
  }
};

}  // namespace

std::shared_ptr<TaskType> NewNoopTaskType() { return std::make_shared<NoopTask>(); }

}  // namespace kappa::orchestrator
