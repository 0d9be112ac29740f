#include "kafka/group_coordinator.h"

#include <gtest/gtest.h>

namespace kappa::kafka {
namespace {

class GroupCoordinatorTest : public ::testing::Test {
 protected:
  ManualClock clock_;
  GroupCoordinator gc_{&clock_};

  JoinGroupRequest Req(std::string member, std::string proto = "range",
                       bool require_known = false) {
    JoinGroupRequest r;
    r.group_id = "g";
    r.member_id = std::move(member);
    r.client_id = "c";
    r.session_timeout_ms = 10000;
    r.rebalance_timeout_ms = 5000;
    r.protocol_type = "consumer";
    r.protocols = {{proto, "meta-" + proto}};
    r.require_known_member_id = require_known;
    return r;
  }
  // Starts a join; the result lands in *out when the coordinator answers.
  void Join(JoinGroupRequest r, std::optional<JoinGroupResult>* out) {
    gc_.Join(std::move(r), [out](JoinGroupResult res) { *out = std::move(res); });
  }
  std::optional<SyncGroupResult> Sync(const std::string& member, int32_t gen,
                                      std::map<std::string, std::string> a = {}) {
    auto out = std::make_shared<std::optional<SyncGroupResult>>();
    gc_.Sync("g", gen, member, std::nullopt, std::move(a),
             [out](SyncGroupResult r) { *out = std::move(r); });
    return *out;
  }
};

TEST_F(GroupCoordinatorTest, SingleMemberJoinSyncHeartbeat) {
  std::optional<JoinGroupResult> j;
  Join(Req(""), &j);
  ASSERT_TRUE(j);  // the only member: the rebalance completes at once
  EXPECT_EQ(j->error, ErrorCode::kNone);
  EXPECT_EQ(j->generation_id, 1);
  EXPECT_EQ(j->leader, j->member_id);
  EXPECT_EQ(j->protocol_name, "range");
  ASSERT_EQ(j->members.size(), 1u);
  EXPECT_EQ(j->members[0].metadata, "meta-range");

  EXPECT_EQ(gc_.Heartbeat("g", 1, j->member_id, std::nullopt), ErrorCode::kNone);
  auto s = Sync(j->member_id, 1, {{j->member_id, "A"}});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->error, ErrorCode::kNone);
  EXPECT_EQ(s->assignment, "A");
  EXPECT_EQ(gc_.Describe("g")->state, "Stable");
  EXPECT_EQ(gc_.Heartbeat("g", 0, j->member_id, std::nullopt), ErrorCode::kIllegalGeneration);
  EXPECT_EQ(gc_.Heartbeat("g", 1, "nobody", std::nullopt), ErrorCode::kUnknownMemberId);
  EXPECT_EQ(gc_.ValidateCommit("g", 1, j->member_id), ErrorCode::kNone);
  EXPECT_EQ(gc_.ValidateCommit("g", 0, j->member_id), ErrorCode::kIllegalGeneration);
}

TEST_F(GroupCoordinatorTest, MemberIdRequiredThenJoin) {
  std::optional<JoinGroupResult> j;
  Join(Req("", "range", true), &j);
  ASSERT_TRUE(j);
  EXPECT_EQ(j->error, ErrorCode::kMemberIdRequired);
  ASSERT_FALSE(j->member_id.empty());
  std::string id = j->member_id;
  j.reset();
  Join(Req(id, "range", true), &j);
  ASSERT_TRUE(j);
  EXPECT_EQ(j->error, ErrorCode::kNone);
  EXPECT_EQ(j->member_id, id);
}

TEST_F(GroupCoordinatorTest, SecondMemberTriggersRebalance) {
  std::optional<JoinGroupResult> a, b;
  Join(Req(""), &a);
  ASSERT_TRUE(a);
  std::string ida = a->member_id;
  ASSERT_TRUE(Sync(ida, 1, {{ida, "all"}}));

  Join(Req(""), &b);
  EXPECT_FALSE(b);  // waits for the existing member to rejoin
  EXPECT_EQ(gc_.Heartbeat("g", 1, ida, std::nullopt), ErrorCode::kRebalanceInProgress);
  EXPECT_EQ(gc_.ValidateCommit("g", 1, ida), ErrorCode::kNone);  // may commit while preparing
  a.reset();
  Join(Req(ida), &a);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->generation_id, 2);
  EXPECT_EQ(b->generation_id, 2);
  EXPECT_EQ(a->leader, ida);  // the leader stays
  EXPECT_EQ(a->members.size(), 2u);
  EXPECT_TRUE(b->members.empty());

