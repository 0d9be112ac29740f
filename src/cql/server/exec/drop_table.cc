#include "cql/server/exec/exec.h"
#include "cql/server/exec/schema_change.h"

namespace kappa::cql {

Outcome<ResultMessage> ExecDropTable(const DropTableStmt& s, ExecContext& ctx) {
  std::string ks = EffectiveKeyspace(s.table, ctx);
  if (s.if_exists && !ctx.store->GetTable(ks, s.table.name).ok()) return ResultMessage::Void();
  CQL_TRY(TablePtr t, ResolveTable(s.table, ctx));
  Status st = ctx.store->DropTable(t->keyspace, t->name, s.if_exists);
  if (st.IsNotFound() && s.if_exists) return ResultMessage::Void();
  CQL_RETURN_IF_ERROR(st);
  return SchemaChanged("DROPPED", t->keyspace, t->name);
}

}  // namespace kappa::cql
