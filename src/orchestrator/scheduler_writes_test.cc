// The scheduler's batched history writes (scheduler_writes.cc): when the MetaStore refuses a
// pass's batch, no try of it starts, the history keeps only what was written before, API
// changes that need a write fail with the store's error, and once the store takes writes
// again the held tries start and everything reaches the history, in virtual time and on
// executor threads.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "orchestrator/meta_batch.h"
#include "orchestrator/scheduler_test_util.h"

namespace kappa::orchestrator::testing {
namespace {

TEST(CoalesceWritesTest, KeepsTheLastWriteOfEachRowInOrder) {
  DagRecord dag;
  dag.dag_id = "a";
  DagRun run;
  run.dag_id = "a";
  run.run_id = "r1";
  run.state = RunState::kQueued;
  TaskInstance ti;
  ti.dag_id = "a";
  ti.run_id = "r1";
  ti.task_id = "t";
  ti.state = TaskState::kScheduled;
  DagRun running = run;
  running.state = RunState::kRunning;
  TaskInstance queued = ti;
  queued.state = TaskState::kQueued;
  TaskInstance other = ti;
  other.task_id = "u";  // another row of the same run
  DagRun other_dag = run;
  other_dag.dag_id = "b";  // the same run id in another DAG
  std::vector<MetaWrite> w = {run, ti, dag, other_dag, running, queued, other};
  CoalesceWrites(&w);
  ASSERT_EQ(w.size(), 5u);
  EXPECT_EQ(std::get<DagRecord>(w[0]).dag_id, "a");
  EXPECT_EQ(std::get<DagRun>(w[1]).dag_id, "b");
  EXPECT_EQ(std::get<DagRun>(w[2]).state, RunState::kRunning);
  EXPECT_EQ(std::get<TaskInstance>(w[3]).state, TaskState::kQueued);
  EXPECT_EQ(std::get<TaskInstance>(w[4]).task_id, "u");

  std::vector<MetaWrite> none;
  CoalesceWrites(&none);
  EXPECT_TRUE(none.empty());
  std::vector<MetaWrite> distinct = {dag, run, ti};
  CoalesceWrites(&distinct);
  EXPECT_EQ(distinct.size(), 3u);
}

// Forwards to a memory MetaStore; every write fails with IOError while `fail` is set.
class FlakyMeta : public MetaStore, public BatchedMetaStore {
 public:
  explicit FlakyMeta(MetaStore* inner) : m_(inner) {}
  Status PutDag(const DagRecord& d) override { return Refused() ? Err() : m_->PutDag(d); }
  Result<std::vector<DagRecord>> ListDags() override { return m_->ListDags(); }
  Status PutRun(const DagRun& r) override { return Refused() ? Err() : m_->PutRun(r); }
  Status DeleteRun(std::string_view d, std::string_view r) override {
    return Refused() ? Err() : m_->DeleteRun(d, r);
  }
  Result<std::vector<DagRun>> ListRuns(std::string_view d) override { return m_->ListRuns(d); }
  Status PutTask(const TaskInstance& t) override { return Refused() ? Err() : m_->PutTask(t); }
  Result<std::vector<TaskInstance>> ListTasks(std::string_view d, std::string_view r) override {
    return m_->ListTasks(d, r);
  }
  Status AppendLog(std::string_view d, std::string_view r, std::string_view t, int n,
                   std::string_view line) override {
    return m_->AppendLog(d, r, t, n, line);
  }
  Result<std::vector<std::string>> ReadLog(std::string_view d, std::string_view r,
                                           std::string_view t, int n) override {
    return m_->ReadLog(d, r, t, n);
  }
  // Counted, to see that passes are written as batches (the default forwards one by one).
  Status PutBatch(const std::vector<MetaWrite>& writes) override {
    if (writes.size() > 1) ++multi_batches;
    if (Refused()) return Err();
    {
      std::lock_guard l(count_mu);
      for (const MetaWrite& w : writes) {
        if (const auto* ti = std::get_if<TaskInstance>(&w)) ++ti_writes[ti->task_id];
      }
    }
    return orchestrator::PutBatch(m_, writes);  // the memory store: one by one
  }

  std::atomic<bool> fail{false};
  std::atomic<int> multi_batches{0};
  std::mutex count_mu;
  std::map<std::string, int> ti_writes;  // task instance writes in batches, by task id

