// Role membership (GRANT role TO role) in the user store and what the Authorizer makes of
// it: transitive holding, Cassandra's errors, the size limit, dropping a role, persistence,
// superusers through roles, and Kafka ACLs held through a role.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "common/file_modes.h"
#include "security/security.h"
#include "testutil/temp_dir.h"

namespace kappa::security {
namespace {

class RoleMembershipTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = UserStore::Open(Dir());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    users_ = *s;
    for (const char* r : {"alice", "analyst", "reader", "writer", "admin_role"}) {
      ASSERT_TRUE(users_->CreateRole(r, {}).ok());
    }
  }
  std::string Dir() const { return dir_.path() + "/security"; }
  RoleSet Held(std::string_view name) const {
    auto h = users_->HeldRoles(name);
    return h ? *h : RoleSet{};
  }
  std::string GrantError(std::string_view role, std::string_view grantee) {
    Status s = users_->GrantRole(role, grantee);
    EXPECT_FALSE(s.ok()) << role << " to " << grantee;
    return s.message();
  }

  testutil::TempDir dir_{"kappa-roles-test"};
  std::shared_ptr<UserStore> users_;
};

TEST_F(RoleMembershipTest, GrantIsTransitiveAndRevokeIsImmediate) {
  EXPECT_EQ(Held("alice"), (RoleSet{"alice"}));
  ASSERT_TRUE(users_->GrantRole("analyst", "alice").ok());
  ASSERT_TRUE(users_->GrantRole("reader", "analyst").ok());
  ASSERT_TRUE(users_->GrantRole("writer", "analyst").ok());
  EXPECT_EQ(Held("alice"), (RoleSet{"alice", "analyst", "reader", "writer"}));
  EXPECT_EQ(Held("analyst"), (RoleSet{"analyst", "reader", "writer"}));
  EXPECT_EQ(users_->Role("alice")->member_of, (std::vector<std::string>{"analyst"}));
  EXPECT_EQ(users_->Role("analyst")->member_of, (std::vector<std::string>{"reader", "writer"}));
  EXPECT_EQ(users_->HeldRoles("nobody"), nullptr);
  ASSERT_TRUE(users_->RevokeRole("reader", "analyst").ok());
  EXPECT_EQ(Held("alice"), (RoleSet{"alice", "analyst", "writer"}));
  ASSERT_TRUE(users_->RevokeRole("analyst", "alice").ok());
  EXPECT_EQ(Held("alice"), (RoleSet{"alice"}));
}

TEST_F(RoleMembershipTest, CassandrasErrors) {
  ASSERT_TRUE(users_->GrantRole("analyst", "alice").ok());
  ASSERT_TRUE(users_->GrantRole("reader", "analyst").ok());
  // Held already, directly or through another role, or the role itself.
  EXPECT_EQ(GrantError("analyst", "alice"), "alice is a member of analyst");
  EXPECT_EQ(GrantError("reader", "alice"), "alice is a member of reader");
  EXPECT_EQ(GrantError("alice", "alice"), "alice is a member of alice");
  // Cycles: "<role> is a member of <grantee>", the grantee would come to hold itself.
  EXPECT_EQ(GrantError("alice", "analyst"), "alice is a member of analyst");
  EXPECT_EQ(GrantError("alice", "reader"), "alice is a member of reader");
  Status missing = users_->GrantRole("ghost", "alice");
  EXPECT_TRUE(missing.IsNotFound());
  EXPECT_EQ(missing.message(), "ghost doesn't exist");
  EXPECT_EQ(users_->RevokeRole("analyst", "nobody").message(), "nobody doesn't exist");
  // REVOKE takes only a direct grant.
  EXPECT_EQ(users_->RevokeRole("reader", "alice").message(), "alice is not a member of reader");
  EXPECT_EQ(users_->RevokeRole("writer", "alice").message(), "alice is not a member of writer");
}

TEST_F(RoleMembershipTest, DropRoleRemovesItsMembershipsBothWays) {
  ASSERT_TRUE(users_->GrantRole("analyst", "alice").ok());
  ASSERT_TRUE(users_->GrantRole("reader", "analyst").ok());
  ASSERT_TRUE(users_->Delete("analyst").ok());
  EXPECT_EQ(Held("alice"), (RoleSet{"alice"}));
  EXPECT_TRUE(users_->Role("alice")->member_of.empty());
  // A role made again under the name starts without the old grants.
  ASSERT_TRUE(users_->CreateRole("analyst", {}).ok());
  EXPECT_EQ(Held("analyst"), (RoleSet{"analyst"}));
  EXPECT_EQ(Held("alice"), (RoleSet{"alice"}));
}

