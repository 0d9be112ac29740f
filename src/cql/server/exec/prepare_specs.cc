// PREPARE metadata: the type of each bind marker (from the column it is compared with or
// assigned to) and the result columns of a SELECT.
#include "cql/server/exec/exec.h"
#include "cql/server/exec/projection.h"
#include "cql/server/system_tables.h"

namespace kappa::cql {
namespace {

struct SpecBuilder {
  std::string ks, table;
  std::vector<std::optional<ColumnSpec>> specs;
  std::vector<int> pk_marker;  // per partition key column: marker index or -1

  void Set(const Term& t, const std::string& name, const store::Type& type) {
    if (t.kind == Term::Kind::kBindMarker) {
      if (size_t(t.bind_index) >= specs.size()) specs.resize(size_t(t.bind_index) + 1);
      specs[size_t(t.bind_index)] = ColumnSpec{ks, table, t.bind_name.empty() ? name : t.bind_name, type};
      return;
    }
    // Markers inside collection literals take the element types.
    for (size_t i = 0; i < t.args.size(); ++i) {
      if (!type.is_collection()) break;
      const store::Type& et = type.kind == store::TypeKind::kMap ? type.params[i % 2] : type.params[0];
      Set(t.args[i], name, et);
    }
  }

  void Using(const UsingClause& u) {
    if (u.ttl) Set(*u.ttl, "[ttl]", store::TypeKind::kInt);
    if (u.timestamp) Set(*u.timestamp, "[timestamp]", store::TypeKind::kBigint);
  }

  Outcome<void> Where(const std::vector<Relation>& where, const store::TableSchema& t) {
    for (const auto& r : where) {
      if (r.token) {
        Set(r.value, "partition key token", store::TypeKind::kBigint);
        continue;
      }
      int idx = t.FindColumn(r.columns[0]);
      if (idx < 0) return CqlError::Invalid("Undefined column name " + r.columns[0]);
      const auto& col = t.columns[size_t(idx)];
      if (r.op == RelationOp::kIn) {
        if (r.in_list) {
          for (const auto& v : r.in_values) Set(v, col.name, col.type);
        } else {
          Set(r.value, "in(" + col.name + ")", store::Type::List(col.type));
        }
        continue;
      }
      store::Type type = col.type;
      if ((r.op == RelationOp::kContains || r.op == RelationOp::kContainsKey) && type.is_collection()) {
        type = type.kind == store::TypeKind::kMap && r.op == RelationOp::kContains ? type.params[1]
                                                                                  : type.params[0];
      }
      Set(r.value, col.name, type);
      if (r.op == RelationOp::kEq && col.kind == store::ColumnKind::kPartitionKey &&
          r.value.kind == Term::Kind::kBindMarker) {
        pk_marker[size_t(col.position)] = r.value.bind_index;
      }
    }
    return {};
  }
};

Outcome<store::TableSchema> SchemaFor(const TableName& name, const ExecContext& ctx) {
  std::string ks = EffectiveKeyspace(name, ctx);
  if (IsSystemKeyspace(ks)) {
    auto vt = ReadSystemTable(ks, name.name, *ctx.executor);
    if (!vt) return CqlError::Invalid("unconfigured table " + name.name);
    return std::move(vt->schema);
  }
  CQL_TRY(TablePtr t, ResolveTable(name, ctx));
  return *t;
}

}  // namespace

Outcome<void> InferBindSpecs(const Statement& st, const ExecContext& ctx, PreparedResult* out) {
  const TableName* name = nullptr;
  if (auto* s = std::get_if<SelectStmt>(&st.body)) name = &s->table;
  else if (auto* s = std::get_if<InsertStmt>(&st.body)) name = &s->table;
  else if (auto* s = std::get_if<UpdateStmt>(&st.body)) name = &s->table;
  else if (auto* s = std::get_if<DeleteStmt>(&st.body)) name = &s->table;
  if (!name) {
    if (st.bind_count > 0) return CqlError::Invalid("Bind markers are not supported in this statement");
    return {};
  }
  CQL_TRY(store::TableSchema t, SchemaFor(*name, ctx));
  SpecBuilder b;
  b.ks = t.keyspace;
  b.table = t.name;
  b.specs.resize(size_t(st.bind_count));
  b.pk_marker.assign(t.partition_key_size(), -1);
  if (auto* s = std::get_if<SelectStmt>(&st.body)) {
    CQL_TRY_VOID(b.Where(s->where, t));
    if (s->per_partition_limit) b.Set(*s->per_partition_limit, "[per_partition_limit]", store::TypeKind::kInt);
    if (s->limit) b.Set(*s->limit, "[limit]", store::TypeKind::kInt);
  } else if (auto* s = std::get_if<InsertStmt>(&st.body)) {
    if (s->json) b.Set(*s->json, "[json]", store::TypeKind::kText);
    for (size_t i = 0; i < s->columns.size() && i < s->values.size(); ++i) {
      int idx = t.FindColumn(s->columns[i]);
      if (idx < 0) return CqlError::Invalid("Undefined column name " + s->columns[i]);
      const auto& col = t.columns[size_t(idx)];
      b.Set(s->values[i], col.name, col.type);
      if (col.kind == store::ColumnKind::kPartitionKey && s->values[i].kind == Term::Kind::kBindMarker) {
        b.pk_marker[size_t(col.position)] = s->values[i].bind_index;
      }
    }
    b.Using(s->using_);
  } else if (auto* s = std::get_if<UpdateStmt>(&st.body)) {
    b.Using(s->using_);
    for (const auto& a : s->assignments) {
      int idx = t.FindColumn(a.column);
      if (idx < 0) return CqlError::Invalid("Undefined column name " + a.column);
      const auto& col = t.columns[size_t(idx)];
      auto element_specs = CollectionAssignmentSpecs(a, col);  // l = l + ?, m[?] = ?, ...
      for (const auto& e : element_specs) b.Set(*e.term, e.name, e.type);
      if (element_specs.empty()) b.Set(a.value, a.column, col.type);
    }
    CQL_TRY_VOID(b.Where(s->where, t));
    CQL_TRY_VOID(b.Where(s->conditions, t));
  } else if (auto* s = std::get_if<DeleteStmt>(&st.body)) {
    for (size_t i = 0; i < s->columns.size() && i < s->elements.size(); ++i) {
      int idx = t.FindColumn(s->columns[i]);
      if (idx < 0 || !s->elements[i]) continue;
      if (auto e = ElementDeletionSpec(*s->elements[i], t.columns[size_t(idx)])) {
        b.Set(*e->term, e->name, e->type);
      }
    }
    b.Using(s->using_);
    CQL_TRY_VOID(b.Where(s->where, t));
    CQL_TRY_VOID(b.Where(s->conditions, t));
  }
  for (size_t i = 0; i < b.specs.size(); ++i) {
    if (!b.specs[i]) return CqlError::Invalid("Could not infer the type of bind marker " + std::to_string(i));
    out->bind_columns.push_back(*b.specs[i]);
  }
  bool all_pk = !b.pk_marker.empty();
  for (int m : b.pk_marker) all_pk = all_pk && m >= 0;
  if (all_pk) {
    for (int m : b.pk_marker) out->pk_indexes.push_back(int16_t(m));
  }
  return {};
}

Outcome<std::vector<ColumnSpec>> SelectResultSpecs(const SelectStmt& s, const ExecContext& ctx) {
  CQL_TRY(store::TableSchema t, SchemaFor(s.table, ctx));
  CQL_TRY(Projection p, BuildProjection(s, t));
  return p.specs;
}

}  // namespace kappa::cql
