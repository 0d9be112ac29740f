#include "orchestrator/scheduler_test_util.h"

#include <fmt/format.h>

namespace kappa::orchestrator::testing {

namespace {

class TestType : public TaskType {
 public:
  using Fn = std::function<Result<std::string>(TaskContext&)>;
  TestType(std::string name, Clock* clock, Recorder* recorder, Fn fn)
      : name_(std::move(name)), clock_(clock), recorder_(recorder), fn_(std::move(fn)) {}
  std::string_view name() const override { return name_; }
  Status Validate(const nlohmann::json& args) const override {
    if (!args.is_object()) return Status::InvalidArgument("args must be an object");
    return Status::OK();
  }
  Result<std::string> Run(TaskContext& ctx) override {
    recorder_->Add({ctx.task->task_id, ctx.run->logical_date, ctx.try_number, clock_->NowMs()});
    ctx.log(fmt::format("{} try {}", ctx.task->task_id, ctx.try_number));
    return fn_(ctx);
  }

 private:
  std::string name_;
  Clock* clock_;
  Recorder* recorder_;
  Fn fn_;
};

}  // namespace

TaskTypes TestTaskTypes(Clock* clock, Recorder* recorder) {
  TaskTypes types;
  auto add = [&](std::string name, TestType::Fn fn) {
    types.Register(std::make_shared<TestType>(std::move(name), clock, recorder, std::move(fn)));
  };
  add("noop", [](TaskContext&) -> Result<std::string> { return std::string("ok"); });
  add("fail_n", [](TaskContext& ctx) -> Result<std::string> {
    const int times = ctx.args.value("times", 1 << 30);
    const std::string ds = ctx.args.value("ds", "");
    const bool applies = ds.empty() || ds == ctx.variables["ds"].get<std::string>();
    if (applies && ctx.try_number <= times) {
      return Status::Internal(fmt::format("try {} fails on purpose", ctx.try_number));
    }
    return std::string("ok");
  });
  add("sleep", [](TaskContext& ctx) -> Result<std::string> {
    if (ctx.sleep_or_cancelled(ctx.args.value("ms", int64_t{0}))) {
      return Status::Aborted("cancelled");
    }
    return std::string("slept");
  });
  add("skip", [](TaskContext&) -> Result<std::string> { return SkipTask("nothing to do"); });
  // log {lines: N, size: S, tail: T, fail: B}: N lines of S bytes, then the line T if given;
  // fails when B.
  add("log", [](TaskContext& ctx) -> Result<std::string> {
    const int64_t n = ctx.args.value("lines", int64_t{0});
    const std::string line(ctx.args.value("size", size_t{0}), 'x');
    for (int64_t i = 0; i < n; ++i) ctx.log(line);
    if (ctx.args.contains("tail")) ctx.log(ctx.args["tail"].get<std::string>());
    if (ctx.args.value("fail", false)) return Status::Internal("failed after logging");
    return std::string("logged");
  });
  add("echo", [](TaskContext& ctx) -> Result<std::string> {
    return ctx.args.value("value", std::string());
  });
  return types;
}

TaskSpec Task(std::string id, std::string type, std::vector<std::string> upstream,
              nlohmann::json args) {
  TaskSpec t;
  t.task_id = std::move(id);
  t.type = std::move(type);
  t.upstream = std::move(upstream);
  t.args = std::move(args);
  return t;
}

DagSpec Dag(std::string id, std::string schedule, TimeMs start, bool catchup,
            std::vector<TaskSpec> tasks) {
  DagSpec d;
  d.dag_id = std::move(id);
  auto s = Schedule::Parse(schedule, "UTC");
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  if (s.ok()) d.schedule = *s;
  d.start_date = start;
  d.catchup = catchup;
  d.tasks = std::move(tasks);
  d.where = "test.yaml:1:1";
  return d;
}

void Harness::Start(std::vector<DagSpec> dags) {
  SchedulerOptions o = options;
  o.clock = &clock;
  o.virtual_time = true;
  o.metrics = registry.get();
  o.hostname = "test-host";
  auto s = Scheduler::Create(std::move(dags), meta.get(), &types, o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  scheduler = std::move(s).value();
  ASSERT_TRUE(scheduler->Start().ok());
}

void Harness::Restart(std::vector<DagSpec> dags) {
  scheduler.reset();
  Start(std::move(dags));
}

std::vector<DagRun> Harness::Runs(std::string_view dag_id) {
  RunFilter f;
  f.limit = 1'000'000;
  auto r = scheduler->ListRuns(dag_id, f);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? r->first : std::vector<DagRun>{};
}

TaskInstance Harness::Ti(std::string_view dag_id, std::string_view run_id,
                         std::string_view task_id) {
  auto r = scheduler->GetTaskInstance(dag_id, run_id, task_id);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : TaskInstance{};
}

double Harness::Counter(std::string_view name, const metrics::Labels& labels) {
  for (const auto& f : registry->Collect()) {
    if (f.name != name) continue;
    for (const auto& s : f.samples) {
      if (s.labels == labels) return s.value;
    }
  }
  return 0;
}

}  // namespace kappa::orchestrator::testing
