// BrokerAdmin: the console's in-process administration follows the Kafka requests' rules
// (an active group refuses an admin commit; topic configs validated as CreateTopics does).
#include "kafka/admin.h"

#include <gtest/gtest.h>

#include "common/coding.h"
#include "testutil/temp_dir.h"

namespace kappa::kafka {
namespace {

// A ConsumerProtocol assignment as the Java client's leader writes it.
std::string Assignment(const std::vector<std::pair<std::string, std::vector<int32_t>>>& a) {
  std::string out;
  auto be16 = [&](int16_t v) { out.push_back(char(v >> 8)); out.push_back(char(v)); };
  auto be32 = [&](int32_t v) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(char(v >> s));
  };
  be16(0);
  be32(int32_t(a.size()));
  for (const auto& [t, ps] : a) {
    be16(int16_t(t.size()));
    out += t;
    be32(int32_t(ps.size()));
    for (int32_t p : ps) be32(p);
  }
  be32(-1);  // null user data
  return out;
}

class BrokerAdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::LogOptions o;
    o.dir = dir_.path();
    o.clock = &clock_;
    o.retention_check_ms = 0;
    auto l = log::Log::Open(o);
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    log_ = std::move(*l);
    BrokerConfig c;
    c.group_initial_rebalance_delay_ms = 0;
    c.max_partitions = 20;
    broker_ = std::make_unique<Broker>(log_.get(), c, &clock_);
    admin_ = std::make_unique<BrokerAdmin>(broker_.get());
  }
  void TearDown() override {
    admin_.reset();
    broker_.reset();
    (void)log_->Close();
  }
  // One member joins group g and syncs with an assignment of t: [0, 1].
  std::string JoinAndSync() {
    JoinGroupRequest r;
    r.group_id = "g";
    r.client_id = "console-test";
    r.client_host = "/127.0.0.1";
    r.protocol_type = "consumer";
    r.protocols = {{"range", ""}};
    std::optional<JoinGroupResult> j;
    broker_->groups().Join(r, [&](JoinGroupResult res) { j = std::move(res); });
    EXPECT_TRUE(j && j->error == ErrorCode::kNone);
    broker_->groups().Sync("g", j->generation_id, j->member_id, std::nullopt,
                           {{j->member_id, Assignment({{"t", {0, 1}}})}},
                           [](SyncGroupResult) {});
    return j->member_id;
  }

  ManualClock clock_;
  testutil::TempDir dir_;
  std::unique_ptr<log::Log> log_;
  std::unique_ptr<Broker> broker_;
  std::unique_ptr<BrokerAdmin> admin_;
};

TEST(DecodeConsumerAssignment, DecodesAndRefusesGarbage) {
  auto a = DecodeConsumerAssignment(Assignment({{"t", {0, 2}}, {"u", {}}}));
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].first, "t");
  EXPECT_EQ(a[0].second, (std::vector<int32_t>{0, 2}));
  EXPECT_EQ(a[1].first, "u");
  EXPECT_TRUE(DecodeConsumerAssignment("").empty());
  EXPECT_TRUE(DecodeConsumerAssignment("garbage!!").empty());
  // A partition count larger than the bytes: not this format, no huge allocation.
  std::string huge = Assignment({{"t", {}}});
  huge[2 + 4 + 2 + 1 + 0] = char(0x7f);
  EXPECT_TRUE(DecodeConsumerAssignment(huge).empty());
}

TEST_F(BrokerAdminTest, GroupsShowMembersAndAssignments) {
  ASSERT_TRUE(log_->CreateTopic("t", 2).ok());
  std::string member = JoinAndSync();
  auto groups = admin_->ListGroups();
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].state, "Stable");
  auto g = admin_->DescribeGroup("g");
  ASSERT_TRUE(g);
  ASSERT_EQ(g->members.size(), 1u);
  EXPECT_EQ(g->members[0].member_id, member);
  EXPECT_EQ(g->members[0].client_id, "console-test");
  ASSERT_EQ(g->members[0].assignment.size(), 1u);
  EXPECT_EQ(g->members[0].assignment[0].second, (std::vector<int32_t>{0, 1}));
  EXPECT_FALSE(admin_->DescribeGroup("nobody"));
}

TEST_F(BrokerAdminTest, CommitRefusedWhileActiveAllowedWhenEmpty) {
  ASSERT_TRUE(log_->CreateTopic("t", 2).ok());
  std::string member = JoinAndSync();
  Status s = admin_->CommitGroupOffsets("g", {{"t", 0, 0}});
  EXPECT_EQ(s.code(), Status::Code::kAborted) << s.ToString();
  EXPECT_NE(s.message().find("1 active member"), std::string::npos) << s.message();
  EXPECT_FALSE(log_->offsets().Fetch("g", "t", PartitionId(0)).ok());

  std::vector<ErrorCode> per;
  broker_->groups().Leave("g", {{member, std::nullopt}}, &per);
  ASSERT_TRUE(admin_->CommitGroupOffsets("g", {{"t", 0, 0}, {"t", 1, 0}}).ok());
  EXPECT_EQ(log_->offsets().Fetch("g", "t", PartitionId(1))->offset, Offset(0));
  // A group nobody joined (only offsets) is Empty too.
  EXPECT_TRUE(admin_->CommitGroupOffsets("fresh", {{"t", 0, 0}}).ok());
  EXPECT_TRUE(admin_->CommitGroupOffsets("g", {{"t", 7, 0}}).IsNotFound());
  EXPECT_TRUE(admin_->CommitGroupOffsets("g", {{"t", 0, -3}}).IsInvalidArgument());
}

TEST_F(BrokerAdminTest, CreateTopicValidatesAsCreateTopics) {
  ASSERT_TRUE(admin_->CreateTopic("a", 3, {{"retention.ms", "60000"}}).ok());
  EXPECT_EQ(log_->DescribeTopic("a")->config.retention_ms, 60000);
  EXPECT_TRUE(admin_->CreateTopic("a", 1, {}).IsAlreadyExists());
  EXPECT_TRUE(admin_->CreateTopic("bad name!", 1, {}).IsInvalidArgument());
  EXPECT_TRUE(admin_->CreateTopic("b", 0, {}).IsInvalidArgument());
  Status s = admin_->CreateTopic("b", 1, {{"retention.ms", "soon"}});
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("retention.ms"), std::string::npos) << s.message();
  EXPECT_TRUE(admin_->CreateTopic("b", 1, {{"no.such.config", "1"}}).IsInvalidArgument());
  // The broker's max_partitions (20 here) holds for the console too.
  EXPECT_TRUE(admin_->CreateTopic("big", 18, {}).IsInvalidArgument());
  EXPECT_FALSE(log_->TopicExists("b"));

  auto configs = admin_->DescribeTopicConfigs("a");
  ASSERT_TRUE(configs.ok());
  bool found = false;
  for (const auto& c : *configs) {
    if (c.name == "retention.ms") {
      found = true;
      EXPECT_EQ(c.value, "60000");
      EXPECT_FALSE(c.is_default);
    }
  }
  EXPECT_TRUE(found);
  EXPECT_TRUE(admin_->DescribeTopicConfigs("ghost").status().IsNotFound());
}

}  // namespace
}  // namespace kappa::kafka