  // The follower's sync waits for the leader's.
  auto out = std::make_shared<std::optional<SyncGroupResult>>();
  gc_.Sync("g", 2, b->member_id, std::nullopt, {}, [out](SyncGroupResult r) { *out = r; });
  EXPECT_FALSE(*out);
  EXPECT_EQ(gc_.ValidateCommit("g", 2, ida), ErrorCode::kRebalanceInProgress);
  auto s = Sync(ida, 2, {{ida, "p0"}, {b->member_id, "p1"}});
  ASSERT_TRUE(s && *out);
  EXPECT_EQ(s->assignment, "p0");
  EXPECT_EQ((*out)->assignment, "p1");
}

TEST_F(GroupCoordinatorTest, RebalanceTimeoutDropsStragglers) {
  std::optional<JoinGroupResult> a, b;
  Join(Req(""), &a);
  ASSERT_TRUE(Sync(a->member_id, 1));
  Join(Req(""), &b);
  ASSERT_FALSE(b);
  clock_.AdvanceMs(4000);
  gc_.Heartbeat("g", 1, a->member_id, std::nullopt);  // alive, but never rejoins
  gc_.Tick();
  EXPECT_FALSE(b);
  clock_.AdvanceMs(1500);  // past the 5 s rebalance timeout
  gc_.Tick();
  ASSERT_TRUE(b);
  EXPECT_EQ(b->error, ErrorCode::kNone);
  EXPECT_EQ(b->generation_id, 2);
  EXPECT_EQ(b->leader, b->member_id);
  EXPECT_EQ(gc_.Heartbeat("g", 2, a->member_id, std::nullopt), ErrorCode::kUnknownMemberId);
}

TEST_F(GroupCoordinatorTest, SessionTimeoutRemovesMember) {
  std::optional<JoinGroupResult> a;
  Join(Req(""), &a);
  ASSERT_TRUE(Sync(a->member_id, 1));
  clock_.AdvanceMs(9000);
  gc_.Tick();
  EXPECT_EQ(gc_.Describe("g")->members.size(), 1u);
  clock_.AdvanceMs(2000);
  gc_.Tick();
  auto d = gc_.Describe("g");
  EXPECT_EQ(d->state, "Empty");
  EXPECT_TRUE(d->members.empty());
  EXPECT_EQ(d->generation_id, 2);
}

TEST_F(GroupCoordinatorTest, LeaveRebalancesRemainingMembers) {
  std::optional<JoinGroupResult> a, b;
  Join(Req(""), &a);
  Join(Req(""), &b);
  std::optional<JoinGroupResult> a2;
  Join(Req(a->member_id), &a2);
  ASSERT_TRUE(a2 && b);
  Sync(a2->member_id, 2, {});
  std::vector<ErrorCode> per;
  EXPECT_EQ(gc_.Leave("g", {{b->member_id, std::nullopt}}, &per), ErrorCode::kNone);
  EXPECT_EQ(per[0], ErrorCode::kNone);
  EXPECT_EQ(gc_.Heartbeat("g", 2, a->member_id, std::nullopt), ErrorCode::kRebalanceInProgress);
  std::optional<JoinGroupResult> a3;
  Join(Req(a->member_id), &a3);
  ASSERT_TRUE(a3);
  EXPECT_EQ(a3->generation_id, 3);
  EXPECT_EQ(gc_.Leave("g", {{"ghost", std::nullopt}}, &per), ErrorCode::kNone);
  EXPECT_EQ(per[0], ErrorCode::kUnknownMemberId);
  EXPECT_EQ(gc_.Delete("g"), ErrorCode::kNonEmptyGroup);
  gc_.Leave("g", {{a->member_id, std::nullopt}}, &per);
  EXPECT_EQ(gc_.Describe("g")->state, "Empty");
  EXPECT_EQ(gc_.Delete("g"), ErrorCode::kNone);
  EXPECT_FALSE(gc_.Describe("g"));
}