TEST_F(RoleMembershipTest, SurvivesReopenAndIsSeenByAnotherProcess) {
  auto other = UserStore::Open(Dir());  // opened before the change, as a running server
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(users_->GrantRole("analyst", "alice").ok());
  ASSERT_TRUE(users_->GrantRole("reader", "analyst").ok());
  // A password change (kappa users add) keeps the grants.
  ASSERT_TRUE(users_->Put("alice", "pw").ok());
  auto reopened = UserStore::Open(Dir());
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(*(*reopened)->HeldRoles("alice"), (RoleSet{"alice", "analyst", "reader"}));
  bool seen = false;
  for (int i = 0; i < 40 && !seen; ++i) {
    auto h = (*other)->HeldRoles("alice");
    seen = h && h->size() == 3;
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(seen);
}

TEST_F(RoleMembershipTest, SuperuserIsInherited) {
  ASSERT_TRUE(users_->AlterRole("admin_role", {std::nullopt, std::nullopt, true}).ok());
  EXPECT_FALSE(users_->IsSuperUser("alice"));
  ASSERT_TRUE(users_->GrantRole("admin_role", "analyst").ok());
  ASSERT_TRUE(users_->GrantRole("analyst", "alice").ok());
  EXPECT_TRUE(users_->IsSuperUser("alice"));
  EXPECT_FALSE(users_->Role("alice")->superuser);  // its own flag is unchanged
  ASSERT_TRUE(users_->RevokeRole("admin_role", "analyst").ok());
  EXPECT_FALSE(users_->IsSuperUser("alice"));
}

TEST_F(RoleMembershipTest, AGrantBeyondTheLimitIsRefused) {
  // A chain of kMaxHeldRoles roles under "top": top holds exactly the limit.
  std::string prev = "top";
  ASSERT_TRUE(users_->CreateRole(prev, {}).ok());
  for (size_t i = 0; i < kMaxHeldRoles; ++i) {
    std::string r = "r";
    r += std::to_string(i);
    ASSERT_TRUE(users_->CreateRole(r, {}).ok());
    ASSERT_TRUE(users_->GrantRole(r, prev).ok()) << i;
    prev = r;
  }
  EXPECT_EQ(Held("top").size(), kMaxHeldRoles + 1);
  // One more at the end of the chain would give "top" too many.
  std::string e = GrantError("reader", prev);
  EXPECT_NE(e.find("would give top more than 128 roles"), std::string::npos) << e;
  EXPECT_EQ(Held(prev), (RoleSet{prev}));
  // Elsewhere the same role is fine.
  EXPECT_TRUE(users_->GrantRole("reader", "writer").ok());
}

TEST(RoleMembershipFileTest, AHandWrittenCycleDoesNotLoop) {
  testutil::TempDir dir{"kappa-roles-file-test"};
  const std::string sec = dir.path() + "/security";
  ASSERT_TRUE(CreateDirsOwnerOnly(sec).ok());
  std::ofstream(sec + "/users.json")
      << R"({"version":1,"users":{"a":{"login":false,"member_of":["b"]},)"
      << R"("b":{"login":false,"member_of":["a","gone"]}}})";
  auto s = UserStore::Open(sec);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(*(*s)->HeldRoles("a"), (RoleSet{"a", "b"}));
  EXPECT_EQ(*(*s)->HeldRoles("b"), (RoleSet{"a", "b"}));
  std::ofstream(sec + "/users.json", std::ios::trunc)
      << R"({"version":1,"users":{"a":{"member_of":"b"}}})";
  auto bad = UserStore::Open(sec);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("member_of"), std::string::npos);
}

