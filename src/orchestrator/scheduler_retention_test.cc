// History retention (SchedulerOptions::retention) in virtual time: runs pruned by age as they
// finish and by the timer of the oldest kept run, the latest scheduled run kept whatever its
// age (Airflow's keep_last), a count per DAG that never touches active runs, and a restart
// that prunes an old history at Start. Pruned runs leave nothing in the MetaStore.
#include <gtest/gtest.h>

#include "orchestrator/scheduler_test_util.h"

namespace kappa::orchestrator::testing {
namespace {

std::vector<TimeMs> LogicalDates(const std::vector<DagRun>& runs) {
  std::vector<TimeMs> out;
  for (const auto& r : runs) out.push_back(r.logical_date);
  return out;
}

std::vector<TimeMs> Days(TimeMs first, int n) {
  std::vector<TimeMs> out;
  for (int i = 0; i < n; ++i) out.push_back(first + i * kDay);
  return out;
}

// Nothing of the run is left in the history: no run row, no task instance, no log.
void ExpectGoneFromHistory(Harness& h, const std::string& dag, const std::string& run_id,
                           const std::string& task) {
  auto runs = h.meta->ListRuns(dag);
  ASSERT_TRUE(runs.ok());
  for (const auto& r : *runs) EXPECT_NE(r.run_id, run_id);
  EXPECT_TRUE(h.meta->ListTasks(dag, run_id)->empty()) << run_id;
  EXPECT_TRUE(h.meta->ReadLog(dag, run_id, task, 1)->empty()) << run_id;
}

TEST(HistoryRetention, RunsOlderThanMaxAgeArePrunedAsTimeGoesOn) {
  const TimeMs t0 = At("2025-01-01");
  Harness h(t0);
  h.options.retention.max_age_ms = 10 * kDay;
  h.Start({Dag("daily", "@daily", t0, true, {Task("t", "noop")})});
  h.RunUntil(At("2025-03-01"));
  // A run starts at its interval's end (logical date + 1 day); at Mar 1 those that started
  // 10 days ago or more (Feb 19 and before: logical dates up to Feb 18) are gone.
  auto runs = h.Runs("daily");
  EXPECT_EQ(LogicalDates(runs), Days(At("2025-02-19"), 10));
  EXPECT_EQ(LogicalDates(*h.meta->ListRuns("daily")), Days(At("2025-02-19"), 10));
  EXPECT_EQ(h.Counter("kappa_orchestrator_runs_pruned_total", {}), 49);
  ExpectGoneFromHistory(h, "daily", MakeRunId(RunType::kScheduled, At("2025-02-18")), "t");
  ExpectGoneFromHistory(h, "daily", MakeRunId(RunType::kScheduled, t0), "t");
  // The kept ones are whole.
  const std::string kept = MakeRunId(RunType::kScheduled, At("2025-02-19"));
  EXPECT_EQ(h.Ti("daily", kept, "t").state, TaskState::kSuccess);
  EXPECT_EQ(h.meta->ReadLog("daily", kept, "t", 1)->size(), 1u);
  // Pruning does not make the scheduler redo an interval (the cursor is the DAG record).
  EXPECT_EQ(h.Counter("kappa_orchestrator_dag_runs_total",
                      {{"dag", "daily"}, {"state", "success"}}),
            59);
}

TEST(HistoryRetention, TheTimerPrunesAnIdleDagButKeepsItsLatestScheduledRun) {
  const TimeMs t0 = At("2025-01-01");
  Harness h(t0);
  h.options.retention.max_age_ms = 10 * kDay;
  h.Start({Dag("daily", "@daily", t0, true, {Task("t", "noop")})});
  h.RunUntil(t0 + 5 * kDay);  // runs of Jan 1..5
  // A manual run that finishes, then the DAG is paused (a paused DAG's queued runs wait).
  auto manual = h.scheduler->Trigger("daily", std::nullopt, std::nullopt, {});
  ASSERT_TRUE(manual.ok());
  h.RunFor(kMinute);
  ASSERT_TRUE(h.scheduler->SetPaused("daily", true).ok());
  ASSERT_EQ(h.Runs("daily").size(), 6u);
  // Nothing finishes from here on: only the timer of the oldest run can prune. Each run
  // goes 10 days after it started (at Jan 13, those started Jan 2 and 3).
  h.RunUntil(t0 + 12 * kDay);
  EXPECT_EQ(LogicalDates(h.Runs("daily")).size(), 4u);  // started Jan 2 and 3: gone
  h.RunUntil(t0 + 30 * kDay);
  // Airflow's keep_last: the latest scheduled run (Jan 5) stays, however old.
  auto runs = h.Runs("daily");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].run_id, MakeRunId(RunType::kScheduled, t0 + 4 * kDay));
  ExpectGoneFromHistory(h, "daily", manual->run_id, "t");
  EXPECT_EQ(h.Counter("kappa_orchestrator_runs_pruned_total", {}), 5);
}

TEST(HistoryRetention, MaxRunsPerDagKeepsTheNewestFinishedOnes) {
  const TimeMs t0 = At("2025-01-01");
  Harness h(t0);
  h.options.retention.max_runs_per_dag = 3;
  h.Start({Dag("manual", "none", t0, false, {Task("t", "sleep", {}, {{"ms", kHour}})})});
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(h.scheduler->Trigger("manual", std::nullopt, t0 - i * kDay, {}).ok());
  }
  h.RunFor(2 * kHour);
  EXPECT_EQ(LogicalDates(h.Runs("manual")), Days(t0 - 2 * kDay, 3));
  ExpectGoneFromHistory(h, "manual", MakeRunId(RunType::kManual, t0 - 4 * kDay), "t");
  // Two more runs (in virtual time a try's sleep moves the clock, so they finish at once):
  // the oldest two finished ones go.
  ASSERT_TRUE(h.scheduler->Trigger("manual", std::nullopt, t0 + kDay, {}).ok());
  ASSERT_TRUE(h.scheduler->Trigger("manual", std::nullopt, t0 + 2 * kDay, {}).ok());
  h.RunFor(2 * kHour);
  EXPECT_EQ(LogicalDates(h.Runs("manual")), Days(t0, 3));
}

TEST(HistoryRetention, StartPrunesAHistoryKeptWithoutRetention) {
  const TimeMs t0 = At("2025-01-01");
  Harness h(t0);
  std::vector<DagSpec> dags = {Dag("daily", "@daily", t0, true, {Task("t", "noop")})};
  h.Start(dags);
  h.RunUntil(t0 + 20 * kDay);
  ASSERT_EQ(h.meta->ListRuns("daily")->size(), 20u);
  h.options.retention.max_runs_per_dag = 5;
  h.Restart(dags);
  h.RunFor(0);
  EXPECT_EQ(LogicalDates(*h.meta->ListRuns("daily")), Days(t0 + 15 * kDay, 5));
  ExpectGoneFromHistory(h, "daily", MakeRunId(RunType::kScheduled, t0), "t");
}

}  // namespace
}  // namespace kappa::orchestrator::testing
