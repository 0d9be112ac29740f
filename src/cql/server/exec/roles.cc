// Roles and permissions as cqlsh users manage them (Cassandra's CassandraRoleManager and
// CassandraAuthorizer statements): CREATE/ALTER/DROP ROLE (and USER), GRANT and REVOKE of
// permissions (role membership and LIST ROLES: role_membership.cc; LIST PERMISSIONS:
// list_permissions.cc). Roles are the data directory's users
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
using security::AclOperation;
using security::ResourceType;

Outcome<security::UserStore*> RoleStore(const ExecContext& ctx) {
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

ResultMessage VoidResult() {
  ResultMessage r;
  r.kind = ResultMessage::Kind::kVoid;
  return r;
}

ColumnSpec AuthColumn(const char* table, const char* name, store::Type t) {
  return {"system_auth", table, name, std::move(t)};
}

bool HoldsRole(const security::UserStore& users, std::string_view user, std::string_view role) {
  auto held = users.HeldRoles(user);
  return held && std::binary_search(held->begin(), held->end(), role, std::less<>());
}

namespace {

security::RoleOptions ToOptions(const RoleOptionsClause& c) {
  return {c.password, c.login, c.superuser};
}

}  // namespace

Outcome<ResultMessage> ExecCreateRole(const CreateRoleStmt& s, ExecContext& ctx) {
  CQL_TRY(security::UserStore * users, RoleStore(ctx));
  if (!IsSuperUser(ctx)) return NotSuper(ctx, "perform CREATE ROLE queries");
  Status st = users->CreateRole(s.name, ToOptions(s.options));
  if (st.IsAlreadyExists()) {
    if (s.if_not_exists) return VoidResult();
    return CqlError::Invalid(s.name + " already exists");
  }
  CQL_RETURN_IF_ERROR(st);
  return VoidResult();
}

Outcome<ResultMessage> ExecAlterRole(const AlterRoleStmt& s, ExecContext& ctx) {
  CQL_TRY(security::UserStore * users, RoleStore(ctx));
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
  return VoidResult();
}

Outcome<ResultMessage> ExecDropRole(const DropRoleStmt& s, ExecContext& ctx) {
  CQL_TRY(security::UserStore * users, RoleStore(ctx));
  if (!IsSuperUser(ctx)) return NotSuper(ctx, "perform DROP ROLE queries");
  if (!ctx.session->user.empty() && ctx.session->user == s.name) {
    return CqlError::Invalid("Cannot DROP primary role for current login");
  }
  Status st = users->Delete(s.name);
  if (st.IsNotFound()) {
    if (s.if_exists) return VoidResult();
    return CqlError::Invalid("Cannot drop role '" + s.name + "' as it doesn't exist");
  }
  CQL_RETURN_IF_ERROR(st);  // its memberships went with it (UserStore::Delete)
  // The role's permissions go with it, as in Cassandra.
  if (security::Authorizer* a = ctx.executor->options().authorizer.get()) {
    security::AclFilter f;
    f.principal = security::Principal::User(s.name).KafkaName();
    CQL_RETURN_IF_ERROR(a->Remove(f).status());
  }
  return VoidResult();
}

Outcome<ResultMessage> ExecGrant(const GrantStmt& s, ExecContext& ctx) {
  CQL_TRY(security::UserStore * users, RoleStore(ctx));
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
    return VoidResult();
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
  return VoidResult();
}

}  // namespace kappa::cql
