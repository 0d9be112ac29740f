// Roles and permissions through the executor: CREATE/ALTER/DROP ROLE, GRANT/REVOKE, LIST
// PERMISSIONS, and Unauthorized for every statement kind once ACLs are on.
#include <gtest/gtest.h>

#include "cql/server/executor_test_fixture.h"
#include "security/security.h"

namespace kappa::cql {
namespace {

class AuthzTest : public ExecutorTest {
 protected:
  void SetUp() override {
    ExecutorTest::SetUp();
    auto users = security::UserStore::Open(sec_.path());
    ASSERT_TRUE(users.ok());
    users_ = *users;
    security::AuthorizerOptions ao;
    ao.enabled = true;
    ao.super_users = {"admin"};
    auto a = security::Authorizer::Open(sec_.path(), ao, users_);
    ASSERT_TRUE(a.ok());
    authz_ = *a;
    UseExecutor(users_, authz_);
    As("admin");
    Ok("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    Ok("CREATE TABLE ks.t (id int PRIMARY KEY, v text)");
    Ok("CREATE TABLE ks.u (id int PRIMARY KEY)");
    Ok("CREATE ROLE alice WITH PASSWORD = 'pw' AND LOGIN = true");
  }
  // A fresh executor over these users and this authorizer (as a server started on them).
  void UseExecutor(std::shared_ptr<security::UserStore> users,
                   std::shared_ptr<security::Authorizer> authorizer) {
    ExecutorOptions eo;
    eo.users = std::move(users);
    eo.authorizer = std::move(authorizer);
    NodeInfo node;
    node.host_id = Uuid::Random();
    exec_ = std::make_unique<Executor>(store_.get(), node, eo);
  }
  void As(std::string user) { session_.user = std::move(user); }
  void Unauthorized(const std::string& q, const std::string& says) {
    CqlError e = Err(q);
    EXPECT_EQ(e.code, ErrorCode::kUnauthorized) << q << ": " << e.message;
    EXPECT_NE(e.message.find(says), std::string::npos) << q << ": " << e.message;
  }

  testutil::TempDir sec_{"kappa-cql-authz-test"};
  std::shared_ptr<security::UserStore> users_;
  std::shared_ptr<security::Authorizer> authz_;
};

TEST_F(AuthzTest, EveryStatementKindNeedsItsPermission) {
  As("alice");
  Unauthorized("SELECT * FROM ks.t", "User alice has no SELECT permission on <table ks.t>");
  Unauthorized("INSERT INTO ks.t (id, v) VALUES (1, 'a')", "no MODIFY permission on <table ks.t>");
  Unauthorized("UPDATE ks.t SET v = 'b' WHERE id = 1", "MODIFY");
  Unauthorized("DELETE FROM ks.t WHERE id = 1", "MODIFY");
  Unauthorized("TRUNCATE ks.t", "MODIFY");
  Unauthorized("BEGIN BATCH INSERT INTO ks.t (id) VALUES (1); APPLY BATCH", "MODIFY");
  Unauthorized("CREATE TABLE ks.n (id int PRIMARY KEY)", "no CREATE permission on <keyspace ks>");
  Unauthorized("ALTER TABLE ks.t ADD w int", "no ALTER permission on <table ks.t>");
  Unauthorized("DROP TABLE ks.t", "no DROP permission on <table ks.t>");
  Unauthorized("DROP KEYSPACE ks", "no DROP permission on <keyspace ks>");
  Unauthorized("CREATE KEYSPACE k2 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
               "no CREATE permission on <all keyspaces>");
  // USE keeps working; the system keyspaces stay readable (drivers need them).
  Ok("USE ks");
  Unauthorized("SELECT * FROM t", "<table ks.t>");  // the session keyspace names the table
  EXPECT_EQ(Rows("SELECT cluster_name FROM system.local").size(), 1u);
}

TEST_F(AuthzTest, GrantsOnTableKeyspaceAndAllKeyspaces) {
  Ok("GRANT SELECT ON TABLE ks.t TO alice");
  As("alice");
  EXPECT_TRUE(Rows("SELECT * FROM ks.t").empty());
  Unauthorized("SELECT * FROM ks.u", "<table ks.u>");
  Unauthorized("INSERT INTO ks.t (id) VALUES (1)", "MODIFY");
  As("admin");
  Ok("GRANT MODIFY ON KEYSPACE ks TO alice");  // covers every table of ks
  As("alice");
  Ok("INSERT INTO ks.t (id, v) VALUES (1, 'a')");
  Ok("INSERT INTO ks.u (id) VALUES (1)");
  As("admin");
  Ok("GRANT SELECT ON ALL KEYSPACES TO alice");
  As("alice");
  EXPECT_EQ(Rows("SELECT * FROM ks.u").size(), 1u);
  As("admin");
  Ok("REVOKE SELECT ON ALL KEYSPACES FROM alice");
  Ok("REVOKE SELECT ON TABLE ks.t FROM alice");
  As("alice");
  Unauthorized("SELECT * FROM ks.t", "SELECT");
}

TEST_F(AuthzTest, ListPermissionsAsCassandraPrintsThem) {
  Ok("GRANT ALL ON TABLE ks.t TO alice");
  Ok("GRANT SELECT ON KEYSPACE ks TO alice");
  auto rows = Rows("LIST ALL PERMISSIONS OF alice");
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"alice", "alice", "<keyspace ks>", "SELECT"}));
  EXPECT_EQ(rows[1][2], "<table ks.t>");
  EXPECT_EQ(rows[1][3], "ALTER");
  EXPECT_EQ(rows[5][3], "AUTHORIZE");
  // ON a table also lists its parents' permissions; one permission filters.
  EXPECT_EQ(Rows("LIST SELECT ON TABLE ks.t OF alice").size(), 2u);
  // alice may list her own, not everyone's.
  As("alice");
  EXPECT_EQ(Rows("LIST ALL PERMISSIONS OF alice").size(), 6u);
  Unauthorized("LIST ALL PERMISSIONS", "everyone's permissions");
}