 private:
  bool Refused() const { return fail.load(); }
  static Status Err() { return Status::IOError("disk full (test)"); }
  MetaStore* m_;
};

TEST(SchedulerWrites, TriesWaitForARefusedBatchVirtualTime) {
  const TimeMs t0 = At("2025-01-01");
  auto inner = NewMemoryMetaStore();  // outlives the harness's scheduler
  Harness h(t0);
  auto flaky = std::make_unique<FlakyMeta>(inner.get());
  FlakyMeta* f = flaky.get();
  h.meta = std::move(flaky);
  h.Start({Dag("w", "@hourly", t0, false, {Task("a", "noop"), Task("b", "noop", {"a"})})});
  h.RunUntil(t0 + kHour + kMinute);
  ASSERT_EQ(h.Runs("w").size(), 1u);
  EXPECT_EQ(h.Runs("w")[0].state, RunState::kSuccess);
  EXPECT_GT(f->multi_batches.load(), 0);
  ASSERT_EQ(h.recorder.Tries("a").size(), 1u);

  // The next interval comes due while the store refuses writes.
  f->fail = true;
  h.RunUntil(t0 + 2 * kHour + 30 * kSecond);
  EXPECT_EQ(h.recorder.Tries("a").size(), 1u) << "a try started on an unwritten state";
  auto stored = inner->ListRuns("w");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->size(), 1u) << "only what was written before the refusal";
  // An API change that needs a write fails with the store's error and changes nothing.
  Status paused = h.scheduler->SetPaused("w", true);
  EXPECT_TRUE(paused.IsIOError()) << paused.ToString();
  EXPECT_FALSE(h.scheduler->GetDag("w")->record.is_paused);

  // The store recovers: within the retry second the held tries start, after the write.
  f->fail = false;
  h.RunFor(2 * kSecond);
  auto tries = h.recorder.Tries("a");
  ASSERT_EQ(tries.size(), 2u);
  EXPECT_GE(tries[1].started, t0 + 2 * kHour + 30 * kSecond);
  EXPECT_EQ(h.recorder.Tries("b").size(), 2u);
  stored = inner->ListRuns("w");
  ASSERT_EQ(stored->size(), 2u);
  EXPECT_EQ((*stored)[1].logical_date, t0 + kHour);
  EXPECT_EQ((*stored)[1].state, RunState::kSuccess);
  auto tis = inner->ListTasks("w", (*stored)[1].run_id);
  ASSERT_TRUE(tis.ok());
  for (const auto& ti : *tis) EXPECT_EQ(ti.state, TaskState::kSuccess) << ti.task_id;
  auto dags = inner->ListDags();
  ASSERT_EQ(dags->size(), 1u);
  ASSERT_TRUE((*dags)[0].last_automated.has_value());
  EXPECT_EQ((*dags)[0].last_automated->start, t0 + kHour);  // the cursor followed the run
  ASSERT_TRUE(h.scheduler->SetPaused("w", true).ok());
}

// `parallelism` 2 and eight DAGs triggered at once, in reverse order of their creation: the
// first two get the slots, and each freed slot goes to the DAG that has waited longest (not
// in the order of their addresses), whose waiting instance was written once, as scheduled.
TEST(SchedulerWrites, AFreedSlotGoesToTheDagThatWaitedLongest) {
  const TimeMs t0 = At("2025-01-01");
  auto inner = NewMemoryMetaStore();
  Harness h(t0);
  auto flaky = std::make_unique<FlakyMeta>(inner.get());
  FlakyMeta* f = flaky.get();
  h.meta = std::move(flaky);
  h.options.parallelism = 2;
  std::vector<DagSpec> dags;
  for (int i = 0; i < 8; ++i) {
    const std::string n = std::to_string(i);
    dags.push_back(Dag("s" + n, "none", t0, false,
                       {Task("t" + n, "sleep", {}, {{"ms", 10 * kSecond}})}));
  }
  h.Start(dags);
  h.RunFor(kMinute);  // Start's pass over every DAG (in id order) is done
  for (int i = 7; i >= 0; --i) {
    ASSERT_TRUE(h.scheduler->Trigger("s" + std::to_string(i), std::nullopt, std::nullopt, {}).ok());
  }
  h.RunFor(5 * kMinute);
  std::vector<TimeMs> started;
  for (int i = 7; i >= 0; --i) {
    auto tries = h.recorder.Tries("t" + std::to_string(i));
    ASSERT_EQ(tries.size(), 1u) << i;
    started.push_back(tries[0].started);
  }
  EXPECT_TRUE(std::is_sorted(started.begin(), started.end()));  // t7 first, t0 last
  EXPECT_LT(started.front(), started.back());
  std::lock_guard l(f->count_mu);
  for (int i = 0; i < 8; ++i) {
    // Created with the run, scheduled (while it waits), running, its start restamped (virtual
    // time runs the tries one after another), success: not once more per freed slot.
    EXPECT_LE(f->ti_writes["t" + std::to_string(i)], 5) << i;
  }
}

// Sets the FlakyMeta refusing as it runs: the batch of the pass that follows its try (its
// success, the next task queued) is refused on the executor thread.
class TripType : public TaskType {
 public:
  explicit TripType(FlakyMeta* meta) : meta_(meta) {}
  std::string_view name() const override { return "trip"; }
  Status Validate(const nlohmann::json&) const override { return Status::OK(); }
  Result<std::string> Run(TaskContext&) override {
    meta_->fail = true;
    return std::string("tripped");
  }

