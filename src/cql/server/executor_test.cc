// Executors against a real store in a temp dir: DDL, writes, reads, paging, errors, system
// tables and prepared-statement metadata.
#include <thread>

#include "cql/server/executor_test_fixture.h"

namespace kappa::cql {
namespace {

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
  const auto& meta = *p.value().prepared;
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
  EXPECT_EQ(sel.value().prepared->bind_columns[0].name, "a");
  EXPECT_EQ(sel.value().prepared->result_columns.size(), 1u);
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


TEST_F(ExecutorTest, WriteTimeAndTtlSelectors) {
  Ok("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  Ok("USE ks");
  Ok("CREATE TABLE t (k int PRIMARY KEY, a text, b text)");
  Ok("INSERT INTO t (k, a) VALUES (1, 'x') USING TIMESTAMP 1234567 AND TTL 1000");
  Ok("UPDATE t USING TIMESTAMP 2000000 SET b = 'y' WHERE k = 1");
  auto r = Q("SELECT writetime(a), ttl(a), writetime(b), ttl(b) AS tb FROM t WHERE k = 1");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r.value().rows.columns.size(), 4u);
  EXPECT_EQ(r.value().rows.columns[0].name, "writetime(a)");
  EXPECT_EQ(r.value().rows.columns[0].type.kind, store::TypeKind::kBigint);
  EXPECT_EQ(r.value().rows.columns[1].name, "ttl(a)");
  EXPECT_EQ(r.value().rows.columns[1].type.kind, store::TypeKind::kInt);
  EXPECT_EQ(r.value().rows.columns[3].name, "tb");
  auto rows = Rows("SELECT k, writetime(a), ttl(a), writetime(b), ttl(b) FROM t WHERE k = 1");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][1], "1234567");
  int ttl = std::stoi(rows[0][2]);
  EXPECT_GT(ttl, 990);
  EXPECT_LE(ttl, 1000);
  EXPECT_EQ(rows[0][3], "2000000");
  EXPECT_EQ(rows[0][4], "null");
  // Scans (no partition key restriction) carry the metadata too.
  EXPECT_EQ(Rows("SELECT writetime(b) FROM t"), (Table{{"2000000"}}));
  EXPECT_EQ(Err("SELECT writetime(k) FROM t").code, ErrorCode::kInvalid);
  EXPECT_EQ(Err("SELECT ttl(nope) FROM t").code, ErrorCode::kInvalid);
  EXPECT_EQ(Err("SELECT writetime(cluster_name) FROM system.local").code, ErrorCode::kInvalid);
}

