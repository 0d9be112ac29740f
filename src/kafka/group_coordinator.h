// GroupCoordinator: Kafka's classic consumer-group protocol (JoinGroup / SyncGroup /
// Heartbeat / LeaveGroup) as a pure state machine. It owns no sockets and no timers: time
// comes from an injected Clock and the owner calls Tick() periodically (the server does so
// every 100 ms) so session and rebalance deadlines fire. Tests drive it with a ManualClock.
//
// Group states (as in Kafka): Empty -> PreparingRebalance -> CompletingRebalance -> Stable,
// and back to PreparingRebalance when a member joins, leaves, changes its metadata or misses
// its session timeout. A rebalance completes when every known member has re-joined or when
// the largest rebalance timeout of the members has passed (stragglers are removed); it then
// bumps the generation, picks the protocol every member supports (by vote, as Kafka does),
// elects a leader and answers every pending JoinGroup.
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
  void Sync(const std::string& group_id, int32_t generation_id, const std::string& member_id,
            const std::optional<std::string>& group_instance_id,
            std::map<std::string, std::string> assignments, SyncCallback done);
  ErrorCode Heartbeat(const std::string& group_id, int32_t generation_id,
                      const std::string& member_id,
                      const std::optional<std::string>& group_instance_id);
  // Removes members; one error per member plus an overall error for the group.
  ErrorCode Leave(const std::string& group_id, const std::vector<LeaveGroupMember>& members,
                  std::vector<ErrorCode>* per_member);
  // May this member commit offsets for the group now? generation -1 with an empty member id
  // is a "simple" (group-less) commit, allowed unless the group has members.
  ErrorCode ValidateCommit(const std::string& group_id, int32_t generation_id,
                           const std::string& member_id);
  // Fires expired sessions and rebalance deadlines. Call periodically.
  void Tick();

  std::vector<GroupDescription> ListGroups();
  // nullopt if the coordinator does not know the group (it may still have stored offsets).
  std::optional<GroupDescription> Describe(const std::string& group_id);
  // Forgets an empty group. NonEmptyGroup if it has members, GroupIdNotFound if unknown.
  ErrorCode Delete(const std::string& group_id);

 private:
  struct Member;
  struct Group;
  using Pending = std::vector<std::function<void()>>;  // callbacks to run after unlocking

  Group& GetOrCreateGroup(const std::string& id);
  void JoinNewMember(Group& g, JoinGroupRequest& req, const std::string& member_id,
                     JoinCallback done, Pending* out);
  void JoinExistingMember(Group& g, Member& m, JoinGroupRequest& req, JoinCallback done,
                          Pending* out);
  void PrepareRebalance(Group& g, Pending* out);
  void MaybeCompleteJoin(Group& g, Pending* out);
  void CompleteJoin(Group& g, Pending* out);
  void RemoveMember(Group& g, const std::string& member_id, Pending* out);
  std::string SelectProtocol(const Group& g) const;
  std::string NewMemberId(const std::string& client_id);
  int64_t NowMs() const { return clock_->NowMs(); }

  Clock* clock_;
  GroupCoordinatorOptions options_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<Group>> groups_;  // GUARDED_BY(mu_)
  uint64_t next_member_seq_ = 0;                           // GUARDED_BY(mu_)
};

}  // namespace kappa::kafka
