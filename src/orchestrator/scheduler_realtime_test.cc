// The Scheduler on the real clock: the event loop, executor threads, cancellation, Stop
// leaving zombies for the next Start, and an idle scheduler that does not wake up. No timing
// assertions: waits have generous deadlines and check outcomes only.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "orchestrator/scheduler_test_util.h"

namespace kappa::orchestrator::testing {
namespace {

class RealTime : public ::testing::Test {
 protected:
  void Start(std::vector<DagSpec> dags) {
    SchedulerOptions o;
    o.metrics = &registry_;
    o.parallelism = 4;
    auto s = Scheduler::Create(std::move(dags), meta_.get(), &types_, o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    scheduler_ = std::move(s).value();
    ASSERT_TRUE(scheduler_->Start().ok());
  }
  // Waits (up to 20 s) until `pred` holds.
  template <class Pred>
  bool WaitFor(Pred pred) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return pred();
  }
  RunState StateOf(const std::string& dag, const std::string& run) {
    auto r = scheduler_->GetRun(dag, run);
    return r.ok() ? r->state : RunState::kQueued;
  }
  double Wakeups() {
    for (const auto& f : registry_.Collect()) {
      if (f.name == "kappa_orchestrator_scheduler_wakeups_total") return f.samples.at(0).value;
    }
    return -1;
  }

