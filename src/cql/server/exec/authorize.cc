// Cassandra's permission checks (CassandraAuthorizer) for every statement, decided by the
// data directory's ACLs (security::Authorizer, resource type KEYSPACE: "*" is ALL
// KEYSPACES, "k" KEYSPACE k, "k.t" TABLE k.t; a keyspace's permission covers its tables).
// With no authorizer, or ACLs off (security.acls.enabled false), every statement is allowed.
#include <fmt/format.h>

#include "cql/server/exec/authz.h"
#include "cql/server/exec/exec.h"
#include "cql/server/system_tables.h"
#include "security/security.h"

namespace kappa::cql {

using security::AclOperation;
using security::ResourceType;

security::Principal PrincipalOf(const Session& s) {
  return s.user.empty() ? security::Principal::Anonymous() : security::Principal::User(s.user);
}

std::string ResourceName(const DataResource& r, const ExecContext& ctx) {
  switch (r.kind) {
    case DataResource::Kind::kAllKeyspaces:
      return "*";
    case DataResource::Kind::kKeyspace:
      return r.table.keyspace;
    case DataResource::Kind::kTable:
      return EffectiveKeyspace(r.table, ctx) + "." + r.table.name;
  }
  return "*";
}

std::string ResourceDisplay(std::string_view name) {
  if (name == "*") return "<all keyspaces>";
  if (name.find('.') == std::string_view::npos) return fmt::format("<keyspace {}>", name);
  return fmt::format("<table {}>", name);
}

security::Authorizer* ActiveAuthorizer(const ExecContext& ctx) {
  security::Authorizer* a = ctx.executor->options().authorizer.get();
  return a && a->enabled() ? a : nullptr;
}

bool IsSuperUser(const ExecContext& ctx) {
  security::Authorizer* a = ActiveAuthorizer(ctx);
  return !a || a->IsSuperUser(PrincipalOf(*ctx.session));
}

Outcome<void> RequirePermission(const ExecContext& ctx, AclOperation op,
                                std::string_view resource) {
  security::Authorizer* a = ActiveAuthorizer(ctx);
  if (!a) return {};
  const security::Principal p = PrincipalOf(*ctx.session);
  if (a->Authorize(p, ctx.session->host, op, ResourceType::kKeyspace, resource)) return {};
  return CqlError{ErrorCode::kUnauthorized,
                  fmt::format("User {} has no {} permission on {} or any of its parents",
                              p.user.empty() ? "anonymous" : p.user, security::Name(op),
                              ResourceDisplay(resource))};
}

namespace {

// The table a DML statement names, as "k.t"; empty when no keyspace is known (the
// statement then fails with Cassandra's "No keyspace has been specified").
std::string AuthzTableResource(const TableName& t, const ExecContext& ctx) {
  std::string ks = EffectiveKeyspace(t, ctx);
  return ks.empty() ? std::string() : ks + "." + t.name;
}

Outcome<void> RequireOnTable(const ExecContext& ctx, AclOperation op, const TableName& t) {
  std::string r = AuthzTableResource(t, ctx);
  if (r.empty()) return {};
  return RequirePermission(ctx, op, r);
}

}  // namespace

Outcome<void> AuthorizeStatement(const Statement& st, const ExecContext& ctx) {
  if (!ActiveAuthorizer(ctx)) return {};
  return std::visit(
      [&](const auto& s) -> Outcome<void> {
        using T = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<T, SelectStmt>) {
          // Every user reads the system keyspaces (drivers read system.local, system_schema
          // and system_virtual_schema to connect), as in Cassandra.
          const std::string ks = EffectiveKeyspace(s.table, ctx);
          if (IsSystemKeyspace(ks) || ks.starts_with("system_")) return {};
          return RequireOnTable(ctx, AclOperation::kSelect, s.table);
        } else if constexpr (std::is_same_v<T, InsertStmt> || std::is_same_v<T, UpdateStmt> ||
                             std::is_same_v<T, DeleteStmt> || std::is_same_v<T, TruncateStmt>) {
          return RequireOnTable(ctx, AclOperation::kModify, s.table);
        } else if constexpr (std::is_same_v<T, BatchStmt>) {
          for (const Statement& m : s.statements) CQL_TRY_VOID(AuthorizeStatement(m, ctx));
          return {};
        } else if constexpr (std::is_same_v<T, CreateKeyspaceStmt>) {
          return RequirePermission(ctx, AclOperation::kCreate, "*");
        } else if constexpr (std::is_same_v<T, DropKeyspaceStmt>) {
          return RequirePermission(ctx, AclOperation::kDrop, s.name);
        } else if constexpr (std::is_same_v<T, CreateTableStmt>) {
          std::string ks = EffectiveKeyspace(s.table, ctx);
          if (ks.empty()) return {};
          return RequirePermission(ctx, AclOperation::kCreate, ks);
        } else if constexpr (std::is_same_v<T, DropTableStmt>) {
          return RequireOnTable(ctx, AclOperation::kDrop, s.table);
        } else if constexpr (std::is_same_v<T, AlterTableStmt>) {
          return RequireOnTable(ctx, AclOperation::kAlter, s.table);
        } else {
          // USE and DESCRIBE need no permission (Cassandra); the role statements check
          // their own (exec/roles.cc).
          return {};
        }
      },
      st.body);
}

