// The MetaStore contract (orchestrator.h): what every implementation must do. Instantiated
// for the store (meta_store_test.cc) and, where linked, the memory store.
#include "orchestrator/meta_store_contract_test.h"

#include <thread>

#include "orchestrator/meta_batch.h"

namespace kappa::orchestrator {
namespace {

constexpr TimeMs kDay = 86'400'000;
constexpr TimeMs kContractT0 = 1'693'735'200'000;  // 2023-09-03T10:00:00Z

DagRun MakeRun(const std::string& dag, TimeMs logical, RunType type = RunType::kScheduled) {
  DagRun r;
  r.dag_id = dag;
  r.run_type = type;
  r.run_id = MakeRunId(type, logical);
  r.logical_date = logical;
  r.data_interval = {logical, logical + kDay};
  r.queued_at = logical + kDay + 5;
  return r;
}

TaskInstance Task(const std::string& dag, const std::string& run, const std::string& task) {
  TaskInstance t;
  t.dag_id = dag;
  t.run_id = run;
  t.task_id = task;
  return t;
}

void ExpectSameRun(const DagRun& a, const DagRun& b) {
  EXPECT_EQ(a.dag_id, b.dag_id);
  EXPECT_EQ(a.run_id, b.run_id);
  EXPECT_EQ(a.run_type, b.run_type);
  EXPECT_EQ(a.state, b.state);
  EXPECT_EQ(a.logical_date, b.logical_date);
  EXPECT_EQ(a.data_interval, b.data_interval);
  EXPECT_EQ(a.queued_at, b.queued_at);
  EXPECT_EQ(a.start_date, b.start_date);
  EXPECT_EQ(a.end_date, b.end_date);
  EXPECT_EQ(a.external_trigger, b.external_trigger);
  EXPECT_EQ(a.conf, b.conf);
  EXPECT_EQ(a.note, b.note);
}

TEST_P(MetaStoreContract, DagsUpsertAndListSortedById) {
  EXPECT_TRUE(meta()->ListDags()->empty());
  DagRecord b{"b_dag", true, DataInterval{kContractT0, kContractT0 + kDay}, kContractT0 + 1};
  DagRecord a{"a_dag", false, std::nullopt, 0};
  ASSERT_TRUE(meta()->PutDag(b).ok());
  ASSERT_TRUE(meta()->PutDag(a).ok());
  auto dags = meta()->ListDags();
  ASSERT_TRUE(dags.ok()) << dags.status().ToString();
  ASSERT_EQ(dags->size(), 2u);
  EXPECT_EQ((*dags)[0].dag_id, "a_dag");
  EXPECT_FALSE((*dags)[0].is_paused);
  EXPECT_FALSE((*dags)[0].last_automated.has_value());
  EXPECT_EQ((*dags)[1].dag_id, "b_dag");
  EXPECT_TRUE((*dags)[1].is_paused);
  EXPECT_EQ((*dags)[1].last_automated, (DataInterval{kContractT0, kContractT0 + kDay}));
  EXPECT_EQ((*dags)[1].last_parsed_time, kContractT0 + 1);

  // Upsert: unpause, move the cursor, then clear it again.
  b.is_paused = false;
  b.last_automated = DataInterval{kContractT0 + kDay, kContractT0 + 2 * kDay};
  ASSERT_TRUE(meta()->PutDag(b).ok());
  dags = meta()->ListDags();
  ASSERT_EQ(dags->size(), 2u);
  EXPECT_FALSE((*dags)[1].is_paused);
  EXPECT_EQ((*dags)[1].last_automated, (DataInterval{kContractT0 + kDay, kContractT0 + 2 * kDay}));
  b.last_automated.reset();
  ASSERT_TRUE(meta()->PutDag(b).ok());
  EXPECT_FALSE((*meta()->ListDags())[1].last_automated.has_value());
}

TEST_P(MetaStoreContract, RunsRoundTripEveryFieldInLogicalDateOrder) {
  DagRun late = MakeRun("d", kContractT0 + 2 * kDay);
  DagRun early = MakeRun("d", kContractT0);
  DagRun manual = MakeRun("d", kContractT0 + kDay + 3600'000, RunType::kManual);
  manual.external_trigger = true;
  manual.state = RunState::kRunning;
  manual.start_date = kContractT0 + 3 * kDay;
  manual.conf = {{"colour", "blue"}, {"n", 3}, {"nested", {{"a", {1, 2}}}}};
  manual.note = "triggered by hand: l'été";
  early.state = RunState::kSuccess;
  early.start_date = kContractT0 + kDay + 10;
  early.end_date = kContractT0 + kDay + 70'000;
  for (const DagRun* r : {&late, &early, &manual}) ASSERT_TRUE(meta()->PutRun(*r).ok());
  ASSERT_TRUE(meta()->PutRun(MakeRun("other", kContractT0)).ok());

  auto runs = meta()->ListRuns("d");
  ASSERT_TRUE(runs.ok()) << runs.status().ToString();
  ASSERT_EQ(runs->size(), 3u);
  ExpectSameRun((*runs)[0], early);
  ExpectSameRun((*runs)[1], manual);
  ExpectSameRun((*runs)[2], late);
  EXPECT_EQ(meta()->ListRuns("other")->size(), 1u);
  EXPECT_TRUE(meta()->ListRuns("nobody")->empty());
}

TEST_P(MetaStoreContract, RunUpsertByRunIdReplacesTheRow) {
  DagRun r = MakeRun("d", kContractT0);
  ASSERT_TRUE(meta()->PutRun(r).ok());
  r.state = RunState::kRunning;
  r.start_date = kContractT0 + kDay;
  ASSERT_TRUE(meta()->PutRun(r).ok());
  r.state = RunState::kFailed;
  r.end_date = kContractT0 + kDay + 1;
  ASSERT_TRUE(meta()->PutRun(r).ok());
  auto runs = meta()->ListRuns("d");
  ASSERT_EQ(runs->size(), 1u);
  ExpectSameRun((*runs)[0], r);
  // Optional fields go back to unset with the next upsert.
  r.state = RunState::kQueued;
  r.start_date.reset();
  r.end_date.reset();
  ASSERT_TRUE(meta()->PutRun(r).ok());
  ExpectSameRun((*meta()->ListRuns("d"))[0], r);
  // Same run id, another logical date: still one run, at its new place.
  DagRun moved = r;
  moved.logical_date = kContractT0 - kDay;
  ASSERT_TRUE(meta()->PutRun(MakeRun("d", kContractT0 - 2 * kDay)).ok());
  ASSERT_TRUE(meta()->PutRun(moved).ok());
  runs = meta()->ListRuns("d");
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[1].run_id, r.run_id);
  EXPECT_EQ((*runs)[1].logical_date, kContractT0 - kDay);
}

TEST_P(MetaStoreContract, DeleteRunRemovesItsTaskInstances) {
  DagRun keep = MakeRun("d", kContractT0), gone = MakeRun("d", kContractT0 + kDay);
  ASSERT_TRUE(meta()->PutRun(keep).ok());
  ASSERT_TRUE(meta()->PutRun(gone).ok());
  ASSERT_TRUE(meta()->PutTask(Task("d", keep.run_id, "t")).ok());
  ASSERT_TRUE(meta()->PutTask(Task("d", gone.run_id, "t")).ok());
  ASSERT_TRUE(meta()->DeleteRun("d", gone.run_id).ok());
  auto runs = meta()->ListRuns("d");
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].run_id, keep.run_id);
  EXPECT_TRUE(meta()->ListTasks("d", gone.run_id)->empty());
  EXPECT_EQ(meta()->ListTasks("d", keep.run_id)->size(), 1u);
  // The run id can be used again.
  ASSERT_TRUE(meta()->PutRun(gone).ok());
  EXPECT_EQ(meta()->ListRuns("d")->size(), 2u);
}

