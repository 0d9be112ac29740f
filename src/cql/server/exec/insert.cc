#include <simdjson.h>

#include "cql/server/exec/exec.h"
#include "cql/server/exec/using.h"

namespace kappa::cql {
namespace {

// INSERT ... JSON '{...}': each member's value converted to its column's type.
Outcome<void> FillFromJson(const InsertStmt& s, const store::TableSchema& t, const ExecContext& ctx,
                           store::Row* row) {
  CQL_TRY(store::Value doc, EvalTerm(*s.json, store::Type(store::TypeKind::kText), ctx.binds, "[json]"));
  if (!doc.is_set()) return CqlError::Invalid("Got null for INSERT JSON values");
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(doc.as_bytes()).get(root) || !root.is_object()) {
    return CqlError::Invalid("Could not decode JSON string as a map: " + doc.as_bytes());
  }
  if (!s.json_default_unset) {
    for (auto& v : *row) v = store::Value::Null();
  }
  for (auto field : root.get_object()) {
    std::string name(field.key);
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
      name = name.substr(1, name.size() - 2);
    } else {
      for (auto& c : name) c = char(std::tolower(uint8_t(c)));
    }
    int idx = t.FindColumn(name);
    if (idx < 0) return CqlError::Invalid("JSON values map contains unrecognized column: " + name);
    const auto& col = t.columns[size_t(idx)];
    simdjson::dom::element e = field.value;
    if (e.is_null()) {
      (*row)[size_t(idx)] = store::Value::Null();
      continue;
    }
    std::string text;
    if (e.is_string()) {
      text = std::string(std::string_view(e.get_string()));
    } else {
      text = simdjson::minify(e);
    }
    auto v = store::ParseFromString(col.type, text);
    if (!v.ok()) {
      return CqlError::Invalid("Error decoding JSON value for " + name + ": " + v.status().message());
    }
    (*row)[size_t(idx)] = std::move(v).value();
  }
  return {};
}

Outcome<store::Row> BuildRow(const InsertStmt& s, const store::TableSchema& t, const ExecContext& ctx) {
  store::Row row(t.columns.size(), store::Value::Unset());
  if (s.json) {
    CQL_TRY_VOID(FillFromJson(s, t, ctx, &row));
  } else {
    if (s.columns.size() != s.values.size()) {
      return CqlError::Invalid("Unmatched column names/values");
    }
    size_t hint = 0;
    for (size_t i = 0; i < s.columns.size(); ++i) {
      int idx = t.FindColumn(s.columns[i], hint);
      if (idx < 0) return CqlError::Invalid("Undefined column name " + s.columns[i]);
      hint = size_t(idx) + 1;
      if (row[size_t(idx)].is_set()) {
        return CqlError::Invalid("The column names contains duplicates");
      }
      const auto& col = t.columns[size_t(idx)];
      CQL_TRY_VOID(EvalTermInto(s.values[i], col.type, ctx.binds, col.name, &row[size_t(idx)]));
    }
  }
  CQL_TRY_VOID(CheckPrimaryKey(t, row, StaticsOnly(t, row)));
  return row;
}

