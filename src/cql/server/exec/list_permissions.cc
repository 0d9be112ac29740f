// LIST PERMISSIONS as Cassandra 4 answers it (ListPermissionsStatement over
// CassandraAuthorizer.list): the CQL permissions among the data directory's ACLs (resource
// type KEYSPACE, ALLOW), those a role holds through other roles included, with the columns
// role, username, resource, permission.
#include <algorithm>

#include "cql/server/exec/authz.h"
#include "cql/server/exec/exec.h"
#include "security/security.h"

namespace kappa::cql {

using security::AclOperation;
using security::ResourceType;
using store::Value;

Outcome<ResultMessage> ExecListPermissions(const ListPermissionsStmt& s, ExecContext& ctx) {
  CQL_TRY(security::UserStore * users, RoleStore(ctx));
  security::Authorizer* a = ctx.executor->options().authorizer.get();
  if (!a) return CqlError::Invalid("Permissions are not available on this server (no ACLs)");
  if (!s.of.empty() && !users->Role(s.of)) return CqlError::Invalid(s.of + " doesn't exist");
  if (!IsSuperUser(ctx)) {
    if (s.of.empty()) {
      return CqlError{ErrorCode::kUnauthorized,
                      "You are not authorized to view everyone's permissions"};
    }
    if (!HoldsRole(*users, ctx.session->user, s.of)) {  // its own, or a role it holds
      return CqlError{ErrorCode::kUnauthorized,
                      "You are not authorized to view " + s.of + "'s permissions"};
    }
  }
  // OF a role lists its own permissions and those of every role it holds, each under the
  // role that holds it (Cassandra's CassandraAuthorizer.list).
  std::shared_ptr<const security::RoleSet> of_roles;
  if (!s.of.empty()) {
    of_roles = users->HeldRoles(s.of);
    if (!of_roles) return CqlError::Invalid(s.of + " doesn't exist");  // dropped meanwhile
  }
  // ON a resource lists the permissions on it and on its parents (unless NORECURSIVE), as
  // Cassandra does.
  std::vector<std::string> on;
  if (s.resource) {
    std::string r = ResourceName(*s.resource, ctx);
    on.push_back(r);
    if (r != "*" && s.recursive) {
      auto dot = r.find('.');
      if (dot != std::string::npos) on.push_back(r.substr(0, dot));
      on.push_back("*");
    }
  }
  const AclOperation only =
      s.permission == "ALL" ? AclOperation::kAll : security::ParseAclOperation(s.permission);
  struct Line {
    std::string role, resource;
    AclOperation op;
  };
  std::vector<Line> lines;
  for (const auto& b : a->List({})) {
    if (b.resource_type != ResourceType::kKeyspace ||
        b.permission != security::AclPermission::kAllow || !b.principal.starts_with("User:")) {
      continue;
    }
    std::string role = b.principal.substr(5);
    if (of_roles && !std::binary_search(of_roles->begin(), of_roles->end(), role)) continue;
    if (!on.empty() && std::find(on.begin(), on.end(), b.resource_name) == on.end()) continue;
    if (only != AclOperation::kAll && b.operation != only && b.operation != AclOperation::kAll) {
      continue;
    }
    lines.push_back({std::move(role), b.resource_name, b.operation});
  }
  // By role, then resource, then permission in Cassandra's order (CREATE, ALTER, DROP,
  // SELECT, MODIFY, AUTHORIZE).
  auto rank = [](AclOperation op) {
    static const AclOperation kOrder[] = {AclOperation::kCreate, AclOperation::kAlter,
                                          AclOperation::kDrop,   AclOperation::kSelect,
                                          AclOperation::kModify, AclOperation::kAuthorize};
    for (int i = 0; i < 6; ++i) {
      if (kOrder[i] == op) return i;
    }
    return 6;
  };
  std::sort(lines.begin(), lines.end(), [&](const Line& x, const Line& y) {
    if (x.role != y.role) return x.role < y.role;
    if (x.resource != y.resource) return x.resource < y.resource;
    return rank(x.op) < rank(y.op);
  });
  ResultMessage r;
  r.kind = ResultMessage::Kind::kRows;
  RowsResult& rows = r.rows;
  const store::Type text(store::TypeKind::kText);
  rows.columns = {AuthColumn("permissions", "role", text),
                  AuthColumn("permissions", "username", text),
                  AuthColumn("permissions", "resource", text),
                  AuthColumn("permissions", "permission", text)};
  for (const Line& l : lines) {
    rows.AppendCell(Value::Text(l.role));
    rows.AppendCell(Value::Text(l.role));
    rows.AppendCell(Value::Text(ResourceDisplay(l.resource)));
    rows.AppendCell(Value::Text(std::string(security::Name(l.op))));
    ++rows.row_count;
  }
  return r;
}

}  // namespace kappa::cql
