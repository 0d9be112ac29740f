#include "cql/exec/exec.h"
#include "cql/exec/using.h"
#include "cql/exec/where.h"

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

Outcome<std::vector<Mutation>> PlanUpdate(const UpdateStmt& s, const ExecContext& ctx) {
  CQL_TRY(TablePtr t, ResolveTable(s.table, ctx));
  CQL_TRY(WherePlan plan, AnalyzeWhere(s.where, *t, ctx));
  if (plan.clustering.size() != t->clustering_size() || plan.slice_column >= 0) {
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
  for (const auto& a : s.assignments) {
    int idx = t->FindColumn(a.column);
    if (idx < 0) return CqlError::Invalid("Undefined column name " + a.column);
    if (size_t(idx) < t->primary_key_size()) {
      return CqlError::Invalid("PRIMARY KEY part " + a.column + " found in SET part");
    }
    const auto& col = t->columns[size_t(idx)];
    CQL_TRY(base[size_t(idx)], EvalTerm(a.value, col.type, ctx.binds, col.name));
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
    out.push_back(std::move(m));
  }
  return out;
}

namespace {

// IF EXISTS: the rows must exist (checked before the write; not linearizable with writers
// of the same row from other connections).
Outcome<std::optional<ResultMessage>> CheckExists(const std::vector<Mutation>& muts,
                                                  const ExecContext& ctx) {
  for (const auto& m : muts) {
    std::vector<store::Value> pk(m.row.begin(), m.row.begin() + long(m.table->primary_key_size()));
    if (m.kind != Mutation::Kind::kUpsert) pk = m.key;
    if (pk.size() != m.table->primary_key_size()) continue;
    CQL_ASSIGN_OR_RETURN(std::optional<store::Row> row, ctx.store->Get(*m.table, pk));
    if (!row) {
      ResultMessage r;
      r.kind = ResultMessage::Kind::kRows;
      r.rows.columns.push_back({m.table->keyspace, m.table->name, "[applied]",
                                store::Type(store::TypeKind::kBoolean)});
      r.rows.AppendCell(store::Value::Boolean(false));
      r.rows.row_count = 1;
      return std::optional<ResultMessage>(std::move(r));
    }
  }
  return std::optional<ResultMessage>();
}

ResultMessage Applied(const Mutation& m) {
  ResultMessage r;
  r.kind = ResultMessage::Kind::kRows;
  r.rows.columns.push_back(
      {m.table->keyspace, m.table->name, "[applied]", store::Type(store::TypeKind::kBoolean)});
  r.rows.AppendCell(store::Value::Boolean(true));
  r.rows.row_count = 1;
  return r;
}

}  // namespace

Outcome<ResultMessage> ExecConditional(const std::vector<Mutation>& muts, bool if_exists,
                                       const std::vector<Relation>& conditions,
                                       ExecContext& ctx) {
  if (!conditions.empty()) {
    return CqlError::Invalid("Conditions other than IF EXISTS / IF NOT EXISTS are not supported");
  }
  if (if_exists && !muts.empty()) {
    CQL_TRY(std::optional<ResultMessage> not_applied, CheckExists(muts, ctx));
    if (not_applied) return std::move(*not_applied);
  }
  CQL_TRY(bool ok, ApplyMutations(muts, true, ctx));
  (void)ok;
  if (if_exists && !muts.empty()) return Applied(muts[0]);
  return ResultMessage::Void();
}

Outcome<ResultMessage> ExecUpdate(const UpdateStmt& s, ExecContext& ctx) {
  CQL_TRY(std::vector<Mutation> muts, PlanUpdate(s, ctx));
  return ExecConditional(muts, s.if_exists, s.conditions, ctx);
}

}  // namespace kappa::cql
