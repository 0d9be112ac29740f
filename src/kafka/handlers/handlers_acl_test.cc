// ACL checks of the handlers (Kafka's KafkaApis behaviour) with principals set directly, as
// the connection sets them after SASL: the error codes Kafka answers, where it answers them,
// Metadata listing only describable topics, and the ACL APIs (DescribeAcls, CreateAcls,
// DeleteAcls) decoded field by field.
#include "kafka/handlers/handlers_test_fixture.h"

namespace kappa::kafka::handlers_testing {
namespace {

using security::AclBinding;
using security::AclOperation;
using security::AclPermission;
using security::PatternType;
using security::ResourceType;

constexpr int16_t kTopicAuthFailed = 29, kGroupAuthFailed = 30, kClusterAuthFailed = 31;

class HandlersAclTest : public HandlersTest {
 protected:
  void SetUp() override {
    HandlersTest::SetUp();
    security::AuthorizerOptions o;
    o.enabled = true;
    o.super_users = {"admin"};
    auto a = security::Authorizer::Open(dir_.path() + "/security", o);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    acls_ = *a;
    BrokerConfig c;
    c.port = 9092;
    c.group_initial_rebalance_delay_ms = 0;
    c.authorizer = acls_;
    broker_ = std::make_unique<Broker>(log_.get(), c, &clock_);
    ASSERT_TRUE(log_->CreateTopic("orders", 1, {}).ok());
    ASSERT_TRUE(log_->CreateTopic("payments", 1, {}).ok());
    ASSERT_TRUE(log_->CreateTopic("logs-app", 1, {}).ok());
  }
  void Allow(ResourceType t, std::string name, std::string who, AclOperation op,
             PatternType p = PatternType::kLiteral) {
    ASSERT_TRUE(acls_->Add({{t, std::move(name), p, "User:" + who, "*", op,
                             AclPermission::kAllow}})
                    .ok());
  }
  void As(const std::string& user) { principal_ = security::Principal::User(user); }

  // Metadata v1 for `topics` (nullopt: all): (name, error) of each topic answered.
  std::vector<std::pair<std::string, int16_t>> Metadata(
      std::optional<std::vector<std::string>> topics, bool auto_create = false) {
    Writer w(false);
    if (!topics) {
      w.ArrayLength(-1);
    } else {
      w.ArrayLength(int32_t(topics->size()));
      for (auto& t : *topics) w.String(t);
    }
    w.Bool(auto_create);
    std::string resp = Call(kMetadataApi, 4, w.Take());
    Reader r(resp, false);
    r.Int32();
    int32_t nb = r.ArrayLength();
    for (int32_t i = 0; i < nb; ++i) {
      r.Int32();
      r.String();
      r.Int32();
      r.NullableString();
    }
    r.NullableString();
    r.Int32();
    std::vector<std::pair<std::string, int16_t>> out;
    int32_t nt = r.ArrayLength();
    for (int32_t i = 0; i < nt && r.ok(); ++i) {
      int16_t e = r.Int16();
      std::string name(r.String());
      r.Bool();
      int32_t np = r.ArrayLength();
      for (int32_t p = 0; p < np; ++p) {
        r.Int16();
        r.Int32();
        r.Int32();
        r.ArrayLength();
        r.Int32();
        r.ArrayLength();
        r.Int32();
      }
      out.emplace_back(name, e);
    }
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.remaining(), 0u);
    return out;
  }

  // A group-keyed request's top-level error (Heartbeat v0: group, generation, member).
  int16_t Heartbeat(const std::string& group) {
    Writer w(false);
    w.String(group);
    w.Int32(1);
    w.String("m");
    std::string r_body = Call(kHeartbeatApi, 1, w.Take());
    Reader r(r_body, false);
    r.Int32();
    return r.Int16();
  }

  int16_t FindCoordinator(const std::string& group) {
    Writer w(false);
    w.String(group);
    w.Int8(0);
    std::string r_body = Call(kFindCoordinatorApi, 1, w.Take());
    Reader r(r_body, false);
    r.Int32();
    return r.Int16();
  }

