// Authorizer decisions (Kafka's AclAuthorizer semantics) and its file: persistence across
// reopen, changes made by another process seen within a second, a broken file.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <thread>

#include "security/security.h"
#include "testutil/temp_dir.h"

namespace kappa::security {
namespace {

using Op = AclOperation;
using RT = ResourceType;

AclBinding Allow(RT type, std::string name, std::string principal, Op op,
                 PatternType p = PatternType::kLiteral) {
  return {type, std::move(name), p, std::move(principal), "*", op, AclPermission::kAllow};
}
AclBinding Deny(RT type, std::string name, std::string principal, Op op,
                PatternType p = PatternType::kLiteral) {
  return {type, std::move(name), p, std::move(principal), "*", op, AclPermission::kDeny};
}

class AuthorizerTest : public ::testing::Test {
 protected:
  std::shared_ptr<Authorizer> Open(AuthorizerOptions o = On()) {
    auto a = Authorizer::Open(dir_.path() + "/security", o);
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return a.ok() ? *a : nullptr;
  }
  static AuthorizerOptions On() {
    AuthorizerOptions o;
    o.enabled = true;
    o.super_users = {"admin", "User:root"};
    return o;
  }
  testutil::TempDir dir_{"kappa-acl-test"};
  Principal alice_ = Principal::User("alice"), bob_ = Principal::User("bob");
};

TEST_F(AuthorizerTest, DisabledAllowsEverything) {
  auto a = Open(AuthorizerOptions{});
  EXPECT_FALSE(a->enabled());
  EXPECT_TRUE(a->Authorize(Principal::Anonymous(), "", Op::kWrite, RT::kTopic, "t"));
}

TEST_F(AuthorizerTest, DeniedWithoutAclsSuperUsersAllowed) {
  auto a = Open();
  EXPECT_FALSE(a->Authorize(alice_, "", Op::kRead, RT::kTopic, "t"));
  EXPECT_FALSE(a->Authorize(Principal::Anonymous(), "", Op::kDescribe, RT::kCluster,
                            "kafka-cluster"));
  EXPECT_TRUE(a->IsSuperUser(Principal::User("admin")));
  EXPECT_TRUE(a->Authorize(Principal::User("admin"), "", Op::kAlter, RT::kTopic, "t"));
  EXPECT_TRUE(a->Authorize(Principal::User("root"), "", Op::kDelete, RT::kGroup, "g"));
}

TEST_F(AuthorizerTest, AllowIfNoAclFound) {
  auto o = On();
  o.allow_if_no_acl = true;
  auto a = Open(o);
  ASSERT_TRUE(a->Add({Allow(RT::kTopic, "secret", "User:bob", Op::kRead)}).ok());
  EXPECT_TRUE(a->Authorize(alice_, "", Op::kRead, RT::kTopic, "public"));
  EXPECT_FALSE(a->Authorize(alice_, "", Op::kRead, RT::kTopic, "secret"));
}

TEST_F(AuthorizerTest, LiteralPrefixedWildcardAndImpliedDescribe) {
  auto a = Open();
  ASSERT_TRUE(a->Add({Allow(RT::kTopic, "orders", "User:alice", Op::kRead),
                      Allow(RT::kTopic, "logs-", "User:alice", Op::kWrite, PatternType::kPrefixed),
                      Allow(RT::kTopic, "*", "User:*", Op::kDescribeConfigs),
                      Allow(RT::kGroup, "app-", "User:alice", Op::kRead, PatternType::kPrefixed)})
                  .ok());
  EXPECT_TRUE(a->Authorize(alice_, "", Op::kRead, RT::kTopic, "orders"));
  EXPECT_FALSE(a->Authorize(alice_, "", Op::kWrite, RT::kTopic, "orders"));
  EXPECT_TRUE(a->Authorize(alice_, "", Op::kDescribe, RT::kTopic, "orders"));  // READ implies
  EXPECT_FALSE(a->Authorize(bob_, "", Op::kRead, RT::kTopic, "orders"));
  EXPECT_TRUE(a->Authorize(alice_, "", Op::kWrite, RT::kTopic, "logs-app"));
  EXPECT_TRUE(a->Authorize(alice_, "", Op::kDescribe, RT::kTopic, "logs-app"));
  EXPECT_FALSE(a->Authorize(alice_, "", Op::kWrite, RT::kTopic, "log"));
  EXPECT_TRUE(a->Authorize(bob_, "", Op::kDescribeConfigs, RT::kTopic, "anything"));
  EXPECT_FALSE(a->Authorize(bob_, "", Op::kDescribe, RT::kTopic, "anything"));
  EXPECT_TRUE(a->Authorize(alice_, "", Op::kRead, RT::kGroup, "app-1"));
  EXPECT_FALSE(a->Authorize(alice_, "", Op::kRead, RT::kTopic, "app-1"));  // type matters
  EXPECT_FALSE(a->Authorize(alice_, "", Op::kDelete, RT::kGroup, "app-1"));
}

TEST_F(AuthorizerTest, DenyWinsButDoesNotDenyImpliedOperations) {
  auto a = Open();
  ASSERT_TRUE(a->Add({Allow(RT::kTopic, "*", "User:*", Op::kAll),
                      Deny(RT::kTopic, "secret", "User:alice", Op::kRead),
                      Deny(RT::kTopic, "x-", "User:bob", Op::kAll, PatternType::kPrefixed)})
                  .ok());
  EXPECT_FALSE(a->Authorize(alice_, "", Op::kRead, RT::kTopic, "secret"));
  // Kafka: a DENY on READ does not deny DESCRIBE (only the operation itself and ALL).
  EXPECT_TRUE(a->Authorize(alice_, "", Op::kDescribe, RT::kTopic, "secret"));
  EXPECT_TRUE(a->Authorize(alice_, "", Op::kWrite, RT::kTopic, "secret"));
  EXPECT_TRUE(a->Authorize(bob_, "", Op::kRead, RT::kTopic, "secret"));
  EXPECT_FALSE(a->Authorize(bob_, "", Op::kDescribe, RT::kTopic, "x-1"));
}

TEST_F(AuthorizerTest, HostMatches) {
  auto a = Open();
  auto b = Allow(RT::kTopic, "t", "User:alice", Op::kRead);
  b.host = "10.0.0.7";
  ASSERT_TRUE(a->Add({b}).ok());
  EXPECT_TRUE(a->Authorize(alice_, "10.0.0.7", Op::kRead, RT::kTopic, "t"));
  EXPECT_FALSE(a->Authorize(alice_, "10.0.0.8", Op::kRead, RT::kTopic, "t"));
  EXPECT_FALSE(a->Authorize(alice_, "", Op::kRead, RT::kTopic, "t"));
}

TEST_F(AuthorizerTest, KeyspacePermissions) {
  auto a = Open();
  ASSERT_TRUE(a->Add({Allow(RT::kKeyspace, "shop", "User:alice", Op::kSelect),
                      Allow(RT::kKeyspace, "*", "User:bob", Op::kAll),
                      Allow(RT::kKeyspace, "shop.orders", "User:alice", Op::kModify),
                      Deny(RT::kKeyspace, "shop.secrets", "User:bob", Op::kSelect)})
                  .ok());
  EXPECT_TRUE(a->Authorize(alice_, "", Op::kSelect, RT::kKeyspace, "shop.orders"));
  EXPECT_TRUE(a->Authorize(alice_, "", Op::kSelect, RT::kKeyspace, "shop"));
  EXPECT_TRUE(a->Authorize(alice_, "", Op::kModify, RT::kKeyspace, "shop.orders"));
  EXPECT_FALSE(a->Authorize(alice_, "", Op::kModify, RT::kKeyspace, "shop.items"));
  EXPECT_FALSE(a->Authorize(alice_, "", Op::kSelect, RT::kKeyspace, "other.t"));
  EXPECT_TRUE(a->Authorize(bob_, "", Op::kDrop, RT::kKeyspace, "other"));
  EXPECT_FALSE(a->Authorize(bob_, "", Op::kSelect, RT::kKeyspace, "shop.secrets"));
}

TEST_F(AuthorizerTest, ListRemoveAndPersistAcrossReopen) {
  {
    auto a = Open();
    ASSERT_TRUE(a->Add({Allow(RT::kTopic, "t", "User:alice", Op::kRead),
                        Allow(RT::kTopic, "t", "User:alice", Op::kRead),  // once only
                        Allow(RT::kGroup, "g", "User:alice", Op::kRead),
                        Allow(RT::kTopic, "u", "User:bob", Op::kWrite)})
                    .ok());
    EXPECT_EQ(a->List({}).size(), 3u);
    // None is added when one is invalid.
    EXPECT_FALSE(a->Add({Allow(RT::kTopic, "v", "User:x", Op::kRead),
                         Allow(RT::kTopic, "v", "nocolon", Op::kRead)})
                     .ok());
    EXPECT_EQ(a->List({}).size(), 3u);
    AclFilter bobs;
    bobs.principal = "User:bob";
    auto removed = a->Remove(bobs);
    ASSERT_TRUE(removed.ok());
    ASSERT_EQ(removed->size(), 1u);
    EXPECT_EQ((*removed)[0].resource_name, "u");
  }
  std::string file = dir_.path() + "/security/acls";
  struct stat st{};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto a = Open();
  AclFilter topics;
  topics.resource_type = RT::kTopic;
  auto l = a->List(topics);
  ASSERT_EQ(l.size(), 1u);
  EXPECT_EQ(l[0], Allow(RT::kTopic, "t", "User:alice", Op::kRead));
  EXPECT_TRUE(a->Authorize(alice_, "", Op::kRead, RT::kTopic, "t"));
}

TEST_F(AuthorizerTest, SeesAnotherWritersChangeWithinASecond) {
  auto server = Open();
  auto cli = Open();  // another process on the same data directory
  EXPECT_FALSE(server->Authorize(alice_, "", Op::kRead, RT::kTopic, "t"));
  ASSERT_TRUE(cli->Add({Allow(RT::kTopic, "t", "User:alice", Op::kRead)}).ok());
  bool seen = false;
  for (int i = 0; i < 30 && !seen; ++i) {
    seen = server->Authorize(alice_, "", Op::kRead, RT::kTopic, "t");
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(seen);
  // A write by the server keeps the other writer's binding (read-modify-write of the file).
  ASSERT_TRUE(server->Add({Allow(RT::kGroup, "g", "User:alice", Op::kRead)}).ok());
  EXPECT_EQ(server->List({}).size(), 2u);
}

TEST_F(AuthorizerTest, BrokenFileFailsOpenAndIsKeptAtRuntime) {
  auto a = Open();
  ASSERT_TRUE(a->Add({Allow(RT::kTopic, "t", "User:alice", Op::kRead)}).ok());
  std::string file = dir_.path() + "/security/acls";
  std::ofstream(file, std::ios::trunc) << "{not json";
  auto again = Authorizer::Open(dir_.path() + "/security", On());
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.status().message().find(file), std::string::npos);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_TRUE(a->Authorize(alice_, "", Op::kRead, RT::kTopic, "t"));  // last good ACLs
}

}  // namespace
}  // namespace kappa::security
