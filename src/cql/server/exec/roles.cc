// Roles and permissions as cqlsh users manage them (Cassandra's CassandraRoleManager and
// CassandraAuthorizer statements): CREATE/ALTER/DROP ROLE (and USER), LIST ROLES/USERS,
// GRANT, REVOKE, LIST PERMISSIONS. Roles are the data directory's users
// (security::UserStore, the same users Kafka's SASL and HTTP Basic check); permissions are
// its ACLs (security::Authorizer, resource type KEYSPACE), the ones Kafka's ACL APIs and
// `kappa acls` see. With ACLs off everyone may manage roles and permissions (they take
// effect once security.acls.enabled is on); with ACLs on, managing roles needs a super
// user, and GRANT/REVOKE need AUTHORIZE on the resource.
#include <fmt/format.h>

#include <algorithm>

#include "cql/server/exec/authz.h"
#include "cql/server/exec/exec.h"
#include "security/security.h"

namespace kappa::cql {
namespace {

using security::AclOperation;
using security::ResourceType;
using store::Value;

Outcome<security::UserStore*> Users(const ExecContext& ctx) {
  security::UserStore* u = ctx.executor->options().users.get();
  if (!u) {
    return CqlError::Invalid(
        "Roles are not available on this server: it has no user store (kappa up and kappa "
        "cql-server keep them in DATA_DIR/security)");
  }
  return u;
}

CqlError NotSuper(const ExecContext& ctx, std::string_view what) {
  const std::string& u = ctx.session->user;
  return {ErrorCode::kUnauthorized,
          fmt::format("Only superusers are allowed to {} (user {} is not a superuser)", what,
                      u.empty() ? "anonymous" : u)};
}

security::RoleOptions ToOptions(const RoleOptionsClause& c) {
  return {c.password, c.login, c.superuser};
}

ResultMessage Void() {
  ResultMessage r;
  r.kind = ResultMessage::Kind::kVoid;
  return r;
}

ColumnSpec AuthColumn(const char* table, const char* name, store::Type t) {
  return {"system_auth", table, name, std::move(t)};
}

}  // namespace

Outcome<ResultMessage> ExecCreateRole(const CreateRoleStmt& s, ExecContext& ctx) {
  CQL_TRY(security::UserStore * users, Users(ctx));
  if (!IsSuperUser(ctx)) return NotSuper(ctx, "perform CREATE ROLE queries");
  Status st = users->CreateRole(s.name, ToOptions(s.options));
  if (st.IsAlreadyExists()) {
    if (s.if_not_exists) return Void();
    return CqlError::Invalid(s.name + " already exists");
  }
  CQL_RETURN_IF_ERROR(st);
  return Void();
}

Outcome<ResultMessage> ExecAlterRole(const AlterRoleStmt& s, ExecContext& ctx) {
  CQL_TRY(security::UserStore * users, Users(ctx));
  const bool self = !ctx.session->user.empty() && ctx.session->user == s.name;
  // A user may change its own password; anything else about a role needs a super user.
  const bool only_password = !s.options.login && !s.options.superuser;
  if (!IsSuperUser(ctx) && !(self && only_password)) {
    return NotSuper(ctx, "alter another role or the LOGIN and SUPERUSER of one");
  }
  if (self && s.options.superuser && !*s.options.superuser) {
    return CqlError::Invalid("You aren't allowed to alter your own superuser status");
  }
  Status st = users->AlterRole(s.name, ToOptions(s.options));
  if (st.IsNotFound()) return CqlError::Invalid(s.name + " doesn't exist");
  CQL_RETURN_IF_ERROR(st);
  return Void();
}

Outcome<ResultMessage> ExecDropRole(const DropRoleStmt& s, ExecContext& ctx) {
  CQL_TRY(security::UserStore * users, Users(ctx));
  if (!IsSuperUser(ctx)) return NotSuper(ctx, "perform DROP ROLE queries");
  if (!ctx.session->user.empty() && ctx.session->user == s.name) {
    return CqlError::Invalid("Cannot DROP primary role for current login");
  }
  Status st = users->Delete(s.name);
  if (st.IsNotFound()) {
    if (s.if_exists) return Void();
    return CqlError::Invalid("Cannot drop role '" + s.name + "' as it doesn't exist");
  }
  CQL_RETURN_IF_ERROR(st);
  // The role's permissions go with it, as in Cassandra.
  if (security::Authorizer* a = ctx.executor->options().authorizer.get()) {
    security::AclFilter f;
    f.principal = security::Principal::User(s.name).KafkaName();
    CQL_RETURN_IF_ERROR(a->Remove(f).status());
  }
  return Void();
}

Outcome<ResultMessage> ExecListRoles(const ListRolesStmt& s, ExecContext& ctx) {
  CQL_TRY(security::UserStore * users, Users(ctx));
  const bool super = IsSuperUser(ctx);
  std::string of = s.of;
  if (!super) {
    // A user who is not a super user sees only itself (the roles granted to it, in
    // Cassandra; kappa has no role hierarchy).
    if (!of.empty() && of != ctx.session->user) {
      return CqlError{ErrorCode::kUnauthorized,
                      "You are not authorized to view roles granted to " + of};
    }
    of = ctx.session->user;
  }
  std::vector<security::RoleInfo> roles;
  if (!of.empty()) {
    auto r = users->Role(of);
    if (!r) return CqlError::Invalid(of + " doesn't exist");
    roles.push_back(*r);
  } else {
    roles = users->Roles();
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

Outcome<ResultMessage> ExecGrant(const GrantStmt& s, ExecContext& ctx) {
  CQL_TRY(security::UserStore * users, Users(ctx));
  security::Authorizer* a = ctx.executor->options().authorizer.get();
  if (!a) return CqlError::Invalid("Permissions are not available on this server (no ACLs)");
  const std::string resource = ResourceName(s.resource, ctx);
  if (s.resource.kind == DataResource::Kind::kTable && s.resource.table.keyspace.empty() &&
      ctx.session->keyspace.empty()) {
    return CqlError::Invalid(
        "No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename");
  }
  // The resource must exist (Cassandra: "Resource <table k.t> doesn't exist").
  if (s.resource.kind == DataResource::Kind::kKeyspace &&
      !ctx.store->GetKeyspace(s.resource.table.keyspace).ok()) {
    return CqlError::Invalid("Resource " + ResourceDisplay(resource) + " doesn't exist");
  }
  if (s.resource.kind == DataResource::Kind::kTable) {
    TableName t = s.resource.table;
    if (t.keyspace.empty()) t.keyspace = ctx.session->keyspace;
    if (!ctx.store->GetTable(t.keyspace, t.name).ok()) {
      return CqlError::Invalid("Resource " + ResourceDisplay(resource) + " doesn't exist");
    }
  }
  if (!users->Role(s.role)) return CqlError::Invalid("Role " + s.role + " doesn't exist");
  CQL_TRY_VOID(RequirePermission(ctx, AclOperation::kAuthorize, resource));
  const std::vector<AclOperation> applicable = ApplicablePermissions(resource);
  std::vector<AclOperation> ops;
  if (s.permission == "ALL") {
    ops = applicable;
  } else {
    AclOperation op = security::ParseAclOperation(s.permission);
    if (std::find(applicable.begin(), applicable.end(), op) == applicable.end()) {
      return CqlError::Invalid(fmt::format(
          "Resource type DataResource does not support any of the requested permissions "
          "({} on {})",
          s.permission, ResourceDisplay(resource)));
    }
    ops = {op};
  }
  const std::string principal = security::Principal::User(s.role).KafkaName();
  if (s.revoke) {
    for (AclOperation op : ops) {
      security::AclFilter f;
      f.resource_type = ResourceType::kKeyspace;
      f.resource_name = resource;
      f.pattern_type = security::PatternType::kLiteral;
      f.principal = principal;
      f.operation = op;
      f.permission = security::AclPermission::kAllow;
      CQL_RETURN_IF_ERROR(a->Remove(f).status());
    }
    return Void();
  }
  std::vector<security::AclBinding> bindings;
  for (AclOperation op : ops) {
    security::AclBinding b;
    b.resource_type = ResourceType::kKeyspace;
    b.resource_name = resource;
    b.principal = principal;
    b.operation = op;
    bindings.push_back(std::move(b));
  }
  CQL_RETURN_IF_ERROR(a->Add(bindings));
  return Void();
}

Outcome<ResultMessage> ExecListPermissions(const ListPermissionsStmt& s, ExecContext& ctx) {
  CQL_TRY(security::UserStore * users, Users(ctx));
  security::Authorizer* a = ctx.executor->options().authorizer.get();
  if (!a) return CqlError::Invalid("Permissions are not available on this server (no ACLs)");
  if (!s.of.empty() && !users->Role(s.of)) return CqlError::Invalid(s.of + " doesn't exist");
  if (!IsSuperUser(ctx)) {
    if (s.of.empty()) {
      return CqlError{ErrorCode::kUnauthorized,
                      "You are not authorized to view everyone's permissions"};
    }
    if (s.of != ctx.session->user) {
      return CqlError{ErrorCode::kUnauthorized,
                      "You are not authorized to view " + s.of + "'s permissions"};
    }
  }
  // ON a resource lists the permissions on it and on its parents, as Cassandra does.
  std::vector<std::string> on;
  if (s.resource) {
    std::string r = ResourceName(*s.resource, ctx);
    on.push_back(r);
    if (r != "*") {
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
    if (!s.of.empty() && role != s.of) continue;
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
