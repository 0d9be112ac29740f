#include "kafka/group_coordinator.h"

#include <gtest/gtest.h>

namespace kappa::kafka {
namespace {

class GroupCoordinatorTest : public ::testing::Test {
 protected:
  static GroupCoordinatorOptions NoDelay() {
    GroupCoordinatorOptions o;
    o.initial_rebalance_delay_ms = 0;
    return o;
  }
  ManualClock clock_;
  GroupCoordinator gc_{&clock_, NoDelay()};

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

TEST_F(GroupCoordinatorTest, StaticMemberReplacedInStableGroupFencesOldIncarnation) {
  auto r = Req("");
  r.group_instance_id = "host-1";
  std::optional<JoinGroupResult> a;
  Join(r, &a);
  ASSERT_TRUE(a);
  ASSERT_EQ(a->error, ErrorCode::kNone);
  auto s = Sync(a->member_id, a->generation_id, {{a->member_id, "P0"}});
  ASSERT_TRUE(s && s->error == ErrorCode::kNone);

  std::optional<JoinGroupResult> b;
  Join(r, &b);  // a second process with the same group.instance.id
  ASSERT_TRUE(b);  // Stable, same protocol: answered at once, no rebalance
  EXPECT_EQ(b->error, ErrorCode::kNone);
  EXPECT_NE(b->member_id, a->member_id);
  EXPECT_EQ(b->generation_id, a->generation_id);
  EXPECT_NE(b->leader, b->member_id);  // the old leader id: do not assign in a Stable group
  auto sb = Sync(b->member_id, b->generation_id);
  ASSERT_TRUE(sb);
  EXPECT_EQ(sb->error, ErrorCode::kNone);
  EXPECT_EQ(sb->assignment, "P0");  // takes over the old incarnation's assignment

  // Every request of the old incarnation (instance id + old member id) is fenced, instance
  // mapping checked before the member id.
  const std::optional<std::string> inst = "host-1";
  int32_t gen = a->generation_id;
  EXPECT_EQ(gc_.Heartbeat("g", gen, a->member_id, inst), ErrorCode::kFencedInstanceId);
  EXPECT_EQ(gc_.ValidateCommit("g", gen, a->member_id, inst), ErrorCode::kFencedInstanceId);
  auto out = std::make_shared<std::optional<SyncGroupResult>>();
  gc_.Sync("g", gen, a->member_id, inst, {}, [out](SyncGroupResult res) { *out = res; });
  ASSERT_TRUE(*out);
  EXPECT_EQ((*out)->error, ErrorCode::kFencedInstanceId);
  std::vector<ErrorCode> per;
  gc_.Leave("g", {{a->member_id, inst}}, &per);
  ASSERT_EQ(per.size(), 1u);
  EXPECT_EQ(per[0], ErrorCode::kFencedInstanceId);
  auto rejoin = r;
  rejoin.member_id = a->member_id;
  std::optional<JoinGroupResult> a2;
  Join(rejoin, &a2);
  ASSERT_TRUE(a2);
  EXPECT_EQ(a2->error, ErrorCode::kFencedInstanceId);
  // Without the instance id the old id is simply unknown.
  EXPECT_EQ(gc_.Heartbeat("g", gen, a->member_id, std::nullopt), ErrorCode::kUnknownMemberId);
  // The new incarnation is untouched and the group did not rebalance.
  EXPECT_EQ(gc_.Heartbeat("g", gen, b->member_id, inst), ErrorCode::kNone);
  auto d = gc_.Describe("g");
  EXPECT_EQ(d->state, "Stable");
  EXPECT_EQ(d->generation_id, gen);
  ASSERT_EQ(d->members.size(), 1u);
  EXPECT_EQ(d->members[0].member_id, b->member_id);
  // An unknown instance id is UNKNOWN_MEMBER_ID.
  EXPECT_EQ(gc_.Heartbeat("g", gen, b->member_id, std::string("other")),
            ErrorCode::kUnknownMemberId);
}

TEST_F(GroupCoordinatorTest, StaticMemberReplacedWhileWaitingIsFencedAtOnce) {
  std::optional<JoinGroupResult> dyn;
  Join(Req(""), &dyn);  // a dynamic member makes the group Stable
  ASSERT_TRUE(dyn);
  ASSERT_TRUE(Sync(dyn->member_id, 1));
  auto r = Req("");
  r.group_instance_id = "host-1";
  std::optional<JoinGroupResult> a, b;
  Join(r, &a);  // waits: the dynamic member must rejoin
  ASSERT_FALSE(a);
  Join(r, &b);  // replaces it
  ASSERT_TRUE(a);
  EXPECT_EQ(a->error, ErrorCode::kFencedInstanceId);
  EXPECT_FALSE(b);  // still rebalancing
}

TEST_F(GroupCoordinatorTest, CommitValidationMatchesKafka) {
  // Unknown group: a simple commit (generation -1) is fine; a generation is stale.
  EXPECT_EQ(gc_.ValidateCommit("solo", -1, ""), ErrorCode::kNone);
  EXPECT_EQ(gc_.ValidateCommit("solo", -1, "someone"), ErrorCode::kNone);
  EXPECT_EQ(gc_.ValidateCommit("solo", 3, "m"), ErrorCode::kIllegalGeneration);
  std::optional<JoinGroupResult> a;
  Join(Req(""), &a);
  ASSERT_TRUE(a);
  // Active group: a commit from outside it is UNKNOWN_MEMBER_ID, not ILLEGAL_GENERATION.
  EXPECT_EQ(gc_.ValidateCommit("g", -1, ""), ErrorCode::kUnknownMemberId);
  EXPECT_EQ(gc_.ValidateCommit("g", -1, "stranger"), ErrorCode::kUnknownMemberId);
  EXPECT_EQ(gc_.ValidateCommit("g", 1, "stranger"), ErrorCode::kUnknownMemberId);
  // Joined but not yet synced: REBALANCE_IN_PROGRESS; wrong generation: ILLEGAL_GENERATION.
  EXPECT_EQ(gc_.ValidateCommit("g", 1, a->member_id), ErrorCode::kRebalanceInProgress);
  EXPECT_EQ(gc_.ValidateCommit("g", 7, a->member_id), ErrorCode::kIllegalGeneration);
  ASSERT_TRUE(Sync(a->member_id, 1));
  EXPECT_EQ(gc_.ValidateCommit("g", 1, a->member_id), ErrorCode::kNone);
  // Once the group is Empty again, simple commits are allowed.
  std::vector<ErrorCode> per;
  gc_.Leave("g", {{a->member_id, std::nullopt}}, &per);
  EXPECT_EQ(gc_.Describe("g")->state, "Empty");
  EXPECT_EQ(gc_.ValidateCommit("g", -1, ""), ErrorCode::kNone);
}

TEST_F(GroupCoordinatorTest, LeaveByInstanceIdAloneAndUnknownGroup) {
  auto r = Req("");
  r.group_instance_id = "host-9";
  std::optional<JoinGroupResult> a;
  Join(r, &a);
  ASSERT_TRUE(a);
  std::vector<ErrorCode> per;
  EXPECT_EQ(gc_.Leave("g", {{"", std::string("host-9")}}, &per), ErrorCode::kNone);
  ASSERT_EQ(per.size(), 1u);
  EXPECT_EQ(per[0], ErrorCode::kNone);
  EXPECT_EQ(gc_.Describe("g")->members.size(), 0u);
  EXPECT_EQ(gc_.Leave("nope", {{"x", std::nullopt}}, &per), ErrorCode::kNone);
  EXPECT_EQ(per[0], ErrorCode::kUnknownMemberId);
}

class InitialDelayTest : public GroupCoordinatorTest {
 protected:
  static GroupCoordinatorOptions Delay() {
    GroupCoordinatorOptions o;
    o.initial_rebalance_delay_ms = 3000;
    return o;
  }
  GroupCoordinator gd_{&clock_, Delay()};
};

TEST_F(InitialDelayTest, FirstRebalanceWaitsTheDelayThenCompletes) {
  std::optional<JoinGroupResult> a;
  gd_.Join(Req(""), [&a](JoinGroupResult r) { a = r; });
  EXPECT_FALSE(a);  // everyone known joined, but the initial delay holds the rebalance
  EXPECT_EQ(gd_.Tick(), clock_.NowMs() + 3000);
  clock_.AdvanceMs(2999);
  gd_.Tick();
  EXPECT_FALSE(a);
  clock_.AdvanceMs(1);
  gd_.Tick();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->generation_id, 1);
}

TEST_F(InitialDelayTest, MembersArrivingDuringTheDelayExtendItUpToTheRebalanceTimeout) {
  std::optional<JoinGroupResult> a, b;
  gd_.Join(Req(""), [&a](JoinGroupResult r) { a = r; });  // rebalance timeout 5000
  clock_.AdvanceMs(1000);
  gd_.Join(Req(""), [&b](JoinGroupResult r) { b = r; });
  clock_.AdvanceMs(2000);
  // t=3000: a member arrived, so wait min(3000, 5000-3000) = 2000 more.
  EXPECT_EQ(gd_.Tick(), clock_.NowMs() + 2000);
  EXPECT_FALSE(a);
  clock_.AdvanceMs(2000);
  gd_.Tick();
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  EXPECT_EQ(a->generation_id, 1);  // one rebalance for both
  EXPECT_EQ(b->generation_id, 1);
}

TEST_F(InitialDelayTest, LaterRebalancesAreNotDelayed) {
  std::optional<JoinGroupResult> a, b;
  gd_.Join(Req(""), [&a](JoinGroupResult r) { a = r; });
  clock_.AdvanceMs(3000);
  gd_.Tick();
  ASSERT_TRUE(a);
  auto s = std::make_shared<std::optional<SyncGroupResult>>();
  gd_.Sync("g", 1, a->member_id, std::nullopt, {}, [s](SyncGroupResult r) { *s = r; });
  ASSERT_TRUE(*s);
  // A second member: the group is not Empty, so the rebalance completes when both joined.
  gd_.Join(Req(""), [&b](JoinGroupResult r) { b = r; });
  auto a2 = std::make_shared<std::optional<JoinGroupResult>>();
  auto again = Req(a->member_id);
  gd_.Join(again, [a2](JoinGroupResult r) { *a2 = r; });
  ASSERT_TRUE(b);
  ASSERT_TRUE(*a2);
  EXPECT_EQ(b->generation_id, 2);
}

TEST_F(GroupCoordinatorTest, SessionExpiresExactlyAtItsDeadlineAndWakesTheTicker) {
  int wakes = 0;
  gc_.SetWakeup([&wakes] { ++wakes; });
  EXPECT_EQ(gc_.Tick(), INT64_MAX);  // nothing to wait for
  std::optional<JoinGroupResult> a;
  Join(Req(""), &a);
  ASSERT_TRUE(a);
  EXPECT_GE(wakes, 1);  // a nearer deadline than "never" appeared
  ASSERT_TRUE(Sync(a->member_id, 1));
  int64_t deadline = clock_.NowMs() + 10000;  // session timeout
  EXPECT_EQ(gc_.Tick(), deadline);
  clock_.AdvanceMs(9999);
  gc_.Tick();
  EXPECT_EQ(gc_.Describe("g")->members.size(), 1u);
  EXPECT_EQ(gc_.Delete("g"), ErrorCode::kNonEmptyGroup);
  clock_.AdvanceMs(1);
  gc_.Tick();
  EXPECT_EQ(gc_.Describe("g")->state, "Empty");
  EXPECT_EQ(gc_.Delete("g"), ErrorCode::kNone);
}

TEST_F(GroupCoordinatorTest, OffsetDeleteChecksSubscriptions) {
  // ConsumerProtocolSubscription v0: version, topics ["t1"], user data null.
  std::string sub = std::string("\0\0\0\0\0\1\0\2t1\xff\xff\xff\xff", 14);
  auto r = Req("");
  r.protocols = {{"range", sub}};
  std::optional<JoinGroupResult> a;
  Join(r, &a);
  ASSERT_TRUE(a);
  std::vector<bool> subscribed;
  EXPECT_EQ(gc_.CheckOffsetDelete("g", {"t1", "t2"}, &subscribed), ErrorCode::kNone);
  EXPECT_EQ(subscribed, (std::vector<bool>{true, false}));
  EXPECT_EQ(gc_.CheckOffsetDelete("unknown", {"t1"}, &subscribed), ErrorCode::kNone);
  EXPECT_EQ(subscribed, (std::vector<bool>{false}));
}

}  // namespace
}  // namespace kappa::kafka
