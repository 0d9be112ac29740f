// Role membership walks (role_graph.h). Every walk visits each role once, so a cycle in a
// file written by hand ends it; GRANT never writes one.
#include "security/role_graph.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "common/logging.h"

namespace kappa::security {

std::vector<std::string> CollectRoles(const RoleEdges& edges, std::string_view name, size_t limit) {
  std::vector<std::string> out;
  auto self = edges.find(name);
  if (self == edges.end()) return out;
  // Views into `edges`, which outlives the walk.
  std::set<std::string_view> seen{std::string_view(self->first)};
  out.push_back(self->first);
  for (size_t i = 0; i < out.size(); ++i) {
    auto it = edges.find(out[i]);
    for (const std::string& r : it->second) {
      if (!edges.contains(r) || !seen.insert(r).second) continue;
      out.push_back(r);
      if (out.size() > limit + 1) return out;
    }
  }
  return out;
}

namespace {

bool Holds(const std::vector<std::string>& held, std::string_view r) {
  return std::find(held.begin(), held.end(), r) != held.end();
}

// `name` and every role that holds it, directly or through others.
std::vector<std::string_view> Holders(const RoleEdges& edges, std::string_view name) {
  std::map<std::string_view, std::vector<std::string_view>> granted_to;
  for (const auto& [member, roles] : edges) {
    for (const std::string& r : roles) granted_to[r].push_back(member);
  }
  std::vector<std::string_view> out{name};
  std::set<std::string_view> seen{name};
  for (size_t i = 0; i < out.size(); ++i) {
    auto it = granted_to.find(out[i]);
    if (it == granted_to.end()) continue;
    for (std::string_view m : it->second) {
      if (seen.insert(m).second) out.push_back(m);
    }
  }
  return out;
}

}  // namespace

Status CheckGrant(const RoleEdges& edges, std::string_view role, std::string_view grantee) {
  // The stored graph is bounded already (every GRANT was checked), so these walks are short;
  // the limit only guards a file written by hand.
  const size_t all = edges.size();
  if (Holds(CollectRoles(edges, grantee, all), role)) {
    return Status::InvalidArgument(fmt::format("{} is a member of {}", grantee, role));
  }
  if (Holds(CollectRoles(edges, role, all), grantee)) {
    return Status::InvalidArgument(fmt::format("{} is a member of {}", role, grantee));
  }
  // The grant adds what `role` holds to the grantee and to every role holding the grantee.
  RoleEdges next = edges;
  auto& direct = next.find(grantee)->second;
  direct.insert(std::upper_bound(direct.begin(), direct.end(), role), std::string(role));
  for (std::string_view h : Holders(next, grantee)) {
    const size_t held = CollectRoles(next, h, kMaxHeldRoles).size() - 1;  // itself not counted
    if (held > kMaxHeldRoles) {
      return Status::InvalidArgument(fmt::format(
          "Granting {} to {} would give {} more than {} roles (directly or through other "
          "roles); kappa allows at most {} per role",
          role, grantee, h, kMaxHeldRoles, kMaxHeldRoles));
    }
  }
  return Status::OK();
}

ExpandedRoles ExpandRoles(const RoleEdges& edges,
                          const std::map<std::string, bool, std::less<>>& superuser) {
  ExpandedRoles out;
  for (const auto& [name, direct] : edges) {
    std::vector<std::string> held = CollectRoles(edges, name, kMaxHeldRoles);
    if (held.size() > kMaxHeldRoles + 1) {
      KLOG_WARN("users: role {} holds more than {} roles through GRANTs; only the first {} "
                "count (the users file was not written by GRANT)",
                name, kMaxHeldRoles, kMaxHeldRoles);
      held.resize(kMaxHeldRoles + 1);
    }
    ExpandedRole e;
    for (const std::string& r : held) {
      auto s = superuser.find(r);
      e.superuser |= s != superuser.end() && s->second;
    }
    std::sort(held.begin(), held.end());
    e.roles = std::make_shared<const RoleSet>(std::move(held));
    out.emplace(name, std::move(e));
  }
  return out;
}

}  // namespace kappa::security