TEST_F(ExecutorTest, ConditionalUpdatesAndDeletes) {
  Ok("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  Ok("USE ks");
  Ok("CREATE TABLE acct (id int PRIMARY KEY, owner text, balance int)");
  Ok("INSERT INTO acct (id, owner, balance) VALUES (1, 'ann', 100)");
  // IF col = v: applied.
  EXPECT_EQ(Rows("UPDATE acct SET balance = 80 WHERE id = 1 IF balance = 100"), (Table{{"True"}}));
  // Not applied: [applied] = false plus the current values of the condition columns.
  auto r = Q("UPDATE acct SET balance = 0 WHERE id = 1 IF balance = 100 AND owner = 'ann'");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r.value().rows.columns.size(), 3u);
  EXPECT_EQ(r.value().rows.columns[0].name, "[applied]");
  EXPECT_EQ(r.value().rows.columns[1].name, "balance");
  EXPECT_EQ(r.value().rows.columns[2].name, "owner");
  EXPECT_EQ(Rows("UPDATE acct SET balance = 0 WHERE id = 1 IF balance = 100 AND owner = 'ann'"),
            (Table{{"False", "80", "ann"}}));
  EXPECT_EQ(Rows("SELECT balance FROM acct WHERE id = 1"), (Table{{"80"}}));
  // Other operators, IN, null.
  EXPECT_EQ(Rows("UPDATE acct SET owner = 'bob' WHERE id = 1 IF balance > 50 AND balance < 90")[0][0], "True");
  EXPECT_EQ(Rows("UPDATE acct SET owner = 'cy' WHERE id = 1 IF owner IN ('x', 'bob')")[0][0], "True");
  EXPECT_EQ(Rows("UPDATE acct SET owner = 'dee' WHERE id = 1 IF owner != 'cy'")[0][0], "False");
  EXPECT_EQ(Rows("UPDATE acct SET owner = 'dee' WHERE id = 2 IF owner = null")[0][0], "True");
  EXPECT_EQ(Rows("SELECT owner FROM acct WHERE id = 2"), (Table{{"dee"}}));
  // UPDATE IF EXISTS: a missing row gives just [applied] = false and is not created.
  EXPECT_EQ(Rows("UPDATE acct SET owner = 'z' WHERE id = 3 IF EXISTS"), (Table{{"False"}}));
  EXPECT_EQ(Rows("SELECT * FROM acct WHERE id = 3").size(), 0u);
  EXPECT_EQ(Rows("UPDATE acct SET owner = 'z' WHERE id = 1 IF EXISTS"), (Table{{"True"}}));
  // DELETE IF EXISTS / IF condition.
  EXPECT_EQ(Rows("DELETE FROM acct WHERE id = 3 IF EXISTS"), (Table{{"False"}}));
  EXPECT_EQ(Rows("DELETE FROM acct WHERE id = 1 IF owner = 'nobody'"), (Table{{"False", "z"}}));
  EXPECT_EQ(Rows("DELETE balance FROM acct WHERE id = 1 IF owner = 'z'"), (Table{{"True"}}));
  EXPECT_EQ(Rows("SELECT owner, balance FROM acct WHERE id = 1"), (Table{{"z", "null"}}));
  EXPECT_EQ(Rows("DELETE FROM acct WHERE id = 1 IF EXISTS"), (Table{{"True"}}));
  EXPECT_EQ(Rows("SELECT * FROM acct WHERE id = 1").size(), 0u);
  // Prepared-style bind values in conditions.
  Ok("INSERT INTO acct (id, owner, balance) VALUES (5, 'eve', 7)");
  auto b = Q("UPDATE acct SET balance = ? WHERE id = 5 IF balance = ?",
             {Enc(store::Value::Int32(8)), Enc(store::Value::Int32(7))});
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(Rows("SELECT balance FROM acct WHERE id = 5"), (Table{{"8"}}));
  // Errors.
  EXPECT_EQ(Err("UPDATE acct SET owner = 'a' WHERE id = 5 IF id = 5").code, ErrorCode::kInvalid);
  EXPECT_EQ(Err("UPDATE acct SET owner = 'a' WHERE id IN (5, 6) IF owner = 'a'").code, ErrorCode::kInvalid);
  EXPECT_EQ(Err("UPDATE acct SET owner = 'a' WHERE id = 5 IF balance < null").code, ErrorCode::kInvalid);
  EXPECT_EQ(Err("BEGIN BATCH UPDATE acct SET owner = 'a' WHERE id = 5 IF EXISTS APPLY BATCH").code,
            ErrorCode::kInvalid);
}

TEST_F(ExecutorTest, Counters) {
  Ok("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  Ok("USE ks");
  EXPECT_EQ(Err("CREATE TABLE bad (k int PRIMARY KEY, c counter, v text)").code, ErrorCode::kInvalid);
  Ok("CREATE TABLE hits (page text PRIMARY KEY, views counter, likes counter)");
  Ok("UPDATE hits SET views = views + 1 WHERE page = '/'");
  Ok("UPDATE hits SET views = views + 5, likes = likes - 2 WHERE page = '/'");
  Ok("UPDATE hits SET views = views -1 WHERE page = '/'");
  auto inc = Q("UPDATE hits SET views = views + ? WHERE page = ?",
               {Enc(store::Value::Int(store::TypeKind::kCounter, 10)),
                Enc(store::Value::Text("/"))});
  ASSERT_TRUE(inc.ok()) << inc.error().message;
  EXPECT_EQ(Rows("SELECT page, views, likes FROM hits"), (Table{{"/", "15", "-2"}}));
  auto r = Q("SELECT views FROM hits WHERE page = '/'");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().rows.columns[0].type.kind, store::TypeKind::kCounter);
  Ok("BEGIN COUNTER BATCH UPDATE hits SET views = views + 1 WHERE page = '/'; "
     "UPDATE hits SET views = views + 1 WHERE page = '/a' APPLY BATCH");
  EXPECT_EQ(Rows("SELECT views FROM hits WHERE page = '/'"), (Table{{"16"}}));
  EXPECT_EQ(Err("UPDATE hits SET views = 3 WHERE page = '/'").code, ErrorCode::kInvalid);
  EXPECT_EQ(Err("INSERT INTO hits (page, views) VALUES ('/', 1)").code, ErrorCode::kInvalid);
  EXPECT_EQ(Err("UPDATE hits USING TTL 5 SET views = views + 1 WHERE page = '/'").code, ErrorCode::kInvalid);
  EXPECT_EQ(Err("UPDATE hits SET views = views + 1 WHERE page = '/' IF EXISTS").code, ErrorCode::kInvalid);
  EXPECT_EQ(Err("BEGIN BATCH UPDATE hits SET views = views + 1 WHERE page = '/' APPLY BATCH").code,
            ErrorCode::kInvalid);
  EXPECT_EQ(Err("SELECT writetime(views) FROM hits").code, ErrorCode::kInvalid);
  Ok("CREATE TABLE plain (k int PRIMARY KEY, n int)");
  EXPECT_EQ(Err("UPDATE plain SET n = n + 1 WHERE k = 1").code, ErrorCode::kInvalid);
  EXPECT_EQ(Err("BEGIN COUNTER BATCH UPDATE plain SET n = 1 WHERE k = 1 APPLY BATCH").code,
            ErrorCode::kInvalid);
  Ok("DELETE FROM hits WHERE page = '/a'");
  EXPECT_EQ(Rows("SELECT views FROM hits WHERE page = '/a'").size(), 0u);
}