  std::shared_ptr<security::Authorizer> acls_;
};

TEST_F(HandlersAclTest, ProduceNeedsWriteFetchNeedsRead) {
  As("alice");
  Allow(ResourceType::kTopic, "orders", "alice", AclOperation::kWrite);
  Allow(ResourceType::kTopic, "payments", "alice", AclOperation::kRead);
  EXPECT_EQ(Produce(7, "orders", Batch({"a"})).error, 0);
  EXPECT_EQ(Produce(7, "payments", Batch({"a"})).error, kTopicAuthFailed);
  EXPECT_EQ(Produce(3, "nosuch", Batch({"a"})).error, kTopicAuthFailed);
  EXPECT_FALSE(log_->TopicExists("nosuch"));  // no auto-create for an unauthorized producer
  EXPECT_EQ(ParseFetch(11, Call(kFetchApi, 11, FetchBody(11, "orders", 0, 0, 1))).error,
            kTopicAuthFailed);
  auto f = ParseFetch(11, Call(kFetchApi, 11, FetchBody(11, "payments", 0, 0, 1)));
  EXPECT_EQ(f.error, 0);
  EXPECT_EQ(f.high_watermark, 0);
  // A super user may do everything; ANONYMOUS nothing.
  As("admin");
  EXPECT_EQ(Produce(7, "payments", Batch({"x"})).error, 0);
  principal_ = security::Principal::Anonymous();
  EXPECT_EQ(Produce(7, "orders", Batch({"b"})).error, kTopicAuthFailed);
}

TEST_F(HandlersAclTest, MetadataListsOnlyDescribableTopics) {
  As("alice");
  Allow(ResourceType::kTopic, "orders", "alice", AclOperation::kRead);  // implies DESCRIBE
  Allow(ResourceType::kTopic, "logs-", "alice", AclOperation::kDescribe, PatternType::kPrefixed);
  auto all = Metadata(std::nullopt);
  std::vector<std::pair<std::string, int16_t>> want = {{"logs-app", 0}, {"orders", 0}};
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, want);
  // Named: unauthorized topics are TOPIC_AUTHORIZATION_FAILED whether they exist or not.
  auto named = Metadata(std::vector<std::string>{"orders", "payments", "ghost"});
  std::vector<std::pair<std::string, int16_t>> want_named = {
      {"orders", 0}, {"payments", kTopicAuthFailed}, {"ghost", kTopicAuthFailed}};
  EXPECT_EQ(named, want_named);
  // Describable but missing: auto-creation needs CREATE (cluster or topic).
  EXPECT_EQ(Metadata(std::vector<std::string>{"logs-new"}, true),
            (std::vector<std::pair<std::string, int16_t>>{{"logs-new", kTopicAuthFailed}}));
  EXPECT_FALSE(log_->TopicExists("logs-new"));
  Allow(ResourceType::kCluster, "kafka-cluster", "alice", AclOperation::kCreate);
  EXPECT_EQ(Metadata(std::vector<std::string>{"logs-new"}, true),
            (std::vector<std::pair<std::string, int16_t>>{{"logs-new", 0}}));
  EXPECT_TRUE(log_->TopicExists("logs-new"));
  // Without auto-create a describable missing topic is UNKNOWN_TOPIC_OR_PARTITION.
  EXPECT_EQ(Metadata(std::vector<std::string>{"logs-none"}, false),
            (std::vector<std::pair<std::string, int16_t>>{{"logs-none", 3}}));
}

TEST_F(HandlersAclTest, GroupsNeedReadAndDescribe) {
  As("bob");
  EXPECT_EQ(Heartbeat("app"), kGroupAuthFailed);
  EXPECT_EQ(FindCoordinator("app"), kGroupAuthFailed);
  Allow(ResourceType::kGroup, "app", "bob", AclOperation::kRead);
  EXPECT_NE(Heartbeat("app"), kGroupAuthFailed);
  EXPECT_EQ(FindCoordinator("app"), 0);  // READ implies DESCRIBE
  EXPECT_EQ(FindCoordinator("other"), kGroupAuthFailed);

  // OffsetCommit v2: group READ, then topic READ per topic.
  auto commit = [&](const std::string& group, const std::string& topic) {
    Writer w(false);
    w.String(group);
    w.Int32(-1);
    w.String("");
    w.Int64(-1);
    w.ArrayLength(1);
    w.String(topic);
    w.ArrayLength(1);
    w.Int32(0);
    w.Int64(0);
    w.NullableString(std::nullopt);
    std::string r_body = Call(kOffsetCommitApi, 2, w.Take());
    Reader r(r_body, false);
    r.ArrayLength();
    r.String();
    r.ArrayLength();
    r.Int32();
    return r.Int16();
  };
  EXPECT_EQ(commit("other", "orders"), kGroupAuthFailed);
  EXPECT_EQ(commit("app", "orders"), kTopicAuthFailed);
  Allow(ResourceType::kTopic, "orders", "bob", AclOperation::kRead);
  EXPECT_EQ(commit("app", "orders"), 0);
}