  Recorder recorder_;
  TaskTypes types_ = TestTaskTypes(Clock::Real(), &recorder_);
  std::unique_ptr<MetaStore> meta_ = NewMemoryMetaStore();
  metrics::Registry registry_;
  std::unique_ptr<Scheduler> scheduler_;
};

TEST_F(RealTime, ATriggeredRunCompletesOnExecutorThreads) {
  const TimeMs now = Clock::Real()->NowMs();
  Start({Dag("rt", "none", now - kDay, false,
             {Task("a", "noop"), Task("b", "noop", {"a"}), Task("c", "noop", {"a"}),
              Task("d", "noop", {"b", "c"})})});
  auto run = scheduler_->Trigger("rt", std::nullopt, std::nullopt, {});
  ASSERT_TRUE(run.ok());
  ASSERT_TRUE(WaitFor([&] { return StateOf("rt", run->run_id) == RunState::kSuccess; }));
  for (std::string t : {"a", "b", "c", "d"}) {
    auto ti = scheduler_->GetTaskInstance("rt", run->run_id, t);
    EXPECT_EQ(ti->state, TaskState::kSuccess);
    EXPECT_GE(*ti->start_date, now);
  }
}

TEST_F(RealTime, TimeoutAndSetRunStateCancelSleepingTries) {
  const TimeMs now = Clock::Real()->NowMs();
  TaskSpec slow = Task("slow", "sleep", {}, {{"ms", 600'000}});
  slow.execution_timeout_ms = 200;
  Start({Dag("to", "none", now - kDay, false, {slow}),
         Dag("hand", "none", now - kDay, false, {Task("sleepy", "sleep", {}, {{"ms", 600'000}})})});
  auto run = scheduler_->Trigger("to", std::nullopt, std::nullopt, {});
  ASSERT_TRUE(WaitFor([&] { return StateOf("to", run->run_id) == RunState::kFailed; }));
  auto ti = scheduler_->GetTaskInstance("to", run->run_id, "slow");
  EXPECT_EQ(ti->state, TaskState::kFailed);
  EXPECT_NE(ti->error.find("execution_timeout"), std::string::npos);

  auto hand = scheduler_->Trigger("hand", std::nullopt, std::nullopt, {});
  ASSERT_TRUE(WaitFor([&] {
    auto t = scheduler_->GetTaskInstance("hand", hand->run_id, "sleepy");
    return t.ok() && t->state == TaskState::kRunning;
  }));
  ASSERT_TRUE(scheduler_->SetRunState("hand", hand->run_id, RunState::kFailed).ok());
  EXPECT_EQ(scheduler_->GetTaskInstance("hand", hand->run_id, "sleepy")->state, TaskState::kFailed);
  scheduler_->Stop();  // returns: the cancelled try ended
}

TEST_F(RealTime, StopLeavesARunningTryToTheNextStartAsAZombie) {
  const TimeMs now = Clock::Real()->NowMs();
  TaskSpec sleepy = Task("sleepy", "sleep", {}, {{"ms", 600'000}});
  sleepy.retries = 1;
  sleepy.retry_delay_ms = 0;
  auto dags = std::vector<DagSpec>{Dag("z", "none", now - kDay, false, {sleepy})};
  Start(dags);
  auto run = scheduler_->Trigger("z", std::nullopt, std::nullopt, {});
  ASSERT_TRUE(WaitFor([&] {
    auto t = scheduler_->GetTaskInstance("z", run->run_id, "sleepy");
    return t.ok() && t->state == TaskState::kRunning;
  }));
  scheduler_->Stop();
  auto stored = meta_->ListTasks("z", run->run_id);
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ((*stored)[0].state, TaskState::kRunning);
  // The next process: the try failed as a zombie and is retried (and sleeps again).
  scheduler_.reset();
  Start(dags);
  auto ti = scheduler_->GetTaskInstance("z", run->run_id, "sleepy");
  EXPECT_NE(ti->error.find("zombie"), std::string::npos) << ti->error;
  ASSERT_TRUE(WaitFor([&] {
    auto t = scheduler_->GetTaskInstance("z", run->run_id, "sleepy");
    return t.ok() && t->state == TaskState::kRunning && t->try_number == 2;
  }));
}

// Executor threads are woken as a chain (WakeWorker): tries queued behind long tasks must
// still each get a thread, up to `parallelism` (4 here), and no more.
TEST_F(RealTime, LongTasksEachGetAThreadUpToParallelism) {
  const TimeMs now = Clock::Real()->NowMs();
  std::vector<TaskSpec> tasks;
  for (int i = 0; i < 6; ++i) {
    tasks.push_back(Task(fmt::format("s{}", i), "sleep", {}, {{"ms", 600'000}}));
  }
  Start({Dag("long", "none", now - kDay, false, tasks)});
  auto run = scheduler_->Trigger("long", std::nullopt, std::nullopt, {});
  ASSERT_TRUE(run.ok());
  auto running = [&] {
    auto tis = scheduler_->ListTaskInstances("long", run->run_id);
    int n = 0;
    if (tis.ok()) {
      for (const auto& ti : *tis) n += ti.state == TaskState::kRunning;
    }
    return n;
  };
  ASSERT_TRUE(WaitFor([&] { return running() == 4; })) << running();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(running(), 4);  // parallelism 4: the other two wait for a slot
  ASSERT_TRUE(scheduler_->SetRunState("long", run->run_id, RunState::kFailed).ok());
}

TEST_F(RealTime, MaxActiveTasksBoundsADagsRunningInstances) {
  const TimeMs now = Clock::Real()->NowMs();
  std::vector<TaskSpec> tasks;
  for (int i = 0; i < 5; ++i) {
    tasks.push_back(Task(fmt::format("s{}", i), "sleep", {}, {{"ms", 600'000}}));
  }
  DagSpec d = Dag("mat", "none", now - kDay, false, tasks);
  d.max_active_tasks = 2;
  Start({d});
  auto run = scheduler_->Trigger("mat", std::nullopt, std::nullopt, {});
  auto count = [&](TaskState s) {
    auto tis = scheduler_->ListTaskInstances("mat", run->run_id);
    if (!tis.ok()) return -1;
    int n = 0;
    for (const auto& ti : *tis) n += ti.state == s;
    return n;
  };
  ASSERT_TRUE(WaitFor([&] { return count(TaskState::kRunning) == 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(count(TaskState::kRunning), 2);
  EXPECT_EQ(count(TaskState::kScheduled), 3);
  // Setting the run failed cancels the two tries; the other three are skipped.
  ASSERT_TRUE(scheduler_->SetRunState("mat", run->run_id, RunState::kFailed).ok());
  EXPECT_EQ(count(TaskState::kFailed), 2);
  EXPECT_EQ(count(TaskState::kSkipped), 3);
}

TEST_F(RealTime, AnIdleSchedulerDoesNotWakeUp) {
  // 100 DAGs whose next runs are hours away (and manual-only ones): after the first pass the
  // loop sleeps on its condition variable until an event; a polling loop would wake many
  // times in a second. Functional check (a count of wake-ups), not a timing one.
  const TimeMs now = Clock::Real()->NowMs();
  std::vector<DagSpec> dags;
  for (int i = 0; i < 100; ++i) {
    dags.push_back(Dag(fmt::format("idle{}", i), i % 2 ? "@daily" : "none", now + kDay, false,
                       {Task("t", "noop")}));
  }
  Start(dags);
  ASSERT_TRUE(WaitFor([&] { return Wakeups() >= 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const double before = Wakeups();
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_EQ(Wakeups(), before);
  // An event wakes it at once.
  ASSERT_TRUE(scheduler_->SetPaused("idle3", true).ok());
  EXPECT_TRUE(WaitFor([&] { return Wakeups() > before; }));
}

}  // namespace
}  // namespace kappa::orchestrator::testing
