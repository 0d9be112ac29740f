// Consumer group coordination: joins, leader election, protocol selection and rebalances
// (the Kafka group protocol). Sync, heartbeats, leave and expiry: group_lifecycle.cc.
#include "kafka/group_coordinator.h"

#include <algorithm>
#include <set>

#include "common/uuid.h"
#include "kafka/group_state.h"

namespace kappa::kafka {

using namespace group_internal;

GroupCoordinator::GroupCoordinator(Clock* clock, GroupCoordinatorOptions options)
    : clock_(clock), options_(options) {}
GroupCoordinator::~GroupCoordinator() = default;

std::string GroupCoordinator::NewMemberId(const std::string& client_id) {
  return (client_id.empty() ? std::string("member") : client_id) + "-" +
         Uuid::Random().ToString();
}

GroupCoordinator::Group& GroupCoordinator::GetOrCreateGroup(const std::string& id) {
  auto& slot = groups_[id];
  if (!slot) {
    slot = std::make_unique<Group>();
    slot->id = id;
  }
  return *slot;
}

void GroupCoordinator::NoteDeadline(int64_t deadline_ms, Pending* out) {
  if (deadline_ms < armed_deadline_ms_) {
    armed_deadline_ms_ = deadline_ms;
    if (wake_) out->push_back(wake_);
  }
}

GroupCoordinator::Member* GroupCoordinator::ValidateCurrentMember(
    Group& g, const std::string& member_id, const std::optional<std::string>& instance,
    ErrorCode* error) {
  if (instance) {
    // The instance mapping is checked first: a replaced static member still sends its old
    // member id, and must learn it was fenced (fatal) rather than rejoin (and steal it back).
    Member* current = g.FindInstance(*instance);
    if (current == nullptr) {
      *error = ErrorCode::kUnknownMemberId;
      return nullptr;
    }
    if (current->id != member_id) {
      *error = ErrorCode::kFencedInstanceId;
      return nullptr;
    }
    return current;
  }
  Member* m = g.Find(member_id);
  if (m == nullptr) *error = ErrorCode::kUnknownMemberId;
  return m;
}

void GroupCoordinator::Join(JoinGroupRequest req, JoinCallback done) {
  Pending out;
  {
    MutexLock lock(mu_);
    auto fail = [&](ErrorCode e, std::string member_id = {}) {
      JoinGroupResult r;
      r.error = e;
      r.member_id = std::move(member_id);
      out.push_back([done, r] { done(r); });
    };
    if (req.group_id.empty()) {
      fail(ErrorCode::kInvalidGroupId, req.member_id);
    } else if (req.session_timeout_ms < options_.min_session_timeout_ms ||
               req.session_timeout_ms > options_.max_session_timeout_ms) {
      fail(ErrorCode::kInvalidSessionTimeout, req.member_id);
    } else if (req.protocol_type.empty() || req.protocols.empty()) {
      fail(ErrorCode::kInconsistentGroupProtocol, req.member_id);
    } else {
      auto it = groups_.find(req.group_id);
      if (it == groups_.end() && !req.member_id.empty()) {
        fail(ErrorCode::kUnknownMemberId, req.member_id);
      } else {
        Group& g = GetOrCreateGroup(req.group_id);
        // Every member must share the protocol type and at least one protocol.
        bool compatible = true;
        if (!g.members.empty()) {
          if (g.protocol_type != req.protocol_type) compatible = false;
          std::set<std::string> common;
          for (const auto& p : req.protocols) common.insert(p.name);
          for (const auto& m : g.members) {
            if (m->id == req.member_id) continue;
            std::set<std::string> next;
            for (const auto& p : m->protocols) {
              if (common.count(p.name)) next.insert(p.name);
            }
            common.swap(next);
          }
          if (common.empty()) compatible = false;
        }
        ErrorCode err = ErrorCode::kNone;
        if (!compatible) {
          fail(ErrorCode::kInconsistentGroupProtocol, req.member_id);
        } else if (req.member_id.empty()) {
          JoinUnknownMember(g, req, std::move(done), &out);
        } else if (auto p = g.pending_members.find(req.member_id); p != g.pending_members.end()) {
          g.pending_members.erase(p);
          JoinNewMember(g, req, req.member_id, std::move(done), &out);
        } else if (Member* m = ValidateCurrentMember(g, req.member_id, req.group_instance_id,
                                                     &err);
                   m == nullptr) {
          fail(err, req.member_id);
        } else {
          JoinExistingMember(g, *m, req, std::move(done), &out);
        }
        if (g.members.empty() && g.pending_members.empty() && g.state == State::kEmpty &&
            g.generation == 0) {
          // A join that failed before creating anything leaves no trace.
          groups_.erase(req.group_id);
        }
      }
    }
  }
  RunAll(out);
}

void GroupCoordinator::JoinUnknownMember(Group& g, JoinGroupRequest& req, JoinCallback done,
                                         Pending* out) {
  if (req.group_instance_id) {
    if (Member* existing = g.FindInstance(*req.group_instance_id)) {
      ReplaceStaticMember(g, *existing, req, std::move(done), out);
    } else {
      // Static members skip MEMBER_ID_REQUIRED: the instance id already identifies them.
      JoinNewMember(g, req, NewMemberId(req.client_id), std::move(done), out);
    }
    return;
  }
  std::string id = NewMemberId(req.client_id);
  if (req.require_known_member_id) {
    int64_t deadline = NowMs() + req.session_timeout_ms;
    g.pending_members[id] = deadline;
    NoteDeadline(deadline, out);
    JoinGroupResult r;
    r.error = ErrorCode::kMemberIdRequired;
    r.member_id = id;
    out->push_back([done, r] { done(r); });
    return;
  }
  JoinNewMember(g, req, id, std::move(done), out);
}

void GroupCoordinator::ReplaceStaticMember(Group& g, Member& m, JoinGroupRequest& req,
                                           JoinCallback done, Pending* out) {
  // Kafka's replaceStaticMember + updateStaticMemberAndRebalance. The old incarnation is
  // fenced at once if it is waiting in a JoinGroup or SyncGroup; its later requests carry the
  // old member id and get FENCED_INSTANCE_ID from ValidateCurrentMember.
  std::string old_id = m.id;
  std::string old_leader = g.leader;
  if (m.join_cb) {
    JoinGroupResult r;
    r.error = ErrorCode::kFencedInstanceId;
    r.member_id = old_id;
    auto cb = std::move(m.join_cb);
    m.join_cb = nullptr;
    out->push_back([cb, r] { cb(r); });
  }
  if (m.sync_cb) {
    auto cb = std::move(m.sync_cb);
    m.sync_cb = nullptr;
    out->push_back([cb] { cb(SyncGroupResult{ErrorCode::kFencedInstanceId, {}, {}, {}}); });
  }
  m.id = NewMemberId(req.client_id);
  if (g.leader == old_id) g.leader = m.id;
  m.client_id = req.client_id;
  m.client_host = req.client_host;
  m.session_timeout_ms = req.session_timeout_ms;
  m.rebalance_timeout_ms = req.rebalance_timeout_ms;
  m.protocols = std::move(req.protocols);
  m.session_deadline_ms = NowMs() + m.session_timeout_ms;
  NoteDeadline(m.session_deadline_ms, out);
  m.join_cb = std::move(done);
  switch (g.state) {
    case State::kStable:
      if (SelectProtocol(g) == g.protocol_name) {
        // Nothing the assignment depends on changed: the new incarnation takes over the old
        // one's assignment without a rebalance. The old leader id is returned so that a
        // replaced leader does not compute an assignment a Stable group would not spread.
        JoinGroupResult r = CurrentGeneration(g, m);
        r.leader = old_leader;
        r.members.clear();
        auto cb = std::move(m.join_cb);
        m.join_cb = nullptr;
        out->push_back([cb, r] { cb(r); });
      } else {
        PrepareRebalance(g, out);
        MaybeCompleteJoin(g, out);
      }
      break;
    case State::kCompletingRebalance:
      // The leader may already be assigning to the old member id: start over.
      PrepareRebalance(g, out);
      MaybeCompleteJoin(g, out);
      break;
    case State::kPreparingRebalance:
      MaybeCompleteJoin(g, out);
      break;
    case State::kEmpty:
      break;  // unreachable: an Empty group has no members
  }
}

void GroupCoordinator::JoinNewMember(Group& g, JoinGroupRequest& req,
                                     const std::string& member_id, JoinCallback done,
                                     Pending* out) {
  if (int32_t(g.members.size()) >= options_.max_group_size) {
    JoinGroupResult r;
    r.error = ErrorCode::kGroupMaxSizeReached;
    r.member_id = member_id;
    out->push_back([done, r] { done(r); });
    return;
  }
  auto m = std::make_unique<Member>();
  m->id = member_id;
  m->instance_id = req.group_instance_id;
  m->client_id = req.client_id;
  m->client_host = req.client_host;
  m->session_timeout_ms = req.session_timeout_ms;
  m->rebalance_timeout_ms = req.rebalance_timeout_ms;
  m->protocols = std::move(req.protocols);
  m->join_cb = std::move(done);
  m->session_deadline_ms = NowMs() + req.session_timeout_ms;
  if (g.members.empty()) g.protocol_type = req.protocol_type;
  // A member arriving during a brand-new group's initial delay extends the delay.
  if (g.state == State::kPreparingRebalance && g.generation == 0) g.new_member_added = true;
  g.members.push_back(std::move(m));
  if (g.state != State::kPreparingRebalance) PrepareRebalance(g, out);
  MaybeCompleteJoin(g, out);
}

JoinGroupResult GroupCoordinator::CurrentGeneration(const Group& g, const Member& m) const {
  JoinGroupResult r;
  r.generation_id = g.generation;
  r.protocol_type = g.protocol_type;
  r.protocol_name = g.protocol_name;
  r.leader = g.leader;
  r.member_id = m.id;
  if (m.id == g.leader) {
    for (const auto& o : g.members) {
      const std::string* md = o->MetadataFor(g.protocol_name);
      r.members.push_back({o->id, o->instance_id, md ? *md : std::string()});
    }
  }
  return r;
}

void GroupCoordinator::JoinExistingMember(Group& g, Member& m, JoinGroupRequest& req,
                                          JoinCallback done, Pending* out) {
  m.session_deadline_ms = NowMs() + req.session_timeout_ms;
  NoteDeadline(m.session_deadline_ms, out);
  bool changed = !SameProtocols(m.protocols, req.protocols);
  m.client_id = req.client_id;
  m.client_host = req.client_host;
  m.session_timeout_ms = req.session_timeout_ms;
  m.rebalance_timeout_ms = req.rebalance_timeout_ms;
  bool answer_now = !changed && (g.state == State::kCompletingRebalance ||
                                 (g.state == State::kStable && g.leader != m.id));
  if (answer_now) {
    // Nothing changed: resend the current generation (the member lost our answer).
    JoinGroupResult r = CurrentGeneration(g, m);
    out->push_back([done, r] { done(r); });
    return;
  }
  m.protocols = std::move(req.protocols);
  if (m.join_cb) {
    JoinGroupResult r;
    r.error = ErrorCode::kRebalanceInProgress;
    r.member_id = m.id;
    auto cb = std::move(m.join_cb);
    out->push_back([cb, r] { cb(r); });
  }
  m.join_cb = std::move(done);
  if (g.state != State::kPreparingRebalance) PrepareRebalance(g, out);
  MaybeCompleteJoin(g, out);
}

void GroupCoordinator::PrepareRebalance(Group& g, Pending* out) {
  if (g.state == State::kCompletingRebalance) {
    for (auto& m : g.members) {
      m->assignment.clear();
      if (m->sync_cb) {
        auto cb = std::move(m->sync_cb);
        m->sync_cb = nullptr;
        out->push_back([cb] { cb(SyncGroupResult{ErrorCode::kRebalanceInProgress, {}, {}, {}}); });
      }
    }
  }
  int32_t timeout = 0;
  for (const auto& m : g.members) timeout = std::max(timeout, m->rebalance_timeout_ms);
  int32_t delay = options_.initial_rebalance_delay_ms;
  if (g.state == State::kEmpty && delay > 0) {
    g.initial_delay = true;
    g.new_member_added = false;
    g.initial_remaining_ms = std::max<int64_t>(int64_t(timeout) - delay, 0);
    g.rebalance_deadline_ms = NowMs() + delay;
  } else {
    g.initial_delay = false;
    g.rebalance_deadline_ms = NowMs() + timeout;
  }
  g.state = State::kPreparingRebalance;
  NoteDeadline(g.rebalance_deadline_ms, out);
}

void GroupCoordinator::MaybeCompleteJoin(Group& g, Pending* out) {
  // During the initial delay the rebalance waits for its deadline even if all have joined.
  if (g.state != State::kPreparingRebalance || g.initial_delay || !g.pending_members.empty()) {
    return;
  }
  for (const auto& m : g.members) {
    if (!m->join_cb) return;
  }
  CompleteJoin(g, out);
}

std::string GroupCoordinator::SelectProtocol(const Group& g) const {
  // Candidates: protocols every member supports, in the first member's preference order.
  std::vector<std::string> candidates;
  for (const auto& p : g.members.front()->protocols) {
    bool all = std::all_of(g.members.begin(), g.members.end(),
                           [&](const auto& m) { return m->MetadataFor(p.name) != nullptr; });
    if (all) candidates.push_back(p.name);
  }
  if (candidates.empty()) return {};
  std::map<std::string, int> votes;
  for (const auto& m : g.members) {
    for (const auto& p : m->protocols) {
      if (std::find(candidates.begin(), candidates.end(), p.name) != candidates.end()) {
        ++votes[p.name];
        break;
      }
    }
  }
  std::string best = candidates.front();
  for (const auto& c : candidates) {
    if (votes[c] > votes[best]) best = c;
  }
  return best;
}

void GroupCoordinator::CompleteJoin(Group& g, Pending* out) {
  // Dynamic members that did not rejoin in time leave the group; static members stay until
  // their session expires (KIP-345); expired pending ids are dropped.
  g.initial_delay = false;
  g.pending_members.clear();
  for (size_t i = 0; i < g.members.size();) {
    if (!g.members[i]->join_cb && !g.members[i]->instance_id) {
      if (g.leader == g.members[i]->id) g.leader.clear();
      g.members.erase(g.members.begin() + long(i));
    } else {
      ++i;
    }
  }
  int64_t now = NowMs();
  if (!g.members.empty() && !g.HasJoinedMember()) {
    // Only static members that have not rejoined: nobody can lead. Wait another rebalance
    // timeout; their sessions expire meanwhile if they are gone (Kafka does the same).
    int32_t timeout = 0;
    for (const auto& m : g.members) timeout = std::max(timeout, m->rebalance_timeout_ms);
    g.rebalance_deadline_ms = now + std::max(timeout, 1);
    NoteDeadline(g.rebalance_deadline_ms, out);
    return;
  }
  ++g.generation;
  if (g.members.empty()) {
    g.state = State::kEmpty;
    g.protocol_name.clear();
    g.leader.clear();
    return;
  }
  g.protocol_name = SelectProtocol(g);
  Member* leader = g.leader.empty() ? nullptr : g.Find(g.leader);
  if (leader == nullptr || !leader->join_cb) {
    for (const auto& m : g.members) {
      if (m->join_cb) {
        g.leader = m->id;
        break;
      }
    }
  }
  g.state = State::kCompletingRebalance;
  for (auto& m : g.members) {
    m->session_deadline_ms = now + m->session_timeout_ms;
    NoteDeadline(m->session_deadline_ms, out);
    if (!m->join_cb) continue;
    JoinGroupResult r = CurrentGeneration(g, *m);
    auto cb = std::move(m->join_cb);
    m->join_cb = nullptr;
    out->push_back([cb, r] { cb(r); });
  }
}

}  // namespace kappa::kafka