TEST_F(AuthzTest, GrantErrors) {
  EXPECT_EQ(Err("GRANT SELECT ON KEYSPACE nope TO alice").message,
            "Resource <keyspace nope> doesn't exist");
  EXPECT_EQ(Err("GRANT SELECT ON TABLE ks.nope TO alice").message,
            "Resource <table ks.nope> doesn't exist");
  EXPECT_EQ(Err("GRANT SELECT ON KEYSPACE ks TO nobody").message, "Role nobody doesn't exist");
  EXPECT_EQ(Err("GRANT CREATE ON TABLE ks.t TO alice").code, ErrorCode::kInvalid);
  As("alice");  // GRANT needs AUTHORIZE on the resource
  Unauthorized("GRANT SELECT ON TABLE ks.t TO alice", "no AUTHORIZE permission on <table ks.t>");
}

TEST_F(AuthzTest, RolesLifecycle) {
  Ok("CREATE ROLE analyst");
  auto rows = Rows("LIST ROLES");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"alice", "False", "True", "{}", "ALL"}));
  EXPECT_EQ(rows[1][0], "analyst");
  EXPECT_EQ(rows[1][2], "False");  // CREATE ROLE without LOGIN cannot log in
  EXPECT_EQ(Rows("LIST USERS").size(), 1u);
  EXPECT_EQ(Err("CREATE ROLE alice").message, "alice already exists");
  Ok("CREATE ROLE IF NOT EXISTS alice");
  EXPECT_TRUE(users_->CheckPassword("alice", "pw"));
  EXPECT_FALSE(users_->CheckPassword("analyst", ""));
  // alice changes her own password, not her superuser status nor anyone else's role.
  As("alice");
  Ok("ALTER ROLE alice WITH PASSWORD = 'pw2'");
  EXPECT_TRUE(users_->CheckPassword("alice", "pw2"));
  Unauthorized("ALTER ROLE alice WITH SUPERUSER = true", "superusers");
  Unauthorized("CREATE ROLE mallory WITH SUPERUSER = true AND LOGIN = true", "superusers");
  Unauthorized("DROP ROLE analyst", "superusers");
  auto own = Rows("LIST ROLES");
  ASSERT_EQ(own.size(), 1u);
  EXPECT_EQ(own[0][0], "alice");
  // A role made SUPERUSER bypasses every check, for CQL and (through the Authorizer) Kafka.
  As("admin");
  Ok("ALTER ROLE alice WITH SUPERUSER = true");
  As("alice");
  EXPECT_TRUE(Rows("SELECT * FROM ks.t").empty());
  EXPECT_TRUE(authz_->IsSuperUser(security::Principal::User("alice")));
  EXPECT_EQ(Err("DROP ROLE alice").message, "Cannot DROP primary role for current login");
  // Dropping a role drops its permissions.
  As("admin");
  Ok("GRANT SELECT ON KEYSPACE ks TO analyst");
  Ok("DROP ROLE analyst");
  EXPECT_TRUE(Rows("LIST ALL PERMISSIONS").empty());
  EXPECT_EQ(Err("DROP ROLE analyst").message, "Cannot drop role 'analyst' as it doesn't exist");
  Ok("DROP ROLE IF EXISTS analyst");
}

