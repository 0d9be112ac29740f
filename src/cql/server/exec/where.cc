#include "cql/server/exec/where.h"

#include <algorithm>

namespace kappa::cql {

using store::ColumnKind;
using store::Value;

bool RowFilter::Matches(const store::Row& row) const {
  const Value& v = row[size_t(column)];
  switch (op) {
    case RelationOp::kIn:
      for (const auto& x : values) {
        if (CompareValues(v, x) == 0 && v.is_set() == x.is_set()) return true;
      }
      return false;
    case RelationOp::kContains:
    case RelationOp::kContainsKey: {
      if (!v.is_set()) return false;
      const auto& el = v.as_elements();
      bool is_map = v.kind() == store::TypeKind::kMap;
      for (size_t i = 0; i < el.size(); ++i) {
        if (is_map && (op == RelationOp::kContainsKey) != (i % 2 == 0)) continue;
        if (CompareValues(el[i], values[0]) == 0) return true;
      }
      return false;
    }
    default:
      break;
  }
  if (!v.is_set() || !values[0].is_set()) return false;
  int c = CompareValues(v, values[0]);
  switch (op) {
    case RelationOp::kEq: return c == 0;
    case RelationOp::kNe: return c != 0;
    case RelationOp::kLt: return c < 0;
    case RelationOp::kLe: return c <= 0;
    case RelationOp::kGt: return c > 0;
    case RelationOp::kGe: return c >= 0;
    default: return false;
  }
}

std::vector<std::vector<Value>> Product(const std::vector<std::vector<Value>>& lists) {
  std::vector<std::vector<Value>> out(1);
  for (const auto& l : lists) {
    std::vector<std::vector<Value>> next;
    next.reserve(out.size() * l.size());
    for (const auto& prefix : out) {
      for (const auto& v : l) {
        next.push_back(prefix);
        next.back().push_back(v);
      }
    }
    out = std::move(next);
  }
  return out;
}

std::vector<std::vector<Value>> WherePlan::PartitionKeys() const { return Product(partition); }
std::vector<std::vector<Value>> WherePlan::ClusteringPrefixes() const {
  return Product(clustering);
}

store::ClusteringRange WherePlan::RangeFor(const store::TableSchema& t,
                                           const std::vector<Value>& prefix) const {
  store::ClusteringRange r;
  r.start.prefix = prefix;
  r.end.prefix = prefix;
  if (slice_column < 0) return r;
  const auto& col = t.columns[t.partition_key_size() + size_t(slice_column)];
  bool desc = col.order == store::ClusteringOrder::kDesc;
  // In clustering order a DESC column runs from high to low values.
  const auto& lo = desc ? slice_upper : slice_lower;
  const auto& hi = desc ? slice_lower : slice_upper;
  if (lo) {
    r.start.prefix.push_back(lo->first);
    r.start.inclusive = lo->second;
  }
  if (hi) {
    r.end.prefix.push_back(hi->first);
    r.end.inclusive = hi->second;
  }
  return r;
}

namespace {

// The values of a relation's right side for a column of `type` (IN lists expand).
Outcome<std::vector<Value>> RelationValues(const Relation& r, const store::Type& type,
                                           const std::string& column, const ExecContext& ctx) {
  std::vector<Value> out;
  if (r.op == RelationOp::kIn && r.in_list) {
    for (const auto& t : r.in_values) {
      CQL_TRY(Value v, EvalTerm(t, type, ctx.binds, column));
      out.push_back(std::move(v));
    }
    return out;
  }
  if (r.op == RelationOp::kIn) {
    CQL_TRY(Value list, EvalTerm(r.value, store::Type::List(type), ctx.binds, column));
    if (list.is_set()) out = list.as_elements();
    return out;
  }
  store::Type t = type;
  if ((r.op == RelationOp::kContains || r.op == RelationOp::kContainsKey) && type.is_collection()) {
    t = (type.kind == store::TypeKind::kMap && r.op == RelationOp::kContains) ? type.params[1]
                                                                              : type.params[0];
  }
  CQL_TRY(Value v, EvalTerm(r.value, t, ctx.binds, column));
  if (v.is_unset()) return CqlError::Invalid("Invalid unset value for column " + column);
  out.push_back(std::move(v));
  return out;
}

}  // namespace

Outcome<WherePlan> AnalyzeWhere(const std::vector<Relation>& where, const store::TableSchema& t,
                                const ExecContext& ctx) {
  WherePlan plan;
  size_t npk = t.partition_key_size();
  size_t nck = t.clustering_size();
  plan.partition.resize(npk);
  std::vector<std::vector<const Relation*>> ck_rel(nck);
  for (const auto& r : where) {
    if (r.token) {
      CQL_TRY(std::vector<Value> v, RelationValues(r, store::Type(store::TypeKind::kBigint),
                                                   "partition key token", ctx));
      if (v.size() != 1 || !v[0].is_set()) return CqlError::Invalid("Invalid token value");
      if (!plan.token) plan.token = store::TokenRange{};
      int64_t x = v[0].as_int();
      switch (r.op) {
        case RelationOp::kGt: plan.token->start = x; plan.token->start_inclusive = false; break;
        case RelationOp::kGe: plan.token->start = x; plan.token->start_inclusive = true; break;
        case RelationOp::kLt: plan.token->end = x; plan.token->end_inclusive = false; break;
        case RelationOp::kLe: plan.token->end = x; plan.token->end_inclusive = true; break;
        case RelationOp::kEq:
          plan.token->start = plan.token->end = x;
          plan.token->start_inclusive = plan.token->end_inclusive = true;
          break;
        default: return CqlError::Invalid("Unsupported operator on token()");
      }
      continue;
    }
    const std::string& name = r.columns[0];
    int idx = t.FindColumn(name);
    if (idx < 0) return CqlError::Invalid("Undefined column name " + name);
    const auto& col = t.columns[size_t(idx)];
    CQL_TRY(std::vector<Value> vals, RelationValues(r, col.type, name, ctx));
    for (const auto& v : vals) {
      if (!v.is_set() && col.kind != ColumnKind::kRegular && col.kind != ColumnKind::kStatic) {
        return CqlError::Invalid("Invalid null value in condition for column " + name);
      }
    }
    bool eq_or_in = r.op == RelationOp::kEq || r.op == RelationOp::kIn;
    if (col.kind == ColumnKind::kPartitionKey && eq_or_in &&
        plan.partition[size_t(col.position)].empty()) {
      plan.partition[size_t(col.position)] = std::move(vals);
      continue;
    }
    if (col.kind == ColumnKind::kClustering) {
      ck_rel[size_t(col.position)].push_back(&r);
    }
    plan.filters.push_back(RowFilter{idx, r.op, std::move(vals)});
    if (col.kind != ColumnKind::kClustering) plan.needs_filtering = true;
  }
  plan.partition_complete =
      std::all_of(plan.partition.begin(), plan.partition.end(), [](auto& v) { return !v.empty(); });
  bool any_pk = std::any_of(plan.partition.begin(), plan.partition.end(),
                            [](auto& v) { return !v.empty(); });
  if (any_pk && !plan.partition_complete) {
    // A partial partition key cannot address partitions: filter the pk relations instead.
    for (size_t i = 0; i < npk; ++i) {
      if (plan.partition[i].empty()) continue;
      int idx = t.FindColumn(t.columns[i].name);
      plan.filters.push_back(RowFilter{idx, plan.partition[i].size() == 1 ? RelationOp::kEq
                                                                          : RelationOp::kIn,
                                       plan.partition[i]});
    }
    plan.needs_filtering = true;
  }
  // Clustering: an EQ/IN prefix, then at most one slice; the filters stay (cheap, exact).
  bool prefix_open = true;
  for (size_t i = 0; i < nck; ++i) {
    const auto& rels = ck_rel[i];
    if (rels.empty()) { prefix_open = false; continue; }
    if (!prefix_open || !plan.partition_complete) {
      if (!plan.partition_complete) plan.needs_filtering = true;
      else plan.needs_filtering = true;
      continue;
    }
    bool all_slice = true;
    const Relation* eq = nullptr;
    for (const Relation* r : rels) {
      if (r->op == RelationOp::kEq || r->op == RelationOp::kIn) eq = r;
      else if (r->op != RelationOp::kLt && r->op != RelationOp::kLe && r->op != RelationOp::kGt &&
               r->op != RelationOp::kGe) all_slice = false;
    }
    if (eq && rels.size() == 1) {
      const auto& col = t.columns[npk + i];
      CQL_TRY(std::vector<Value> vals, RelationValues(*eq, col.type, col.name, ctx));
      plan.clustering.push_back(std::move(vals));
      continue;
    }
    if (!eq && all_slice) {
      const auto& col = t.columns[npk + i];
      plan.slice_column = int(i);
      for (const Relation* r : rels) {
        CQL_TRY(std::vector<Value> vals, RelationValues(*r, col.type, col.name, ctx));
        bool incl = r->op == RelationOp::kLe || r->op == RelationOp::kGe;
        if (r->op == RelationOp::kGt || r->op == RelationOp::kGe) plan.slice_lower = {vals[0], incl};
        else plan.slice_upper = {vals[0], incl};
      }
    }
    prefix_open = false;
  }
  return plan;
}

}  // namespace kappa::cql
