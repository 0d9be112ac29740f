#include "cql/server/exec/exec.h"
#include "cql/server/system_tables.h"

namespace kappa::cql {

Outcome<ResultMessage> ExecUse(const UseStmt& s, ExecContext& ctx) {
  if (!IsSystemKeyspace(s.keyspace) && !ctx.store->GetKeyspace(s.keyspace).ok()) {
    return CqlError::Invalid("Keyspace '" + s.keyspace + "' does not exist");
  }
  ctx.session->keyspace = s.keyspace;
  ResultMessage r;
  r.kind = ResultMessage::Kind::kSetKeyspace;
  r.keyspace = s.keyspace;
  return r;
}

}  // namespace kappa::cql
