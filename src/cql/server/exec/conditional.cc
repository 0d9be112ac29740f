// Lightweight transactions of UPDATE and DELETE: IF EXISTS and IF <column conditions>,
// evaluated and applied atomically by Store::WriteIf, answered with Cassandra's [applied]
// result (plus the current values of the condition columns when not applied).
#include <algorithm>

#include "cql/server/exec/exec.h"

namespace kappa::cql {
namespace {

using store::Value;

// One bound IF condition: column op value(s).
struct BoundCondition {
  size_t column = 0;
  RelationOp op = RelationOp::kEq;
  std::vector<Value> values;  // one value; several for IN

  bool Holds(const std::optional<store::Row>& row) const {
    const Value current = row ? (*row)[column] : Value::Null();
    auto equal = [&](const Value& v) {
      if (!v.is_set()) return !current.is_set();
      return current.is_set() && CompareValues(current, v) == 0;
    };
    switch (op) {
      case RelationOp::kEq: return equal(values[0]);
      case RelationOp::kNe: return !equal(values[0]);
      case RelationOp::kIn: return std::any_of(values.begin(), values.end(), equal);
      default: break;
    }
    if (!current.is_set()) return false;  // null is not ordered against anything
    int c = CompareValues(current, values[0]);
    switch (op) {
      case RelationOp::kLt: return c < 0;
      case RelationOp::kLe: return c <= 0;
      case RelationOp::kGt: return c > 0;
      case RelationOp::kGe: return c >= 0;
      default: return false;
    }
  }
};

const char* OpText(RelationOp op) {
  switch (op) {
    case RelationOp::kLt: return "<";
    case RelationOp::kLe: return "<=";
    case RelationOp::kGt: return ">";
    case RelationOp::kGe: return ">=";
    default: return "=";
  }
}

Outcome<std::vector<BoundCondition>> BindConditions(const std::vector<Relation>& conditions,
                                                    const store::TableSchema& t,
                                                    const ExecContext& ctx) {
  std::vector<BoundCondition> out;
  for (const Relation& r : conditions) {
    if (r.token || r.columns.size() != 1) {
      return CqlError::Invalid("IF conditions name one column each (token() is not allowed)");
    }
    int idx = t.FindColumn(r.columns[0]);
    if (idx < 0) return CqlError::Invalid("Undefined column name " + r.columns[0]);
    const auto& col = t.columns[size_t(idx)];
    if (size_t(idx) < t.primary_key_size()) {
      return CqlError::Invalid("PRIMARY KEY column '" + col.name + "' cannot have IF conditions");
    }
    if (r.op == RelationOp::kContains || r.op == RelationOp::kContainsKey) {
      return CqlError::Invalid("CONTAINS is not supported in IF conditions");
    }
    BoundCondition c;
    c.column = size_t(idx);
    c.op = r.op;
    if (r.op == RelationOp::kIn) {
      if (!r.in_list) {
        CQL_TRY(Value list, EvalTerm(r.value, store::Type::List(col.type), ctx.binds, col.name));
        if (list.is_set()) c.values = list.as_elements();
      } else {
        for (const Term& term : r.in_values) {
          CQL_TRY(Value v, EvalTerm(term, col.type, ctx.binds, col.name));
          c.values.push_back(std::move(v));
        }
      }
    } else {
      CQL_TRY(Value v, EvalTerm(r.value, col.type, ctx.binds, col.name));
      if (v.is_unset()) return CqlError::Invalid("Invalid unset value for column " + col.name);
      if (!v.is_set() && r.op != RelationOp::kEq && r.op != RelationOp::kNe) {
        return CqlError::Invalid(std::string("Invalid comparison with null for operator \"") +
                                 OpText(r.op) + "\"");
      }
      c.values.push_back(std::move(v));
    }
    out.push_back(std::move(c));
  }
  return out;
}

// The one full primary key a conditional statement writes.
Outcome<std::vector<Value>> ConditionalKey(const std::vector<Mutation>& muts) {
  const char* kOneRow =
      "Conditional updates and deletes must name exactly one row: restrict every PRIMARY KEY "
      "column with = (no IN, no ranges)";
  if (muts.size() != 1) return CqlError::Invalid(kOneRow);
  const Mutation& m = muts[0];
  const store::TableSchema& t = *m.table;
  switch (m.kind) {
    case Mutation::Kind::kUpsert:
      return std::vector<Value>(m.row.begin(), m.row.begin() + long(t.primary_key_size()));
    case Mutation::Kind::kDeleteRow: return m.key;
    case Mutation::Kind::kDeletePartition:
      if (t.clustering_size() == 0) return m.key;
      return CqlError::Invalid(kOneRow);
    case Mutation::Kind::kDeleteRange: break;
  }
  return CqlError::Invalid(kOneRow);
}

ResultMessage CasResultMessage(const store::TableSchema& t, bool applied,
                               const std::vector<size_t>& shown,
                               const std::optional<store::Row>& current) {
  ResultMessage r;
  r.kind = ResultMessage::Kind::kRows;
  auto& rows = r.rows;
  rows.columns.push_back({t.keyspace, t.name, "[applied]", store::Type(store::TypeKind::kBoolean)});
  rows.AppendCell(Value::Boolean(applied));
  if (!applied && current) {
    for (size_t c : shown) {
      rows.columns.push_back({t.keyspace, t.name, t.columns[c].name, t.columns[c].type});
      rows.AppendCell((*current)[c]);
    }
  }
  rows.row_count = 1;
  return r;
}

}  // namespace

Outcome<ResultMessage> ExecConditional(const std::vector<Mutation>& muts, bool if_exists,
                                       const std::vector<Relation>& conditions,
                                       ExecContext& ctx) {
  if (!if_exists && conditions.empty()) {
    CQL_TRY_VOID(ApplyMutations(muts, ctx));
    return ResultMessage::Void();
  }
  if (muts.empty()) return ResultMessage::Void();
  const store::TableSchema& t = *muts[0].table;
  if (t.is_counter_table()) {
    return CqlError::Invalid("Conditional updates are not supported on counter tables");
  }
  CQL_TRY(std::vector<Value> key, ConditionalKey(muts));
  CQL_TRY(std::vector<BoundCondition> bound, BindConditions(conditions, t, ctx));
  // Columns shown when not applied: those with conditions, in Cassandra's (name) order.
  std::vector<size_t> shown;
  for (const auto& c : bound) {
    if (std::find(shown.begin(), shown.end(), c.column) == shown.end()) shown.push_back(c.column);
  }
  std::sort(shown.begin(), shown.end(),
            [&](size_t a, size_t b) { return t.columns[a].name < t.columns[b].name; });

  store::WriteBatch batch = ctx.store->NewWriteBatch();
  const Mutation& m = muts[0];
  switch (m.kind) {
    case Mutation::Kind::kUpsert:
      // In-place collection updates are computed from the row the condition sees, below.
      if (m.ops.empty()) CQL_RETURN_IF_ERROR(AddUpsert(m, &batch));
      break;
    case Mutation::Kind::kDeleteRow: CQL_RETURN_IF_ERROR(batch.DeleteRow(t, m.key, m.write)); break;
    case Mutation::Kind::kDeletePartition:
      CQL_RETURN_IF_ERROR(batch.DeletePartition(t, m.key, m.write));
      break;
    case Mutation::Kind::kDeleteRange: break;  // excluded by ConditionalKey
  }
  auto condition = [&](const std::optional<store::Row>& row) {
    if (if_exists) return row.has_value();
    return std::all_of(bound.begin(), bound.end(),
                       [&](const BoundCondition& c) { return c.Holds(row); });
  };
  store::CasResult cas;
  if (m.ops.empty()) {
    CQL_ASSIGN_OR_RETURN(cas, ctx.store->WriteIf(t, key, condition, batch));
  } else {
    // In-place collection updates are computed from the row the condition sees: one
    // read-modify-write under the row's LWT stripe (the one WriteIf takes).
    std::optional<CqlError> failed;
    store::ReadOptions with_times;
    with_times.cell_metadata = true;
    store::Store::RowRef ref{&t, key};
    Status st = ctx.store->ModifyRows(
        std::span(&ref, 1), with_times,
        [&](std::span<const std::optional<store::Row>> current, store::WriteBatch& b) -> Status {
          if (current[0]) {
            cas.current = store::Row(current[0]->begin(), current[0]->begin() + long(t.columns.size()));
          }
          if (!condition(cas.current)) return Status::OK();
          auto added = AddWithOps(m, current[0], ctx.store, &b);
          if (!added.ok()) {
            failed = added.error();
            return Status::InvalidArgument(failed->message);
          }
          cas.applied = true;
          return Status::OK();
        },
        batch);
    if (failed) return *failed;
    CQL_RETURN_IF_ERROR(st);
  }
  return CasResultMessage(t, cas.applied, shown, cas.current);
}

}  // namespace kappa::cql
