// Role membership as Cassandra 4 has it (CassandraRoleManager, GrantRoleStatement,
// RevokeRoleStatement, ListRolesStatement): GRANT role TO role, REVOKE role FROM role, and
// LIST ROLES [OF r] [NORECURSIVE] / LIST USERS. The grants live with the roles in the user
// store (security::UserStore::GrantRole, users.json's member_of); a role holds the
// permissions and SUPERUSER of every role granted to it, directly or through others, for
// CQL, Kafka and HTTP alike (security::Authorizer).
#include <fmt/format.h>

#include <algorithm>

#include "cql/server/exec/authz.h"
#include "cql/server/exec/exec.h"
#include "security/security.h"

namespace kappa::cql {

using store::Value;

Outcome<ResultMessage> ExecGrantRole(const GrantRoleStmt& s, ExecContext& ctx) {
  CQL_TRY(security::UserStore * users, RoleStore(ctx));
  // Cassandra asks for AUTHORIZE on the granted role; kappa has no role resources to grant
  // that on, so it is a superuser's alone (with ACLs off, everyone's).
  if (!IsSuperUser(ctx)) {
    const std::string& u = ctx.session->user;
    return CqlError{ErrorCode::kUnauthorized,
                    fmt::format("User {} has no AUTHORIZE permission on <role {}> or any of its "
                                "parents (only superusers grant and revoke roles)",
                                u.empty() ? "anonymous" : u, s.role)};
  }
  Status st = s.revoke ? users->RevokeRole(s.role, s.grantee) : users->GrantRole(s.role, s.grantee);
  // "x doesn't exist", "g is a member of r", "g is not a member of r", the size limit.
  if (st.IsNotFound() || st.IsInvalidArgument()) return CqlError::Invalid(st.message());
  CQL_RETURN_IF_ERROR(st);
  return VoidResult();
}

Outcome<ResultMessage> ExecListRoles(const ListRolesStmt& s, ExecContext& ctx) {
  CQL_TRY(security::UserStore * users, RoleStore(ctx));
  const std::string& me = ctx.session->user;
  const bool super = IsSuperUser(ctx);
  if (!super && me.empty()) return CqlError{ErrorCode::kUnauthorized, "You have not logged in"};
  if (!s.of.empty() && !users->Exists(s.of)) return CqlError::Invalid(s.of + " doesn't exist");
  // A superuser sees every role, or those of any role; anyone else sees its own, and those
  // of a role it holds (Cassandra: DESCRIBE on ALL ROLES, which kappa gives superusers).
  std::string of = s.of;
  if (!super) {
    if (of.empty()) {
      of = me;
    } else if (!HoldsRole(*users, me, of)) {
      return CqlError{ErrorCode::kUnauthorized,
                      "You are not authorized to view roles granted to " + of};
    }
  }
  std::vector<security::RoleInfo> roles;
  if (of.empty()) {
    roles = users->Roles();
  } else {
    // The role itself and what it holds: through other roles too unless NORECURSIVE.
    std::vector<std::string> names;
    if (s.recursive) {
      if (auto held = users->HeldRoles(of)) names = *held;
    } else if (auto r = users->Role(of)) {
      names = r->member_of;
      names.push_back(of);
      std::sort(names.begin(), names.end());
    }
    for (const std::string& n : names) {
      if (auto r = users->Role(n)) roles.push_back(std::move(*r));
    }
  }
  ResultMessage r;
  r.kind = ResultMessage::Kind::kRows;
  RowsResult& rows = r.rows;
  const store::Type text(store::TypeKind::kText), boolean(store::TypeKind::kBoolean);
  if (s.users) {  // LIST USERS: the roles that log in
    rows.columns = {AuthColumn("users", "name", text), AuthColumn("users", "super", boolean),
                    AuthColumn("users", "datacenters", text)};
  } else {
    rows.columns = {AuthColumn("roles", "role", text), AuthColumn("roles", "super", boolean),
                    AuthColumn("roles", "login", boolean),
                    AuthColumn("roles", "options", store::Type::Map(text, text)),
                    AuthColumn("roles", "datacenters", text)};
  }
  for (const auto& role : roles) {
    if (s.users && !role.login) continue;
    rows.AppendCell(Value::Text(role.name));
    // The role's own flag, as Cassandra's LIST ROLES shows it; what it holds through other
    // roles counts for the checks (security::Authorizer::IsSuperUser).
    rows.AppendCell(Value::Boolean(role.superuser));
    if (!s.users) {
      rows.AppendCell(Value::Boolean(role.login));
      rows.AppendCell(Value::Collection(store::TypeKind::kMap, {}));
    }
    rows.AppendCell(Value::Text("ALL"));
    ++rows.row_count;
  }
  return r;
}

}  // namespace kappa::cql
