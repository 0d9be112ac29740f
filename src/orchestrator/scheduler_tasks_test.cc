// Task instances in virtual time: retries (Airflow's backoff), execution_timeout, every
// trigger rule, depends_on_past, clear (+downstream), zombies at Start, manual triggers with
// conf, SetRunState.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "orchestrator/scheduler_impl.h"
#include "orchestrator/scheduler_test_util.h"

namespace kappa::orchestrator::testing {
namespace {

TEST(SchedulerRetries, AirflowBackoffFormula) {
  TaskSpec t;
  t.retry_delay_ms = 10 * kSecond;
  EXPECT_EQ(engine::RetryDelayMs(t, 1), 10 * kSecond);
  EXPECT_EQ(engine::RetryDelayMs(t, 5), 10 * kSecond);  // no backoff: constant
  t.retry_exponential_backoff = true;
  EXPECT_EQ(engine::RetryDelayMs(t, 1), 10 * kSecond);
  EXPECT_EQ(engine::RetryDelayMs(t, 2), 20 * kSecond);
  EXPECT_EQ(engine::RetryDelayMs(t, 3), 40 * kSecond);
  EXPECT_EQ(engine::RetryDelayMs(t, 30), 24 * kHour);  // Airflow's cap when unset
  t.max_retry_delay_ms = 25 * kSecond;
  EXPECT_EQ(engine::RetryDelayMs(t, 3), 25 * kSecond);
  t.retry_delay_ms = 1500;  // whole seconds, rounded up
  t.max_retry_delay_ms = 0;
  EXPECT_EQ(engine::RetryDelayMs(t, 1), 2 * kSecond);
  EXPECT_EQ(engine::RetryDelayMs(t, 2), 3 * kSecond);
  t.retry_delay_ms = 0;  // at least a second
  EXPECT_EQ(engine::RetryDelayMs(t, 1), kSecond);
}

TEST(SchedulerRetries, ExponentialBackoffTimingsThenSuccess) {
  const TimeMs t0 = At("2025-01-01");
  Harness h(t0);
  TaskSpec t = Task("flaky", "fail_n", {}, {{"times", 3}});
  t.retries = 3;
  t.retry_delay_ms = 10 * kSecond;
  t.retry_exponential_backoff = true;
  t.max_retry_delay_ms = 25 * kSecond;
  h.Start({Dag("r", "none", t0, false, {t})});
  auto run = h.scheduler->Trigger("r", std::nullopt, std::nullopt, {});
  ASSERT_TRUE(run.ok());
  h.RunFor(12 * kSecond);
  TaskInstance ti = h.Ti("r", run->run_id, "flaky");
  EXPECT_EQ(ti.state, TaskState::kUpForRetry);
  EXPECT_EQ(ti.try_number, 2);
  EXPECT_EQ(ti.next_retry_at, t0 + 30 * kSecond);
  EXPECT_NE(ti.error.find("try 2 fails on purpose"), std::string::npos) << ti.error;
  h.RunFor(kHour);
  auto tries = h.recorder.Tries("flaky");
  ASSERT_EQ(tries.size(), 4u);
  // 10 s, then 20 s, then 40 s capped at 25 s.
  EXPECT_EQ(tries[0].started, t0);
  EXPECT_EQ(tries[1].started, t0 + 10 * kSecond);
  EXPECT_EQ(tries[2].started, t0 + 30 * kSecond);
  EXPECT_EQ(tries[3].started, t0 + 55 * kSecond);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(tries[i].try_number, i + 1);
  ti = h.Ti("r", run->run_id, "flaky");
  EXPECT_EQ(ti.state, TaskState::kSuccess);
  EXPECT_EQ(ti.try_number, 4);
  EXPECT_EQ(ti.max_tries, 3);
  EXPECT_EQ(h.scheduler->GetRun("r", run->run_id)->state, RunState::kSuccess);
  // Each try has its log; a failed one ends with its error.
  auto log = h.scheduler->ReadLog("r", run->run_id, "flaky", 2);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 2u);
  EXPECT_EQ((*log)[0], "flaky try 2");
  EXPECT_NE((*log)[1].find("try 2 fails on purpose"), std::string::npos);
  EXPECT_TRUE(h.scheduler->ReadLog("r", run->run_id, "flaky", 5).status().IsNotFound());
  EXPECT_EQ(h.Counter("kappa_orchestrator_task_instances_total", {{"state", "up_for_retry"}}), 3);
}

TEST(SchedulerRetries, ExhaustedRetriesFailTheTaskAndTheRun) {
  const TimeMs t0 = At("2025-01-01");
  Harness h(t0);
  TaskSpec t = Task("bad", "fail_n");
  t.retries = 2;
  t.retry_delay_ms = kMinute;
  h.Start({Dag("r", "none", t0, false, {t, Task("after", "noop", {"bad"})})});
  auto run = h.scheduler->Trigger("r", std::nullopt, std::nullopt, {});
  ASSERT_TRUE(run.ok());
  h.RunFor(kHour);
  auto tries = h.recorder.Tries("bad");
  ASSERT_EQ(tries.size(), 3u);
  EXPECT_EQ(tries[1].started, t0 + kMinute);
  EXPECT_EQ(tries[2].started, t0 + 2 * kMinute);
  EXPECT_EQ(h.Ti("r", run->run_id, "bad").state, TaskState::kFailed);
  EXPECT_EQ(h.Ti("r", run->run_id, "bad").try_number, 3);
  EXPECT_EQ(h.Ti("r", run->run_id, "after").state, TaskState::kUpstreamFailed);
  EXPECT_EQ(h.Ti("r", run->run_id, "after").try_number, 0);
  auto r = h.scheduler->GetRun("r", run->run_id);
  EXPECT_EQ(r->state, RunState::kFailed);
  EXPECT_EQ(r->end_date, t0 + 2 * kMinute);
  EXPECT_EQ(h.Counter("kappa_orchestrator_dag_runs_total", {{"dag", "r"}, {"state", "failed"}}), 1);
}

TEST(SchedulerTimeouts, ExecutionTimeoutCancelsAndFailsTheTry) {
  const TimeMs t0 = At("2025-01-01");
  Harness h(t0);
  TaskSpec t = Task("slow", "sleep", {}, {{"ms", 60 * kSecond}});
  t.execution_timeout_ms = 10 * kSecond;
  t.retries = 1;
  t.retry_delay_ms = 5 * kSecond;
  TaskSpec quick = Task("quick", "sleep", {}, {{"ms", 3 * kSecond}});
  quick.execution_timeout_ms = 10 * kSecond;
  h.Start({Dag("to", "none", t0, false, {t, quick})});
  auto run = h.scheduler->Trigger("to", std::nullopt, std::nullopt, {});
  ASSERT_TRUE(run.ok());
  h.RunFor(kMinute);
  auto tries = h.recorder.Tries("slow");
  ASSERT_EQ(tries.size(), 2u);
  TaskInstance ti = h.Ti("to", run->run_id, "slow");
  EXPECT_EQ(ti.state, TaskState::kFailed);
  EXPECT_EQ(ti.try_number, 2);
  EXPECT_NE(ti.error.find("execution_timeout"), std::string::npos) << ti.error;
  EXPECT_EQ(ti.end_date, *ti.start_date + 10 * kSecond);
  EXPECT_EQ(tries[1].started, tries[0].started + 10 * kSecond + 5 * kSecond);
  TaskInstance q = h.Ti("to", run->run_id, "quick");
  EXPECT_EQ(q.state, TaskState::kSuccess);
  EXPECT_EQ(q.result, "slept");
  EXPECT_EQ(*q.end_date - *q.start_date, 3 * kSecond);
  EXPECT_EQ(h.scheduler->GetRun("to", run->run_id)->state, RunState::kFailed);
}

TEST(SchedulerTriggerRules, EveryRuleAsAirflowDecidesIt) {
  const TimeMs t0 = At("2025-01-01");
  Harness h(t0);
  auto rule = [](std::string id, std::vector<std::string> up, TriggerRule r) {
    TaskSpec t = Task(std::move(id), "noop", std::move(up));
    t.trigger_rule = r;
    return t;
  };
  using TR = TriggerRule;
  std::vector<TaskSpec> tasks = {
      Task("ok", "noop"),
      Task("bad", "fail_n"),
      Task("skip", "skip"),
      rule("all_success_bad", {"ok", "bad"}, TR::kAllSuccess),
      rule("all_success_skip", {"ok", "skip"}, TR::kAllSuccess),
      rule("all_success_ok", {"ok"}, TR::kAllSuccess),
      rule("chained", {"all_success_bad"}, TR::kAllSuccess),
      rule("all_done", {"ok", "bad", "skip"}, TR::kAllDone),
      rule("all_failed_yes", {"bad", "all_success_bad"}, TR::kAllFailed),
      rule("all_failed_no", {"ok", "bad"}, TR::kAllFailed),
      rule("one_success_yes", {"ok", "bad"}, TR::kOneSuccess),
      rule("one_success_failed", {"bad"}, TR::kOneSuccess),
      rule("one_success_skipped", {"skip"}, TR::kOneSuccess),
      rule("one_failed_yes", {"ok", "bad"}, TR::kOneFailed),
      rule("one_failed_no", {"ok", "skip"}, TR::kOneFailed),
      rule("none_failed_yes", {"ok", "skip"}, TR::kNoneFailed),
      rule("none_failed_no", {"ok", "bad"}, TR::kNoneFailed),
      rule("none_skipped_yes", {"ok", "bad"}, TR::kNoneSkipped),
      rule("none_skipped_no", {"ok", "skip"}, TR::kNoneSkipped),
      rule("always", {"bad"}, TR::kAlways),
  };
  h.Start({Dag("rules", "none", t0, false, tasks)});
  auto run = h.scheduler->Trigger("rules", std::nullopt, std::nullopt, {});
  ASSERT_TRUE(run.ok());
  h.RunFor(kMinute);
  const std::map<std::string, TaskState> expected = {
      {"ok", TaskState::kSuccess},
      {"bad", TaskState::kFailed},
      {"skip", TaskState::kSkipped},
      {"all_success_bad", TaskState::kUpstreamFailed},
      {"all_success_skip", TaskState::kSkipped},
      {"all_success_ok", TaskState::kSuccess},
      {"chained", TaskState::kUpstreamFailed},
      {"all_done", TaskState::kSuccess},
      {"all_failed_yes", TaskState::kSuccess},
      {"all_failed_no", TaskState::kSkipped},
      {"one_success_yes", TaskState::kSuccess},
      {"one_success_failed", TaskState::kUpstreamFailed},
      {"one_success_skipped", TaskState::kSkipped},
      {"one_failed_yes", TaskState::kSuccess},
      {"one_failed_no", TaskState::kSkipped},
      {"none_failed_yes", TaskState::kSuccess},
      {"none_failed_no", TaskState::kUpstreamFailed},
      {"none_skipped_yes", TaskState::kSuccess},
      {"none_skipped_no", TaskState::kSkipped},
      {"always", TaskState::kSuccess},
  };
  for (const auto& [task, state] : expected) {
    EXPECT_EQ(TaskStateName(h.Ti("rules", run->run_id, task).state), TaskStateName(state)) << task;
  }
  // Leaves include upstream_failed ones: the run failed (DagRun.update_state).
  EXPECT_EQ(h.scheduler->GetRun("rules", run->run_id)->state, RunState::kFailed);
}

TEST(SchedulerTriggerRules, RunSucceedsWhenLeavesSucceedOrSkip) {
  const TimeMs t0 = At("2025-01-01");
  Harness h(t0);
  TaskSpec cleanup = Task("cleanup", "noop", {"bad"});
  cleanup.trigger_rule = TriggerRule::kAllDone;
  h.Start({Dag("leaves", "none", t0, false,
               {Task("bad", "fail_n"), cleanup, Task("skip", "skip"),
                Task("after_skip", "noop", {"skip"})})});
  auto run = h.scheduler->Trigger("leaves", std::nullopt, std::nullopt, {});
  h.RunFor(kMinute);
  // bad failed but is not a leaf; the leaves are cleanup (success) and after_skip (skipped).
  EXPECT_EQ(h.Ti("leaves", run->run_id, "after_skip").state, TaskState::kSkipped);
  EXPECT_EQ(h.scheduler->GetRun("leaves", run->run_id)->state, RunState::kSuccess);
}

TEST(SchedulerDependsOnPast, WaitsForThePreviousRunThenClearLetsItGoOn) {
  const TimeMs start = At("2025-01-01");
  Harness h(start);
  TaskSpec t = Task("t", "fail_n", {}, {{"times", 1}, {"ds", "2025-01-03"}});
  t.depends_on_past = true;
  h.Start({Dag("dop", "@daily", start, true, {t, Task("other", "noop")})});
  h.RunUntil(At("2025-01-07"));
  auto runs = h.Runs("dop");
  ASSERT_EQ(runs.size(), 6u);
  EXPECT_EQ(runs[0].state, RunState::kSuccess);
  EXPECT_EQ(runs[1].state, RunState::kSuccess);
  EXPECT_EQ(runs[2].state, RunState::kFailed);  // Jan 3: t failed (no retries)
  for (size_t i = 3; i < 6; ++i) {
    // Later runs wait on the previous run's t; their other task ran.
    EXPECT_EQ(runs[i].state, RunState::kRunning) << runs[i].run_id;
    EXPECT_EQ(h.Ti("dop", runs[i].run_id, "t").state, TaskState::kNone);
    EXPECT_EQ(h.Ti("dop", runs[i].run_id, "other").state, TaskState::kSuccess);
  }
  // Clearing Jan 3's t: try 2 succeeds, then Jan 4, 5, 6 follow in order.
  ClearRequest req;
  req.task_ids = {"t"};
  req.run_ids = {runs[2].run_id};
  auto cleared = h.scheduler->Clear("dop", req);
  ASSERT_TRUE(cleared.ok()) << cleared.status().ToString();
  ASSERT_EQ(cleared->size(), 1u);
  EXPECT_EQ((*cleared)[0].max_tries, 1);
  EXPECT_EQ(h.scheduler->GetRun("dop", runs[2].run_id)->state, RunState::kQueued);
  h.RunFor(0);
  runs = h.Runs("dop");
  for (const auto& r : runs) EXPECT_EQ(r.state, RunState::kSuccess) << r.run_id;
  EXPECT_EQ(h.Ti("dop", runs[2].run_id, "t").try_number, 2);
  auto tries = h.recorder.Tries("t");
  ASSERT_EQ(tries.size(), 7u);
  for (size_t i = 3; i < 7; ++i) {
    EXPECT_EQ(tries[i].logical_date, At("2025-01-03") + static_cast<TimeMs>(i - 3) * kDay);
  }
}

TEST(SchedulerClear, IncludeDownstreamRerunsOnlyTheSubtree) {
  const TimeMs t0 = At("2025-01-01");
  Harness h(t0);
  h.Start({Dag(
      "cl", "none", t0, false,
      {Task("a", "noop"), Task("b", "noop", {"a"}), Task("c", "noop", {"b"}), Task("d", "noop")})});
  auto run = h.scheduler->Trigger("cl", std::nullopt, std::nullopt, {});
  h.RunFor(kMinute);
  ASSERT_EQ(h.scheduler->GetRun("cl", run->run_id)->state, RunState::kSuccess);
  ClearRequest req;
  req.task_ids = {"b"};
  req.include_downstream = true;
  req.dry_run = true;
  auto would = h.scheduler->Clear("cl", req);
  ASSERT_TRUE(would.ok());
  ASSERT_EQ(would->size(), 2u);
  EXPECT_EQ(h.Ti("cl", run->run_id, "b").state, TaskState::kSuccess);  // dry run: untouched
  req.dry_run = false;
  req.only_failed = true;
  EXPECT_TRUE(h.scheduler->Clear("cl", req)->empty());  // nothing failed
  req.only_failed = false;
  auto cleared = h.scheduler->Clear("cl", req);
  ASSERT_TRUE(cleared.ok());
  ASSERT_EQ(cleared->size(), 2u);
  EXPECT_EQ(h.Ti("cl", run->run_id, "b").state, TaskState::kNone);
  EXPECT_EQ(h.Ti("cl", run->run_id, "c").state, TaskState::kNone);
  h.RunFor(kMinute);
  EXPECT_EQ(h.Ti("cl", run->run_id, "a").try_number, 1);
  EXPECT_EQ(h.Ti("cl", run->run_id, "b").try_number, 2);
  EXPECT_EQ(h.Ti("cl", run->run_id, "c").try_number, 2);
  EXPECT_EQ(h.Ti("cl", run->run_id, "d").try_number, 1);
  EXPECT_EQ(h.scheduler->GetRun("cl", run->run_id)->state, RunState::kSuccess);
  req.task_ids = {"zz"};
  EXPECT_TRUE(h.scheduler->Clear("cl", req).status().IsNotFound());
}

TEST(SchedulerZombies, ARunningTryLeftByADeadProcessFailsAndIsRetried) {
  const TimeMs t0 = At("2025-01-01T10:00:00");
  Harness h(t0);
  // The history a killed process left: a run running, one try running on each task.
  DagRecord rec{.dag_id = "z", .is_paused = false, .last_automated = {}, .last_parsed_time = 0};
  ASSERT_TRUE(h.meta->PutDag(rec).ok());
  DagRun run;
  run.dag_id = "z";
  run.run_id = "manual__crash";
  run.run_type = RunType::kManual;
  run.state = RunState::kRunning;
  run.logical_date = t0 - kHour;
  run.start_date = t0 - kHour;
  run.queued_at = t0 - kHour;
  ASSERT_TRUE(h.meta->PutRun(run).ok());
  for (std::string id : {"retried", "final", "queued"}) {
    TaskInstance ti;
    ti.dag_id = "z";
    ti.run_id = run.run_id;
    ti.task_id = id;
    ti.state = id == "queued" ? TaskState::kQueued : TaskState::kRunning;
    ti.try_number = id == "queued" ? 0 : 1;
    ti.max_tries = id == "retried" ? 1 : 0;
    ti.pid = 4242;
    ti.hostname = "old-host";
    ASSERT_TRUE(h.meta->PutTask(ti).ok());
  }
  TaskSpec retried = Task("retried", "noop");
  retried.retries = 1;
  retried.retry_delay_ms = kMinute;
  h.Start({Dag("z", "none", t0, false, {retried, Task("final", "noop"), Task("queued", "noop")})});
  TaskInstance r = h.Ti("z", run.run_id, "retried");
  EXPECT_EQ(r.state, TaskState::kUpForRetry);
  EXPECT_NE(r.error.find("zombie"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("4242"), std::string::npos) << r.error;
  EXPECT_EQ(r.next_retry_at, t0 + kMinute);
  EXPECT_EQ(h.Ti("z", run.run_id, "final").state, TaskState::kFailed);
  EXPECT_EQ(h.Ti("z", run.run_id, "queued").state, TaskState::kNone);  // reset, not a try
  // The history says so too (written before anything else happens).
  auto stored = h.meta->ListTasks("z", run.run_id);
  ASSERT_TRUE(stored.ok());
  for (const auto& ti : *stored) EXPECT_NE(ti.state, TaskState::kRunning) << ti.task_id;
  h.RunFor(kMinute);
  r = h.Ti("z", run.run_id, "retried");
  EXPECT_EQ(r.state, TaskState::kSuccess);
  EXPECT_EQ(r.try_number, 2);
  EXPECT_EQ(h.Ti("z", run.run_id, "queued").try_number, 1);
  EXPECT_EQ(h.scheduler->GetRun("z", run.run_id)->state, RunState::kFailed);  // final failed
}

TEST(SchedulerTrigger, ConfOverridesParamsAndIdsAreUnique) {
  const TimeMs t0 = At("2025-01-01T10:30:00");
  Harness h(t0);
  DagSpec d =
      Dag("m", "@hourly", t0, false,
          {Task("e", "echo", {}, {{"value", "{{ params.colour }}-{{ params.size }}-{{ ds }}"}}),
           Task("f", "echo", {"e"}, {{"value", "got {{ tasks.e.result }} in {{ run_id }}"}})});
  d.params = {{"colour", "red"}, {"size", 1}};
  h.Start({d});
  auto run =
      h.scheduler->Trigger("m", std::nullopt, At("2025-01-01T10:15:00"), {{"colour", "blue"}});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->run_id, "manual__2025-01-01T10:15:00+00:00");
  EXPECT_TRUE(run->external_trigger);
  EXPECT_EQ(run->run_type, RunType::kManual);
  EXPECT_EQ(run->logical_date, At("2025-01-01T10:15:00"));
  EXPECT_EQ(run->data_interval,
            (DataInterval{At("2025-01-01T09:00:00"), At("2025-01-01T10:00:00")}));
  h.RunFor(0);
  EXPECT_EQ(h.Ti("m", run->run_id, "e").result, "blue-1-2025-01-01");
  EXPECT_EQ(h.Ti("m", run->run_id, "f").result,
            "got blue-1-2025-01-01 in manual__2025-01-01T10:15:00+00:00");
  EXPECT_TRUE(h.scheduler->Trigger("m", std::nullopt, At("2025-01-01T10:15:00"), {})
                  .status()
                  .IsAlreadyExists());
  EXPECT_TRUE(h.scheduler->Trigger("m", run->run_id, std::nullopt, {}).status().IsAlreadyExists());
  EXPECT_TRUE(h.scheduler->Trigger("m", std::string("x"), std::nullopt, nlohmann::json::array())
                  .status()
                  .IsInvalidArgument());
  EXPECT_TRUE(h.scheduler->Trigger("nope", std::nullopt, std::nullopt, {}).status().IsNotFound());
}

TEST(SchedulerRunState, SetByHandMarksTasksAsAirflowDoes) {
  const TimeMs t0 = At("2025-01-01");
  Harness h(t0);
  TaskSpec waiting = Task("w", "fail_n", {}, {{"times", 1}});
  waiting.retries = 1;
  waiting.retry_delay_ms = kHour;
  h.Start(
      {Dag("s", "none", t0, false, {waiting, Task("after", "noop", {"w"}), Task("ok", "noop")})});
  auto r1 = h.scheduler->Trigger("s", std::string("one"), t0, {});
  auto r2 = h.scheduler->Trigger("s", std::string("two"), t0 + 1, {});
  h.RunFor(kMinute);
  ASSERT_EQ(h.Ti("s", "one", "w").state, TaskState::kUpForRetry);
  auto failed = h.scheduler->SetRunState("s", "one", RunState::kFailed);
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->state, RunState::kFailed);
  EXPECT_EQ(h.Ti("s", "one", "w").state, TaskState::kSkipped);
  EXPECT_EQ(h.Ti("s", "one", "after").state, TaskState::kSkipped);
  EXPECT_EQ(h.Ti("s", "one", "ok").state, TaskState::kSuccess);
  ASSERT_TRUE(h.scheduler->SetRunState("s", "two", RunState::kSuccess).ok());
  EXPECT_EQ(h.Ti("s", "two", "w").state, TaskState::kSuccess);
  EXPECT_EQ(h.Ti("s", "two", "after").state, TaskState::kSuccess);
  h.RunFor(2 * kHour);  // no retry happens for a run set by hand
  EXPECT_EQ(h.recorder.Tries("w").size(), 2u);
  EXPECT_TRUE(
      h.scheduler->SetRunState("s", "one", RunState::kRunning).status().IsInvalidArgument());
  ASSERT_TRUE(h.scheduler->DeleteRun("s", "one").ok());
  EXPECT_TRUE(h.scheduler->GetRun("s", "one").status().IsNotFound());
  EXPECT_TRUE(h.meta->ListTasks("s", "one")->empty());
  EXPECT_EQ(h.Runs("s").size(), 1u);
}

}  // namespace
}  // namespace kappa::orchestrator::testing