TEST_F(HandlersAclTest, TopicAdminAndConfigs) {
  As("carol");
  auto create = [&](const std::string& name) {
    Writer w(false);
    w.ArrayLength(1);
    w.String(name);
    w.Int32(1);
    w.Int16(1);
    w.ArrayLength(0);
    w.ArrayLength(0);
    w.Int32(1000);
    w.Bool(false);
    std::string r_body = Call(kCreateTopicsApi, 2, w.Take());
    Reader r(r_body, false);
    r.Int32();
    r.ArrayLength();
    r.String();
    return r.Int16();
  };
  EXPECT_EQ(create("new-one"), kTopicAuthFailed);
  Allow(ResourceType::kTopic, "new-", "carol", AclOperation::kCreate, PatternType::kPrefixed);
  EXPECT_EQ(create("new-one"), 0);

  auto del = [&](const std::string& name) {
    Writer w(false);
    w.ArrayLength(1);
    w.String(name);
    w.Int32(1000);
    std::string r_body = Call(kDeleteTopicsApi, 1, w.Take());
    Reader r(r_body, false);
    r.Int32();
    r.ArrayLength();
    r.String();
    return r.Int16();
  };
  EXPECT_EQ(del("orders"), kTopicAuthFailed);
  EXPECT_TRUE(log_->TopicExists("orders"));
  Allow(ResourceType::kTopic, "*", "carol", AclOperation::kDelete);
  EXPECT_EQ(del("ghost"), 3);  // authorized: then existence
  EXPECT_EQ(del("orders"), 0);

  // DescribeConfigs v0: topic DESCRIBE_CONFIGS -> 29, broker -> 31.
  auto describe = [&](int8_t type, const std::string& name) {
    Writer w(false);
    w.ArrayLength(1);
    w.Int8(type);
    w.String(name);
    w.ArrayLength(-1);
    std::string r_body = Call(kDescribeConfigsApi, 0, w.Take());
    Reader r(r_body, false);
    r.Int32();
    r.ArrayLength();
    return r.Int16();
  };
  EXPECT_EQ(describe(2, "payments"), kTopicAuthFailed);
  EXPECT_EQ(describe(4, "0"), kClusterAuthFailed);
  Allow(ResourceType::kTopic, "payments", "carol", AclOperation::kAlterConfigs);  // implies
  EXPECT_EQ(describe(2, "payments"), 0);
}

TEST_F(HandlersAclTest, InitProducerIdNeedsIdempotentWriteOrSomeTopicWrite) {
  As("dave");
  auto init = [&] {
    Writer w(false);
    w.NullableString(std::nullopt);
    w.Int32(60000);
    std::string r_body = Call(kInitProducerIdApi, 1, w.Take());
    Reader r(r_body, false);
    r.Int32();
    return r.Int16();
  };
  EXPECT_EQ(init(), kClusterAuthFailed);
  Allow(ResourceType::kTopic, "logs-", "dave", AclOperation::kWrite, PatternType::kPrefixed);
  EXPECT_EQ(init(), 0);
}

// ---- the ACL APIs ------------------------------------------------------------------------

std::string CreateAclsBody(int16_t v, const std::vector<AclBinding>& bs) {
  Writer w(v >= 2);
  w.ArrayLength(int32_t(bs.size()));
  for (const auto& b : bs) {
    w.Int8(static_cast<int8_t>(b.resource_type));
    w.String(b.resource_name);
    if (v >= 1) w.Int8(static_cast<int8_t>(b.pattern_type));
    w.String(b.principal);
    w.String(b.host);
    w.Int8(static_cast<int8_t>(b.operation));
    w.Int8(static_cast<int8_t>(b.permission));
    w.EmptyTaggedFields();
  }
  w.EmptyTaggedFields();
  return w.Take();
}

std::string FilterBody(int16_t v, int8_t type, std::optional<std::string> name, int8_t pattern,
                       std::optional<std::string> principal) {
  Writer w(v >= 2);
  w.Int8(type);
  w.NullableString(name);
  if (v >= 1) w.Int8(pattern);
  w.NullableString(principal);
  w.NullableString(std::nullopt);
  w.Int8(1);  // ANY operation
  w.Int8(1);  // ANY permission
  return w.Take();
}