TEST_F(AuthzTest, CreatorOwnsWhatItCreatesAndDropRemovesPermissions) {
  Ok("GRANT CREATE ON ALL KEYSPACES TO alice");
  As("alice");
  Ok("CREATE KEYSPACE mine WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  Ok("CREATE TABLE mine.t (id int PRIMARY KEY)");
  Ok("INSERT INTO mine.t (id) VALUES (1)");
  EXPECT_EQ(Rows("SELECT * FROM mine.t").size(), 1u);
  Ok("DROP KEYSPACE mine");
  As("admin");
  EXPECT_EQ(Rows("LIST ALL PERMISSIONS OF alice").size(), 1u);  // CREATE on <all keyspaces>
}

TEST_F(AuthzTest, OffMeansEveryoneMayDoEverything) {
  security::AuthorizerOptions off;
  auto a = security::Authorizer::Open(sec_.path(), off, users_);
  ASSERT_TRUE(a.ok());
  UseExecutor(users_, *a);
  As("alice");
  EXPECT_TRUE(Rows("SELECT * FROM ks.t").empty());
  Ok("GRANT SELECT ON KEYSPACE ks TO alice");  // kept for when ACLs are turned on
  EXPECT_EQ(Rows("LIST ALL PERMISSIONS").size(), 1u);
}

TEST_F(AuthzTest, PreparedAndBatchMessagesAreChecked) {
  As("alice");
  auto p = exec_->Prepare("SELECT * FROM ks.t WHERE id = ?", session_);  // prepare is not checked
  ASSERT_TRUE(p.ok());
  QueryOptions o;
  o.values = {Enc(Value::Int32(1))};
  auto r = exec_->ExecutePrepared(p.value().prepared->id, o, session_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnauthorized);
  Executor::BatchItem item{false, "INSERT INTO ks.t (id) VALUES (2)", {}};
  auto b = exec_->Batch(0, {item}, QueryOptions{}, session_);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, ErrorCode::kUnauthorized);
}

// Role membership (GRANT role TO role): what a role holds through others, as CQL sees it.
TEST_F(AuthzTest, GrantedRolesGiveTheirPermissionsTransitively) {
  Ok("CREATE ROLE reader");
  Ok("CREATE ROLE analyst");
  Ok("GRANT SELECT ON KEYSPACE ks TO reader");
  As("alice");
  Unauthorized("SELECT * FROM ks.t", "no SELECT permission");
  As("admin");
  Ok("GRANT reader TO analyst");
  Ok("GRANT \"analyst\" TO 'alice'");
  As("alice");
  EXPECT_TRUE(Rows("SELECT * FROM ks.t").empty());
  Unauthorized("INSERT INTO ks.t (id) VALUES (1)", "MODIFY");
  // LIST ROLES OF: the role itself and what it holds (directly only with NORECURSIVE).
  As("admin");
  auto held = Rows("LIST ROLES OF alice");
  ASSERT_EQ(held.size(), 3u);
  EXPECT_EQ(held[0], (std::vector<std::string>{"alice", "False", "True", "{}", "ALL"}));
  EXPECT_EQ(held[1][0], "analyst");
  EXPECT_EQ(held[2][0], "reader");
  EXPECT_EQ(held[2][2], "False");
  EXPECT_EQ(Rows("LIST ROLES OF alice NORECURSIVE").size(), 2u);
  // LIST PERMISSIONS OF shows what is held through roles, under the role that holds it.
  auto perms = Rows("LIST ALL PERMISSIONS OF alice");
  ASSERT_EQ(perms.size(), 1u);
  EXPECT_EQ(perms[0], (std::vector<std::string>{"reader", "reader", "<keyspace ks>", "SELECT"}));
  // A REVOKE takes effect at the next statement.
  Ok("REVOKE reader FROM analyst");
  As("alice");
  Unauthorized("SELECT * FROM ks.t", "no SELECT permission");
  As("admin");
  EXPECT_EQ(Rows("LIST ROLES OF alice").size(), 2u);
  EXPECT_TRUE(Rows("LIST ALL PERMISSIONS OF alice").empty());
}

