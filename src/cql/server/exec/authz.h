// Permission checks of CQL statements against the data directory's ACLs (authorize.cc),
// shared by the executor and the role statements (roles.cc). Internal to src/cql/server.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cql/protocol/ast.h"
#include "cql/server/error.h"
#include "cql/server/result.h"
#include "security/security.h"

namespace kappa::cql {

struct ExecContext;
struct Session;

// The session's user ("User:NAME"), or anonymous without authentication.
security::Principal PrincipalOf(const Session& s);
// The ACL resource name of a data resource: "*", "k" or "k.t".
std::string ResourceName(const DataResource& r, const ExecContext& ctx);
// Cassandra's display form: "<all keyspaces>", "<keyspace k>", "<table k.t>".
std::string ResourceDisplay(std::string_view resource);
// The executor's authorizer when ACLs are on; null when every statement is allowed.
security::Authorizer* ActiveAuthorizer(const ExecContext& ctx);
// True when ACLs are off (everyone may do everything) or the session's user is a super user.
bool IsSuperUser(const ExecContext& ctx);
// Unauthorized ("User u has no SELECT permission on <table k.t> or any of its parents")
// unless the session's user holds `op` on `resource` or a parent of it.
Outcome<void> RequirePermission(const ExecContext& ctx, security::AclOperation op,
                                std::string_view resource);
// What a statement needs (SELECT, MODIFY, CREATE, ALTER, DROP on the resource it names).
Outcome<void> AuthorizeStatement(const Statement& st, const ExecContext& ctx);
// The permissions GRANT ALL gives on `resource` (a table has no CREATE).
std::vector<security::AclOperation> ApplicablePermissions(std::string_view resource);
// ---- shared by the role statements (roles.cc, role_membership.cc, list_permissions.cc) --
// The executor's user store; Invalid when the server has none.
Outcome<security::UserStore*> RoleStore(const ExecContext& ctx);
// Unauthorized "Only superusers are allowed to <what> (user u is not a superuser)".
CqlError NotSuper(const ExecContext& ctx, std::string_view what);
ResultMessage VoidResult();
// A column of the result of LIST ROLES/USERS/PERMISSIONS: system_auth.<table>.<name>.
ColumnSpec AuthColumn(const char* table, const char* name, store::Type t);
// Whether `user` is `role` or holds it through GRANTs (UserStore::HeldRoles).
bool HoldsRole(const security::UserStore& users, std::string_view user, std::string_view role);

// After a successful CREATE: the creator gets every permission on it (Cassandra's
// grantPermissionsToCreator). After a DROP: the resource's permissions are removed.
void AfterSchemaChange(const Statement& st, const ExecContext& ctx);

}  // namespace kappa::cql
