// QueryLocal (cql/cql.h): one statement in-process, its rows decoded, paged like a driver's.
#include <gtest/gtest.h>

#include <set>

#include "cql/cql.h"
#include "testutil/temp_dir.h"

namespace kappa::cql {
namespace {

class QueryLocalTest : public testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions o;
    o.data_dir = dir_.path();
    auto s = store::Store::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }
  testutil::TempDir dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(QueryLocalTest, KindsRowsNullsAndErrors) {
  auto ks = QueryLocal(store_.get(),
                       "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
                       "'replication_factor': 1}");
  ASSERT_TRUE(ks.ok()) << ks.status().ToString();
  EXPECT_EQ(ks->kind, LocalResult::Kind::kSchemaChange);
  EXPECT_EQ(ks->schema_change, "CREATED KEYSPACE ks");
  auto use = QueryLocal(store_.get(), "USE ks");
  ASSERT_TRUE(use.ok());
  EXPECT_EQ(use->kind, LocalResult::Kind::kSetKeyspace);
  EXPECT_EQ(use->keyspace, "ks");
  auto t = QueryLocal(store_.get(), "CREATE TABLE t (id int PRIMARY KEY, name text, n bigint)",
                      "ks");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->schema_change, "CREATED TABLE ks.t");
  auto ins = QueryLocal(store_.get(), "INSERT INTO ks.t (id, name) VALUES (1, '<b>x</b>')");
  ASSERT_TRUE(ins.ok());
  EXPECT_EQ(ins->kind, LocalResult::Kind::kVoid);

  auto rows = QueryLocal(store_.get(), "SELECT id, name, n FROM t", "ks");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->kind, LocalResult::Kind::kRows);
  ASSERT_EQ(rows->columns.size(), 3u);
  EXPECT_EQ(rows->columns[1].name, "name");
  EXPECT_EQ(rows->columns[2].type.ToString(), "bigint");
  ASSERT_EQ(rows->rows.size(), 1u);
  EXPECT_EQ(rows->rows[0][0].ToString(), "1");
  EXPECT_EQ(rows->rows[0][1].ToString(), "<b>x</b>");
  EXPECT_TRUE(rows->rows[0][2].is_null());
  EXPECT_TRUE(rows->paging_state.empty());

  auto bad = QueryLocal(store_.get(), "SELEC * FROM t", "ks");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kInvalidArgument);
  auto missing = QueryLocal(store_.get(), "SELECT * FROM nope", "ks");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("nope"), std::string::npos)
      << missing.status().message();
}

// Every page boundary: page sizes that divide the row count and that do not, down to 1.
TEST_F(QueryLocalTest, PagingReturnsEveryRowOnce) {
  ASSERT_TRUE(QueryLocal(store_.get(),
                         "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
                         "'replication_factor': 1}").ok());
  ASSERT_TRUE(QueryLocal(store_.get(), "CREATE TABLE ks.t (id int PRIMARY KEY)").ok());
  const int kRows = 23;
  for (int i = 0; i < kRows; ++i) {
    ASSERT_TRUE(QueryLocal(store_.get(), "INSERT INTO ks.t (id) VALUES (" + std::to_string(i) + ")").ok());
  }
  for (int page : {1, 5, 22, 23, 24}) {
    std::set<std::string> seen;
    std::string state;
    int pages = 0;
    do {
      auto r = QueryLocal(store_.get(), "SELECT id FROM ks.t", "", page, state);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      EXPECT_LE(int(r->rows.size()), page);
      for (const auto& row : r->rows) EXPECT_TRUE(seen.insert(row[0].ToString()).second);
      state = r->paging_state;
      ASSERT_LT(++pages, 100);
    } while (!state.empty());
    EXPECT_EQ(int(seen.size()), kRows) << "page size " << page;
  }
}

}  // namespace
}  // namespace kappa::cql