TEST_F(AuthzTest, GrantRoleErrorsAsCassandraWordsThem) {
  Ok("CREATE ROLE reader");
  Ok("CREATE ROLE analyst");
  Ok("GRANT reader TO analyst");
  Ok("GRANT analyst TO alice");
  EXPECT_EQ(Err("GRANT analyst TO alice").message, "alice is a member of analyst");
  EXPECT_EQ(Err("GRANT reader TO alice").message, "alice is a member of reader");
  CqlError cycle = Err("GRANT alice TO reader");
  EXPECT_EQ(cycle.code, ErrorCode::kInvalid);
  EXPECT_EQ(cycle.message, "alice is a member of reader");
  EXPECT_EQ(Err("GRANT alice TO alice").message, "alice is a member of alice");
  EXPECT_EQ(Err("GRANT ghost TO alice").message, "ghost doesn't exist");
  EXPECT_EQ(Err("GRANT reader TO ghost").message, "ghost doesn't exist");
  EXPECT_EQ(Err("REVOKE reader FROM alice").message, "alice is not a member of reader");
  EXPECT_EQ(Err("LIST ROLES OF ghost").message, "ghost doesn't exist");
  // Only a superuser grants roles (kappa has no AUTHORIZE on roles to hand out).
  As("alice");
  Unauthorized("GRANT reader TO alice", "no AUTHORIZE permission on <role reader>");
  Unauthorized("REVOKE analyst FROM alice", "only superusers grant and revoke roles");
  // alice sees her own roles and those of a role she holds, not another's.
  EXPECT_EQ(Rows("LIST ROLES").size(), 3u);
  EXPECT_EQ(Rows("LIST ROLES OF analyst").size(), 2u);
  EXPECT_TRUE(Rows("LIST ALL PERMISSIONS OF reader").empty());
  As("admin");
  Ok("CREATE ROLE other");
  As("alice");
  Unauthorized("LIST ROLES OF other", "not authorized to view roles granted to other");
  Unauthorized("LIST ALL PERMISSIONS OF other", "not authorized to view other's permissions");
}

TEST_F(AuthzTest, SuperuserThroughAGrantedRoleAndDropRole) {
  Ok("CREATE ROLE boss WITH SUPERUSER = true");
  Ok("CREATE ROLE team");
  Ok("GRANT boss TO team");
  Ok("GRANT team TO alice");
  As("alice");
  EXPECT_TRUE(authz_->IsSuperUser(security::Principal::User("alice")));
  Ok("CREATE KEYSPACE k2 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  Ok("CREATE ROLE made_by_alice");  // a superuser's statement
  // LIST ROLES shows each role's own SUPERUSER flag, as Cassandra's does.
  auto roles = Rows("LIST ROLES OF alice");
  ASSERT_EQ(roles.size(), 3u);
  EXPECT_EQ(roles[0][1], "False");
  EXPECT_EQ(roles[1][0], "boss");
  EXPECT_EQ(roles[1][1], "True");
  // Dropping a role in the middle removes its memberships both ways.
  As("admin");
  Ok("DROP ROLE team");
  EXPECT_FALSE(authz_->IsSuperUser(security::Principal::User("alice")));
  EXPECT_EQ(Rows("LIST ROLES OF alice").size(), 1u);
  EXPECT_EQ(Rows("LIST ROLES OF boss").size(), 1u);
  As("alice");
  Unauthorized("SELECT * FROM ks.t", "no SELECT permission");
}

TEST_F(AuthzTest, MembershipSurvivesAReopen) {
  Ok("CREATE ROLE reader");
  Ok("GRANT SELECT ON TABLE ks.t TO reader");
  Ok("GRANT reader TO alice");
  // Another server on the same data directory: the grants are in users.json.
  auto users = security::UserStore::Open(sec_.path());
  ASSERT_TRUE(users.ok());
  security::AuthorizerOptions ao;
  ao.enabled = true;
  auto a = security::Authorizer::Open(sec_.path(), ao, *users);
  ASSERT_TRUE(a.ok());
  UseExecutor(*users, *a);
  As("alice");
  EXPECT_TRUE(Rows("SELECT * FROM ks.t").empty());
  EXPECT_EQ((*users)->Role("alice")->member_of, (std::vector<std::string>{"reader"}));
}

}  // namespace
}  // namespace kappa::cql