TEST_P(MetaStoreContract, DeleteRunRemovesEveryTryLogOfItsTasks) {
  DagRun keep = MakeRun("d", kContractT0), gone = MakeRun("d", kContractT0 + kDay);
  ASSERT_TRUE(meta()->PutRun(keep).ok());
  ASSERT_TRUE(meta()->PutRun(gone).ok());
  for (const DagRun* r : {&keep, &gone}) {
    for (const char* task : {"a", "b"}) {
      TaskInstance ti = Task("d", r->run_id, task);
      ti.try_number = 3;
      ASSERT_TRUE(meta()->PutTask(ti).ok());
      for (int k = 1; k <= 3; ++k) {
        ASSERT_TRUE(meta()->AppendLog("d", r->run_id, task, k, "try " + std::to_string(k)).ok());
      }
    }
  }
  ASSERT_TRUE(meta()->DeleteRun("d", gone.run_id).ok());
  for (const char* task : {"a", "b"}) {
    for (int k = 1; k <= 3; ++k) {
      EXPECT_TRUE(meta()->ReadLog("d", gone.run_id, task, k)->empty()) << task << k;
      EXPECT_EQ(*meta()->ReadLog("d", keep.run_id, task, k),
                std::vector<std::string>{"try " + std::to_string(k)});
    }
  }
}

