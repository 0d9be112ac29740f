// The ACL model: names and codes, filters, validation, the stored form.
#include <gtest/gtest.h>

#include "security/acl_file.h"
#include "security/security.h"

namespace kappa::security {
namespace {

AclBinding Topic(std::string name, PatternType p, std::string principal, AclOperation op,
                 AclPermission perm = AclPermission::kAllow) {
  return {ResourceType::kTopic, std::move(name), p, std::move(principal), "*", op, perm};
}

TEST(AclNames, RoundTripAndKafkaCodes) {
  EXPECT_EQ(Name(AclOperation::kDescribeConfigs), "DESCRIBE_CONFIGS");
  EXPECT_EQ(ParseAclOperation("describe_configs"), AclOperation::kDescribeConfigs);
  EXPECT_EQ(ParseAclOperation("nope"), AclOperation::kUnknown);
  EXPECT_EQ(ParseResourceType("transactional_id"), ResourceType::kTransactionalId);
  EXPECT_EQ(Name(PatternType::kPrefixed), "PREFIXED");
  // Kafka's wire codes (AclOperation.java, ResourceType.java, PatternType.java).
  EXPECT_EQ(AclOperationFromCode(3), AclOperation::kRead);
  EXPECT_EQ(AclOperationFromCode(12), AclOperation::kIdempotentWrite);
  EXPECT_EQ(ResourceTypeFromCode(2), ResourceType::kTopic);
  EXPECT_EQ(ResourceTypeFromCode(4), ResourceType::kCluster);
  EXPECT_EQ(PatternTypeFromCode(4), PatternType::kPrefixed);
  EXPECT_EQ(AclPermissionFromCode(3), AclPermission::kAllow);
  // kappa's own values never come off the Kafka wire.
  EXPECT_EQ(ResourceTypeFromCode(64), ResourceType::kUnknown);
  EXPECT_EQ(AclOperationFromCode(65), AclOperation::kUnknown);
  EXPECT_EQ(AclOperationFromCode(-1), AclOperation::kUnknown);
}

TEST(AclValidate, RejectsWhatKafkaRejects) {
  EXPECT_TRUE(ValidateAcl(Topic("t", PatternType::kLiteral, "User:a", AclOperation::kRead)).ok());
  EXPECT_FALSE(ValidateAcl(Topic("t", PatternType::kMatch, "User:a", AclOperation::kRead)).ok());
  EXPECT_FALSE(ValidateAcl(Topic("t", PatternType::kAny, "User:a", AclOperation::kRead)).ok());
  EXPECT_FALSE(ValidateAcl(Topic("t", PatternType::kLiteral, "alice", AclOperation::kRead)).ok());
  EXPECT_FALSE(ValidateAcl(Topic("t", PatternType::kLiteral, "User:a", AclOperation::kAny)).ok());
  EXPECT_FALSE(ValidateAcl(Topic("", PatternType::kLiteral, "User:a", AclOperation::kRead)).ok());
  EXPECT_FALSE(ValidateAcl(Topic("t", PatternType::kLiteral, "User:a", AclOperation::kSelect)).ok());
  AclBinding cluster{ResourceType::kCluster, "c", PatternType::kLiteral, "User:a", "*",
                     AclOperation::kCreate, AclPermission::kAllow};
  Status s = ValidateAcl(cluster);
  EXPECT_NE(s.message().find("kafka-cluster"), std::string::npos) << s.ToString();
  cluster.resource_name = "kafka-cluster";
  EXPECT_TRUE(ValidateAcl(cluster).ok());
  AclBinding ks{ResourceType::kKeyspace, "k.t", PatternType::kLiteral, "User:a", "*",
                AclOperation::kSelect, AclPermission::kAllow};
  EXPECT_TRUE(ValidateAcl(ks).ok());
  ks.operation = AclOperation::kRead;  // a Kafka operation on a keyspace
  EXPECT_FALSE(ValidateAcl(ks).ok());
}

TEST(AclFilter, AnyLiteralAndMatch) {
  auto lit = Topic("orders", PatternType::kLiteral, "User:a", AclOperation::kRead);
  auto wild = Topic("*", PatternType::kLiteral, "User:b", AclOperation::kWrite);
  auto pre = Topic("ord", PatternType::kPrefixed, "User:a", AclOperation::kRead,
                   AclPermission::kDeny);
  auto other = Topic("payments", PatternType::kLiteral, "User:a", AclOperation::kRead);
  AclFilter any;
  for (auto* b : {&lit, &wild, &pre, &other}) EXPECT_TRUE(any.Matches(*b));

  AclFilter exact;
  exact.resource_name = "orders";
  exact.pattern_type = PatternType::kLiteral;
  EXPECT_TRUE(exact.Matches(lit));
  EXPECT_FALSE(exact.Matches(wild));
  EXPECT_FALSE(exact.Matches(pre));

  AclFilter match;  // Kafka's MATCH: everything that applies to the topic "orders"
  match.resource_type = ResourceType::kTopic;
  match.resource_name = "orders";
  match.pattern_type = PatternType::kMatch;
  EXPECT_TRUE(match.Matches(lit));
  EXPECT_TRUE(match.Matches(wild));
  EXPECT_TRUE(match.Matches(pre));
  EXPECT_FALSE(match.Matches(other));

  AclFilter by_principal;
  by_principal.principal = "User:b";
  by_principal.operation = AclOperation::kWrite;
  EXPECT_TRUE(by_principal.Matches(wild));
  EXPECT_FALSE(by_principal.Matches(lit));

  AclFilter bad;
  bad.operation = AclOperation::kUnknown;
  EXPECT_FALSE(bad.Validate().ok());
}

TEST(AclFilter, KeyspaceHierarchy) {
  auto all = AclBinding{ResourceType::kKeyspace, "*", PatternType::kLiteral, "User:a", "*",
                        AclOperation::kSelect, AclPermission::kAllow};
  auto ks = all;
  ks.resource_name = "shop";
  auto table = all;
  table.resource_name = "shop.orders";
  AclFilter f;
  f.resource_type = ResourceType::kKeyspace;
  f.pattern_type = PatternType::kMatch;
  f.resource_name = "shop.orders";
  EXPECT_TRUE(f.Matches(all));
  EXPECT_TRUE(f.Matches(ks));
  EXPECT_TRUE(f.Matches(table));
  f.resource_name = "shop";
  EXPECT_FALSE(f.Matches(table));  // a table's grant does not cover its keyspace
  f.resource_name = "shopping.x";
  EXPECT_FALSE(f.Matches(ks));
}

TEST(AclFile, RoundTripAndCorruption) {
  std::vector<AclBinding> acls = {
      Topic("orders", PatternType::kLiteral, "User:a", AclOperation::kRead),
      Topic("ord", PatternType::kPrefixed, "User:*", AclOperation::kAll, AclPermission::kDeny),
      {ResourceType::kKeyspace, "shop", PatternType::kLiteral, "User:bob", "10.0.0.1",
       AclOperation::kModify, AclPermission::kAllow},
  };
  auto back = DecodeAcls(EncodeAcls(acls), "acls");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, acls);

  EXPECT_EQ(DecodeAcls("{", "f").status().code(), Status::Code::kCorruption);
  EXPECT_EQ(DecodeAcls(R"({"version": 2, "acls": []})", "f").status().code(),
            Status::Code::kCorruption);
  auto bad = DecodeAcls(
      R"({"version": 1, "acls": [{"resource_type": "TOPIC", "resource_name": "t",
          "pattern_type": "MATCH", "principal": "User:a", "host": "*",
          "operation": "READ", "permission": "ALLOW"}]})",
      "/d/acls");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("/d/acls: acls[0]"), std::string::npos)
      << bad.status().ToString();
}

}  // namespace
}  // namespace kappa::security