TEST_F(ExecutorTest, PreparedSelectFollowsSchemaChanges) {
  Ok("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  Ok("USE ks");
  Ok("CREATE TABLE t (k int PRIMARY KEY, a text)");
  Ok("INSERT INTO t (k, a) VALUES (1, 'x')");
  auto prep = exec_->Prepare("SELECT * FROM t WHERE k = ?", session_);
  ASSERT_TRUE(prep.ok()) << prep.error().message;
  auto run = [&] {
    QueryOptions o;
    o.values = {Enc(Value::Int32(1))};
    auto r = exec_->ExecutePrepared(prep.value().prepared->id, o, session_);
    EXPECT_TRUE(r.ok());
    return r.ok() ? r.value().rows.columns.size() : 0u;
  };
  EXPECT_EQ(run(), 2u);
  EXPECT_EQ(run(), 2u);  // from the cached projection
  Ok("ALTER TABLE t ADD b int");
  EXPECT_EQ(run(), 3u);  // the new schema, not the cached projection
}

TEST_F(ExecutorTest, WriteGroupDefersPlainWritesUntilCommit) {
  Ok("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  Ok("USE ks");
  Ok("CREATE TABLE t (k int PRIMARY KEY, v text)");
  Ok("CREATE TABLE c (k int PRIMARY KEY, n counter)");
  Ok("INSERT INTO t (k, v) VALUES (0, 'before')");
  {
    WriteGroup group(store_.get());
    Ok("INSERT INTO t (k, v) VALUES (1, 'a')");
    Ok("UPDATE t SET v = 'b' WHERE k IN (2, 3)");
    Ok("UPDATE c SET n = n + 5 WHERE k = 1");
    EXPECT_EQ(Err("INSERT INTO t (k, v) VALUES (4, 1)").code, ErrorCode::kInvalid);
    // Conditional writes are not deferred: they read and commit at once.
    EXPECT_EQ(Rows("UPDATE t SET v = 'lwt' WHERE k = 0 IF v = 'before'"), (Table{{"True"}}));
    EXPECT_EQ(group.count(), 4u);
    EXPECT_EQ(Rows("SELECT k FROM t WHERE k = 1").size(), 0u);  // not yet committed
    ASSERT_TRUE(group.Commit().ok());
  }
  EXPECT_EQ(Rows("SELECT k, v FROM t WHERE k IN (0, 1, 2, 3)"),
            (Table{{"0", "lwt"}, {"1", "a"}, {"2", "b"}, {"3", "b"}}));
  EXPECT_EQ(Rows("SELECT n FROM c WHERE k = 1"), (Table{{"5"}}));
  // Without a group writes commit at once again.
  Ok("INSERT INTO t (k, v) VALUES (9, 'now')");
  EXPECT_EQ(Rows("SELECT v FROM t WHERE k = 9"), (Table{{"now"}}));
}

// Bound INSERT values of types stored as sent go into the row state as native bytes
// (Mutation::native); others (boolean, double, collections) take the Value path. Both must
// read back the same, inside and outside a write group and a BATCH, with null, unset and bad
// values handled as before.
TEST_F(ExecutorTest, BoundInsertValuesStoredAsSent) {
  Ok("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  Ok("USE ks");
  Ok("CREATE TABLE t (k uuid, c int, name text, code ascii, n bigint, at timestamp, "
     "PRIMARY KEY (k, c))");
  Ok("CREATE TABLE mixed (k int PRIMARY KEY, name text, ok boolean, tags set<text>)");
  auto bytes = [](store::Value v) {
    std::string b;
    store::SerializeNative(v, &b);
    return WireValue::Of(std::move(b));
  };
  Uuid k = Uuid::Random();
  const std::string ins = "INSERT INTO t (k, c, name, code, n, at) VALUES (?, ?, ?, ?, ?, ?)";
  ASSERT_TRUE(Q(ins, {bytes(Value::UuidOf(store::TypeKind::kUuid, k)), bytes(Value::Int32(1)),
                      bytes(Value::Text("h\xc3\xa9llo")), bytes(Value::Bytes(store::TypeKind::kAscii, "abc")),
                      bytes(Value::Bigint(-7)), bytes(Value::Timestamp(1000))})
                  .ok());
  const std::string sel = "SELECT name, code, n, at FROM t WHERE k = " + k.ToString() + " AND c = 1";
  EXPECT_EQ(Rows(sel), (Table{{"h\xc3\xa9llo", "abc", "-7", "1970-01-01 00:00:01.000000+0000"}}));
  // Unset leaves a cell alone, null deletes it.
  ASSERT_TRUE(Q(ins, {bytes(Value::UuidOf(store::TypeKind::kUuid, k)), bytes(Value::Int32(1)),
                      WireValue::Unset(), WireValue::Null(), WireValue::Unset(), WireValue::Unset()})
                  .ok());
  EXPECT_EQ(Rows(sel), (Table{{"h\xc3\xa9llo", "null", "-7", "1970-01-01 00:00:01.000000+0000"}}));
  // Bad bytes: the errors of the general path, and nothing written.
  auto bad = [&](std::vector<WireValue> v) {
    auto r = Q(ins, std::move(v));
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string() : r.error().message;
  };
  EXPECT_NE(bad({bytes(Value::UuidOf(store::TypeKind::kUuid, k)), bytes(Value::Int32(2)),
                 WireValue::Of("\xff"), WireValue::Null(), WireValue::Null(), WireValue::Null()})
                .find("Invalid value for name of type text"),
            std::string::npos);
  EXPECT_NE(bad({bytes(Value::UuidOf(store::TypeKind::kUuid, k)), bytes(Value::Int32(2)),
                 WireValue::Null(), WireValue::Of("\x80"), WireValue::Null(), WireValue::Null()})
                .find("Invalid value for code of type ascii"),
            std::string::npos);
  EXPECT_NE(bad({bytes(Value::UuidOf(store::TypeKind::kUuid, k)), bytes(Value::Int32(2)),
                 WireValue::Null(), WireValue::Null(), WireValue::Of("abc"), WireValue::Null()})
                .find("Invalid value for n of type bigint"),
            std::string::npos);
  EXPECT_NE(bad({WireValue::Null(), bytes(Value::Int32(2)), WireValue::Null(), WireValue::Null(),
                 WireValue::Null(), WireValue::Null()})
                .find("Invalid null value"),
            std::string::npos);
  EXPECT_EQ(Rows("SELECT c FROM t WHERE k = " + k.ToString()), (Table{{"1"}}));
  // Mixed types, in a write group and in a logged BATCH of two prepared INSERTs whose bound
  // values must outlive the planning of each statement.
  auto prep = exec_->Prepare("INSERT INTO mixed (k, name, ok, tags) VALUES (?, ?, ?, ?)", session_);
  ASSERT_TRUE(prep.ok());
  const std::string id = prep.value().prepared->id;
  std::string tags;
  store::SerializeNative(Value::Collection(store::TypeKind::kSet, {Value::Text("b"), Value::Text("a")}), &tags);
  {
    WriteGroup group(store_.get());
    ASSERT_TRUE(Q("INSERT INTO mixed (k, name, ok, tags) VALUES (?, ?, ?, ?)",
                  {bytes(Value::Int32(1)), bytes(Value::Text("one")), bytes(Value::Boolean(true)),
                   WireValue::Of(tags)})
                    .ok());
    ASSERT_TRUE(group.Commit().ok());
  }
  std::vector<Executor::BatchItem> items;
  for (int i = 2; i <= 3; ++i) {
    items.push_back({true, id,
                     {bytes(Value::Int32(i)), bytes(Value::Text("a longer name than fits inline " + std::to_string(i))),
                      bytes(Value::Boolean(false)), WireValue::Null()}});
  }
  QueryOptions bo;
  ASSERT_TRUE(exec_->Batch(0, items, bo, session_).ok());
  items.clear();
  EXPECT_EQ(Rows("SELECT k, name, ok, tags FROM mixed WHERE k IN (1, 2, 3)"),
            (Table{{"1", "one", "True", "{'a', 'b'}"},
                   {"2", "a longer name than fits inline 2", "False", "null"},
                   {"3", "a longer name than fits inline 3", "False", "null"}}));
}

// Both BATCH routes (the BATCH message, unlogged, and BEGIN UNLOGGED BATCH as a query), with
// and without a burst's write group: a statement failing when it is written (a list index
// known only from the stored row) leaves nothing of the batch, range delete included.
}  // namespace
}  // namespace kappa::cql