TEST_P(MetaStoreContract, TaskInstancesRoundTripPerRun) {
  TaskInstance b = Task("d", "r1", "b_task");
  b.state = TaskState::kUpForRetry;
  b.try_number = 2;
  b.max_tries = 4;
  b.queued_at = kContractT0 + 1;
  b.start_date = kContractT0 + 2;
  b.end_date = kContractT0 + 3;
  b.next_retry_at = kContractT0 + 300'000;
  b.operator_name = "http";
  b.hostname = "host-1";
  b.pid = 4242;
  b.result = "{\"n\": 60}";
  b.error = "HTTP 503 from http://x/";
  TaskInstance a = Task("d", "r1", "a_task");
  a.state = TaskState::kNone;
  ASSERT_TRUE(meta()->PutTask(b).ok());
  ASSERT_TRUE(meta()->PutTask(a).ok());
  ASSERT_TRUE(meta()->PutTask(Task("d", "r2", "a_task")).ok());
  auto tis = meta()->ListTasks("d", "r1");
  ASSERT_TRUE(tis.ok()) << tis.status().ToString();
  ASSERT_EQ(tis->size(), 2u);
  EXPECT_EQ((*tis)[0].task_id, "a_task");
  EXPECT_EQ((*tis)[0].state, TaskState::kNone);
  EXPECT_FALSE((*tis)[0].start_date.has_value());
  const TaskInstance& got = (*tis)[1];
  EXPECT_EQ(got.dag_id, "d");
  EXPECT_EQ(got.run_id, "r1");
  EXPECT_EQ(got.task_id, "b_task");
  EXPECT_EQ(got.state, TaskState::kUpForRetry);
  EXPECT_EQ(got.try_number, 2);
  EXPECT_EQ(got.max_tries, 4);
  EXPECT_EQ(got.queued_at, kContractT0 + 1);
  EXPECT_EQ(got.start_date, kContractT0 + 2);
  EXPECT_EQ(got.end_date, kContractT0 + 3);
  EXPECT_EQ(got.next_retry_at, kContractT0 + 300'000);
  EXPECT_EQ(got.operator_name, "http");
  EXPECT_EQ(got.hostname, "host-1");
  EXPECT_EQ(got.pid, 4242);
  EXPECT_EQ(got.result, "{\"n\": 60}");
  EXPECT_EQ(got.error, "HTTP 503 from http://x/");
  EXPECT_EQ(meta()->ListTasks("d", "r2")->size(), 1u);
  EXPECT_TRUE(meta()->ListTasks("d", "r3")->empty());
}

// The last write wins even when writes come faster than the clock ticks (the scheduler
// writes queued, running, success of one instance back to back).
TEST_P(MetaStoreContract, BackToBackUpdatesKeepTheLastWrite) {
  TaskInstance t = Task("d", "r", "t");
  const TaskState cycle[] = {TaskState::kSuccess, TaskState::kQueued, TaskState::kRunning};
  for (int i = 0; i < 300; ++i) {
    t.state = cycle[i % 3];
    t.try_number = i;
    ASSERT_TRUE(meta()->PutTask(t).ok());
    auto got = meta()->ListTasks("d", "r");
    ASSERT_EQ(got->size(), 1u);
    ASSERT_EQ((*got)[0].state, t.state) << "write " << i;
    ASSERT_EQ((*got)[0].try_number, i);
  }
}

// The scheduler's batch of one pass: a run created and moved on, its instance queued, the
// DAG's cursor, and a run whose logical date changes twice, all in one PutBatch: read back
// as the last write of each, in order (a timestamp tie must not pick the wrong one).
TEST_P(MetaStoreContract, PutBatchAppliesEveryWriteInOrder) {
  DagRun run = MakeRun("d", kContractT0);
  TaskInstance ti = Task("d", run.run_id, "t");
  DagRun running = run;
  running.state = RunState::kRunning;
  running.start_date = kContractT0 + kDay + 7;
  TaskInstance queued = ti;
  queued.state = TaskState::kQueued;
  queued.queued_at = kContractT0 + kDay + 8;
  DagRecord dag{"d", false, DataInterval{kContractT0, kContractT0 + kDay}, 0};
  DagRun moved = MakeRun("d", kContractT0 + 5 * kDay, RunType::kManual);
  DagRun moved_again = moved;
  moved_again.logical_date = kContractT0 + 6 * kDay;
  DagRun moved_last = moved;
  moved_last.logical_date = kContractT0 + 3 * kDay;
  std::vector<MetaWrite> batch{run,   ti,    running,     dag,
                                      queued, moved, moved_again, moved_last};
  ASSERT_TRUE(PutBatch(meta(), batch).ok());
  auto runs = meta()->ListRuns("d");
  ASSERT_TRUE(runs.ok()) << runs.status().ToString();
  ASSERT_EQ(runs->size(), 2u);
  ExpectSameRun((*runs)[0], running);
  ExpectSameRun((*runs)[1], moved_last);
  auto tis = meta()->ListTasks("d", run.run_id);
  ASSERT_TRUE(tis.ok());
  ASSERT_EQ(tis->size(), 1u);
  EXPECT_EQ((*tis)[0].state, TaskState::kQueued);
  EXPECT_EQ((*tis)[0].queued_at, queued.queued_at);
  auto dags = meta()->ListDags();
  ASSERT_TRUE(dags.ok());
  ASSERT_EQ(dags->size(), 1u);
  EXPECT_EQ((*dags)[0].last_automated, dag.last_automated);
  // A batch after single writes: the run cached by PutRun moves again.
  DagRun back = moved_last;
  back.logical_date = kContractT0 + 4 * kDay;
  ASSERT_TRUE(PutBatch(meta(), {back}).ok());
  runs = meta()->ListRuns("d");
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[1].logical_date, kContractT0 + 4 * kDay);
  EXPECT_TRUE(PutBatch(meta(), {}).ok());
}

