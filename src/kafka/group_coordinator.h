// GroupCoordinator: Kafka's classic consumer-group protocol (JoinGroup / SyncGroup /
// Heartbeat / LeaveGroup) as a pure state machine. It owns no sockets and no timers: time
// comes from an injected Clock and the owner calls Tick() when the deadline Tick() last
// returned has come, or earlier when the wakeup callback says a nearer deadline appeared
// (the server's GroupTicker does both), so session and rebalance deadlines fire on time.
// Tests drive it with a ManualClock.
//
// Group states (as in Kafka): Empty -> PreparingRebalance -> CompletingRebalance -> Stable,
// and back to PreparingRebalance when a member joins, leaves, changes its metadata or misses
// its session timeout. A rebalance completes when every known member has re-joined or when
// the largest rebalance timeout of the members has passed (stragglers are removed); it then
// bumps the generation, picks the protocol every member supports (by vote, as Kafka does),
// elects a leader and answers every pending JoinGroup. The first rebalance of an Empty group
// waits initial_rebalance_delay_ms (Kafka's group.initial.rebalance.delay.ms) for more members.
//
// Static membership (KIP-345): a member with a group_instance_id keeps its place across
// restarts; a JoinGroup with an unknown member id and a known instance id replaces the old
// member id, and every later request carrying the instance id with the old member id is
// answered FENCED_INSTANCE_ID (checked before the member id, as Kafka does), which clients
// treat as fatal, so two processes configured with the same instance id do not steal it from
// each other forever.
//
// Asynchrony: Join and Sync take a callback that is invoked exactly once, possibly later from
// another Join/Sync/Leave/Tick call. Callbacks run after the coordinator's mutex is released,
// so they may call back into the coordinator. Thread-safe.
//
// Committed offsets are not kept here (they live in the log's OffsetStore); the coordinator
// only validates that a member may commit (ValidateCommit).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/mutex.h"
#include "kafka/error_codes.h"

namespace kappa::kafka {

struct ProtocolMetadata {
  std::string name;
  std::string metadata;
};

struct JoinGroupRequest {
  std::string group_id;
  std::string member_id;  // empty on the first join
  std::optional<std::string> group_instance_id;  // static membership (KIP-345)
  std::string client_id;
  std::string client_host;
  int32_t session_timeout_ms = 10000;
  int32_t rebalance_timeout_ms = 10000;
  std::string protocol_type;
  std::vector<ProtocolMetadata> protocols;
  // JoinGroup v4+: an unknown member first gets MEMBER_ID_REQUIRED with its new id.
  bool require_known_member_id = false;
};

struct JoinGroupMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string metadata;
};

struct JoinGroupResult {
  ErrorCode error = ErrorCode::kNone;
  int32_t generation_id = -1;
  std::string protocol_type;
  std::string protocol_name;
  std::string leader;
  std::string member_id;
  std::vector<JoinGroupMember> members;  // only for the leader
};

struct SyncGroupResult {
  ErrorCode error = ErrorCode::kNone;
  std::string assignment;
  std::string protocol_type;  // SyncGroup v5+ echoes them
  std::string protocol_name;
};

struct LeaveGroupMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
};

struct GroupMemberDescription {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  std::string metadata;    // for the chosen protocol
  std::string assignment;  // empty until the leader synced
};

struct GroupDescription {
  std::string group_id;
  std::string state;  // "Empty", "PreparingRebalance", "CompletingRebalance", "Stable", "Dead"
  std::string protocol_type;
  std::string protocol_name;
  int32_t generation_id = 0;
  std::vector<GroupMemberDescription> members;
};

struct GroupCoordinatorOptions {
  // Accepted session timeout range (Kafka's group.min/max.session.timeout.ms). Default
  // 1 s .. 30 min; fixed at construction.
  int32_t min_session_timeout_ms = 1000;
  int32_t max_session_timeout_ms = 1800000;
  // Maximum members per group (group.max.size). Default: no practical limit.
  int32_t max_group_size = 100000;
  // Kafka's group.initial.rebalance.delay.ms: how long the first rebalance of an Empty group
  // waits for more members (extended while members keep arriving, up to the rebalance
  // timeout). 0 completes it as soon as every known member joined. Default 3 s, as Kafka;
  // fixed at construction.
  int32_t initial_rebalance_delay_ms = 3000;
};

class GroupCoordinator {
 public:
  using JoinCallback = std::function<void(JoinGroupResult)>;
  using SyncCallback = std::function<void(SyncGroupResult)>;

  explicit GroupCoordinator(Clock* clock, GroupCoordinatorOptions options = {});
  ~GroupCoordinator();
  GroupCoordinator(const GroupCoordinator&) = delete;
  GroupCoordinator& operator=(const GroupCoordinator&) = delete;