 private:
  FlakyMeta* meta_;
};

TEST(SchedulerWrites, TriesWaitForARefusedBatchRealTime) {
  auto inner = NewMemoryMetaStore();
  FlakyMeta flaky(inner.get());
  Recorder recorder;
  TaskTypes types = TestTaskTypes(Clock::Real(), &recorder);
  types.Register(std::make_shared<TripType>(&flaky));
  metrics::Registry registry;
  const TimeMs now = Clock::Real()->NowMs();
  SchedulerOptions o;
  o.metrics = &registry;
  o.parallelism = 4;
  // 40 DAGs (more than one of the loop's chunks) of two no-ops, and one that trips the store.
  std::vector<DagSpec> dags;
  for (int i = 0; i < 40; ++i) {
    dags.push_back(Dag("m" + std::to_string(i), "none", now - kDay, false,
                       {Task("a", "noop"), Task("b", "noop", {"a"})}));
  }
  dags.push_back(Dag("trip", "none", now - kDay, false,
                     {Task("t", "trip"), Task("after", "echo", {"t"}, {{"value", "x"}})}));
  auto s = Scheduler::Create(dags, &flaky, &types, o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_TRUE((*s)->Start().ok());
  auto wait_for = [](auto pred) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline && !pred()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return pred();
  };
  auto stored_success = [&](const std::string& dag) {
    auto runs = inner->ListRuns(dag);
    return runs.ok() && runs->size() == 1 && runs->back().state == RunState::kSuccess;
  };
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE((*s)->Trigger("m" + std::to_string(i), std::nullopt, std::nullopt, {}).ok());
  }
  ASSERT_TRUE(wait_for([&] {
    for (int i = 0; i < 40; ++i) {
      if (!stored_success("m" + std::to_string(i))) return false;
    }
    return true;
  }));
  EXPECT_EQ(recorder.Tries("b").size(), 40u);
  EXPECT_GT(flaky.multi_batches.load(), 0);

  // `t` refuses the store as it runs: its outcome and `after` queued are one refused batch.
  auto run = (*s)->Trigger("trip", std::nullopt, std::nullopt, {});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  ASSERT_TRUE(wait_for([&] { return flaky.fail.load(); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // a held try would have run
  EXPECT_TRUE(recorder.Tries("after").empty()) << "a try started on an unwritten state";
  auto tis = inner->ListTasks("trip", run->run_id);
  ASSERT_TRUE(tis.ok());
  for (const auto& ti : *tis) {
    if (ti.task_id == "t") {
      EXPECT_EQ(ti.state, TaskState::kRunning);  // its end is not written
    } else {
      EXPECT_EQ(ti.state, TaskState::kNone);  // `after`: its queueing neither
    }
  }
  Status paused = (*s)->SetPaused("m0", true);
  EXPECT_TRUE(paused.IsIOError()) << paused.ToString();

  // The store recovers: the loop's retry writes the batch and `after` starts.
  flaky.fail = false;
  ASSERT_TRUE(wait_for([&] { return stored_success("trip"); }));
  EXPECT_EQ(recorder.Tries("after").size(), 1u);
  ASSERT_TRUE((*s)->SetPaused("m0", true).ok());
  (*s)->Stop();
  EXPECT_EQ(recorder.Tries("a").size(), 40u);
}

}  // namespace
}  // namespace kappa::orchestrator::testing