TEST_F(GroupCoordinatorTest, InconsistentProtocolsRejected) {
  std::optional<JoinGroupResult> a, b;
  Join(Req("", "range"), &a);
  Join(Req("", "roundrobin"), &b);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->error, ErrorCode::kInconsistentGroupProtocol);
  auto bad = Req("");
  bad.session_timeout_ms = 10;
  std::optional<JoinGroupResult> c;
  Join(bad, &c);
  EXPECT_EQ(c->error, ErrorCode::kInvalidSessionTimeout);
  auto unknown = Req("who");
  unknown.group_id = "other";
  Join(unknown, &c);
  EXPECT_EQ(c->error, ErrorCode::kUnknownMemberId);
}

TEST_F(GroupCoordinatorTest, ProtocolChosenByVote) {
  auto r1 = Req("");
  r1.protocols = {{"range", "m1"}, {"roundrobin", "m2"}};
  auto r2 = Req("");
  r2.protocols = {{"roundrobin", "x"}, {"range", "y"}};
  auto r3 = Req("");
  r3.protocols = {{"roundrobin", "z"}};
  std::optional<JoinGroupResult> a, b, c;
  Join(r1, &a);
  Join(r2, &b);
  Join(r3, &c);
  r1.member_id = a->member_id;
  std::optional<JoinGroupResult> a2, b2;
  Join(r1, &a2);  // completes the rebalance: all three joined
  ASSERT_TRUE(b);
  r2.member_id = b->member_id;
  Join(r2, &b2);  // unchanged metadata: answered from the current generation
  ASSERT_TRUE(a2);
  ASSERT_TRUE(b2);
  ASSERT_TRUE(c) << int(b->error);
  EXPECT_EQ(c->protocol_name, "roundrobin");
  EXPECT_EQ(a2->protocol_name, "roundrobin");
}

TEST_F(GroupCoordinatorTest, StaticMemberRejoinFencesOldId) {
  auto r = Req("");
  r.group_instance_id = "host-1";
  std::optional<JoinGroupResult> a;
  Join(r, &a);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->error, ErrorCode::kNone);
  std::optional<JoinGroupResult> a2;
  Join(r, &a2);  // restarted instance: new member id, old one fenced
  ASSERT_TRUE(a2);
  EXPECT_NE(a2->member_id, a->member_id);
  EXPECT_EQ(gc_.Heartbeat("g", a2->generation_id, a->member_id, std::nullopt),
            ErrorCode::kUnknownMemberId);
  EXPECT_EQ(gc_.Describe("g")->members.size(), 1u);
}

TEST_F(GroupCoordinatorTest, SimpleCommitsOnlyWithoutMembers) {
  EXPECT_EQ(gc_.ValidateCommit("solo", -1, ""), ErrorCode::kNone);
  EXPECT_EQ(gc_.ValidateCommit("solo", 3, "m"), ErrorCode::kUnknownMemberId);
  std::optional<JoinGroupResult> a;
  Join(Req(""), &a);
  EXPECT_EQ(gc_.ValidateCommit("g", -1, ""), ErrorCode::kIllegalGeneration);
}

}  // namespace
}  // namespace kappa::kafka