// The Authorizer over the same store: ACLs and SUPERUSER held through roles count for every
// listener (Kafka's topics here, CQL's keyspaces), and a revoke is seen at the next check.
class RoleAuthorizerTest : public RoleMembershipTest {
 protected:
  void SetUp() override {
    RoleMembershipTest::SetUp();
    AuthorizerOptions o;
    o.enabled = true;
    o.super_users = {"ops"};
    auto a = Authorizer::Open(Dir(), o, users_);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    authz_ = *a;
  }
  bool Can(AclOperation op, ResourceType t, std::string_view name) const {
    return authz_->Authorize(alice_, "10.0.0.1", op, t, name);
  }
  std::shared_ptr<Authorizer> authz_;
  Principal alice_ = Principal::User("alice");
};

TEST_F(RoleAuthorizerTest, AclsOfAHeldRoleApply) {
  AclBinding read{ResourceType::kTopic, "orders", PatternType::kLiteral, "User:reader", "*",
                  AclOperation::kRead, AclPermission::kAllow};
  AclBinding select{ResourceType::kKeyspace, "shop", PatternType::kLiteral, "User:reader", "*",
                    AclOperation::kSelect, AclPermission::kAllow};
  ASSERT_TRUE(authz_->Add({read, select}).ok());
  EXPECT_FALSE(Can(AclOperation::kRead, ResourceType::kTopic, "orders"));
  ASSERT_TRUE(users_->GrantRole("reader", "analyst").ok());
  ASSERT_TRUE(users_->GrantRole("analyst", "alice").ok());
  EXPECT_TRUE(Can(AclOperation::kRead, ResourceType::kTopic, "orders"));
  EXPECT_TRUE(Can(AclOperation::kDescribe, ResourceType::kTopic, "orders"));  // implied
  EXPECT_TRUE(Can(AclOperation::kSelect, ResourceType::kKeyspace, "shop.items"));
  EXPECT_FALSE(Can(AclOperation::kWrite, ResourceType::kTopic, "orders"));
  EXPECT_TRUE(authz_->AuthorizeAny(alice_, "", AclOperation::kRead, ResourceType::kTopic));
  // A DENY bound to a held role wins as one bound to the user would.
  AclBinding deny = read;
  deny.principal = "User:analyst";
  deny.permission = AclPermission::kDeny;
  ASSERT_TRUE(authz_->Add({deny}).ok());
  EXPECT_FALSE(Can(AclOperation::kRead, ResourceType::kTopic, "orders"));
  AclFilter of_analyst;
  of_analyst.principal = "User:analyst";
  ASSERT_TRUE(authz_->Remove(of_analyst).ok());
  EXPECT_TRUE(Can(AclOperation::kRead, ResourceType::kTopic, "orders"));
  // Revoked: gone at the next check (the same store), not a second later.
  ASSERT_TRUE(users_->RevokeRole("analyst", "alice").ok());
  EXPECT_FALSE(Can(AclOperation::kRead, ResourceType::kTopic, "orders"));
  EXPECT_FALSE(authz_->AuthorizeAny(alice_, "", AclOperation::kRead, ResourceType::kTopic));
  // A principal that did not log in holds no role.
  ASSERT_TRUE(users_->GrantRole("reader", "alice").ok());
  EXPECT_FALSE(authz_->Authorize(Principal{"alice", false}, "", AclOperation::kRead,
                                 ResourceType::kTopic, "orders"));
}

TEST_F(RoleAuthorizerTest, SuperUsersThroughRoles) {
  EXPECT_FALSE(authz_->IsSuperUser(alice_));
  // A role with SUPERUSER.
  ASSERT_TRUE(users_->AlterRole("admin_role", {std::nullopt, std::nullopt, true}).ok());
  ASSERT_TRUE(users_->GrantRole("admin_role", "alice").ok());
  EXPECT_TRUE(authz_->IsSuperUser(alice_));
  EXPECT_TRUE(Can(AclOperation::kWrite, ResourceType::kTopic, "anything"));
  ASSERT_TRUE(users_->RevokeRole("admin_role", "alice").ok());
  EXPECT_FALSE(authz_->IsSuperUser(alice_));
  // A role named in security.acls.super_users.
  ASSERT_TRUE(users_->CreateRole("ops", {}).ok());
  ASSERT_TRUE(users_->GrantRole("ops", "analyst").ok());
  ASSERT_TRUE(users_->GrantRole("analyst", "alice").ok());
  EXPECT_TRUE(authz_->IsSuperUser(alice_));
  ASSERT_TRUE(users_->Delete("ops").ok());
  EXPECT_FALSE(authz_->IsSuperUser(alice_));
}

}  // namespace
}  // namespace kappa::security
