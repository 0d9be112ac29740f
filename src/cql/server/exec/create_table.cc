#include <set>

#include "cql/server/exec/exec.h"
#include "cql/server/exec/schema_change.h"
#include "cql/server/system_tables.h"

namespace kappa::cql {

// Cassandra's rules for non-frozen collections: never nested, never in the primary key.
Outcome<void> CheckCollectionType(const std::string& name, const std::string& text,
                                  const store::Type& type, bool key) {
  if (!type.is_collection()) return {};
  for (const auto& p : type.params) {
    if (p.is_collection() && !p.frozen) {
      return CqlError::Invalid("Non-frozen collections are not allowed inside collections: " + text);
    }
  }
  if (key && !type.frozen) {
    return CqlError::Invalid("Invalid non-frozen collection type for PRIMARY KEY component " + name);
  }
  return {};
}

Outcome<ResultMessage> ExecCreateTable(const CreateTableStmt& s, ExecContext& ctx) {
  std::string ks = EffectiveKeyspace(s.table, ctx);
  if (ks.empty()) {
    return CqlError::Invalid(
        "No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename");
  }
  if (IsSystemKeyspace(ks)) {
    return CqlError{ErrorCode::kUnauthorized, "Cannot CREATE <table " + ks + "." + s.table.name + ">"};
  }
  if (!ctx.store->GetKeyspace(ks).ok()) {
    return CqlError::Invalid("Keyspace '" + ks + "' does not exist");
  }
  if (s.partition_key.empty()) {
    return CqlError::Invalid("No PRIMARY KEY specifed for table '" + s.table.name +
                             "' (exactly one required)");
  }
  store::TableSchema t;
  t.keyspace = ks;
  t.name = s.table.name;
  t.options = s.options;
  std::set<std::string> seen;
  auto find_def = [&](const std::string& name) -> const ColumnDef* {
    for (const auto& c : s.columns) {
      if (c.name == name) return &c;
    }
    return nullptr;
  };
  for (const auto& c : s.columns) {
    if (!seen.insert(c.name).second) {
      return CqlError::Invalid("Duplicate column '" + c.name + "' declaration for table " + ks +
                               "." + s.table.name);
    }
  }
  auto add = [&](const std::string& name, store::ColumnKind kind, int pos) -> Outcome<void> {
    const ColumnDef* d = find_def(name);
    if (!d) return CqlError::Invalid("Unknown definition " + name + " referenced in PRIMARY KEY");
    auto type = store::Type::Parse(d->type);
    if (!type.ok()) return CqlError::Invalid("Unknown type " + d->type);
    CQL_TRY_VOID(CheckCollectionType(name, d->type, type.value(), true));
    store::ColumnSchema col;
    col.name = name;
    col.type = type.value();
    col.kind = kind;
    col.position = pos;
    if (kind == store::ColumnKind::kClustering) {
      for (const auto& [cn, desc] : s.clustering_order) {
        if (cn == name && desc) col.order = store::ClusteringOrder::kDesc;
      }
    }
    t.columns.push_back(std::move(col));
    return {};
  };
  std::set<std::string> keys;
  for (size_t i = 0; i < s.partition_key.size(); ++i) {
    CQL_TRY_VOID(add(s.partition_key[i], store::ColumnKind::kPartitionKey, int(i)));
    keys.insert(s.partition_key[i]);
  }
  for (size_t i = 0; i < s.clustering.size(); ++i) {
    CQL_TRY_VOID(add(s.clustering[i], store::ColumnKind::kClustering, int(i)));
    keys.insert(s.clustering[i]);
  }
  for (size_t i = 0; i < s.clustering_order.size(); ++i) {
    if (i >= s.clustering.size() || s.clustering_order[i].first != s.clustering[i]) {
      return CqlError::Invalid("Only clustering key columns can be defined in CLUSTERING ORDER "
                               "directive, in the order they are declared");
    }
  }
  for (const auto& c : s.columns) {
    if (keys.count(c.name)) continue;
    auto type = store::Type::Parse(c.type);
    if (!type.ok()) return CqlError::Invalid("Unknown type " + c.type);
    CQL_TRY_VOID(CheckCollectionType(c.name, c.type, type.value(), false));
    store::ColumnSchema col;
    col.name = c.name;
    col.type = type.value();
    col.kind = c.is_static ? store::ColumnKind::kStatic : store::ColumnKind::kRegular;
    t.columns.push_back(std::move(col));
  }
  bool existed = ctx.store->GetTable(ks, t.name).ok();
  if (existed && s.if_not_exists) return ResultMessage::Void();
  Status st = ctx.store->CreateTable(t, s.if_not_exists);
  if (st.IsAlreadyExists() || (st.ok() && existed)) {
    if (s.if_not_exists) return ResultMessage::Void();
    return CqlError{ErrorCode::kAlreadyExists,
                    "Cannot add already existing table \"" + t.name + "\" to keyspace \"" + ks + "\"",
                    ks, t.name};
  }
  CQL_RETURN_IF_ERROR(st);
  return SchemaChanged("CREATED", ks, t.name);
}

}  // namespace kappa::cql
