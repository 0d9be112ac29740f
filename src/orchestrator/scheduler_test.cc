// The Scheduler over a year of virtual time: runs per timetable with and without catchup,
// max_active_runs, backfill, pause, a restart over the same history.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "orchestrator/scheduler_test_util.h"

namespace kappa::orchestrator::testing {
namespace {

// Every run of a DAG over [first, first + n*period): one run per interval, in order, with the
// scheduled__ id, its data interval, started at its run_after (virtual time is exact unless
// `late_first` starts the first run later), success, and each task a success at try 1.
void ExpectEveryRun(Harness& h, const std::string& dag, TimeMs first, TimeMs period, size_t n,
                    const std::vector<std::string>& tasks, std::optional<TimeMs> first_start = {}) {
  auto runs = h.Runs(dag);
  ASSERT_EQ(runs.size(), n);
  for (size_t i = 0; i < n; ++i) {
    const DagRun& r = runs[i];
    const TimeMs start = first + static_cast<TimeMs>(i) * period;
    SCOPED_TRACE(r.run_id);
    EXPECT_EQ(r.run_id, MakeRunId(RunType::kScheduled, start));
    EXPECT_EQ(r.run_type, RunType::kScheduled);
    EXPECT_EQ(r.logical_date, start);
    EXPECT_EQ(r.data_interval, (DataInterval{start, start + period}));
    EXPECT_EQ(r.state, RunState::kSuccess);
    EXPECT_FALSE(r.external_trigger);
    const TimeMs expected_start = (i == 0 && first_start) ? *first_start : start + period;
    EXPECT_EQ(r.start_date, expected_start);
    EXPECT_EQ(r.end_date, expected_start);
    for (const auto& t : tasks) {
      TaskInstance ti = h.Ti(dag, r.run_id, t);
      EXPECT_EQ(ti.state, TaskState::kSuccess) << t;
      EXPECT_EQ(ti.try_number, 1) << t;
      EXPECT_EQ(ti.result, "ok");
      EXPECT_EQ(ti.hostname, "test-host");
      EXPECT_EQ(ti.start_date, expected_start);
    }
  }
}

TEST(SchedulerYear, DailyWithCatchupRunsEveryDayInOrder) {
  const TimeMs start = At("2025-01-01");
  Harness h(start);
  h.Start({Dag("daily", "@daily", start, true,
               {Task("extract", "noop"), Task("load", "noop", {"extract"})})});
  h.RunUntil(At("2026-01-01"));
  ExpectEveryRun(h, "daily", start, kDay, 365, {"extract", "load"});
  EXPECT_EQ(
      h.Counter("kappa_orchestrator_dag_runs_total", {{"dag", "daily"}, {"state", "success"}}),
      365);
  EXPECT_EQ(h.Counter("kappa_orchestrator_task_instances_total", {{"state", "success"}}), 730);
  // The cursor is in the history: the last automated interval.
  auto dags = h.meta->ListDags();
  ASSERT_TRUE(dags.ok());
  ASSERT_EQ(dags->size(), 1u);
  EXPECT_EQ((*dags)[0].last_automated, (DataInterval{At("2025-12-31"), At("2026-01-01")}));
  auto info = h.scheduler->GetDag("daily");
  ASSERT_TRUE(info.ok());
  ASSERT_TRUE(info->next.has_value());
  EXPECT_EQ(info->next->interval.start, At("2026-01-01"));
  EXPECT_EQ(info->next->run_after, At("2026-01-02"));
}

TEST(SchedulerYear, DailyWithoutCatchupStartsAtTheLatestInterval) {
  // Started half a year after start_date: Airflow's catchup=False creates only the latest
  // complete interval, then one run a day.
  Harness h(At("2025-07-01T12:00:00"));
  h.Start({Dag("daily", "@daily", At("2025-01-01"), false, {Task("t", "noop")})});
  h.RunUntil(At("2026-07-01T12:00:00"));
  ExpectEveryRun(h, "daily", At("2025-06-30"), kDay, 366, {"t"}, At("2025-07-01T12:00:00"));
}

TEST(SchedulerYear, CatchupAfterALateStartCreatesEveryMissedInterval) {
  Harness h(At("2025-03-01T06:00:00"));
  h.Start({Dag("daily", "@daily", At("2025-01-01"), true, {Task("t", "noop")})});
  h.RunUntil(At("2025-03-01T06:00:00"));
  auto runs = h.Runs("daily");
  ASSERT_EQ(runs.size(), 59u);  // Jan 1 .. Feb 28, all due at once
  for (size_t i = 0; i < runs.size(); ++i) {
    EXPECT_EQ(runs[i].logical_date, At("2025-01-01") + static_cast<TimeMs>(i) * kDay);
    EXPECT_EQ(runs[i].state, RunState::kSuccess);
    EXPECT_EQ(runs[i].start_date, At("2025-03-01T06:00:00"));
  }
}

TEST(SchedulerYear, HourlyForAYearWithAndWithoutCatchup) {
  const TimeMs start = At("2025-01-01");
  Harness h(start);
  h.Start({Dag("hourly", "@hourly", start, true, {Task("t", "noop")}),
           Dag("hourly_late", "@hourly", start - 30 * kDay, false, {Task("t", "noop")})});
  h.RunUntil(At("2026-01-01"));
  ExpectEveryRun(h, "hourly", start, kHour, 365 * 24, {"t"});
  // No catchup: the month before the clock's start is skipped; the first run is the interval
  // that ended at the start.
  ExpectEveryRun(h, "hourly_late", start - kHour, kHour, 365 * 24 + 1, {"t"}, start);
}

TEST(SchedulerRuns, MaxActiveRunsBoundsCatchup) {
  Harness h(At("2025-01-11"));
  DagSpec d =
      Dag("bounded", "@daily", At("2025-01-01"), true, {Task("t", "fail_n", {}, {{"times", 1}})});
  d.max_active_runs = 3;
  d.tasks[0].retries = 1;
  d.tasks[0].retry_delay_ms = kHour;
  h.Start({d});
  h.RunUntil(At("2025-01-11"));
  // Each run's first try fails and waits an hour to retry: three runs active, no fourth.
  auto runs = h.Runs("bounded");
  ASSERT_EQ(runs.size(), 3u);
  for (const auto& r : runs) {
    EXPECT_EQ(r.state, RunState::kRunning);
    EXPECT_EQ(h.Ti("bounded", r.run_id, "t").state, TaskState::kUpForRetry);
  }
  h.RunFor(kHour);
  // The three retried and succeeded; the next three started (and wait for their retry).
  runs = h.Runs("bounded");
  ASSERT_EQ(runs.size(), 6u);
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(runs[i].logical_date, At("2025-01-01") + static_cast<TimeMs>(i) * kDay);
    EXPECT_EQ(runs[i].state, i < 3 ? RunState::kSuccess : RunState::kRunning);
  }
  h.RunFor(3 * kHour);
  runs = h.Runs("bounded");
  ASSERT_EQ(runs.size(), 10u);
  for (const auto& r : runs) EXPECT_EQ(r.state, RunState::kSuccess);
}

TEST(SchedulerRuns, BackfillCreatesMissingIntervalsOnly) {
  Harness h(At("2025-02-01T01:00:00"));
  h.Start({Dag("bf", "@daily", At("2025-01-01"), false, {Task("t", "noop")})});
  h.RunUntil(At("2025-02-01T01:00:00"));
  ASSERT_EQ(h.Runs("bf").size(), 1u);  // the latest interval: Jan 31
  auto created = h.scheduler->Backfill("bf", At("2025-01-05"), At("2025-01-09"), {{"k", "v"}});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  ASSERT_EQ(created->size(), 5u);
  for (size_t i = 0; i < 5; ++i) {
    const TimeMs day = At("2025-01-05") + static_cast<TimeMs>(i) * kDay;
    EXPECT_EQ((*created)[i].run_id, MakeRunId(RunType::kBackfill, day));
    EXPECT_EQ((*created)[i].run_type, RunType::kBackfill);
    EXPECT_EQ((*created)[i].data_interval, (DataInterval{day, day + kDay}));
    EXPECT_EQ((*created)[i].state, RunState::kQueued);
    EXPECT_EQ((*created)[i].conf, (nlohmann::json{{"k", "v"}}));
  }
  // Overlapping: only Jan 10 and 11 are new; Jan 31 already has its scheduled run.
  created = h.scheduler->Backfill("bf", At("2025-01-08"), At("2025-01-11"), {});
  ASSERT_TRUE(created.ok());
  ASSERT_EQ(created->size(), 2u);
  EXPECT_EQ((*created)[0].logical_date, At("2025-01-10"));
  created = h.scheduler->Backfill("bf", At("2025-01-31"), At("2025-01-31"), {});
  ASSERT_TRUE(created.ok());
  EXPECT_TRUE(created->empty());
  h.RunFor(0);
  auto runs = h.Runs("bf");
  ASSERT_EQ(runs.size(), 8u);
  for (const auto& r : runs) {
    EXPECT_EQ(r.state, RunState::kSuccess) << r.run_id;
    EXPECT_EQ(h.Ti("bf", r.run_id, "t").state, TaskState::kSuccess);
  }
  EXPECT_TRUE(h.scheduler->Backfill("bf", At("2025-01-09"), At("2025-01-08"), {})
                  .status()
                  .IsInvalidArgument());
  EXPECT_TRUE(h.scheduler->Backfill("nope", 0, 1, {}).status().IsNotFound());
}

TEST(SchedulerRuns, PauseStopsRunsAndIsPersisted) {
  Harness h(At("2025-01-01"));
  DagSpec paused = Dag("p", "@daily", At("2025-01-01"), false, {Task("t", "noop")});
  paused.paused_at_creation = true;
  DagSpec caught = Dag("c", "@daily", At("2025-01-01"), true, {Task("t", "noop")});
  h.Start({paused, caught});
  h.RunUntil(At("2025-01-05"));
  EXPECT_TRUE(h.Runs("p").empty());
  EXPECT_EQ(h.Runs("c").size(), 4u);
  ASSERT_TRUE(h.scheduler->SetPaused("c", true).ok());
  ASSERT_TRUE(h.scheduler->SetPaused("p", false).ok());
  auto stored = h.meta->ListDags();
  ASSERT_TRUE(stored.ok());
  for (const auto& rec : *stored) EXPECT_EQ(rec.is_paused, rec.dag_id == "c") << rec.dag_id;
  h.RunUntil(At("2025-01-10"));
  // p (no catchup): the latest interval when unpaused, then daily.
  auto p = h.Runs("p");
  ASSERT_EQ(p.size(), 6u);
  EXPECT_EQ(p[0].logical_date, At("2025-01-04"));
  EXPECT_EQ(p[0].start_date, At("2025-01-05"));
  EXPECT_EQ(p.back().logical_date, At("2025-01-09"));
  EXPECT_EQ(h.Runs("c").size(), 4u);
  // A manual run of a paused DAG waits, queued (as in Airflow).
  auto manual = h.scheduler->Trigger("c", std::nullopt, std::nullopt, {});
  ASSERT_TRUE(manual.ok());
  h.RunFor(kHour);
  EXPECT_EQ(h.scheduler->GetRun("c", manual->run_id)->state, RunState::kQueued);
  // The pause survives a restart; unpausing c (catchup) creates every missed interval.
  h.Restart({paused, caught});
  EXPECT_TRUE(h.scheduler->GetDag("c")->record.is_paused);
  EXPECT_FALSE(h.scheduler->GetDag("p")->record.is_paused);
  ASSERT_TRUE(h.scheduler->SetPaused("c", false).ok());
  h.RunFor(0);
  auto c = h.Runs("c");
  ASSERT_EQ(c.size(), 10u);  // Jan 1 .. Jan 9 scheduled, the manual one, all done
  for (const auto& r : c) EXPECT_EQ(r.state, RunState::kSuccess) << r.run_id;
}

TEST(SchedulerRuns, RestartNeitherRepeatsNorLosesAnInterval) {
  const TimeMs start = At("2025-01-01");
  Harness h(start);
  auto dags = std::vector<DagSpec>{Dag("d", "@hourly", start, true, {Task("t", "noop")})};
  h.Start(dags);
  h.RunUntil(start + 10 * kHour + 30 * kMinute);
  h.Restart(dags);
  h.clock.AdvanceMs(5 * kHour);  // the process was down five hours
  h.RunUntil(start + 20 * kHour);
  auto runs = h.Runs("d");
  ASSERT_EQ(runs.size(), 20u);
  for (size_t i = 0; i < runs.size(); ++i) {
    const TimeMs day = start + static_cast<TimeMs>(i) * kHour;
    EXPECT_EQ(runs[i].run_id, MakeRunId(RunType::kScheduled, day));
    EXPECT_EQ(runs[i].state, RunState::kSuccess);
    // The hours missed while down ran at the restart, the others on time.
    const bool missed = day + kHour > start + 10 * kHour + 30 * kMinute &&
                        day + kHour <= start + 15 * kHour + 30 * kMinute;
    EXPECT_EQ(runs[i].start_date, missed ? start + 15 * kHour + 30 * kMinute : day + kHour);
    EXPECT_EQ(h.Ti("d", runs[i].run_id, "t").try_number, 1);
  }
}

TEST(SchedulerRuns, OnceAndManualOnlySchedules) {
  Harness h(At("2025-01-01"));
  h.Start({Dag("once", "@once", At("2025-01-02"), false, {Task("t", "noop")}),
           Dag("manual", "none", At("2025-01-01"), false, {Task("t", "noop")})});
  h.RunUntil(At("2025-02-01"));
  auto once = h.Runs("once");
  ASSERT_EQ(once.size(), 1u);
  EXPECT_EQ(once[0].logical_date, At("2025-01-02"));
  EXPECT_EQ(once[0].start_date, At("2025-01-02"));
  EXPECT_EQ(once[0].state, RunState::kSuccess);
  EXPECT_TRUE(h.Runs("manual").empty());
  EXPECT_FALSE(h.scheduler->GetDag("manual")->next.has_value());
}

}  // namespace
}  // namespace kappa::orchestrator::testing