// The permissions a data resource takes (Cassandra 4.0's DataResource): a table has no
// CREATE.
std::vector<AclOperation> ApplicablePermissions(std::string_view resource) {
  if (resource != "*" && resource.find('.') != std::string_view::npos) {
    return {AclOperation::kAlter, AclOperation::kDrop, AclOperation::kSelect,
            AclOperation::kModify, AclOperation::kAuthorize};
  }
  return {AclOperation::kCreate, AclOperation::kAlter,  AclOperation::kDrop,
          AclOperation::kSelect, AclOperation::kModify, AclOperation::kAuthorize};
}

void AfterSchemaChange(const Statement& st, const ExecContext& ctx) {
  security::Authorizer* a = ctx.executor->options().authorizer.get();
  if (!a) return;
  auto drop_all_on = [&](const std::string& resource, bool with_tables) {
    for (const auto& b : a->List({})) {
      if (b.resource_type != ResourceType::kKeyspace) continue;
      if (b.resource_name != resource &&
          !(with_tables && b.resource_name.starts_with(resource + "."))) {
        continue;
      }
      security::AclFilter f;
      f.resource_type = ResourceType::kKeyspace;
      f.resource_name = b.resource_name;
      f.pattern_type = security::PatternType::kLiteral;
      (void)a->Remove(f);
    }
  };
  auto grant_creator = [&](const std::string& resource) {
    const Session& s = *ctx.session;
    if (!a->enabled() || s.user.empty() || a->IsSuperUser(PrincipalOf(s))) return;
    std::vector<security::AclBinding> all;
    for (AclOperation op : ApplicablePermissions(resource)) {
      security::AclBinding b;
      b.resource_type = ResourceType::kKeyspace;
      b.resource_name = resource;
      b.principal = PrincipalOf(s).KafkaName();
      b.operation = op;
      all.push_back(std::move(b));
    }
    (void)a->Add(all);
  };
  if (const auto* s = std::get_if<CreateKeyspaceStmt>(&st.body)) {
    grant_creator(s->name);  // the creator may use what it made, as in Cassandra
  } else if (const auto* s = std::get_if<CreateTableStmt>(&st.body)) {
    grant_creator(EffectiveKeyspace(s->table, ctx) + "." + s->table.name);
  } else if (const auto* s = std::get_if<DropKeyspaceStmt>(&st.body)) {
    drop_all_on(s->name, true);  // a dropped resource's permissions go with it
  } else if (const auto* s = std::get_if<DropTableStmt>(&st.body)) {
    drop_all_on(EffectiveKeyspace(s->table, ctx) + "." + s->table.name, false);
  }
}

}  // namespace kappa::cql
