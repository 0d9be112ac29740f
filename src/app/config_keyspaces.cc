// `keyspaces:` of kappa.yaml: keyspaces and their tables (columns, primary key), created in
// the store by Pipeline::Setup.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "app/config_section.h"

namespace kappa::app {
namespace {

constexpr std::string_view kCqlTypes[] = {
    "ascii", "bigint", "blob", "boolean", "counter", "date", "decimal", "double",
    "float", "inet", "int", "smallint", "text", "time", "timestamp", "timeuuid",
    "tinyint", "uuid", "varchar", "varint"};

Status PrimaryKey(const YamlReader& r_, const YAML::Node& n, const std::string& where, TableConfig* t) {
  auto names = [&](const YAML::Node& x, std::vector<std::string>* out) -> Status {
    if (x.IsScalar()) {
      out->push_back(x.Scalar());
      return Status::OK();
    }
    if (!x.IsSequence() || x.size() == 0) return r_.Error(x, where + ".primary_key components must be column names or lists of them");
    for (const auto& e : x) { ASSIGN_OR_RETURN(out->emplace_back(), r_.String(e, where + ".primary_key")); }
    return Status::OK();
  };
  if (n.IsScalar()) return names(n, &t->partition_key);
  if (!n.IsSequence() || n.size() == 0) return r_.Error(n, where + ".primary_key must be a column or a list like [id] or [[a, b], c]");
  RETURN_IF_ERROR(names(n[0], &t->partition_key));
  for (size_t i = 1; i < n.size(); ++i) {
    ASSIGN_OR_RETURN(t->clustering.emplace_back(), r_.String(n[i], where + ".primary_key clustering column"));
  }
  return Status::OK();
}

Status Table(const YamlReader& r_, const YAML::Node& n, const std::string& where, KeyspaceConfig* ks) {
  RETURN_IF_ERROR(r_.CheckKeys(n, {"name", "columns", "primary_key"}, where));
  TableConfig t;
  t.keyspace = ks->name;
  if (!n["name"]) return r_.Error(n, where + " needs a name");
  ASSIGN_OR_RETURN(t.name, r_.String(n["name"], where + ".name"));
  if (!ValidName(t.name, false)) return r_.Error(n["name"], fmt::format("table name '{}' may only use letters, digits and '_'", t.name));
  for (const auto& other : ks->tables) {
    if (other.name == t.name) return r_.Error(n["name"], fmt::format("table '{}.{}' is listed twice", ks->name, t.name));
  }
  if (!n["columns"]) return r_.Error(n, where + " needs columns (name: type lines)");
  RETURN_IF_ERROR(r_.ExpectMap(n["columns"], where + ".columns"));
  std::set<std::string> seen;
  for (auto it = n["columns"].begin(); it != n["columns"].end(); ++it) {
    ColumnConfig col;
    ASSIGN_OR_RETURN(col.name, r_.String(it->first, where + ".columns key"));
    if (!ValidName(col.name, false)) return r_.Error(it->first, fmt::format("column name '{}' may only use letters, digits and '_'", col.name));
    if (!seen.insert(col.name).second) return r_.Error(it->first, fmt::format("column '{}' is listed twice", col.name));
    ASSIGN_OR_RETURN(col.type, r_.String(it->second, where + ".columns." + col.name));
    std::transform(col.type.begin(), col.type.end(), col.type.begin(), ::tolower);
    if (std::find(std::begin(kCqlTypes), std::end(kCqlTypes), col.type) == std::end(kCqlTypes)) {
      return r_.Error(it->second, fmt::format("unknown column type '{}' for {}.{} (use a CQL type: text, uuid, int, bigint, double, boolean, timestamp, ...)", col.type, t.name, col.name));
    }
    t.columns.push_back(std::move(col));
  }
  if (!n["primary_key"]) return r_.Error(n, where + " needs primary_key (e.g. primary_key: [id])");
  RETURN_IF_ERROR(PrimaryKey(r_, n["primary_key"], where, &t));
  for (const auto* part : {&t.partition_key, &t.clustering}) {
    for (const std::string& k : *part) {
      if (!seen.count(k)) return r_.Error(n["primary_key"], fmt::format("primary key column '{}' is not among the columns of {}", k, t.name));
    }
  }
  ks->tables.push_back(std::move(t));
  return Status::OK();
}

}  // namespace

Status LoadKeyspaces(const YamlReader& r_, const YAML::Node& seq, PipelineConfig* c) {
  RETURN_IF_ERROR(r_.ExpectSeq(seq, "keyspaces"));
  for (size_t i = 0; i < seq.size(); ++i) {
    const YAML::Node& n = seq[i];
    std::string where = fmt::format("keyspaces[{}]", i);
    RETURN_IF_ERROR(r_.CheckKeys(n, {"name", "replication", "tables"}, where));
    KeyspaceConfig ks;
    if (!n["name"]) return r_.Error(n, where + " needs a name");
    ASSIGN_OR_RETURN(ks.name, r_.String(n["name"], where + ".name"));
    if (!ValidName(ks.name, false)) return r_.Error(n["name"], fmt::format("keyspace name '{}' may only use letters, digits and '_'", ks.name));
    for (const auto& other : c->keyspaces) {
      if (other.name == ks.name) return r_.Error(n["name"], fmt::format("keyspace '{}' is listed twice", ks.name));
    }
    if (n["replication"]) {
      RETURN_IF_ERROR(r_.ExpectMap(n["replication"], where + ".replication"));
      for (auto it = n["replication"].begin(); it != n["replication"].end(); ++it) {
        ASSIGN_OR_RETURN(std::string k, r_.String(it->first, where + ".replication key"));
        ASSIGN_OR_RETURN(ks.replication[k], r_.String(it->second, where + ".replication." + k));
      }
    } else {
      ks.replication = {{"class", "SimpleStrategy"}, {"replication_factor", "1"}};
    }
    if (n["tables"]) {
      RETURN_IF_ERROR(r_.ExpectSeq(n["tables"], where + ".tables"));
      for (size_t j = 0; j < n["tables"].size(); ++j) {
        RETURN_IF_ERROR(Table(r_, n["tables"][j], fmt::format("{}.tables[{}]", where, j), &ks));
      }
    }
    c->keyspaces.push_back(std::move(ks));
  }
  return Status::OK();
}

}  // namespace kappa::app
