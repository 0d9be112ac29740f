#include "cql/protocol/parser.h"

#include <gtest/gtest.h>

namespace kappa::cql {
namespace {

template <typename T>
T ParseAs(std::string_view q) {
  auto r = ParseStatement(q);
  EXPECT_TRUE(r.ok()) << q << ": " << r.status().ToString();
  if (!r.ok()) return T{};
  const T* t = std::get_if<T>(&r->body);
  EXPECT_NE(t, nullptr) << q;
  return t ? *t : T{};
}

std::string ErrorOf(std::string_view q) {
  auto r = ParseStatement(q);
  EXPECT_FALSE(r.ok()) << q;
  return r.ok() ? "" : r.status().message();
}

TEST(ParserTest, CreateKeyspace) {
  auto s = ParseAs<CreateKeyspaceStmt>(
      "CREATE KEYSPACE IF NOT EXISTS spark_streams WITH replication = "
      "{'class': 'SimpleStrategy', 'replication_factor': '1'} AND durable_writes = false;");
  EXPECT_EQ(s.name, "spark_streams");
  EXPECT_TRUE(s.if_not_exists);
  EXPECT_EQ(s.replication.at("class"), "SimpleStrategy");
  EXPECT_EQ(s.replication.at("replication_factor"), "1");
  EXPECT_FALSE(s.durable_writes);
}

TEST(ParserTest, CreateTableCompoundKeyAndClusteringOrder) {
  auto s = ParseAs<CreateTableStmt>(
      "create table ks.Events (\"Tenant\" text, day date, ts timestamp, v map<text, int>, "
      "PRIMARY KEY ((\"Tenant\", day), ts)) WITH CLUSTERING ORDER BY (ts DESC) AND comment='x'");
  EXPECT_EQ(s.table.keyspace, "ks");
  EXPECT_EQ(s.table.name, "events");
  ASSERT_EQ(s.columns.size(), 4u);
  EXPECT_EQ(s.columns[0].name, "Tenant");
  EXPECT_EQ(s.columns[3].type, "map<text, int>");
  EXPECT_EQ(s.partition_key, (std::vector<std::string>{"Tenant", "day"}));
  EXPECT_EQ(s.clustering, (std::vector<std::string>{"ts"}));
  ASSERT_EQ(s.clustering_order.size(), 1u);
  EXPECT_TRUE(s.clustering_order[0].second);
  EXPECT_EQ(s.options.at("comment"), "x");
}

TEST(ParserTest, InlinePrimaryKey) {
  auto s = ParseAs<CreateTableStmt>("CREATE TABLE t (id uuid PRIMARY KEY, name text)");
  EXPECT_EQ(s.partition_key, (std::vector<std::string>{"id"}));
}

TEST(ParserTest, InsertWithBindMarkersUsingAndLwt) {
  auto r = ParseStatement(
      "INSERT INTO users (id, name, tags) VALUES (?, :name, {'a', 'b'}) IF NOT EXISTS "
      "USING TTL 10 AND TIMESTAMP ?");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->bind_count, 3);
  EXPECT_EQ(r->bind_names, (std::vector<std::string>{"", "name", ""}));
  const auto& s = std::get<InsertStmt>(r->body);
  EXPECT_TRUE(s.if_not_exists);
  ASSERT_TRUE(s.using_.ttl.has_value());
  EXPECT_EQ(s.using_.ttl->text, "10");
  EXPECT_EQ(s.using_.timestamp->kind, Term::Kind::kBindMarker);
  EXPECT_EQ(s.values[2].kind, Term::Kind::kSet);
  EXPECT_EQ(s.values[2].args.size(), 2u);
}

TEST(ParserTest, Literals) {
  auto s = ParseAs<InsertStmt>(
      "INSERT INTO t (a,b,c,d,e,f,g,h) VALUES ('it''s', -42, 1.5e3, true, "
      "123e4567-e89b-12d3-a456-426614174000, 0xCAFE, null, now())");
  ASSERT_EQ(s.values.size(), 8u);
  EXPECT_EQ(s.values[0].text, "it's");
  EXPECT_EQ(s.values[1].kind, Term::Kind::kInteger);
  EXPECT_EQ(s.values[1].text, "-42");
  EXPECT_EQ(s.values[2].kind, Term::Kind::kFloat);
  EXPECT_EQ(s.values[3].kind, Term::Kind::kBoolean);
  EXPECT_EQ(s.values[4].kind, Term::Kind::kUuid);
  EXPECT_EQ(s.values[5].kind, Term::Kind::kBlob);
  EXPECT_EQ(s.values[5].text, "CAFE");
  EXPECT_EQ(s.values[6].kind, Term::Kind::kNull);
  EXPECT_EQ(s.values[7].kind, Term::Kind::kFunction);
}

TEST(ParserTest, SelectEverything) {
  auto s = ParseAs<SelectStmt>(
      "SELECT JSON id AS i, count(*), token(id) FROM ks.t WHERE id IN (1, 2) AND c >= 3 AND "
      "c < ? AND token(id) > -5 ORDER BY c DESC PER PARTITION LIMIT 2 LIMIT 10 ALLOW FILTERING");
  EXPECT_TRUE(s.json);
  ASSERT_EQ(s.selectors.size(), 3u);
  EXPECT_EQ(s.selectors[0].alias, "i");
  EXPECT_EQ(s.selectors[1].kind, Selector::Kind::kCountStar);
  EXPECT_EQ(s.selectors[2].kind, Selector::Kind::kToken);
  ASSERT_EQ(s.where.size(), 4u);
  EXPECT_EQ(s.where[0].op, RelationOp::kIn);
  EXPECT_EQ(s.where[0].in_values.size(), 2u);
  EXPECT_EQ(s.where[1].op, RelationOp::kGe);
  EXPECT_TRUE(s.where[3].token);
  EXPECT_EQ(s.order_by.size(), 1u);
  EXPECT_TRUE(s.order_by[0].second);
  EXPECT_TRUE(s.allow_filtering);
  EXPECT_TRUE(s.limit.has_value());
  EXPECT_TRUE(s.per_partition_limit.has_value());
}

TEST(ParserTest, UpdateDeleteBatchDdl) {
  auto u = ParseAs<UpdateStmt>("UPDATE t USING TTL 5 SET a = 1, b = 'x' WHERE id = ? IF EXISTS");
  EXPECT_EQ(u.assignments.size(), 2u);
  EXPECT_TRUE(u.if_exists);
  EXPECT_EQ(u.assignments[0].op, Assignment::Op::kSet);
  auto c = ParseAs<UpdateStmt>(
      "UPDATE t SET n = n + 1, m = m - ?, \"Q\" = \"Q\" -2 WHERE id = 1 IF a = 1 AND b > 2");
  ASSERT_EQ(c.assignments.size(), 3u);
  EXPECT_EQ(c.assignments[0].op, Assignment::Op::kAdd);
  EXPECT_EQ(c.assignments[0].value.text, "1");
  EXPECT_EQ(c.assignments[1].op, Assignment::Op::kSubtract);
  EXPECT_EQ(c.assignments[1].value.kind, Term::Kind::kBindMarker);
  EXPECT_EQ(c.assignments[2].column, "Q");
  EXPECT_EQ(c.assignments[2].op, Assignment::Op::kAdd);
  EXPECT_EQ(c.assignments[2].value.text, "-2");
  EXPECT_EQ(c.conditions.size(), 2u);
  EXPECT_FALSE(ParseStatement("UPDATE t SET n = n * 2 WHERE id = 1").ok());
  auto d = ParseAs<DeleteStmt>("DELETE a FROM t WHERE id = 1 AND c > 2");
  EXPECT_EQ(d.columns, (std::vector<std::string>{"a"}));
  auto b = ParseAs<BatchStmt>(
      "BEGIN UNLOGGED BATCH INSERT INTO t (a) VALUES (1); DELETE FROM t WHERE a = 2; APPLY BATCH");
  EXPECT_EQ(b.type, BatchStmt::Type::kUnlogged);
  EXPECT_EQ(b.statements.size(), 2u);
  auto a = ParseAs<AlterTableStmt>("ALTER TABLE t ADD (x int, y text)");
  EXPECT_EQ(a.columns.size(), 2u);
  auto a2 = ParseAs<AlterTableStmt>("ALTER TABLE t DROP x");
  EXPECT_FALSE(a2.add);
  ParseAs<TruncateStmt>("TRUNCATE TABLE ks.t");
  ParseAs<DropTableStmt>("DROP TABLE IF EXISTS ks.t");
  ParseAs<DropKeyspaceStmt>("DROP KEYSPACE ks");
  ParseAs<UseStmt>("USE \"MyKs\"");
}

TEST(ParserTest, SyntaxErrorsSayWhere) {
  EXPECT_EQ(ErrorOf("SELECT * FORM t"), "line 1:9 mismatched input 'FORM' expecting K_FROM");
  EXPECT_EQ(ErrorOf("SELEC * FROM t"), "line 1:0 no viable alternative at input 'SELEC'");
  EXPECT_EQ(ErrorOf("SELECT * FROM"), "line 1:13 no viable alternative at input '<EOF>'");
  EXPECT_EQ(ErrorOf("INSERT INTO t (a VALUES (1)"),
            "line 1:17 mismatched input 'VALUES' expecting ')'");
  EXPECT_EQ(ErrorOf("SELECT * FROM t\nWHERE a = 'x"), "line 2:10 unterminated string literal");
  EXPECT_EQ(ErrorOf("FOO"), "line 1:0 no viable alternative at input 'FOO'");
  EXPECT_EQ(ErrorOf("SELECT * FROM t; SELECT"), "line 1:17 no viable alternative at input 'SELECT'");
}

TEST(ParserTest, DeepNestingIsASyntaxErrorNotAStackOverflow) {
  // Found by the parser fuzzer: unbounded recursion on nested terms.
  const int n = 100000;
  std::string lists = "INSERT INTO t (a) VALUES (" + std::string(n, '[') + std::string(n, ']') + ")";
  EXPECT_NE(ErrorOf(lists).find("nested more than 64 levels"), std::string::npos);
  std::string calls = "SELECT * FROM t WHERE a = ";
  for (int i = 0; i < n; ++i) calls += "f(";
  EXPECT_NE(ErrorOf(calls).find("nested more than 64 levels"), std::string::npos);
  std::string sel = "SELECT ";
  for (int i = 0; i < n; ++i) sel += "f(";
  EXPECT_FALSE(ErrorOf(sel + "a FROM t").empty());  // an error, not a crash
  std::string type = "CREATE TABLE t (a int PRIMARY KEY, b ";
  for (int i = 0; i < n; ++i) type += "list<";
  EXPECT_NE(ErrorOf(type).find("nested more than 64 levels"), std::string::npos);
  // Reasonable nesting still parses.
  EXPECT_TRUE(ParseStatement("INSERT INTO t (a) VALUES ([[[1]]])").ok());
}

TEST(ParserTest, ReservedWordsNeedQuotes) {
  EXPECT_FALSE(ParseStatement("CREATE TABLE select (a int PRIMARY KEY)").ok());
  EXPECT_TRUE(ParseStatement("CREATE TABLE \"select\" (a int PRIMARY KEY)").ok());
  // Unreserved keywords are fine as names.
  EXPECT_TRUE(ParseStatement("CREATE TABLE t (key text PRIMARY KEY, type int, ttl int, count int)").ok());
  EXPECT_TRUE(ParseStatement("SELECT key, type FROM system.local WHERE key='local'").ok());
}

TEST(ParserTest, Describe) {
  using K = DescribeStmt::Kind;
  EXPECT_EQ(ParseAs<DescribeStmt>("DESCRIBE CLUSTER").kind, K::kCluster);
  auto full = ParseAs<DescribeStmt>("desc full schema;");
  EXPECT_EQ(full.kind, K::kSchema);
  EXPECT_TRUE(full.full);
  EXPECT_EQ(ParseAs<DescribeStmt>("DESCRIBE KEYSPACES").kind, K::kKeyspaces);
  EXPECT_EQ(ParseAs<DescribeStmt>("DESCRIBE TABLES").kind, K::kTables);
  auto ks = ParseAs<DescribeStmt>("DESCRIBE ONLY KEYSPACE \"My\"");
  EXPECT_EQ(ks.kind, K::kKeyspace);
  EXPECT_TRUE(ks.only);
  EXPECT_EQ(ks.keyspace, "My");
  EXPECT_EQ(ParseAs<DescribeStmt>("DESCRIBE KEYSPACE").keyspace, "");
  auto t = ParseAs<DescribeStmt>("DESCRIBE TABLE ks.T WITH INTERNALS");
  EXPECT_EQ(t.kind, K::kTable);
  EXPECT_EQ(t.keyspace + "." + t.name, "ks.t");
  auto g = ParseAs<DescribeStmt>("DESC events");
  EXPECT_EQ(g.kind, K::kGeneric);
  EXPECT_EQ(g.name, "events");
  EXPECT_NE(ErrorOf("DESCRIBE TABLE"), "");
}

TEST(ParserTest, CollectionAssignmentsAndElementDeletes) {
  auto u = ParseAs<UpdateStmt>(
      "UPDATE t SET l = l + [1], l = [0] + l, s = s - ?, m[?] = 5, l[2] = ? WHERE k = 1");
  ASSERT_EQ(u.assignments.size(), 5u);
  EXPECT_EQ(u.assignments[0].op, Assignment::Op::kAdd);
  EXPECT_EQ(u.assignments[1].op, Assignment::Op::kPrepend);
  EXPECT_EQ(u.assignments[1].value.kind, Term::Kind::kList);
  EXPECT_EQ(u.assignments[2].op, Assignment::Op::kSubtract);
  EXPECT_EQ(u.assignments[3].op, Assignment::Op::kSetElement);
  EXPECT_EQ(u.assignments[3].element.kind, Term::Kind::kBindMarker);
  EXPECT_EQ(u.assignments[4].element.text, "2");
  EXPECT_NE(ErrorOf("UPDATE t SET l = [0] + x WHERE k = 1"), "");
  auto d = ParseAs<DeleteStmt>("DELETE m['a'], v, l[?] FROM t WHERE k = 1");
  ASSERT_EQ(d.columns.size(), 3u);
  ASSERT_EQ(d.elements.size(), 3u);
  EXPECT_EQ(d.elements[0]->text, "a");
  EXPECT_FALSE(d.elements[1].has_value());
  EXPECT_EQ(d.elements[2]->kind, Term::Kind::kBindMarker);
}


// ---- roles and permissions (Cassandra 4.0's grammar) ----
TEST(ParserTest, CreateRoleWithOptions) {
  auto s = ParseAs<CreateRoleStmt>(
      "CREATE ROLE IF NOT EXISTS Alice WITH PASSWORD = 's3cret' AND LOGIN = true AND "
      "SUPERUSER = false");
  EXPECT_EQ(s.name, "alice");  // unquoted: lower-cased like every identifier
  EXPECT_TRUE(s.if_not_exists);
  EXPECT_EQ(s.options.password, "s3cret");
  EXPECT_EQ(s.options.login, true);
  EXPECT_EQ(s.options.superuser, false);
  auto q = ParseAs<CreateRoleStmt>("CREATE ROLE 'Mixed Case'");
  EXPECT_EQ(q.name, "Mixed Case");
  EXPECT_FALSE(q.options.login.has_value());
}

TEST(ParserTest, LegacyUserStatements) {
  auto c = ParseAs<CreateRoleStmt>("CREATE USER bob WITH PASSWORD 'pw' SUPERUSER");
  EXPECT_EQ(c.name, "bob");
  EXPECT_EQ(c.options.password, "pw");
  EXPECT_EQ(c.options.login, true);
  EXPECT_EQ(c.options.superuser, true);
  auto a = ParseAs<AlterRoleStmt>("ALTER USER bob WITH PASSWORD 'new' NOSUPERUSER");
  EXPECT_EQ(a.options.password, "new");
  EXPECT_EQ(a.options.superuser, false);
  auto d = ParseAs<DropRoleStmt>("DROP USER IF EXISTS bob");
  EXPECT_TRUE(d.if_exists);
  EXPECT_TRUE(ParseAs<ListRolesStmt>("LIST USERS").users);
}

TEST(ParserTest, GrantRevokeAndList) {
  auto g = ParseAs<GrantStmt>("GRANT SELECT ON KEYSPACE spark_streams TO alice");
  EXPECT_FALSE(g.revoke);
  EXPECT_EQ(g.permission, "SELECT");
  EXPECT_EQ(g.resource.kind, DataResource::Kind::kKeyspace);
  EXPECT_EQ(g.resource.table.keyspace, "spark_streams");
  EXPECT_EQ(g.role, "alice");
  auto r = ParseAs<GrantStmt>("REVOKE ALL PERMISSIONS ON TABLE ks.t FROM alice");
  EXPECT_TRUE(r.revoke);
  EXPECT_EQ(r.permission, "ALL");
  EXPECT_EQ(r.resource.kind, DataResource::Kind::kTable);
  EXPECT_EQ(r.resource.table.keyspace, "ks");
  EXPECT_EQ(r.resource.table.name, "t");
  auto bare = ParseAs<GrantStmt>("GRANT MODIFY PERMISSION ON t TO alice");
  EXPECT_EQ(bare.resource.kind, DataResource::Kind::kTable);
  EXPECT_EQ(bare.resource.table.name, "t");
  auto all = ParseAs<GrantStmt>("GRANT CREATE ON ALL KEYSPACES TO alice");
  EXPECT_EQ(all.resource.kind, DataResource::Kind::kAllKeyspaces);
  auto l = ParseAs<ListPermissionsStmt>("LIST ALL PERMISSIONS ON KEYSPACE ks OF alice NORECURSIVE");
  EXPECT_EQ(l.permission, "ALL");
  ASSERT_TRUE(l.resource.has_value());
  EXPECT_EQ(l.of, "alice");
  auto lr = ParseAs<ListRolesStmt>("LIST ROLES OF alice");
  EXPECT_EQ(lr.of, "alice");
  EXPECT_FALSE(lr.users);
}

TEST(ParserTest, GrantAndRevokeRoles) {
  auto g = ParseAs<GrantRoleStmt>("GRANT analyst TO alice");
  EXPECT_FALSE(g.revoke);
  EXPECT_EQ(g.role, "analyst");
  EXPECT_EQ(g.grantee, "alice");
  // Quoted identifiers keep their case, string literals are taken as they are, plain names
  // are lower-cased.
  auto q = ParseAs<GrantRoleStmt>("GRANT \"Data Readers\" TO 'Bob'");
  EXPECT_EQ(q.role, "Data Readers");
  EXPECT_EQ(q.grantee, "Bob");
  auto r = ParseAs<GrantRoleStmt>("REVOKE Analyst FROM \"Alice\";");
  EXPECT_TRUE(r.revoke);
  EXPECT_EQ(r.role, "analyst");
  EXPECT_EQ(r.grantee, "Alice");
  // A role named like an unreserved permission word is still a role before TO.
  EXPECT_EQ(ParseAs<GrantRoleStmt>("GRANT authorize TO alice").role, "authorize");
  EXPECT_EQ(ParseAs<GrantStmt>("GRANT AUTHORIZE ON KEYSPACE k TO alice").permission, "AUTHORIZE");
  EXPECT_TRUE(ParseAs<ListRolesStmt>("LIST ROLES OF alice").recursive);
  EXPECT_FALSE(ParseAs<ListRolesStmt>("LIST ROLES OF alice NORECURSIVE").recursive);
  EXPECT_FALSE(ParseAs<ListPermissionsStmt>("LIST ALL ON TABLE k.t NORECURSIVE").recursive);
  EXPECT_FALSE(ErrorOf("GRANT select TO alice").empty());  // SELECT is reserved
  EXPECT_FALSE(ErrorOf("GRANT analyst TO").empty());
  EXPECT_FALSE(ErrorOf("REVOKE analyst TO alice").empty());
}

TEST(ParserTest, RoleStatementErrors) {
  EXPECT_NE(ErrorOf("GRANT SELECT ON ALL FUNCTIONS TO alice").find("KEYSPACE"), std::string::npos);
  EXPECT_NE(ErrorOf("GRANT SELECT ON ROLE bob TO alice").find("KEYSPACE"), std::string::npos);
  EXPECT_NE(ErrorOf("CREATE ROLE a WITH COLOR = 'red'").find("Unknown role option"),
            std::string::npos);
  EXPECT_FALSE(ErrorOf("CREATE ROLE a WITH LOGIN = maybe").empty());
  EXPECT_FALSE(ErrorOf("GRANT FLY ON KEYSPACE k TO a").empty());
  EXPECT_FALSE(ErrorOf("GRANT SELECT ON KEYSPACE k alice").empty());
}

}  // namespace
}  // namespace kappa::cql