  void Join(JoinGroupRequest req, JoinCallback done);
  // protocol_type / protocol_name (SyncGroup v5+) must match the group's when given.
  void Sync(const std::string& group_id, int32_t generation_id, const std::string& member_id,
            const std::optional<std::string>& group_instance_id,
            std::map<std::string, std::string> assignments, SyncCallback done,
            const std::optional<std::string>& protocol_type = std::nullopt,
            const std::optional<std::string>& protocol_name = std::nullopt);
  ErrorCode Heartbeat(const std::string& group_id, int32_t generation_id,
                      const std::string& member_id,
                      const std::optional<std::string>& group_instance_id);
  // Removes members (by member id, or by instance id alone for an administrative removal);
  // one error per member plus an overall error for the group.
  ErrorCode Leave(const std::string& group_id, const std::vector<LeaveGroupMember>& members,
                  std::vector<ErrorCode>* per_member);
  // May this member commit offsets for the group now (Kafka's validateOffsetCommit)? A
  // generation < 0 commit to an Empty or unknown group is a "simple" commit (admin tools,
  // consumers without group management): allowed. Otherwise the instance id and member id
  // must be current (FENCED_INSTANCE_ID / UNKNOWN_MEMBER_ID; a group-less commit to a group
  // with members is UNKNOWN_MEMBER_ID), then the generation (ILLEGAL_GENERATION; also for a
  // generation >= 0 naming an unknown group), then the state (REBALANCE_IN_PROGRESS while
  // the group awaits its leader's assignment). Counts as a heartbeat.
  ErrorCode ValidateCommit(const std::string& group_id, int32_t generation_id,
                           const std::string& member_id,
                           const std::optional<std::string>& group_instance_id = std::nullopt);
  // May the committed offsets of `topics` be deleted (OffsetDelete)? GROUP_ID_NOT_FOUND is
  // not returned (the caller checks stored offsets); NON_EMPTY_GROUP for a non-consumer group
  // with members; for a consumer group with members, (*subscribed)[i] tells whether topics[i]
  // is in some member's subscription (GROUP_SUBSCRIBED_TO_TOPIC).
  ErrorCode CheckOffsetDelete(const std::string& group_id, const std::vector<std::string>& topics,
                              std::vector<bool>* subscribed);
  // Fires expired sessions and rebalance deadlines. Returns the next deadline (ms on the
  // clock; INT64_MAX if none): call again then, or when the wakeup callback runs.
  int64_t Tick();
  // Called (without the coordinator's lock held, from the thread of the request that caused
  // it) when a deadline earlier than the one Tick() last returned appeared. Set once, before
  // requests arrive.
  void SetWakeup(std::function<void()> wake) { wake_ = std::move(wake); }

  std::vector<GroupDescription> ListGroups();
  // nullopt if the coordinator does not know the group (it may still have stored offsets).
  std::optional<GroupDescription> Describe(const std::string& group_id);
  // Forgets an empty group. NonEmptyGroup if it has members, GroupIdNotFound if unknown.
  ErrorCode Delete(const std::string& group_id);

 private:
  struct Member;
  struct Group;
  using Pending = std::vector<std::function<void()>>;  // callbacks to run after unlocking
  // The helpers below that take a Group run with mu_ held (REQUIRES: checked by Clang).

  Group& GetOrCreateGroup(const std::string& id) REQUIRES(mu_);
  void JoinUnknownMember(Group& g, JoinGroupRequest& req, JoinCallback done, Pending* out)
      REQUIRES(mu_);
  void JoinNewMember(Group& g, JoinGroupRequest& req, const std::string& member_id,
                     JoinCallback done, Pending* out) REQUIRES(mu_);
  void JoinExistingMember(Group& g, Member& m, JoinGroupRequest& req, JoinCallback done,
                          Pending* out) REQUIRES(mu_);
  void ReplaceStaticMember(Group& g, Member& m, JoinGroupRequest& req, JoinCallback done,
                           Pending* out) REQUIRES(mu_);
  JoinGroupResult CurrentGeneration(const Group& g, const Member& m) const;
  // Kafka's validateCurrentMember: an instance id must map to member_id (else
  // FENCED_INSTANCE_ID, or UNKNOWN_MEMBER_ID if the instance is unknown); member_id must be
  // in the group. Returns the member, or nullptr with *error set.
  Member* ValidateCurrentMember(Group& g, const std::string& member_id,
                                const std::optional<std::string>& instance, ErrorCode* error);
  // Records a new deadline; schedules the wakeup if it is earlier than the armed one.
  void NoteDeadline(int64_t deadline_ms, Pending* out) REQUIRES(mu_);
  void PrepareRebalance(Group& g, Pending* out) REQUIRES(mu_);
  void MaybeCompleteJoin(Group& g, Pending* out) REQUIRES(mu_);
  void CompleteJoin(Group& g, Pending* out) REQUIRES(mu_);
  void RemoveMember(Group& g, const std::string& member_id, Pending* out) REQUIRES(mu_);
  std::string SelectProtocol(const Group& g) const;
  std::string NewMemberId(const std::string& client_id);
  int64_t NowMs() const { return clock_->NowMs(); }

  Clock* clock_;
  GroupCoordinatorOptions options_;
  Mutex mu_;
  std::map<std::string, std::unique_ptr<Group>> groups_ GUARDED_BY(mu_);
  uint64_t next_member_seq_ GUARDED_BY(mu_) = 0;
  int64_t armed_deadline_ms_ GUARDED_BY(mu_) = INT64_MAX;
  std::function<void()> wake_;                             // set before use
};

}  // namespace kappa::kafka
