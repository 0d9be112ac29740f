#include "cql/server/exec/exec.h"
#include "cql/server/exec/using.h"
#include "cql/server/exec/where.h"

namespace kappa::cql {

// The full primary keys a WHERE clause of UPDATE/DELETE names (EQ/IN on every key column).
Outcome<std::vector<std::vector<store::Value>>> FullKeys(const WherePlan& plan,
                                                         const store::TableSchema& t) {
  if (!plan.partition_complete) {
    std::string missing;
    for (size_t i = 0; i < t.partition_key_size(); ++i) {
      if (plan.partition[i].empty()) missing += (missing.empty() ? "" : ", ") + t.columns[i].name;
    }
    return CqlError::Invalid("Some partition key parts are missing: " + missing);
  }
  std::vector<std::vector<store::Value>> lists = plan.partition;
  for (const auto& c : plan.clustering) lists.push_back(c);
  return Product(lists);
}

namespace {

// The value an assignment writes: a plain value, or for counters the increment (c = c + n,
// c = c - n). Counters cannot be set; besides counters only non-frozen collections take
// c = c + v (collection_ops.h, planned before this).
Outcome<store::Value> EvalAssignment(const Assignment& a, const store::ColumnSchema& col,
                                     const ExecContext& ctx) {
  const bool counter = col.type.kind == store::TypeKind::kCounter;
  if (a.op == Assignment::Op::kSet) {
    if (counter) {
      return CqlError::Invalid("Cannot set the value of counter column " + col.name +
                               " (counters can only be incremented/decremented, not set)");
    }
    return EvalTerm(a.value, col.type, ctx.binds, col.name);
  }
  const char sign = a.op == Assignment::Op::kAdd ? '+' : '-';
  if (!counter) {
    return CqlError::Invalid(std::string("Invalid operation (") + col.name + " = " + col.name +
                             " " + sign + " ?) for non counter column " + col.name);
  }
  CQL_TRY(store::Value delta, EvalTerm(a.value, col.type, ctx.binds, col.name));
  if (!delta.is_set()) {
    return CqlError::Invalid("Invalid null value for counter increment/decrement");
  }
  int64_t d = delta.as_int();
  if (a.op == Assignment::Op::kSubtract) {
    if (d == INT64_MIN) return CqlError::Invalid("The negation of " + std::to_string(d) + " overflows supported counter precision (signed 8 bytes integer)");
    d = -d;
  }
  return store::Value::Int(store::TypeKind::kCounter, d);
}

}  // namespace

Outcome<std::vector<Mutation>> PlanUpdate(const UpdateStmt& s, const ExecContext& ctx) {
  CQL_TRY(TablePtr t, ResolveTable(s.table, ctx));
  CQL_TRY(WherePlan plan, AnalyzeWhere(s.where, *t, ctx));
  // Static columns alone may be set with only the partition key named.
  bool statics_only = t->has_static_columns() && !s.assignments.empty();
  for (const auto& a : s.assignments) {
    int idx = t->FindColumn(a.column);
    statics_only = statics_only && idx >= 0 && t->columns[size_t(idx)].kind == store::ColumnKind::kStatic;
  }
  const bool partition_only = statics_only && plan.clustering.empty() && plan.slice_column < 0;
  if (!partition_only &&
      (plan.clustering.size() != t->clustering_size() || plan.slice_column >= 0)) {
    std::string missing;
    for (size_t i = plan.clustering.size(); i < t->clustering_size(); ++i) {
      missing += (missing.empty() ? "" : ", ") + t->columns[t->partition_key_size() + i].name;
    }
    return CqlError::Invalid("Some clustering keys are missing: " + missing);
  }
  if (plan.needs_filtering || plan.token) {
    return CqlError::Invalid("Non PRIMARY KEY columns found in where clause");
  }
  CQL_TRY(auto keys, FullKeys(plan, *t));
  store::Row base(t->columns.size(), store::Value::Unset());
  std::vector<CollectionOp> ops;
  for (const auto& a : s.assignments) {
    int idx = t->FindColumn(a.column);
    if (idx < 0) return CqlError::Invalid("Undefined column name " + a.column);
    if (size_t(idx) < t->primary_key_size()) {
      return CqlError::Invalid("PRIMARY KEY part " + a.column + " found in SET part");
    }
    const auto& col = t->columns[size_t(idx)];
    CQL_TRY(std::optional<CollectionOp> op, PlanCollectionAssignment(a, size_t(idx), col, ctx.binds));
    if (op) {
      ops.push_back(std::move(*op));
      continue;
    }
    CQL_TRY(base[size_t(idx)], EvalAssignment(a, col, ctx));
  }
  if (t->is_counter_table()) {
    if (s.using_.ttl) return CqlError::Invalid("Cannot provide custom TTL for counter updates");
    if (s.using_.timestamp) {
      return CqlError::Invalid("Cannot provide custom timestamp for counter updates");
    }
  }
  CQL_TRY(store::WriteOptions w, WriteOptionsFor(s.using_, ctx, /*row_marker=*/false));
  std::vector<Mutation> out;
  for (auto& key : keys) {
    Mutation m;
    m.kind = Mutation::Kind::kUpsert;
    m.table = t;
    m.row = base;
    for (size_t i = 0; i < key.size(); ++i) m.row[i] = std::move(key[i]);
    m.write = w;
    m.ops = ops;
    out.push_back(std::move(m));
  }
  return out;
}

Outcome<ResultMessage> ExecUpdate(const UpdateStmt& s, ExecContext& ctx) {
  CQL_TRY(std::vector<Mutation> muts, PlanUpdate(s, ctx));
  return ExecConditional(muts, s.if_exists, s.conditions, ctx);
}

}  // namespace kappa::cql
