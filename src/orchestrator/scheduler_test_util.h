// Test helpers for the Scheduler's tests: task types of our own (noop, fail_n, sleep, skip,
// echo), DAG builders, and a virtual-time harness over a ManualClock and a memory MetaStore.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "metrics/metrics.h"
#include "orchestrator/orchestrator.h"

namespace kappa::orchestrator::testing {

inline constexpr TimeMs kSecond = 1000;
inline constexpr TimeMs kMinute = 60 * kSecond;
inline constexpr TimeMs kHour = 60 * kMinute;
inline constexpr TimeMs kDay = 24 * kHour;

inline TimeMs At(std::string_view iso) {
  auto t = ParseDateTime(iso, "UTC");
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? *t : 0;
}

// Every try a task type saw: (task id, logical date, try number, clock at the start).
struct TryRecord {
  std::string task_id;
  TimeMs logical_date;
  int try_number;
  TimeMs started;
};

class Recorder {
 public:
  void Add(TryRecord r) {
    std::lock_guard l(mu_);
    tries_.push_back(std::move(r));
  }
  std::vector<TryRecord> Tries(std::string_view task_id) const {
    std::lock_guard l(mu_);
    std::vector<TryRecord> out;
    for (const auto& r : tries_) {
      if (r.task_id == task_id) out.push_back(r);
    }
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::vector<TryRecord> tries_;
};

// The test task types (their arguments):
//   noop                      succeeds, result "ok"
//   fail_n   {times: N, ds?: D}  fails tries 1..N (only for logical date D when given)
//   sleep    {ms: N}          sleeps N ms on the scheduler's clock; Aborted when cancelled
//   skip                      SkipTask
//   echo     {value: S}       result S (rendered templates)
//   log      {lines: N, size: S, tail: T, fail: B}  logs N lines of S bytes, then T (if
//                             given); fails when B
TaskTypes TestTaskTypes(Clock* clock, Recorder* recorder);

TaskSpec Task(std::string id, std::string type, std::vector<std::string> upstream = {},
              nlohmann::json args = nlohmann::json::object());
DagSpec Dag(std::string id, std::string schedule, TimeMs start, bool catchup,
            std::vector<TaskSpec> tasks);

// A Scheduler in virtual time over a memory MetaStore and a private metrics registry.
class Harness {
 public:
  explicit Harness(TimeMs now) : clock(now) {}
  // Creates and starts the scheduler (over `meta`, kept across Restart).
  void Start(std::vector<DagSpec> dags);
  // Drops the scheduler (as a crash would: nothing more is written) and starts another over
  // the same history.
  void Restart(std::vector<DagSpec> dags);
  void RunUntil(TimeMs t) { ASSERT_TRUE(scheduler->RunUntil(t).ok()); }
  void RunFor(TimeMs ms) { RunUntil(clock.NowMs() + ms); }
  std::vector<DagRun> Runs(std::string_view dag_id);
  TaskInstance Ti(std::string_view dag_id, std::string_view run_id, std::string_view task_id);
  double Counter(std::string_view name, const metrics::Labels& labels);

  ManualClock clock;
  SchedulerOptions options;  // Start's base (clock, virtual time, metrics are set by it)
  Recorder recorder;
  TaskTypes types = TestTaskTypes(&clock, &recorder);
  std::unique_ptr<MetaStore> meta = NewMemoryMetaStore();
  std::unique_ptr<metrics::Registry> registry = std::make_unique<metrics::Registry>();
  std::unique_ptr<Scheduler> scheduler;
};

}  // namespace kappa::orchestrator::testing