TEST_P(MetaStoreContract, LogsInAppendOrderPerTry) {
  EXPECT_TRUE(meta()->ReadLog("d", "r", "t", 1)->empty());
  for (int i = 0; i < 500; ++i) {
    ASSERT_TRUE(meta()->AppendLog("d", "r", "t", 1, "line " + std::to_string(i)).ok());
  }
  ASSERT_TRUE(meta()->AppendLog("d", "r", "t", 2, "second try").ok());
  ASSERT_TRUE(meta()->AppendLog("d", "r", "t", 1, "").ok());  // empty lines are lines
  auto one = meta()->ReadLog("d", "r", "t", 1);
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  ASSERT_EQ(one->size(), 501u);
  for (int i = 0; i < 500; ++i) ASSERT_EQ((*one)[size_t(i)], "line " + std::to_string(i));
  EXPECT_EQ((*one)[500], "");
  EXPECT_EQ(*meta()->ReadLog("d", "r", "t", 2), std::vector<std::string>{"second try"});
  EXPECT_TRUE(meta()->ReadLog("d", "r", "other", 1)->empty());
}

TEST_P(MetaStoreContract, LogPagesCoverTheLogOnceAndSeeLaterLines) {
  LogPage empty = *meta()->ReadLogPage("d", "r", "t", 1, 0, 100);
  EXPECT_TRUE(empty.lines.empty());
  EXPECT_FALSE(empty.more);
  // 100 lines "line 00".."line 99": 8 bytes each with the newline.
  std::vector<std::string> want;
  for (int i = 0; i < 100; ++i) {
    want.push_back(std::string("line ") + char('0' + i / 10) + char('0' + i % 10));
    ASSERT_TRUE(meta()->AppendLog("d", "r", "t", 1, want.back()).ok());
  }
  ASSERT_TRUE(meta()->AppendLog("d", "r", "t", 2, "other try").ok());
  // Page boundaries at every size around a line's: each page is within its budget (at least
  // one line), and together they are the log, in order, once.
  for (size_t max_bytes : {1u, 7u, 8u, 9u, 16u, 17u, 799u, 800u, 10000u}) {
    std::vector<std::string> got;
    int64_t pos = 0;
    for (int pages = 0;; ++pages) {
      ASSERT_LT(pages, 200);
      auto page = meta()->ReadLogPage("d", "r", "t", 1, pos, max_bytes);
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      ASSERT_FALSE(page->lines.empty()) << max_bytes;
      EXPECT_LE(page->lines.size() * 8, std::max<size_t>(max_bytes, 8)) << max_bytes;
      got.insert(got.end(), page->lines.begin(), page->lines.end());
      pos = page->next;
      if (!page->more) break;
    }
    EXPECT_EQ(got, want) << max_bytes;
    // At the end: nothing more, until a line is appended.
    auto end = meta()->ReadLogPage("d", "r", "t", 1, pos, max_bytes);
    EXPECT_TRUE(end->lines.empty());
    EXPECT_FALSE(end->more);
  }
  auto first = meta()->ReadLogPage("d", "r", "t", 1, 0, 10000);
  ASSERT_TRUE(meta()->AppendLog("d", "r", "t", 1, "later").ok());
  auto later = meta()->ReadLogPage("d", "r", "t", 1, first->next, 10000);
  EXPECT_EQ(later->lines, std::vector<std::string>{"later"});
  EXPECT_EQ(meta()->ReadLogPage("d", "r", "t", 2, 0, 1)->lines,
            std::vector<std::string>{"other try"});
}

