// OpenStoreMetaStore: the contract suite over kappa's store, and what only the store does:
// persistence across reopen, read-only views, the tables' shape as CQL sees it, refusing
// tables of another shape, text that is not UTF-8.
#include <gtest/gtest.h>

#include "orchestrator/meta_store_contract_test.h"
#include "store/store.h"
#include "testutil/temp_dir.h"

namespace kappa::orchestrator {
namespace {

constexpr TimeMs kT0 = 1'693'735'200'000;  // 2023-09-03T10:00:00Z

std::unique_ptr<store::Store> OpenStore(const std::string& dir, bool read_only = false) {
  store::StoreOptions o;
  o.data_dir = dir;
  o.read_only = read_only;
  o.settle_after_ms = 0;
  auto s = store::Store::Open(o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(*s) : nullptr;
}

struct StoreEnv : MetaStoreEnv {
  explicit StoreEnv(bool sync) {
    store = OpenStore(dir.path());
    auto m = OpenStoreMetaStore(store.get(), sync);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    if (m.ok()) meta_store = std::move(*m);
  }
  MetaStore* meta() override { return meta_store.get(); }
  testutil::TempDir dir{"kappa-meta-test"};
  std::unique_ptr<store::Store> store;
  std::unique_ptr<MetaStore> meta_store;
};

INSTANTIATE_TEST_SUITE_P(
    Store, MetaStoreContract,
    ::testing::Values(MetaStoreFactory{"sync", [] { return std::make_unique<StoreEnv>(true); }},
                      MetaStoreFactory{"nosync",
                                       [] { return std::make_unique<StoreEnv>(false); }}),
    FactoryName);

DagRun SampleRun(const std::string& dag, TimeMs logical) {
  DagRun r;
  r.dag_id = dag;
  r.run_id = MakeRunId(RunType::kScheduled, logical);
  r.logical_date = logical;
  r.data_interval = {logical, logical + 86'400'000};
  r.queued_at = logical;
  r.conf = {{"k", "v"}};
  return r;
}

TEST(StoreMetaStore, EverythingSurvivesReopen) {
  testutil::TempDir dir("kappa-meta-test");
  {
    auto store = OpenStore(dir.path());
    auto meta = OpenStoreMetaStore(store.get());
    ASSERT_TRUE(meta.ok());
    ASSERT_TRUE((*meta)->PutDag({"d", true, DataInterval{kT0, kT0 + 1}, kT0}).ok());
    ASSERT_TRUE((*meta)->PutRun(SampleRun("d", kT0)).ok());
    TaskInstance t;
    t.dag_id = "d";
    t.run_id = SampleRun("d", kT0).run_id;
    t.task_id = "t";
    t.state = TaskState::kRunning;
    ASSERT_TRUE((*meta)->PutTask(t).ok());
    ASSERT_TRUE((*meta)->AppendLog("d", t.run_id, "t", 1, "before").ok());
  }
  auto store = OpenStore(dir.path());
  auto meta = OpenStoreMetaStore(store.get());
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();
  auto dags = (*meta)->ListDags();
  ASSERT_EQ(dags->size(), 1u);
  EXPECT_TRUE((*dags)[0].is_paused);
  auto runs = (*meta)->ListRuns("d");
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].conf, nlohmann::json({{"k", "v"}}));
  std::string run_id = (*runs)[0].run_id;
  EXPECT_EQ((*(*meta)->ListTasks("d", run_id))[0].state, TaskState::kRunning);
  // A reopened store appends after what is there, and DeleteRun finds runs it did not write.
  ASSERT_TRUE((*meta)->AppendLog("d", run_id, "t", 1, "after").ok());
  EXPECT_EQ(*(*meta)->ReadLog("d", run_id, "t", 1), (std::vector<std::string>{"before", "after"}));
  ASSERT_TRUE((*meta)->DeleteRun("d", run_id).ok());
  EXPECT_TRUE((*meta)->ListRuns("d")->empty());
  EXPECT_TRUE((*meta)->DeleteRun("d", run_id).IsNotFound());
}

TEST(StoreMetaStore, ReadOnlyViewReadsAndRefusesWrites) {
  testutil::TempDir dir("kappa-meta-test");
  auto owner = OpenStore(dir.path());
  {
    // No history yet: a reader says so instead of creating tables.
    auto ro = OpenStore(dir.path(), /*read_only=*/true);
    auto m = OpenStoreMetaStore(ro.get());
    ASSERT_TRUE(m.status().IsNotFound());
    EXPECT_NE(m.status().message().find("kappa_meta"), std::string::npos);
  }
  auto meta = OpenStoreMetaStore(owner.get());
  ASSERT_TRUE(meta.ok());
  ASSERT_TRUE((*meta)->PutRun(SampleRun("d", kT0)).ok());
  auto ro = OpenStore(dir.path(), /*read_only=*/true);
  auto view = OpenStoreMetaStore(ro.get());
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  auto runs = (*view)->ListRuns("d");
  ASSERT_TRUE(runs.ok()) << runs.status().ToString();
  EXPECT_EQ(runs->size(), 1u);
  EXPECT_TRUE((*view)->PutRun(SampleRun("d", kT0 + 1)).IsUnavailable());
}

// What `kappa cql` and drivers see: the documented keys (docs/formats/orchestrator-meta.md).
TEST(StoreMetaStore, TablesHaveTheDocumentedKeys) {
  testutil::TempDir dir("kappa-meta-test");
  auto store = OpenStore(dir.path());
  ASSERT_TRUE(OpenStoreMetaStore(store.get()).ok());
  ASSERT_TRUE(OpenStoreMetaStore(store.get()).ok());  // idempotent
  auto key_of = [&](const char* table) {
    auto t = store->GetTable("kappa_meta", table);
    EXPECT_TRUE(t.ok()) << table;
    std::string cql = (*t)->ToCql();
    auto at = cql.find("PRIMARY KEY");
    return at == std::string::npos ? cql : cql.substr(at, cql.find(')', at) - at + 1);
  };
  EXPECT_NE((*store->GetTable("kappa_meta", "dags"))->ToCql().find("dag_id text PRIMARY KEY"),
            std::string::npos);
  EXPECT_EQ(key_of("dag_runs"), "PRIMARY KEY (dag_id, logical_date, run_id)");
  EXPECT_EQ(key_of("task_instances"), "PRIMARY KEY ((dag_id, run_id)");
  EXPECT_EQ(key_of("task_logs"), "PRIMARY KEY ((dag_id, run_id, task_id, try_number)");
  EXPECT_EQ(store->ListTables("kappa_meta").size(), 4u);
}

TEST(StoreMetaStore, RefusesATableOfAnotherShape) {
  testutil::TempDir dir("kappa-meta-test");
  auto store = OpenStore(dir.path());
  ASSERT_TRUE(store->CreateKeyspace({"kappa_meta", {{"class", "SimpleStrategy"},
                                                    {"replication_factor", "1"}}, true},
                                    false)
                  .ok());
  store::TableSchema t;
  t.keyspace = "kappa_meta";
  t.name = "dags";
  t.columns.push_back({"dag_id", store::TypeKind::kText, store::ColumnKind::kPartitionKey, 0});
  t.columns.push_back({"is_paused", store::TypeKind::kText});
  ASSERT_TRUE(store->CreateTable(t, false).ok());
  auto m = OpenStoreMetaStore(store.get());
  ASSERT_TRUE(m.status().IsInvalidArgument());
  EXPECT_NE(m.status().message().find("is_paused"), std::string::npos) << m.status().message();
}

TEST(StoreMetaStore, TextThatIsNotUtf8IsKeptReadable) {
  testutil::TempDir dir("kappa-meta-test");
  auto store = OpenStore(dir.path());
  auto meta = OpenStoreMetaStore(store.get());
  ASSERT_TRUE(meta.ok());
  ASSERT_TRUE((*meta)->AppendLog("d", "r", "t", 1, "bytes \xff\xfe end, é").ok());
  EXPECT_EQ((*(*meta)->ReadLog("d", "r", "t", 1))[0], "bytes \xef\xbf\xbd\xef\xbf\xbd end, é");
  TaskInstance t;
  t.dag_id = "d";
  t.run_id = "r";
  t.task_id = "t";
  t.result = "\xc3";  // a truncated sequence
  ASSERT_TRUE((*meta)->PutTask(t).ok());
  EXPECT_EQ((*(*meta)->ListTasks("d", "r"))[0].result, "\xef\xbf\xbd");
  // Ids are keys: refused rather than changed.
  EXPECT_TRUE((*meta)->AppendLog("d", "r\xff", "t", 1, "x").IsInvalidArgument());
  t.task_id = "";
  EXPECT_TRUE((*meta)->PutTask(t).IsInvalidArgument());
}

}  // namespace
}  // namespace kappa::orchestrator