TEST_F(HandlersAclTest, CreateDescribeDeleteAcls) {
  for (int16_t v : {1, 2}) {
    SCOPED_TRACE(v);
    As("admin");
    std::string resp = Call(kCreateAclsApi, v, CreateAclsBody(v, {
        {ResourceType::kTopic, "orders", PatternType::kLiteral, "User:alice", "*",
         AclOperation::kRead, AclPermission::kAllow},
        {ResourceType::kTopic, "logs-", PatternType::kPrefixed, "User:alice", "*",
         AclOperation::kWrite, AclPermission::kDeny},
        {ResourceType::kCluster, "wrong", PatternType::kLiteral, "User:alice", "*",
         AclOperation::kAlter, AclPermission::kAllow},
    }));
    Reader r(resp, v >= 2);
    r.Int32();
    ASSERT_EQ(r.ArrayLength(), 3);
    EXPECT_EQ(r.Int16(), 0);
    EXPECT_FALSE(r.NullableString().has_value());
    r.SkipTaggedFields();
    EXPECT_EQ(r.Int16(), 0);
    r.NullableString();
    r.SkipTaggedFields();
    EXPECT_EQ(r.Int16(), 42);  // INVALID_REQUEST
    EXPECT_EQ(std::string(r.NullableString().value_or("")),
              "The only valid name for the CLUSTER resource is kafka-cluster");
    r.SkipTaggedFields();
    r.SkipTaggedFields();
    EXPECT_TRUE(r.ok());

    // DescribeAcls MATCH "orders": the literal binding only; ANY: both, grouped by pattern.
    Writer dw(v >= 2);
    std::string body = FilterBody(v, 2, "logs-app", 2, std::nullopt);
    dw.buffer().append(body);
    dw.EmptyTaggedFields();
    std::string d_body = Call(kDescribeAclsApi, v, dw.Take());
    Reader d(d_body, v >= 2);
    d.Int32();
    EXPECT_EQ(d.Int16(), 0);
    d.NullableString();
    ASSERT_EQ(d.ArrayLength(), 1);
    EXPECT_EQ(d.Int8(), 2);
    EXPECT_EQ(d.String(), "logs-");
    EXPECT_EQ(d.Int8(), 4);  // PREFIXED
    ASSERT_EQ(d.ArrayLength(), 1);
    EXPECT_EQ(d.String(), "User:alice");
    EXPECT_EQ(d.String(), "*");
    EXPECT_EQ(d.Int8(), 4);  // WRITE
    EXPECT_EQ(d.Int8(), 2);  // DENY
    EXPECT_TRUE(d.ok());

    // Not a super user, no ALTER on the cluster: CLUSTER_AUTHORIZATION_FAILED.
    As("alice");
    std::string denied_body = Call(kCreateAclsApi, v, CreateAclsBody(v, {
        {ResourceType::kTopic, "payments", PatternType::kLiteral, "User:alice", "*",
         AclOperation::kAll, AclPermission::kAllow}}));
    Reader denied(denied_body, v >= 2);
    denied.Int32();
    ASSERT_EQ(denied.ArrayLength(), 1);
    EXPECT_EQ(denied.Int16(), kClusterAuthFailed);
    Writer dw2(v >= 2);
    dw2.buffer().append(FilterBody(v, 1, std::nullopt, 1, std::nullopt));
    dw2.EmptyTaggedFields();
    std::string d2_body = Call(kDescribeAclsApi, v, dw2.Take());
    Reader d2(d2_body, v >= 2);
    d2.Int32();
    EXPECT_EQ(d2.Int16(), kClusterAuthFailed);

    // DeleteAcls by principal removes both and returns them.
    As("admin");
    Writer xw(v >= 2);
    xw.ArrayLength(1);
    xw.buffer().append(FilterBody(v, 1, std::nullopt, 1, "User:alice"));
    xw.EmptyTaggedFields();
    xw.EmptyTaggedFields();
    std::string x_body = Call(kDeleteAclsApi, v, xw.Take());
    Reader x(x_body, v >= 2);
    x.Int32();
    ASSERT_EQ(x.ArrayLength(), 1);
    EXPECT_EQ(x.Int16(), 0);
    x.NullableString();
    EXPECT_EQ(x.ArrayLength(), 2);
    EXPECT_TRUE(acls_->List({}).empty());
  }
}

TEST_F(HandlersAclTest, AclApisWithoutAuthorizerAreSecurityDisabled) {
  BrokerConfig c;
  c.port = 9092;
  broker_ = std::make_unique<Broker>(log_.get(), c, &clock_);
  Writer w(false);
  w.buffer().append(FilterBody(1, 1, std::nullopt, 1, std::nullopt));
  std::string d_body = Call(kDescribeAclsApi, 1, w.Take());
    Reader d(d_body, false);
  d.Int32();
  EXPECT_EQ(d.Int16(), 54);  // SECURITY_DISABLED
  EXPECT_EQ(std::string(d.NullableString().value_or("")),
            "No Authorizer is configured on the broker");
}

}  // namespace
}  // namespace kappa::kafka::handlers_testing
