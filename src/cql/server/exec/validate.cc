// Statement checks that need the schema but no bound values, so PREPARE refuses what no
// execution could run (as Cassandra does when it prepares), with Cassandra's messages. The
// executors keep their own checks (the schema may change after a PREPARE).
#include "cql/server/exec/exec.h"
#include "cql/server/system_tables.h"

namespace kappa::cql {
namespace {

using store::ColumnKind;

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// What a WHERE clause restricts, by column.
struct Restrictions {
  bool token = false;
  std::vector<bool> pk_eq;           // EQ or IN, per partition key column
  std::vector<bool> pk_other;        // any other operator
  std::vector<bool> ck_eq;           // per clustering column
  std::vector<bool> ck_slice;        // <, <=, >, >=
  std::vector<bool> ck_other;        // CONTAINS, !=, ...
  std::vector<std::string> regular;  // non-key columns restricted, in statement order

  bool AnyPk() const {
    for (size_t i = 0; i < pk_eq.size(); ++i) {
      if (pk_eq[i] || pk_other[i]) return true;
    }
    return false;
  }
  bool PkComplete() const {
    for (bool b : pk_eq) {
      if (!b) return false;
    }
    return true;
  }
  bool AnyCk() const {
    for (size_t i = 0; i < ck_eq.size(); ++i) {
      if (ck_eq[i] || ck_slice[i] || ck_other[i]) return true;
    }
    return false;
  }
  bool CkRestricted(size_t i) const { return ck_eq[i] || ck_slice[i] || ck_other[i]; }
};

Outcome<Restrictions> Classify(const std::vector<Relation>& where, const store::TableSchema& t) {
  Restrictions r;
  size_t npk = t.partition_key_size(), nck = t.clustering_size();
  r.pk_eq.assign(npk, false);
  r.pk_other.assign(npk, false);
  r.ck_eq.assign(nck, false);
  r.ck_slice.assign(nck, false);
  r.ck_other.assign(nck, false);
  for (const auto& rel : where) {
    if (rel.token) {
      r.token = true;
      continue;
    }
    int idx = t.FindColumn(rel.columns[0]);
    if (idx < 0) return CqlError::Invalid("Undefined column name " + rel.columns[0]);
    const auto& col = t.columns[size_t(idx)];
    const bool eq = rel.op == RelationOp::kEq || rel.op == RelationOp::kIn;
    const bool slice = rel.op == RelationOp::kLt || rel.op == RelationOp::kLe ||
                       rel.op == RelationOp::kGt || rel.op == RelationOp::kGe;
    const size_t pos = size_t(col.position);
    if (col.kind == ColumnKind::kPartitionKey) {
      (eq ? r.pk_eq : r.pk_other)[pos] = true;
    } else if (col.kind == ColumnKind::kClustering) {
      (eq ? r.ck_eq : slice ? r.ck_slice : r.ck_other)[pos] = true;
    } else {
      r.regular.push_back(col.name);
    }
  }
  return r;
}

std::vector<std::string> MissingPk(const Restrictions& r, const store::TableSchema& t) {
  std::vector<std::string> out;
  for (size_t i = 0; i < r.pk_eq.size(); ++i) {
    if (!r.pk_eq[i] && !r.pk_other[i]) out.push_back(t.columns[i].name);
  }
  return out;
}

std::vector<std::string> MissingCk(const std::vector<bool>& set, const store::TableSchema& t) {
  std::vector<std::string> out;
  for (size_t i = 0; i < set.size(); ++i) {
    if (!set[i]) out.push_back(t.columns[t.partition_key_size() + i].name);
  }
  return out;
}

// Clustering restrictions must form a prefix, with at most a slice on its last column.
Outcome<void> CheckClusteringPrefix(const Restrictions& r, const store::TableSchema& t) {
  size_t npk = t.partition_key_size();
  for (size_t i = 1; i < r.ck_eq.size(); ++i) {
    if (!r.CkRestricted(i)) continue;
    const std::string& col = t.columns[npk + i].name;
    const std::string& prev = t.columns[npk + i - 1].name;
    if (!r.CkRestricted(i - 1)) {
      return CqlError::Invalid("PRIMARY KEY column \"" + col +
                               "\" cannot be restricted as preceding column \"" + prev +
                               "\" is not restricted");
    }
    if (!r.ck_eq[i - 1]) {
      return CqlError::Invalid("Clustering column \"" + col +
                               "\" cannot be restricted (preceding column \"" + prev +
                               "\" is restricted by a non-EQ relation)");
    }
  }
  return {};
}

// The key checks of UPDATE and DELETE (Cassandra's StatementRestrictions for modifications).
Outcome<Restrictions> CheckModificationWhere(const char* type, const std::vector<Relation>& where,
                                             const store::TableSchema& t, bool static_only,
                                             bool allow_slices) {
  CQL_TRY(Restrictions r, Classify(where, t));
  // Cassandra checks the clustering prefix as it adds each relation, before the rest.
  CQL_TRY_VOID(CheckClusteringPrefix(r, t));
  if (r.token) {
    return CqlError::Invalid(
        std::string("The token function cannot be used in WHERE clauses for ") + type +
        " statements");
  }
  if (auto missing = MissingPk(r, t); !missing.empty()) {
    return CqlError::Invalid("Some partition key parts are missing: " + Join(missing));
  }
  if (!r.PkComplete()) {
    return CqlError::Invalid(std::string("Only EQ and IN relation are supported on the partition "
                                         "key (unless you use the token() function) for ") +
                             type + " statements");
  }
  bool slice = false;
  for (bool b : r.ck_slice) slice = slice || b;
  if (slice && !allow_slices) {
    return CqlError::Invalid(
        std::string("Slice restrictions are not supported on the clustering columns in ") + type +
        " statements");
  }
  if (!allow_slices && (!static_only || r.AnyCk())) {
    if (auto missing = MissingCk(r.ck_eq, t); !missing.empty()) {
      return CqlError::Invalid("Some clustering keys are missing: " + Join(missing));
    }
  }
  if (!r.regular.empty()) {
    return CqlError::Invalid("Non PRIMARY KEY columns found in where clause: " + Join(r.regular));
  }
  return r;
}

Outcome<void> CheckInsert(const InsertStmt& s, const store::TableSchema& t) {
  if (s.json) return {};  // the columns are in the JSON document, known at execution
  if (s.columns.size() != s.values.size())
    return CqlError::Invalid("Unmatched column names/values");
  std::vector<bool> set(t.columns.size(), false);
  bool static_only = true, any_value = false;
  for (const auto& name : s.columns) {
    int idx = t.FindColumn(name);
    if (idx < 0) return CqlError::Invalid("Undefined column name " + name);
    if (set[size_t(idx)]) return CqlError::Invalid("The column names contains duplicates");
    set[size_t(idx)] = true;
    const auto kind = t.columns[size_t(idx)].kind;
    if (kind == ColumnKind::kRegular) static_only = false;
    if (kind == ColumnKind::kRegular || kind == ColumnKind::kStatic) any_value = true;
  }
  std::vector<std::string> missing_pk, missing_ck;
  for (size_t i = 0; i < t.primary_key_size(); ++i) {
    if (set[i]) continue;
    (i < t.partition_key_size() ? missing_pk : missing_ck).push_back(t.columns[i].name);
  }
  if (!missing_pk.empty())
    return CqlError::Invalid("Some partition key parts are missing: " + Join(missing_pk));
  bool any_ck = missing_ck.size() < t.clustering_size();
  if (!missing_ck.empty() && !(static_only && any_value && !any_ck)) {
    return CqlError::Invalid("Some clustering keys are missing: " + Join(missing_ck));
  }
  return {};
}

Outcome<void> CheckUpdate(const UpdateStmt& s, const store::TableSchema& t) {
  bool static_only = !s.assignments.empty();
  for (const auto& a : s.assignments) {
    int idx = t.FindColumn(a.column);
    if (idx < 0) return CqlError::Invalid("Undefined column name " + a.column);
    if (t.columns[size_t(idx)].kind != ColumnKind::kStatic) static_only = false;
  }
  CQL_TRY(Restrictions r, CheckModificationWhere("UPDATE", s.where, t, static_only, false));
  (void)r;
  return {};
}

Outcome<void> CheckDelete(const DeleteStmt& s, const store::TableSchema& t) {
  bool static_only = !s.columns.empty();
  for (const auto& c : s.columns) {
    int idx = t.FindColumn(c);
    if (idx < 0) return CqlError::Invalid("Undefined column name " + c);
    if (t.columns[size_t(idx)].kind != ColumnKind::kStatic) static_only = false;
  }
  CQL_TRY(Restrictions r, CheckModificationWhere("DELETE", s.where, t, static_only, true));
  bool full = true;
  for (size_t i = 0; i < r.ck_eq.size(); ++i) full = full && r.ck_eq[i];
  if (!s.columns.empty() && !full && !(static_only && !r.AnyCk())) {
    return CqlError::Invalid("Range deletions are not supported for specific columns");
  }
  return {};
}

Outcome<void> CheckSelect(const SelectStmt& s, const store::TableSchema& t) {
  CQL_TRY(Restrictions r, Classify(s.where, t));
  if (r.token && r.AnyPk()) {
    std::vector<std::string> names;
    for (size_t i = 0; i < r.pk_eq.size(); ++i) {
      if (r.pk_eq[i] || r.pk_other[i]) names.push_back(t.columns[i].name);
    }
    return CqlError::Invalid(
        "Columns \"" + Join(names) +
        "\" cannot be restricted by both a normal relation and a token relation");
  }
  const bool pk_complete = r.PkComplete();
  if (!s.allow_filtering) {
    if (r.AnyPk() && !pk_complete) return CqlError::Invalid(kNeedsFilteringMessage);
    CQL_TRY_VOID(CheckClusteringPrefix(r, t));
    bool ck_other = false;
    for (bool b : r.ck_other) ck_other = ck_other || b;
    if ((r.AnyCk() && !pk_complete) || ck_other || !r.regular.empty()) {
      return CqlError::Invalid(kNeedsFilteringMessage);
    }
  }
  if (!s.order_by.empty() && !pk_complete) {
    return CqlError::Invalid(
        "ORDER BY is only supported when the partition key is restricted by an EQ or an IN.");
  }
  return {};
}

}  // namespace

const char* const kNeedsFilteringMessage =
    "Cannot execute this query as it might involve data filtering and thus may have "
    "unpredictable performance. If you want to execute this query despite the performance "
    "unpredictability, use ALLOW FILTERING";

Outcome<void> CheckStatement(const Statement& st, const ExecContext& ctx) {
  const TableName* name = nullptr;
  if (auto* s = std::get_if<SelectStmt>(&st.body))
    name = &s->table;
  else if (auto* s = std::get_if<InsertStmt>(&st.body))
    name = &s->table;
  else if (auto* s = std::get_if<UpdateStmt>(&st.body))
    name = &s->table;
  else if (auto* s = std::get_if<DeleteStmt>(&st.body))
    name = &s->table;
  if (!name) return {};
  // System tables are small and filtered in memory: any restriction is served.
  if (IsSystemKeyspace(EffectiveKeyspace(*name, ctx))) return {};
  CQL_TRY(TablePtr t, ResolveTable(*name, ctx));
  if (auto* s = std::get_if<SelectStmt>(&st.body)) return CheckSelect(*s, *t);
  if (auto* s = std::get_if<InsertStmt>(&st.body)) return CheckInsert(*s, *t);
  if (auto* s = std::get_if<UpdateStmt>(&st.body)) return CheckUpdate(*s, *t);
  return CheckDelete(std::get<DeleteStmt>(st.body), *t);
}

}  // namespace kappa::cql
