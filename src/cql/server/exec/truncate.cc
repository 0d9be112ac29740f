#include "cql/server/exec/exec.h"

namespace kappa::cql {

Outcome<ResultMessage> ExecTruncate(const TruncateStmt& s, ExecContext& ctx) {
  CQL_TRY(TablePtr t, ResolveTable(s.table, ctx));
  CQL_RETURN_IF_ERROR(ctx.store->TruncateTable(t->keyspace, t->name));
  return ResultMessage::Void();
}

}  // namespace kappa::cql
