// The `wait` task: a time sensor (Airflow's TimeSensor / TimeDeltaSensor). It sleeps on the
// scheduler's clock (so a virtual-time run passes it at once) and can be cancelled.
//
//   type: wait   args: {until: "{{ data_interval_end }}"} or {seconds: 90},
//                      timeout: 1h (give up: fail, or skip with soft_fail: true),
//                      poke_interval: 1m (re-read the clock at least this often)
// The app adds the sensors that need the pipeline (topic offset, job lag, table rows).
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

#include "common/clock.h"
#include "orchestrator/task_args.h"
#include "orchestrator/task_builtin.h"

namespace kappa::orchestrator {

namespace {

class WaitTask final : public TaskType {
 public:
  std::string_view name() const override { return "wait"; }

  Status Validate(const nlohmann::json& args) const override {
    RETURN_IF_ERROR(CheckArgs(args, {{"until", ArgType::kString},
                                     {"seconds", ArgType::kNumber},
                                     {"timeout", ArgType::kDuration},
                                     {"poke_interval", ArgType::kDuration},
                                     {"soft_fail", ArgType::kBool}}));
    bool until = args.contains("until"), seconds = args.contains("seconds");
    if (until == seconds) {
      return Status::InvalidArgument(
          "a wait task needs exactly one of 'until' (a date and time) or 'seconds'");
    }
    if (until && !HasTemplate(args["until"])) {
      RETURN_IF_ERROR(ParseDateTime(args["until"].get<std::string>()).status());
    }
    if (seconds && args["seconds"].is_number() && args["seconds"].get<double>() < 0) {
      return Status::InvalidArgument("argument 'seconds' must not be negative");
    }
    return Status::OK();
  }

  Result<std::string> Run(TaskContext& ctx) override {
    RETURN_IF_ERROR(Validate(ctx.args));
    const nlohmann::json& a = ctx.args;
    Clock* clock = TaskClock(ctx);
    const TimeMs start = clock->NowMs();
    TimeMs target;
    if (a.contains("until")) {
      // A date without an offset is in the DAG's time zone, as its start_date.
      std::string tz = ctx.dag != nullptr ? ctx.dag->schedule.timezone() : "UTC";
      ASSIGN_OR_RETURN(target, ParseDateTime(a["until"].get<std::string>(), tz));
    } else {
      target = start + static_cast<int64_t>(a["seconds"].get<double>() * 1000);
    }
    ASSIGN_OR_RETURN(int64_t timeout_ms, ArgDurationMs(a, "timeout", 0));
    const TimeMs give_up = timeout_ms > 0 ? start + timeout_ms : INT64_MAX;
    // Airflow's sensors look again every poke_interval; a time sensor needs no look before
    // its time, but re-reading the clock that often follows a wall clock that was set.
    ASSIGN_OR_RETURN(int64_t poke_ms, ArgDurationMs(a, "poke_interval", 0));
    Log(ctx, fmt::format("waiting until {}", FormatIso(target)));
    while (true) {
      TimeMs now = clock->NowMs();
      if (now >= target) return FormatIso(target);
      if (now >= give_up) {
        std::string why =
            fmt::format("sensor timed out after {} ms before {}", timeout_ms, FormatIso(target));
        if (a.value("soft_fail", false)) return SkipTask(why);
        return Status::TimedOut(why);
      }
      int64_t nap = std::min(target, give_up) - now;
      if (poke_ms > 0) nap = std::min(nap, poke_ms);
      if (SleepOrCancelled(ctx, nap)) {
        return Status::Aborted("wait cancelled");
      }
    }
  }
};

}  // namespace

std::shared_ptr<TaskType> NewWaitTaskType() { return std::make_shared<WaitTask>(); }

}  // namespace kappa::orchestrator