TEST_P(MetaStoreContract, ConcurrentWritersLoseNothing) {
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([this, w] {
      std::string task = "t" + std::to_string(w);
      for (int i = 0; i < 50; ++i) {
        TaskInstance t = Task("d", "r", task);
        t.try_number = i + 1;
        EXPECT_TRUE(meta()->PutTask(t).ok());
        EXPECT_TRUE(meta()->AppendLog("d", "r", task, 1, std::to_string(i)).ok());
      }
      EXPECT_TRUE(meta()->PutRun(MakeRun("d" + std::to_string(w), kContractT0)).ok());
    });
  }
  for (auto& t : threads) t.join();
  auto tis = meta()->ListTasks("d", "r");
  ASSERT_EQ(tis->size(), 4u);
  for (int w = 0; w < 4; ++w) {
    std::string task = "t" + std::to_string(w);
    EXPECT_EQ((*tis)[size_t(w)].try_number, 50);
    auto log = meta()->ReadLog("d", "r", task, 1);
    ASSERT_EQ(log->size(), 50u);
    for (int i = 0; i < 50; ++i) EXPECT_EQ((*log)[size_t(i)], std::to_string(i));
    EXPECT_EQ(meta()->ListRuns("d" + std::to_string(w))->size(), 1u);
  }
}

}  // namespace
}  // namespace kappa::orchestrator
