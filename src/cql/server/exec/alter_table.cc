#include "cql/server/exec/exec.h"
#include "cql/server/exec/schema_change.h"

namespace kappa::cql {

Outcome<ResultMessage> ExecAlterTable(const AlterTableStmt& s, ExecContext& ctx) {
  CQL_TRY(TablePtr t, ResolveTable(s.table, ctx));
  for (const auto& c : s.columns) {
    if (s.add) {
      if (t->FindColumn(c.name) >= 0) {
        return CqlError::Invalid("Column with name '" + c.name + "' already exists");
      }
      auto type = store::Type::Parse(c.type);
      if (!type.ok()) return CqlError::Invalid("Unknown type " + c.type);
      CQL_TRY_VOID(CheckCollectionType(c.name, c.type, type.value(), false));
      CQL_RETURN_IF_ERROR(
          ctx.store->AlterTableAddColumn(t->keyspace, t->name, c.name, type.value(), c.is_static));
    } else {
      int idx = t->FindColumn(c.name);
      if (idx < 0) {
        return CqlError::Invalid("Column " + c.name + " was not found in table " + t->name);
      }
      if (size_t(idx) < t->primary_key_size()) {
        return CqlError::Invalid("Cannot drop PRIMARY KEY part " + c.name);
      }
      CQL_RETURN_IF_ERROR(ctx.store->AlterTableDropColumn(t->keyspace, t->name, c.name));
    }
  }
  return SchemaChanged("UPDATED", t->keyspace, t->name);
}

}  // namespace kappa::cql
