// Executors against a real store in a temp dir: DDL, writes, reads, paging, errors, system
// tables and prepared-statement metadata.
#include "cql/executor.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "cql/wire.h"

namespace kappa::cql {
namespace {

using store::Value;

class ExecutorTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cql_exec_test_" + std::to_string(::getpid()) + "_" +
            testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    store::StoreOptions o;
    o.data_dir = dir_.string();
    auto s = store::Store::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    NodeInfo node;
    node.host_id = Uuid::Random();
    exec_ = std::make_unique<Executor>(store_.get(), node);
  }
  void TearDown() override {
    exec_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  Outcome<ResultMessage> Q(const std::string& q, std::vector<WireValue> values = {},
                           int32_t page_size = -1, std::string paging = {}) {
    QueryOptions o;
    o.values = std::move(values);
    o.page_size = page_size;
    o.paging_state = std::move(paging);
    return exec_->Query(q, o, session_);
  }

  // Runs q and returns its rows decoded (values rendered as text).
  std::vector<std::vector<std::string>> Rows(const std::string& q, std::string* paging = nullptr,
                                             int32_t page_size = -1) {
    auto r = Q(q, {}, page_size, paging ? *paging : "");
    EXPECT_TRUE(r.ok()) << q << ": " << (r.ok() ? "" : r.error().message);
    if (!r.ok()) return {};
    EXPECT_EQ(r.value().kind, ResultMessage::Kind::kRows);
    const RowsResult& rows = r.value().rows;
    if (paging) *paging = rows.paging_state;
    std::vector<std::vector<std::string>> out;
    WireReader rd(rows.data);
    for (int i = 0; i < rows.row_count; ++i) {
      std::vector<std::string> row;
      for (const auto& c : rows.columns) {
        std::string_view cell;
        bool null = false;
        EXPECT_TRUE(rd.Bytes(&cell, &null));
        if (null) {
          row.push_back("null");
          continue;
        }
        auto v = store::DeserializeNative(c.type, cell);
        EXPECT_TRUE(v.ok());
        row.push_back(v.ok() ? v->ToString() : "?");
      }
      out.push_back(std::move(row));
    }
    EXPECT_EQ(rd.remaining(), 0u);
    return out;
  }

  void Ok(const std::string& q) {
    auto r = Q(q);
    ASSERT_TRUE(r.ok()) << q << ": " << r.error().message;
  }
  CqlError Err(const std::string& q) {
    auto r = Q(q);
    EXPECT_FALSE(r.ok()) << q;
    return r.ok() ? CqlError{} : r.error();
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Executor> exec_;
  Session session_;
};

TEST_F(ExecutorTest, DdlWritesAndReads) {
  Ok("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  Ok("USE ks");
  EXPECT_EQ(session_.keyspace, "ks");
  Ok("CREATE TABLE t (p int, c int, v text, PRIMARY KEY (p, c)) WITH CLUSTERING ORDER BY (c DESC)");
  for (int c = 0; c < 5; ++c) {
    Ok("INSERT INTO t (p, c, v) VALUES (1, " + std::to_string(c) + ", 'v" + std::to_string(c) + "')");
  }
  Ok("INSERT INTO t (p, c, v) VALUES (2, 0, 'other')");
  EXPECT_EQ(Rows("SELECT c, v FROM t WHERE p = 1 AND c = 3"),
            (std::vector<std::vector<std::string>>{{"3", "v3"}}));
  EXPECT_EQ(Rows("SELECT c FROM t WHERE p = 1 AND c > 1 AND c <= 3"),
            (std::vector<std::vector<std::string>>{{"3"}, {"2"}}));
  EXPECT_EQ(Rows("SELECT c FROM t WHERE p = 1 ORDER BY c ASC LIMIT 2"),
            (std::vector<std::vector<std::string>>{{"0"}, {"1"}}));
  EXPECT_EQ(Rows("SELECT count(*) FROM t"), (std::vector<std::vector<std::string>>{{"6"}}));
  EXPECT_EQ(Rows("SELECT p, c FROM t PER PARTITION LIMIT 1").size(), 2u);
  EXPECT_EQ(Rows("SELECT DISTINCT p FROM t").size(), 2u);
  EXPECT_EQ(Rows("SELECT v FROM t WHERE v = 'other' ALLOW FILTERING"),
            (std::vector<std::vector<std::string>>{{"other"}}));
  Ok("UPDATE t SET v = 'changed' WHERE p = 1 AND c = 4");
  EXPECT_EQ(Rows("SELECT v FROM t WHERE p = 1 AND c = 4")[0][0], "changed");
  Ok("DELETE FROM t WHERE p = 1 AND c >= 3");
  EXPECT_EQ(Rows("SELECT c FROM t WHERE p = 1").size(), 3u);
  Ok("DELETE FROM t WHERE p = 2");
  EXPECT_EQ(Rows("SELECT c FROM t WHERE p = 2").size(), 0u);
  auto json = Rows("SELECT JSON p, v FROM t WHERE p = 1 AND c = 0");
  ASSERT_EQ(json.size(), 1u);
  EXPECT_EQ(json[0][0], "{\"p\": 1, \"v\": \"v0\"}");
  Ok("INSERT INTO t JSON '{\"p\": 9, \"c\": 1, \"v\": \"from json\"}'");
  EXPECT_EQ(Rows("SELECT v FROM t WHERE p = 9 AND c = 1")[0][0], "from json");
}

TEST_F(ExecutorTest, PagingOverScansAndPartitions) {
  Ok("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  Ok("CREATE TABLE ks.kv (k int, c int, PRIMARY KEY (k, c))");
  for (int k = 0; k < 30; ++k) {
    for (int c = 0; c < 3; ++c) {
      Ok("INSERT INTO ks.kv (k, c) VALUES (" + std::to_string(k) + ", " + std::to_string(c) + ")");
    }
  }
  for (const char* q : {"SELECT k, c FROM ks.kv", "SELECT k, c FROM ks.kv WHERE c = 1 ALLOW FILTERING",
                        "SELECT k, c FROM ks.kv WHERE k IN (1, 2, 3, 4, 5)"}) {
    std::string paging;
    std::set<std::pair<std::string, std::string>> seen;
    int pages = 0;
    do {
      auto rows = Rows(q, &paging, 7);
      EXPECT_LE(rows.size(), 7u);
      for (auto& r : rows) EXPECT_TRUE(seen.insert({r[0], r[1]}).second) << q;
      ++pages;
    } while (!paging.empty() && pages < 100);
    size_t want = std::string(q).find("c = 1") != std::string::npos ? 30
                  : std::string(q).find("IN") != std::string::npos ? 15 : 90;
    EXPECT_EQ(seen.size(), want) << q;
    EXPECT_GT(pages, 2) << q;
  }
  // LIMIT spans pages.
  std::string paging;
  size_t total = 0;
  do total += Rows("SELECT k FROM ks.kv LIMIT 10", &paging, 4).size();
  while (!paging.empty());
  EXPECT_EQ(total, 10u);
}

TEST_F(ExecutorTest, ErrorsCarryCassandraCodes) {
  EXPECT_EQ(Err("SELEC 1").code, ErrorCode::kSyntaxError);
  EXPECT_EQ(Err("SELECT * FROM t").code, ErrorCode::kInvalid);  // no keyspace
  EXPECT_EQ(Err("SELECT * FROM nope.t").code, ErrorCode::kInvalid);
  Ok("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  CqlError e = Err("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  EXPECT_EQ(e.code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(e.keyspace, "ks");
  Ok("CREATE KEYSPACE IF NOT EXISTS ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  Ok("CREATE TABLE ks.t (a int PRIMARY KEY, b text)");
  e = Err("CREATE TABLE ks.t (a int PRIMARY KEY, b text)");
  EXPECT_EQ(e.code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(e.table, "t");
  EXPECT_EQ(Err("INSERT INTO ks.t (a, b) VALUES ('x', 'y')").message,
            "Invalid STRING constant (x) for \"a\" of type int");
  EXPECT_EQ(Err("INSERT INTO ks.t (b) VALUES ('y')").message, "Some partition key parts are missing: a");
  EXPECT_EQ(Err("SELECT * FROM ks.t WHERE b = 'y'").code, ErrorCode::kInvalid);
  EXPECT_EQ(Err("SELECT nosuch FROM ks.t").message, "Undefined column name nosuch");
  QueryOptions o;
  auto un = exec_->ExecutePrepared("0123456789abcdef", o, session_);
  ASSERT_FALSE(un.ok());
  EXPECT_EQ(un.error().code, ErrorCode::kUnprepared);
  EXPECT_EQ(un.error().prepared_id, "0123456789abcdef");
  // Nothing stored was harmed by the failures.
  Ok("INSERT INTO ks.t (a, b) VALUES (1, 'y')");
  EXPECT_EQ(Rows("SELECT b FROM ks.t WHERE a = 1")[0][0], "y");
}

TEST_F(ExecutorTest, PreparedMetadataAndBinding) {
  Ok("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  Ok("CREATE TABLE ks.t (a int, b text, c bigint, PRIMARY KEY ((a, b)))");
  auto p = exec_->Prepare("INSERT INTO ks.t (c, b, a) VALUES (?, ?, ?) USING TTL ?", session_);
  ASSERT_TRUE(p.ok()) << p.error().message;
  const auto& meta = p.value().prepared;
  ASSERT_EQ(meta.bind_columns.size(), 4u);
  EXPECT_EQ(meta.bind_columns[0].name, "c");
  EXPECT_EQ(meta.bind_columns[0].type.kind, store::TypeKind::kBigint);
  EXPECT_EQ(meta.bind_columns[3].name, "[ttl]");
  EXPECT_EQ(meta.pk_indexes, (std::vector<int16_t>{2, 1}));
  auto enc = [](const Value& v) {
    std::string s;
    store::SerializeNative(v, &s);
    return WireValue::Of(s);
  };
  QueryOptions o;
  o.values = {enc(Value::Bigint(7)), enc(Value::Text("x")), enc(Value::Int32(1)), WireValue::Null()};
  auto r = exec_->ExecutePrepared(meta.id, o, session_);
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto sel = exec_->Prepare("SELECT c FROM ks.t WHERE a = :a AND b = :b", session_);
  ASSERT_TRUE(sel.ok());
  EXPECT_EQ(sel.value().prepared.bind_columns[0].name, "a");
  EXPECT_EQ(sel.value().prepared.result_columns.size(), 1u);
  EXPECT_EQ(Rows("SELECT c FROM ks.t WHERE a = 1 AND b = 'x'")[0][0], "7");
}

TEST_F(ExecutorTest, SystemTables) {
  auto local = Rows("SELECT cluster_name, release_version, partitioner FROM system.local WHERE key = 'local'");
  ASSERT_EQ(local.size(), 1u);
  EXPECT_EQ(local[0][1].substr(0, 3), "4.0");
  Uuid before = store_->SchemaVersion();
  Ok("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  Ok("CREATE TABLE ks.t (a int, b int, PRIMARY KEY (a, b))");
  EXPECT_NE(store_->SchemaVersion(), before);
  auto cols = Rows("SELECT column_name, kind, position FROM system_schema.columns "
                   "WHERE keyspace_name = 'ks' AND table_name = 't'");
  ASSERT_EQ(cols.size(), 2u);
  EXPECT_EQ(Rows("SELECT * FROM system_schema.keyspaces WHERE keyspace_name = 'ks'").size(), 1u);
  EXPECT_EQ(Rows("SELECT * FROM system.peers").size(), 0u);
  for (const char* t : {"types", "functions", "aggregates", "triggers", "indexes", "views", "tables"}) {
    Rows(std::string("SELECT * FROM system_schema.") + t);
  }
}

}  // namespace
}  // namespace kappa::cql
