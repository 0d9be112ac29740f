// Executor tests of whole-statement semantics added for issue 19: BATCH atomicity on both
// routes, DESCRIBE, and the prepared-statement cache's eviction.
#include <thread>

#include "cql/server/executor_test_fixture.h"

namespace kappa::cql {
namespace {

TEST_F(ExecutorTest, UnloggedBatchesAreAtomicOnBothRoutes) {
  Ok("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  session_.keyspace = "ks";
  Ok("CREATE TABLE t (k int, c int, v text, l list<int>, PRIMARY KEY (k, c))");
  for (int c = 0; c < 3; ++c) Ok("INSERT INTO t (k, c, v, l) VALUES (2, " + std::to_string(c) + ", 'old', [1])");
  const Table before = Rows("SELECT k, c, v FROM t");
  const std::vector<std::string> stmts = {"INSERT INTO t (k, c, v) VALUES (1, 1, 'a')",
                                          "DELETE FROM t WHERE k = 2 AND c >= 0",
                                          "UPDATE t SET l[9] = 1 WHERE k = 2 AND c = 0"};
  for (bool grouped : {false, true}) {
    std::optional<WriteGroup> group;
    if (grouped) group.emplace(store_.get());
    std::vector<Executor::BatchItem> items;
    for (const auto& q : stmts) items.push_back({false, q, {}});
    auto r = exec_->Batch(1, items, QueryOptions(), session_);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "List index 9 out of bound, list has size 1");
    auto q = Q("BEGIN UNLOGGED BATCH " + stmts[0] + "; " + stmts[1] + "; " + stmts[2] + " APPLY BATCH");
    ASSERT_FALSE(q.ok());
    EXPECT_EQ(q.error().message, r.error().message);
    if (group) ASSERT_TRUE(group->Commit().ok());
    EXPECT_EQ(Rows("SELECT k, c, v FROM t"), before);
  }
}

TEST_F(ExecutorTest, DescribeRendersWhatCreatedTheTable) {
  Ok("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  const std::string create =
      "CREATE TABLE ks.t (k int, c text, s int static, m map<text, frozen<list<int>>>, "
      "PRIMARY KEY (k, c)) WITH CLUSTERING ORDER BY (c DESC)";
  Ok(create);
  auto rows = Rows("DESCRIBE TABLE ks.t");
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_EQ(rows[0].size(), 4u);
  const std::string& text = rows[0][3];
  EXPECT_EQ(text.substr(0, text.find(") WITH")),
            "CREATE TABLE ks.t (\n    k int,\n    c text,\n    s int static,\n"
            "    m map<text, frozen<list<int>>>,\n    PRIMARY KEY (k, c)\n");
  // The text is accepted again and describes the same way.
  Ok("DROP TABLE ks.t");
  Ok(text);
  EXPECT_EQ(Rows("DESCRIBE TABLE ks.t")[0][3], text);
}

TEST_F(ExecutorTest, PreparedCacheEvictsLeastRecentlyUsedByBytes) {
  ExecutorOptions eo;
  eo.prepared_cache_bytes = 64 * 1024;
  eo.max_statement_bytes = 16 * 1024;
  NodeInfo node;
  Executor ex(store_.get(), node, eo);
  Ok("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  Ok("CREATE TABLE ks.t (k int PRIMARY KEY, v int)");
  std::string pad(4000, 'x');
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i) {
    auto r = ex.Prepare("SELECT v FROM ks.t WHERE k = ? /* " + std::to_string(i) + pad + " */",
                        session_);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ids.push_back(r.value().prepared->id);
    if (i == 5) {  // keep statement 0 in use: it must outlive 1..5
      QueryOptions o;
      o.values = {WireValue::Of(std::string("\0\0\0\1", 4))};
      ASSERT_TRUE(ex.ExecutePrepared(ids[0], o, session_).ok());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_LE(ex.prepared_bytes(), eo.prepared_cache_bytes);
  EXPECT_LT(ex.prepared_count(), 40u);
  EXPECT_GT(ex.prepared_count(), 3u);
  QueryOptions o;
  o.values = {WireValue::Of(std::string("\0\0\0\1", 4))};
  auto evicted = ex.ExecutePrepared(ids[1], o, session_);
  ASSERT_FALSE(evicted.ok());
  EXPECT_EQ(evicted.error().code, ErrorCode::kUnprepared);
  EXPECT_EQ(evicted.error().prepared_id, ids[1]);
  EXPECT_TRUE(ex.ExecutePrepared(ids.back(), o, session_).ok());
  // A statement longer than max_statement_bytes is refused before parsing.
  auto big = ex.Query("SELECT v FROM ks.t WHERE k = 1 /* " + std::string(20000, 'y') + " */",
                      QueryOptions{}, session_);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, ErrorCode::kInvalid);
  EXPECT_NE(big.error().message.find("max_statement_size"), std::string::npos);
}


}  // namespace
}  // namespace kappa::cql