// The prepared INSERT's hot path: every value a bind marker and every regular column it
// writes of a type stored as sent (store::StoresNativeAsIs). The key columns are decoded to
// values; the other bound bytes are checked (store::CheckNative) and go into the row state
// as they are (Mutation::native), never built into Values. False: not eligible, BuildRow's
// general path applies (it also gives the errors for anything malformed here).
Outcome<bool> BuildNative(const InsertStmt& s, const store::TableSchema& t, const ExecContext& ctx,
                          Mutation* m) {
  if (s.json || s.if_not_exists || !ctx.binds.values || s.columns.size() != s.values.size() ||
      t.has_static_columns()) {  // static cells go to another key than the row's
    return false;
  }
  const std::vector<WireValue>& bound = *ctx.binds.values;
  const size_t npk = t.primary_key_size();
  m->row.assign(t.columns.size(), store::Value::Unset());
  m->native.assign(t.columns.size() - npk, store::NativeCell{});
  std::vector<bool> seen(t.columns.size(), false);
  size_t hint = 0;
  for (size_t i = 0; i < s.columns.size(); ++i) {
    const Term& term = s.values[i];
    if (term.kind != Term::Kind::kBindMarker || term.bind_index < 0 ||
        size_t(term.bind_index) >= bound.size()) {
      return false;
    }
    int idx = t.FindColumn(s.columns[i], hint);
    if (idx < 0 || seen[size_t(idx)]) return false;
    seen[size_t(idx)] = true;
    hint = size_t(idx) + 1;
    const auto& col = t.columns[size_t(idx)];
    if (size_t(idx) < npk) {
      CQL_TRY_VOID(EvalTermInto(term, col.type, ctx.binds, col.name, &m->row[size_t(idx)]));
      continue;
    }
    if (!store::StoresNativeAsIs(col.type.kind)) return false;
    const WireValue& v = bound[size_t(term.bind_index)];
    store::NativeCell& cell = m->native[size_t(idx) - npk];
    if (v.is_unset()) continue;
    if (v.is_null()) {
      cell.state = store::NativeCell::State::kNull;
      continue;
    }
    Status st = store::CheckNative(col.type, v.bytes);
    if (!st.ok()) {
      return CqlError::Invalid("Invalid value for " + col.name + " of type " +
                               col.type.ToString() + ": " + st.message());
    }
    cell.state = store::NativeCell::State::kSet;
    cell.bytes = v.bytes;
  }
  CQL_TRY_VOID(CheckPrimaryKey(t, m->row));
  return true;
}

}  // namespace

Outcome<std::vector<Mutation>> PlanInsert(const InsertStmt& s, const ExecContext& ctx) {
  CQL_TRY(TablePtr t, ResolveTable(s.table, ctx));
  if (t->is_counter_table()) {
    return CqlError::Invalid("INSERT statements are not allowed on counter tables, use UPDATE instead");
  }
  Mutation m;
  m.kind = Mutation::Kind::kUpsert;
  CQL_TRY(bool native, BuildNative(s, *t, ctx, &m));
  if (!native) {
    m.native.clear();
    CQL_TRY(m.row, BuildRow(s, *t, ctx));
  }
  CQL_TRY(m.write, WriteOptionsFor(s.using_, ctx, /*row_marker=*/true));
  m.table = std::move(t);
  std::vector<Mutation> out;
  out.push_back(std::move(m));
  return out;
}

Outcome<ResultMessage> ExecInsert(const InsertStmt& s, ExecContext& ctx) {
  CQL_TRY(std::vector<Mutation> muts, PlanInsert(s, ctx));
  if (!s.if_not_exists) {
    CQL_TRY_VOID(ApplyMutations(muts, ctx));
    return ResultMessage::Void();
  }
  const Mutation& m = muts[0];
  CQL_ASSIGN_OR_RETURN(std::optional<store::Row> existing,
                       ctx.store->InsertIfNotExists(*m.table, m.row, m.write));
  // LWT result: [applied], plus the existing row's columns when not applied.
  ResultMessage r;
  r.kind = ResultMessage::Kind::kRows;
  auto& rows = r.rows;
  rows.columns.push_back({m.table->keyspace, m.table->name, "[applied]",
                          store::Type(store::TypeKind::kBoolean)});
  if (existing) {
    for (const auto& c : m.table->columns) {
      rows.columns.push_back({m.table->keyspace, m.table->name, c.name, c.type});
    }
  }
  rows.AppendCell(store::Value::Boolean(!existing));
  if (existing) {
    for (const auto& v : *existing) rows.AppendCell(v);
  }
  rows.row_count = 1;
  return r;
}

}  // namespace kappa::cql
