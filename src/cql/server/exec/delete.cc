#include "cql/server/exec/exec.h"
#include "cql/server/exec/using.h"
#include "cql/server/exec/where.h"

namespace kappa::cql {

Outcome<std::vector<Mutation>> PlanDelete(const DeleteStmt& s, const ExecContext& ctx) {
  CQL_TRY(TablePtr t, ResolveTable(s.table, ctx));
  CQL_TRY(WherePlan plan, AnalyzeWhere(s.where, *t, ctx));
  if (!plan.partition_complete) {
    std::string missing;
    for (size_t i = 0; i < t->partition_key_size(); ++i) {
      if (plan.partition[i].empty()) missing += (missing.empty() ? "" : ", ") + t->columns[i].name;
    }
    return CqlError::Invalid("Some partition key parts are missing: " + missing);
  }
  if (plan.needs_filtering || plan.token) {
    return CqlError::Invalid("Non PRIMARY KEY columns found in where clause");
  }
  CQL_TRY(store::WriteOptions w, WriteOptionsFor(s.using_, ctx, /*row_marker=*/false));
  std::vector<Mutation> out;
  bool full = plan.clustering.size() == t->clustering_size() && plan.slice_column < 0;
  if (!s.columns.empty()) {
    // Deleting cells: write nulls for the named columns of whole rows (static columns:
    // of the partition, which may be named alone).
    std::vector<size_t> cols;
    std::vector<CollectionOp> ops;
    bool statics_only = true;
    for (size_t ci = 0; ci < s.columns.size(); ++ci) {
      const std::string& c = s.columns[ci];
      int idx = t->FindColumn(c);
      if (idx < 0) return CqlError::Invalid("Undefined column name " + c);
      if (size_t(idx) < t->primary_key_size()) {
        return CqlError::Invalid("Invalid identifier " + c + " for deletion (should not be a PRIMARY KEY part)");
      }
      statics_only = statics_only && t->columns[size_t(idx)].kind == store::ColumnKind::kStatic;
      if (ci < s.elements.size() && s.elements[ci]) {  // DELETE c[element]
        CQL_TRY(CollectionOp op, PlanElementDeletion(*s.elements[ci], size_t(idx),
                                                     t->columns[size_t(idx)], ctx.binds));
        ops.push_back(std::move(op));
        continue;
      }
      cols.push_back(size_t(idx));
    }
    const bool partition_only = statics_only && plan.clustering.empty() && plan.slice_column < 0;
    if (!full && !partition_only) return CqlError::Invalid("Some clustering keys are missing");
    std::vector<std::vector<store::Value>> lists = plan.partition;
    for (const auto& c : plan.clustering) lists.push_back(c);
    for (auto& key : Product(lists)) {
      Mutation m;
      m.table = t;
      m.row.assign(t->columns.size(), store::Value::Unset());
      for (size_t i = 0; i < key.size(); ++i) m.row[i] = std::move(key[i]);
      for (size_t c : cols) m.row[c] = store::Value::Null();
      m.write = w;
      m.ops = ops;
      out.push_back(std::move(m));
    }
    return out;
  }
  for (const auto& pk : plan.PartitionKeys()) {
    if (plan.clustering.empty() && plan.slice_column < 0) {
      Mutation m;
      m.kind = Mutation::Kind::kDeletePartition;
      m.table = t;
      m.key = pk;
      m.write = w;
      out.push_back(std::move(m));
      continue;
    }
    for (const auto& prefix : plan.ClusteringPrefixes()) {
      Mutation m;
      m.table = t;
      m.write = w;
      if (full) {
        m.kind = Mutation::Kind::kDeleteRow;
        m.key = pk;
        m.key.insert(m.key.end(), prefix.begin(), prefix.end());
      } else {
        m.kind = Mutation::Kind::kDeleteRange;
        m.key = pk;
        m.range = plan.RangeFor(*t, prefix);
      }
      out.push_back(std::move(m));
    }
  }
  return out;
}

Outcome<ResultMessage> ExecDelete(const DeleteStmt& s, ExecContext& ctx) {
  CQL_TRY(std::vector<Mutation> muts, PlanDelete(s, ctx));
  return ExecConditional(muts, s.if_exists, s.conditions, ctx);
}

}  // namespace kappa::cql
