// Consumer group lifecycle: SyncGroup, heartbeats, LeaveGroup, session expiry (Tick),
// offset-commit validation, and listing, describing and deleting groups.
#include "kafka/group_coordinator.h"

#include <algorithm>
#include <set>

#include "common/coding.h"
#include "common/uuid.h"
#include "kafka/group_state.h"

namespace kappa::kafka {

using namespace group_internal;

void GroupCoordinator::Sync(const std::string& group_id, int32_t generation_id,
                            const std::string& member_id,
                            const std::optional<std::string>& group_instance_id,
                            std::map<std::string, std::string> assignments, SyncCallback done,
                            const std::optional<std::string>& protocol_type,
                            const std::optional<std::string>& protocol_name) {
  Pending out;
  {
    MutexLock lock(mu_);
    auto fail = [&](ErrorCode e) {
      out.push_back([done, e] { done(SyncGroupResult{e, {}, {}, {}}); });
    };
    auto it = groups_.find(group_id);
    ErrorCode err = ErrorCode::kNone;
    Member* m = it == groups_.end()
                    ? nullptr
                    : ValidateCurrentMember(*it->second, member_id, group_instance_id, &err);
    if (it == groups_.end()) {
      fail(ErrorCode::kUnknownMemberId);
    } else if (m == nullptr) {
      fail(err);
    } else if (generation_id != it->second->generation) {
      fail(ErrorCode::kIllegalGeneration);
    } else if ((protocol_type && *protocol_type != it->second->protocol_type) ||
               (protocol_name && *protocol_name != it->second->protocol_name)) {
      fail(ErrorCode::kInconsistentGroupProtocol);
    } else {
      Group& g = *it->second;
      m->session_deadline_ms = NowMs() + m->session_timeout_ms;
      NoteDeadline(m->session_deadline_ms, &out);
      auto ok = [&g](std::string a) {
        return SyncGroupResult{ErrorCode::kNone, std::move(a), g.protocol_type, g.protocol_name};
      };
      if (g.state == State::kPreparingRebalance) {
        fail(ErrorCode::kRebalanceInProgress);
      } else if (g.state == State::kStable) {
        SyncGroupResult r = ok(m->assignment);
        out.push_back([done, r] { done(r); });
      } else {  // CompletingRebalance
        m->sync_cb = std::move(done);
        if (m->id == g.leader) {
          for (auto& o : g.members) {
            auto a = assignments.find(o->id);
            o->assignment = a == assignments.end() ? std::string() : std::move(a->second);
          }
          g.state = State::kStable;
          int64_t now = NowMs();
          for (auto& o : g.members) {
            if (!o->sync_cb) continue;
            auto cb = std::move(o->sync_cb);
            o->sync_cb = nullptr;
            // The session restarts once the member has its assignment (as in Kafka).
            o->session_deadline_ms = now + o->session_timeout_ms;
            NoteDeadline(o->session_deadline_ms, &out);
            SyncGroupResult r = ok(o->assignment);
            out.push_back([cb, r] { cb(r); });
          }
        }
      }
    }
  }
  RunAll(out);
}

ErrorCode GroupCoordinator::Heartbeat(const std::string& group_id, int32_t generation_id,
                                      const std::string& member_id,
                                      const std::optional<std::string>& group_instance_id) {
  Pending out;
  ErrorCode result = ErrorCode::kNone;
  {
    MutexLock lock(mu_);
    auto it = groups_.find(group_id);
    Member* m = it == groups_.end()
                    ? nullptr
                    : ValidateCurrentMember(*it->second, member_id, group_instance_id, &result);
    if (it == groups_.end()) {
      result = ErrorCode::kUnknownMemberId;
    } else if (m != nullptr) {
      Group& g = *it->second;
      if (generation_id != g.generation) {
        result = ErrorCode::kIllegalGeneration;
      } else if (g.state == State::kEmpty) {
        result = ErrorCode::kUnknownMemberId;
      } else {
        m->session_deadline_ms = NowMs() + m->session_timeout_ms;
        NoteDeadline(m->session_deadline_ms, &out);
        // CompletingRebalance: a member may heartbeat between its JoinGroup and SyncGroup.
        result = g.state == State::kPreparingRebalance ? ErrorCode::kRebalanceInProgress
                                                       : ErrorCode::kNone;
      }
    }
  }
  RunAll(out);
  return result;
}

void GroupCoordinator::RemoveMember(Group& g, const std::string& member_id, Pending* out) {
  for (size_t i = 0; i < g.members.size(); ++i) {
    Member& m = *g.members[i];
    if (m.id != member_id) continue;
    if (m.join_cb) {
      JoinGroupResult r;
      r.error = ErrorCode::kUnknownMemberId;
      auto cb = std::move(m.join_cb);
      out->push_back([cb, r] { cb(r); });
    }
    if (m.sync_cb) {
      auto cb = std::move(m.sync_cb);
      out->push_back([cb] { cb(SyncGroupResult{ErrorCode::kRebalanceInProgress, {}, {}, {}}); });
    }
    if (g.leader == member_id) g.leader.clear();
    g.members.erase(g.members.begin() + long(i));
    break;
  }
  if (g.state == State::kStable || g.state == State::kCompletingRebalance) {
    PrepareRebalance(g, out);
  }
  MaybeCompleteJoin(g, out);
}

ErrorCode GroupCoordinator::Leave(const std::string& group_id,
                                  const std::vector<LeaveGroupMember>& members,
                                  std::vector<ErrorCode>* per_member) {
  Pending out;
  per_member->clear();
  {
    MutexLock lock(mu_);
    auto it = groups_.find(group_id);
    if (it == groups_.end()) {
      per_member->assign(members.size(), ErrorCode::kUnknownMemberId);
    } else {
      Group& g = *it->second;
      for (const auto& lm : members) {
        ErrorCode err = ErrorCode::kNone;
        Member* m = nullptr;
        if (lm.member_id.empty()) {
          // Administrative removal by instance id (kafka-consumer-groups, AdminClient).
          m = lm.group_instance_id ? g.FindInstance(*lm.group_instance_id) : nullptr;
          if (m == nullptr) err = ErrorCode::kUnknownMemberId;
        } else if (auto p = g.pending_members.find(lm.member_id); p != g.pending_members.end()) {
          g.pending_members.erase(p);
          MaybeCompleteJoin(g, &out);
          per_member->push_back(ErrorCode::kNone);
          continue;
        } else {
          m = ValidateCurrentMember(g, lm.member_id, lm.group_instance_id, &err);
        }
        per_member->push_back(err);
        if (m != nullptr) {
          std::string id = m->id;
          RemoveMember(g, id, &out);
        }
      }
    }
  }
  RunAll(out);
  return ErrorCode::kNone;
}

ErrorCode GroupCoordinator::ValidateCommit(const std::string& group_id, int32_t generation_id,
                                           const std::string& member_id,
                                           const std::optional<std::string>& group_instance_id) {
  Pending out;
  ErrorCode result = ErrorCode::kNone;
  {
    MutexLock lock(mu_);
    auto it = groups_.find(group_id);
    if (it == groups_.end()) {
      // Not using kappa for group management: a simple commit. A generation names a group
      // that does not exist (any more): an older generation's commit.
      result = generation_id < 0 ? ErrorCode::kNone : ErrorCode::kIllegalGeneration;
    } else {
      Group& g = *it->second;
      if (generation_id < 0 && g.state == State::kEmpty) {
        result = ErrorCode::kNone;
      } else if (generation_id >= 0 || !member_id.empty() || group_instance_id) {
        Member* m = ValidateCurrentMember(g, member_id, group_instance_id, &result);
        if (m != nullptr) {
          if (generation_id != g.generation) {
            result = ErrorCode::kIllegalGeneration;
          } else if (g.state == State::kCompletingRebalance) {
            // Its JoinGroup answer arrived but not yet its assignment.
            result = ErrorCode::kRebalanceInProgress;
          } else {
            m->session_deadline_ms = NowMs() + m->session_timeout_ms;
            NoteDeadline(m->session_deadline_ms, &out);
          }
        }
      } else {
        // A group-less commit while the group has members would overwrite their progress.
        result = ErrorCode::kUnknownMemberId;
      }
    }
  }
  RunAll(out);
  return result;
}

namespace {
// The topics of a consumer-protocol Subscription (Kafka's ConsumerProtocolSubscription: int16
// version, then an array of topic names; later fields do not matter here). Empty if it does
// not decode.
std::vector<std::string> SubscribedTopics(const std::string& metadata) {
  std::vector<std::string> topics;
  if (metadata.size() < 6) return topics;
  const char* p = metadata.data() + 2;  // after the version
  const char* end = metadata.data() + metadata.size();
  int32_t n = int32_t(coding::GetBE32(p));
  p += 4;
  for (int32_t i = 0; i < n; ++i) {
    if (end - p < 2) return {};
    int16_t len = int16_t(coding::GetBE16(p));
    p += 2;
    if (len < 0 || end - p < len) return {};
    topics.emplace_back(p, size_t(len));
    p += len;
  }
  return topics;
}
}  // namespace

ErrorCode GroupCoordinator::CheckOffsetDelete(const std::string& group_id,
                                              const std::vector<std::string>& topics,
                                              std::vector<bool>* subscribed) {
  MutexLock lock(mu_);
  subscribed->assign(topics.size(), false);
  auto it = groups_.find(group_id);
  if (it == groups_.end() || it->second->state == State::kEmpty) return ErrorCode::kNone;
  const Group& g = *it->second;
  if (g.protocol_type != "consumer") return ErrorCode::kNonEmptyGroup;
  std::set<std::string> all;
  for (const auto& m : g.members) {
    const std::string* md = m->MetadataFor(g.protocol_name);
    if (md == nullptr && !m->protocols.empty()) md = &m->protocols.front().metadata;
    if (md != nullptr) {
      for (auto& t : SubscribedTopics(*md)) all.insert(std::move(t));
    }
  }
  for (size_t i = 0; i < topics.size(); ++i) (*subscribed)[i] = all.count(topics[i]) > 0;
  return ErrorCode::kNone;
}

int64_t GroupCoordinator::Tick() {
  Pending out;
  int64_t next = INT64_MAX;
  {
    MutexLock lock(mu_);
    int64_t now = NowMs();
    // Deadlines set while this runs are covered by the scan below: no wakeup for them.
    armed_deadline_ms_ = INT64_MIN;
    for (auto& [id, gp] : groups_) {
      Group& g = *gp;
      for (auto p = g.pending_members.begin(); p != g.pending_members.end();) {
        p = p->second <= now ? g.pending_members.erase(p) : std::next(p);
      }
      // Members waiting in a JoinGroup or SyncGroup are kept alive (as in Kafka).
      std::vector<std::string> expired;
      for (const auto& m : g.members) {
        if (!m->join_cb && !m->sync_cb && m->session_deadline_ms <= now) {
          expired.push_back(m->id);
        }
      }
      for (const auto& mid : expired) RemoveMember(g, mid, &out);
      if (g.state == State::kPreparingRebalance && now >= g.rebalance_deadline_ms) {
        if (g.initial_delay && g.new_member_added && g.initial_remaining_ms > 0) {
          // More members arrived during the initial delay: wait once more for stragglers.
          int64_t delay = std::min<int64_t>(options_.initial_rebalance_delay_ms,
                                            g.initial_remaining_ms);
          g.new_member_added = false;
          g.initial_remaining_ms = std::max<int64_t>(g.initial_remaining_ms - delay, 0);
          g.rebalance_deadline_ms = now + delay;
        } else {
          CompleteJoin(g, &out);
        }
      } else {
        MaybeCompleteJoin(g, &out);
      }
      // The next deadline of this group.
      for (const auto& p : g.pending_members) next = std::min(next, p.second);
      for (const auto& m : g.members) {
        if (!m->join_cb && !m->sync_cb) next = std::min(next, m->session_deadline_ms);
      }
      if (g.state == State::kPreparingRebalance) next = std::min(next, g.rebalance_deadline_ms);
    }
    armed_deadline_ms_ = next;
  }
  RunAll(out);
  return next;
}

std::vector<GroupDescription> GroupCoordinator::ListGroups() {
  std::vector<GroupDescription> all;
  std::vector<std::string> ids;
  {
    MutexLock lock(mu_);
    for (const auto& [id, g] : groups_) ids.push_back(id);
  }
  for (const auto& id : ids) {
    if (auto d = Describe(id)) all.push_back(std::move(*d));
  }
  return all;
}

std::optional<GroupDescription> GroupCoordinator::Describe(const std::string& group_id) {
  MutexLock lock(mu_);
  auto it = groups_.find(group_id);
  if (it == groups_.end()) return std::nullopt;
  const Group& g = *it->second;
  GroupDescription d;
  d.group_id = g.id;
  d.state = StateName(g.state);
  d.protocol_type = g.protocol_type;
  d.protocol_name = g.protocol_name;
  d.generation_id = g.generation;
  for (const auto& m : g.members) {
    const std::string* md = m->MetadataFor(g.protocol_name);
    d.members.push_back({m->id, m->instance_id, m->client_id, m->client_host,
                         md ? *md : std::string(), m->assignment});
  }
  return d;
}

ErrorCode GroupCoordinator::Delete(const std::string& group_id) {
  MutexLock lock(mu_);
  auto it = groups_.find(group_id);
  if (it == groups_.end()) return ErrorCode::kGroupIdNotFound;
  if (!it->second->members.empty()) return ErrorCode::kNonEmptyGroup;
  groups_.erase(it);
  return ErrorCode::kNone;
}

}  // namespace kappa::kafka
