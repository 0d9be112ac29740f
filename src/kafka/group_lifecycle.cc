// Consumer group lifecycle: SyncGroup, heartbeats, LeaveGroup, session expiry (Tick),
// offset-commit validation, and listing, describing and deleting groups.
#include "kafka/group_coordinator.h"

#include <algorithm>
#include <set>

#include "common/uuid.h"
#include "kafka/group_state.h"

namespace kappa::kafka {

using namespace group_internal;

void GroupCoordinator::Sync(const std::string& group_id, int32_t generation_id,
                            const std::string& member_id,
                            const std::optional<std::string>& group_instance_id,
                            std::map<std::string, std::string> assignments, SyncCallback done) {
  Pending out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto fail = [&](ErrorCode e) { out.push_back([done, e] { done(SyncGroupResult{e, {}}); }); };
    auto it = groups_.find(group_id);
    Member* m = it == groups_.end() ? nullptr : it->second->Find(member_id);
    if (m == nullptr) {
      fail(ErrorCode::kUnknownMemberId);
    } else if (group_instance_id && m->instance_id != group_instance_id) {
      fail(ErrorCode::kFencedInstanceId);
    } else if (generation_id != it->second->generation) {
      fail(ErrorCode::kIllegalGeneration);
    } else {
      Group& g = *it->second;
      m->session_deadline_ms = NowMs() + m->session_timeout_ms;
      if (g.state == State::kPreparingRebalance) {
        fail(ErrorCode::kRebalanceInProgress);
      } else if (g.state == State::kStable) {
        std::string a = m->assignment;
        out.push_back([done, a] { done(SyncGroupResult{ErrorCode::kNone, a}); });
      } else {  // CompletingRebalance
        m->sync_cb = std::move(done);
        if (m->id == g.leader) {
          for (auto& o : g.members) {
            auto a = assignments.find(o->id);
            o->assignment = a == assignments.end() ? std::string() : std::move(a->second);
          }
          g.state = State::kStable;
          for (auto& o : g.members) {
            if (!o->sync_cb) continue;
            auto cb = std::move(o->sync_cb);
            o->sync_cb = nullptr;
            std::string a = o->assignment;
            out.push_back([cb, a] { cb(SyncGroupResult{ErrorCode::kNone, a}); });
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
  std::lock_guard<std::mutex> lock(mu_);
  auto it = groups_.find(group_id);
  Member* m = it == groups_.end() ? nullptr : it->second->Find(member_id);
  if (m == nullptr) return ErrorCode::kUnknownMemberId;
  if (group_instance_id && m->instance_id != group_instance_id) {
    return ErrorCode::kFencedInstanceId;
  }
  Group& g = *it->second;
  m->session_deadline_ms = NowMs() + m->session_timeout_ms;
  if (g.state == State::kPreparingRebalance) return ErrorCode::kRebalanceInProgress;
  if (generation_id != g.generation) return ErrorCode::kIllegalGeneration;
  return ErrorCode::kNone;
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
      out->push_back([cb] { cb(SyncGroupResult{ErrorCode::kRebalanceInProgress, {}}); });
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
  ErrorCode overall = ErrorCode::kNone;
  per_member->clear();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = groups_.find(group_id);
    if (it == groups_.end()) {
      overall = ErrorCode::kUnknownMemberId;
      per_member->assign(members.size(), ErrorCode::kUnknownMemberId);
    } else {
      Group& g = *it->second;
      for (const auto& lm : members) {
        Member* m = nullptr;
        if (!lm.member_id.empty()) {
          m = g.Find(lm.member_id);
        } else if (lm.group_instance_id) {
          m = g.FindInstance(*lm.group_instance_id);
        }
        if (m == nullptr) {
          per_member->push_back(ErrorCode::kUnknownMemberId);
        } else if (lm.group_instance_id && m->instance_id != lm.group_instance_id) {
          per_member->push_back(ErrorCode::kFencedInstanceId);
        } else {
          per_member->push_back(ErrorCode::kNone);
          std::string id = m->id;
          RemoveMember(g, id, &out);
        }
      }
    }
  }
  RunAll(out);
  return overall;
}

ErrorCode GroupCoordinator::ValidateCommit(const std::string& group_id, int32_t generation_id,
                                           const std::string& member_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = groups_.find(group_id);
  bool simple = generation_id < 0 && member_id.empty();
  if (it == groups_.end()) {
    return simple ? ErrorCode::kNone : ErrorCode::kUnknownMemberId;
  }
  Group& g = *it->second;
  if (simple) return g.members.empty() ? ErrorCode::kNone : ErrorCode::kIllegalGeneration;
  Member* m = g.Find(member_id);
  if (m == nullptr) return ErrorCode::kUnknownMemberId;
  if (generation_id != g.generation) return ErrorCode::kIllegalGeneration;
  if (g.state == State::kCompletingRebalance) return ErrorCode::kRebalanceInProgress;
  m->session_deadline_ms = NowMs() + m->session_timeout_ms;
  return ErrorCode::kNone;
}

void GroupCoordinator::Tick() {
  Pending out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    int64_t now = NowMs();
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
        CompleteJoin(g, &out);
      } else {
        MaybeCompleteJoin(g, &out);
      }
    }
  }
  RunAll(out);
}

std::vector<GroupDescription> GroupCoordinator::ListGroups() {
  std::vector<GroupDescription> all;
  std::vector<std::string> ids;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, g] : groups_) ids.push_back(id);
  }
  for (const auto& id : ids) {
    if (auto d = Describe(id)) all.push_back(std::move(*d));
  }
  return all;
}

std::optional<GroupDescription> GroupCoordinator::Describe(const std::string& group_id) {
  std::lock_guard<std::mutex> lock(mu_);
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
  std::lock_guard<std::mutex> lock(mu_);
  auto it = groups_.find(group_id);
  if (it == groups_.end()) return ErrorCode::kGroupIdNotFound;
  if (!it->second->members.empty()) return ErrorCode::kNonEmptyGroup;
  groups_.erase(it);
  return ErrorCode::kNone;
}

}  // namespace kappa::kafka
