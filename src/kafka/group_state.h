// Private to the group coordinator: a group's state machine states and the Member and
// Group records, shared by group_coordinator.cc (join and rebalance) and group_lifecycle.cc
// (sync, heartbeats, leave, expiry, listing).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kafka/group_coordinator.h"

namespace kappa::kafka::group_internal {

enum class State { kEmpty, kPreparingRebalance, kCompletingRebalance, kStable };

inline const char* StateName(State s) {
  switch (s) {
    case State::kEmpty: return "Empty";
    case State::kPreparingRebalance: return "PreparingRebalance";
    case State::kCompletingRebalance: return "CompletingRebalance";
    case State::kStable: return "Stable";
  }
  return "Dead";
}

inline bool SameProtocols(const std::vector<ProtocolMetadata>& a, const std::vector<ProtocolMetadata>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].metadata != b[i].metadata) return false;
  }
  return true;
}

inline void RunAll(std::vector<std::function<void()>>& pending) {
  for (auto& f : pending) f();
}

}  // namespace kappa::kafka::group_internal

namespace kappa::kafka {

using group_internal::State;

struct GroupCoordinator::Member {
  std::string id;
  std::optional<std::string> instance_id;
  std::string client_id;
  std::string client_host;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = 0;
  std::vector<ProtocolMetadata> protocols;
  std::string assignment;
  JoinCallback join_cb;  // set while the member waits for the rebalance to complete
  SyncCallback sync_cb;  // set while the member waits for the leader's assignment
  int64_t session_deadline_ms = 0;

  const std::string* MetadataFor(const std::string& protocol) const {
    for (const auto& p : protocols) {
      if (p.name == protocol) return &p.metadata;
    }
    return nullptr;
  }
};

struct GroupCoordinator::Group {
  std::string id;
  State state = State::kEmpty;
  int32_t generation = 0;
  std::string protocol_type;
  std::string protocol_name;
  std::string leader;
  // Ordered by join order so the first member to join becomes the first leader.
  std::vector<std::unique_ptr<Member>> members;
  std::map<std::string, int64_t> pending_members;  // MEMBER_ID_REQUIRED ids -> deadline
  int64_t rebalance_deadline_ms = 0;
  // Kafka's InitialDelayedJoin: the first rebalance out of Empty waits the configured
  // group.initial.rebalance.delay.ms for more members instead of completing as soon as
  // everyone known has joined; while new members keep arriving (generation 0 only) the wait
  // is extended by the delay again, at most up to the rebalance timeout in total.
  bool initial_delay = false;
  bool new_member_added = false;
  int64_t initial_remaining_ms = 0;

  Member* Find(const std::string& id) {
    for (auto& m : members) {
      if (m->id == id) return m.get();
    }
    return nullptr;
  }
  bool HasJoinedMember() const {
    for (const auto& m : members) {
      if (m->join_cb) return true;
    }
    return false;
  }
  Member* FindInstance(const std::string& instance) {
    for (auto& m : members) {
      if (m->instance_id && *m->instance_id == instance) return m.get();
    }
    return nullptr;
  }
};

}  // namespace kappa::kafka
