#include "cql/server/exec/exec.h"
#include "cql/server/exec/schema_change.h"
#include "cql/server/system_tables.h"

namespace kappa::cql {

Outcome<ResultMessage> ExecDropKeyspace(const DropKeyspaceStmt& s, ExecContext& ctx) {
  if (IsSystemKeyspace(s.name)) {
    return CqlError{ErrorCode::kUnauthorized, "Cannot DROP <keyspace " + s.name + ">"};
  }
  if (!ctx.store->GetKeyspace(s.name).ok()) {
    if (s.if_exists) return ResultMessage::Void();
    return CqlError{ErrorCode::kConfigError,
                    "Cannot drop non existing keyspace '" + s.name + "'."};
  }
  Status st = ctx.store->DropKeyspace(s.name, s.if_exists);
  if (st.IsNotFound() && s.if_exists) return ResultMessage::Void();
  CQL_RETURN_IF_ERROR(st);
  if (ctx.session->keyspace == s.name) ctx.session->keyspace.clear();
  return SchemaChanged("DROPPED", s.name);
}

}  // namespace kappa::cql
