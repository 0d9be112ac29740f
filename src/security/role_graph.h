// Role membership as a graph (GRANT role TO role, Cassandra's roles.member_of): the roles a
// role holds through others, and the checks a GRANT must pass (no cycle, bounded size).
// Private to src/security; users.cc keeps the edges in users.json and the expanded sets in
// memory. docs/formats/security.md, "Role membership".
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "security/security.h"

namespace kappa::security {

// Every role and the roles granted to it directly (sorted, no duplicates). A granted name
// that is not a key (a role another writer dropped) is skipped by every walk.
using RoleEdges = std::map<std::string, std::vector<std::string>, std::less<>>;

// `name` first, then every role it holds directly or through others, breadth-first, each
// once (cycles in a hand-edited file end the walk, they do not loop). Stops once it holds
// more than `limit` roles besides `name`, so the result has at most limit + 2 entries.
// Empty for an unknown name.
std::vector<std::string> CollectRoles(const RoleEdges& edges, std::string_view name, size_t limit);

// Whether GRANT `role` TO `grantee` may be added to `edges` (both exist): InvalidArgument,
// with Cassandra's messages, when the grantee holds the role already ("<grantee> is a member
// of <role>", directly or through another role; also GRANT r TO r), when the grant would
// close a cycle ("<role> is a member of <grantee>"), and when the grantee or a role holding
// it would then hold more than kMaxHeldRoles roles.
Status CheckGrant(const RoleEdges& edges, std::string_view role, std::string_view grantee);

// The expanded form of `edges` the authorizer reads on every request: per role, the sorted
// set CollectRoles gives (truncated at kMaxHeldRoles for a file written by hand, with a
// warning in the log) and whether any role in it is a super user.
struct ExpandedRole {
  std::shared_ptr<const RoleSet> roles;
  bool superuser = false;
};
using ExpandedRoles = std::map<std::string, ExpandedRole, std::less<>>;
ExpandedRoles ExpandRoles(const RoleEdges& edges,
                          const std::map<std::string, bool, std::less<>>& superuser);

}  // namespace kappa::security
