#include "cql/server/system_tables.h"

#include <arpa/inet.h>

#include <algorithm>

#include "cql/protocol/frame.h"

namespace kappa::cql {
namespace {

using store::ColumnKind;
using store::Type;
using store::TypeKind;
using store::Value;

constexpr const char* kReleaseVersion = "4.0.11";
constexpr const char* kCqlVersion = "3.4.5";

struct Col {
  const char* name;
  Type type;
  ColumnKind kind = ColumnKind::kRegular;
  int position = -1;
};

store::TableSchema MakeSchema(const char* ks, const char* name, std::vector<Col> cols) {
  store::TableSchema t;
  t.keyspace = ks;
  t.name = name;
  // Key columns first (callers list them first, in position order).
  for (auto& c : cols) {
    store::ColumnSchema s;
    s.name = c.name;
    s.type = c.type;
    s.kind = c.kind;
    s.position = c.position;
    t.columns.push_back(std::move(s));
  }
  Status st = t.Finish();
  (void)st;
  return t;
}

Type TextSet() { return Type::Set(TypeKind::kText); }
Type TextMap() { return Type::Map(TypeKind::kText, TypeKind::kText); }
Type TextList() { return Type::List(TypeKind::kText); }
constexpr ColumnKind kPk = ColumnKind::kPartitionKey;
constexpr ColumnKind kCk = ColumnKind::kClustering;

Value Text(std::string s) { return Value::Text(std::move(s)); }
Value Inet(const std::string& addr) {
  char buf[16];
  if (inet_pton(AF_INET, addr.c_str(), buf) == 1) return Value::Bytes(TypeKind::kInet, std::string(buf, 4));
  if (inet_pton(AF_INET6, addr.c_str(), buf) == 1) return Value::Bytes(TypeKind::kInet, std::string(buf, 16));
  return Value::Bytes(TypeKind::kInet, std::string("\x7f\0\0\1", 4));
}
Value MapOf(std::map<std::string, std::string> m) {
  std::vector<Value> e;
  for (auto& [k, v] : m) {
    e.push_back(Text(k));
    e.push_back(Text(v));
  }
  return Value::Collection(TypeKind::kMap, std::move(e));
}
Value SetOf(std::vector<std::string> s) {
  std::sort(s.begin(), s.end());
  std::vector<Value> e;
  for (auto& x : s) e.push_back(Text(x));
  return Value::Collection(TypeKind::kSet, std::move(e));
}
Value EmptyList() { return Value::Collection(TypeKind::kList, {}); }

store::TableSchema LocalSchema() {
  return MakeSchema("system", "local",
                    {{"key", TypeKind::kText, kPk, 0},
                     {"bootstrapped", TypeKind::kText},
                     {"broadcast_address", TypeKind::kInet},
                     {"broadcast_port", TypeKind::kInt},
                     {"cluster_name", TypeKind::kText},
                     {"cql_version", TypeKind::kText},
                     {"data_center", TypeKind::kText},
                     {"gossip_generation", TypeKind::kInt},
                     {"host_id", TypeKind::kUuid},
                     {"listen_address", TypeKind::kInet},
                     {"listen_port", TypeKind::kInt},
                     {"native_protocol_version", TypeKind::kText},
                     {"partitioner", TypeKind::kText},
                     {"rack", TypeKind::kText},
                     {"release_version", TypeKind::kText},
                     {"rpc_address", TypeKind::kInet},
                     {"rpc_port", TypeKind::kInt},
                     {"schema_version", TypeKind::kUuid},
                     {"tokens", TextSet()}});
}

store::TableSchema PeersSchema() {
  return MakeSchema("system", "peers",
                    {{"peer", TypeKind::kInet, kPk, 0},
                     {"data_center", TypeKind::kText},
                     {"host_id", TypeKind::kUuid},
                     {"preferred_ip", TypeKind::kInet},
                     {"rack", TypeKind::kText},
                     {"release_version", TypeKind::kText},
                     {"rpc_address", TypeKind::kInet},
                     {"schema_version", TypeKind::kUuid},
                     {"tokens", TextSet()}});
}

store::TableSchema PeersV2Schema() {
  return MakeSchema("system", "peers_v2",
                    {{"peer", TypeKind::kInet, kPk, 0},
                     {"peer_port", TypeKind::kInt, kCk, 0},
                     {"data_center", TypeKind::kText},
                     {"host_id", TypeKind::kUuid},
                     {"native_address", TypeKind::kInet},
                     {"native_port", TypeKind::kInt},
                     {"preferred_ip", TypeKind::kInet},
                     {"preferred_port", TypeKind::kInt},
                     {"rack", TypeKind::kText},
                     {"release_version", TypeKind::kText},
                     {"schema_version", TypeKind::kUuid},
                     {"tokens", TextSet()}});
}

store::TableSchema KeyspacesSchema() {
  return MakeSchema("system_schema", "keyspaces",
                    {{"keyspace_name", TypeKind::kText, kPk, 0},
                     {"durable_writes", TypeKind::kBoolean},
                     {"replication", TextMap()}});
}

store::TableSchema TablesSchema() {
  return MakeSchema("system_schema", "tables",
                    {{"keyspace_name", TypeKind::kText, kPk, 0},
                     {"table_name", TypeKind::kText, kCk, 0},
                     {"additional_write_policy", TypeKind::kText},
                     {"bloom_filter_fp_chance", TypeKind::kDouble},
                     {"caching", TextMap()},
                     {"cdc", TypeKind::kBoolean},
                     {"comment", TypeKind::kText},
                     {"compaction", TextMap()},
                     {"compression", TextMap()},
                     {"crc_check_chance", TypeKind::kDouble},
                     {"dclocal_read_repair_chance", TypeKind::kDouble},
                     {"default_time_to_live", TypeKind::kInt},
                     {"extensions", Type::Map(TypeKind::kText, TypeKind::kBlob)},
                     {"flags", TextSet()},
                     {"gc_grace_seconds", TypeKind::kInt},
                     {"id", TypeKind::kUuid},
                     {"max_index_interval", TypeKind::kInt},
                     {"memtable_flush_period_in_ms", TypeKind::kInt},
                     {"min_index_interval", TypeKind::kInt},
                     {"read_repair", TypeKind::kText},
                     {"read_repair_chance", TypeKind::kDouble},
                     {"speculative_retry", TypeKind::kText}});
}

store::TableSchema ColumnsSchema() {
  return MakeSchema("system_schema", "columns",
                    {{"keyspace_name", TypeKind::kText, kPk, 0},
                     {"table_name", TypeKind::kText, kCk, 0},
                     {"column_name", TypeKind::kText, kCk, 1},
                     {"clustering_order", TypeKind::kText},
                     {"column_name_bytes", TypeKind::kBlob},
                     {"kind", TypeKind::kText},
                     {"position", TypeKind::kInt},
                     {"type", TypeKind::kText}});
}

std::vector<store::TableSchema> EmptySchemaTables() {
  return {
      MakeSchema("system_schema", "types",
                 {{"keyspace_name", TypeKind::kText, kPk, 0},
                  {"type_name", TypeKind::kText, kCk, 0},
                  {"field_names", TextList()},
                  {"field_types", TextList()}}),
      MakeSchema("system_schema", "functions",
                 {{"keyspace_name", TypeKind::kText, kPk, 0},
                  {"function_name", TypeKind::kText, kCk, 0},
                  {"argument_types", TextList(), kCk, 1},
                  {"argument_names", TextList()},
                  {"body", TypeKind::kText},
                  {"called_on_null_input", TypeKind::kBoolean},
                  {"language", TypeKind::kText},
                  {"return_type", TypeKind::kText}}),
      MakeSchema("system_schema", "aggregates",
                 {{"keyspace_name", TypeKind::kText, kPk, 0},
                  {"aggregate_name", TypeKind::kText, kCk, 0},
                  {"argument_types", TextList(), kCk, 1},
                  {"final_func", TypeKind::kText},
                  {"initcond", TypeKind::kText},
                  {"return_type", TypeKind::kText},
                  {"state_func", TypeKind::kText},
                  {"state_type", TypeKind::kText}}),
      MakeSchema("system_schema", "triggers",
                 {{"keyspace_name", TypeKind::kText, kPk, 0},
                  {"table_name", TypeKind::kText, kCk, 0},
                  {"trigger_name", TypeKind::kText, kCk, 1},
                  {"options", TextMap()}}),
      MakeSchema("system_schema", "indexes",
                 {{"keyspace_name", TypeKind::kText, kPk, 0},
                  {"table_name", TypeKind::kText, kCk, 0},
                  {"index_name", TypeKind::kText, kCk, 1},
                  {"kind", TypeKind::kText},
                  {"options", TextMap()}}),
      MakeSchema("system_schema", "views",
                 {{"keyspace_name", TypeKind::kText, kPk, 0},
                  {"view_name", TypeKind::kText, kCk, 0},
                  {"base_table_id", TypeKind::kUuid},
                  {"base_table_name", TypeKind::kText},
                  {"include_all_columns", TypeKind::kBoolean},
                  {"where_clause", TypeKind::kText}}),
  };
}

// Rows are built by column name so the order of schema columns does not matter.
class RowBuilder {
 public:
  explicit RowBuilder(const store::TableSchema& t) : t_(t), row_(t.columns.size()) {}
  RowBuilder& Set(const char* name, Value v) {
    int i = t_.FindColumn(name);
    if (i >= 0) row_[size_t(i)] = std::move(v);
    return *this;
  }
  store::Row Build() { return std::move(row_); }

 private:
  const store::TableSchema& t_;
  store::Row row_;
};

std::string KindName(ColumnKind k) {
  switch (k) {
    case ColumnKind::kPartitionKey: return "partition_key";
    case ColumnKind::kClustering: return "clustering";
    case ColumnKind::kStatic: return "static";
    default: return "regular";
  }
}

// User tables and the system tables themselves, as (keyspace, schema) listings.
std::vector<store::TableSchema> AllTables(const Executor& exec) {
  std::vector<store::TableSchema> out = SystemTableSchemas();
  for (const auto& t : exec.store()->ListTables()) out.push_back(*t);
  return out;
}

// A table's row: its options as DESCRIBE prints them (TableSchema::CqlOptions, Cassandra's
// defaults where the table sets none), so the two never disagree.
void AddTableRows(const store::TableSchema& t, const store::TableSchema& tables,
                  std::vector<store::Row>* rows) {
  RowBuilder b(tables);
  b.Set("keyspace_name", Text(t.keyspace))
      .Set("table_name", Text(t.name))
      .Set("dclocal_read_repair_chance", Value::Double(0.0))
      .Set("flags", SetOf({"compound"}))
      .Set("id", Value::UuidOf(TypeKind::kUuid, t.id))
      .Set("read_repair_chance", Value::Double(0.0));
  for (const auto& [name, literal] : t.CqlOptions(/*all=*/true)) {
    int col = tables.FindColumn(name);
    if (col < 0) continue;
    auto v = store::ParseCqlLiteral(tables.columns[size_t(col)].type, literal);
    if (v.ok()) {
      b.Set(name.c_str(), std::move(v).value());
    } else {
      // A value the table's type cannot hold (free-form options are kept as given): the
      // column is null rather than the whole listing failing.
      b.Set(name.c_str(), Value::Null());
    }
  }
  rows->push_back(b.Build());
}

}  // namespace

bool IsSystemKeyspace(std::string_view ks) {
  return ks == "system" || ks == "system_schema";
}

std::vector<store::TableSchema> SystemTableSchemas() {
  std::vector<store::TableSchema> out = {LocalSchema(), PeersSchema(), PeersV2Schema(),
                                         KeyspacesSchema(), TablesSchema(), ColumnsSchema()};
  for (auto& t : EmptySchemaTables()) out.push_back(std::move(t));
  return out;
}

std::optional<VirtualTable> ReadSystemTable(std::string_view ks, std::string_view name,
                                            const Executor& exec) {
  const NodeInfo& node = exec.node();
  VirtualTable vt;
  if (ks == "system" && name == "local") {
    vt.schema = LocalSchema();
    vt.rows.push_back(RowBuilder(vt.schema)
                          .Set("key", Text("local"))
                          .Set("bootstrapped", Text("COMPLETED"))
                          .Set("broadcast_address", Inet(node.address))
                          .Set("broadcast_port", Value::Int32(7000))
                          .Set("cluster_name", Text(node.cluster_name))
                          .Set("cql_version", Text(kCqlVersion))
                          .Set("data_center", Text("datacenter1"))
                          .Set("gossip_generation", Value::Int32(1))
                          .Set("host_id", Value::UuidOf(TypeKind::kUuid, node.host_id))
                          .Set("listen_address", Inet(node.address))
                          .Set("listen_port", Value::Int32(7000))
                          .Set("native_protocol_version", Text(std::to_string(kMaxProtocolVersion)))
                          .Set("partitioner", Text("org.apache.cassandra.dht.Murmur3Partitioner"))
                          .Set("rack", Text("rack1"))
                          .Set("release_version", Text(kReleaseVersion))
                          .Set("rpc_address", Inet(node.address))
                          .Set("rpc_port", Value::Int32(node.port))
                          .Set("schema_version",
                               Value::UuidOf(TypeKind::kUuid, exec.store()->SchemaVersion()))
                          .Set("tokens", SetOf({"0"}))
                          .Build());
    return vt;
  }
  if (ks == "system" && name == "peers") {
    vt.schema = PeersSchema();
    return vt;
  }
  if (ks == "system" && name == "peers_v2") {
    vt.schema = PeersV2Schema();
    return vt;
  }
  if (ks != "system_schema") return std::nullopt;
  if (name == "keyspaces") {
    vt.schema = KeyspacesSchema();
    auto add = [&](const std::string& n, bool durable, std::map<std::string, std::string> repl) {
      vt.rows.push_back(RowBuilder(vt.schema)
                            .Set("keyspace_name", Text(n))
                            .Set("durable_writes", Value::Boolean(durable))
                            .Set("replication", MapOf(std::move(repl)))
                            .Build());
    };
    add("system", true, {{"class", "org.apache.cassandra.locator.LocalStrategy"}});
    add("system_schema", true, {{"class", "org.apache.cassandra.locator.LocalStrategy"}});
    for (const auto& k : exec.store()->ListKeyspaces()) add(k.name, k.durable_writes, k.replication);
    return vt;
  }
  if (name == "tables") {
    vt.schema = TablesSchema();
    for (const auto& t : AllTables(exec)) AddTableRows(t, vt.schema, &vt.rows);
    return vt;
  }
  if (name == "columns") {
    vt.schema = ColumnsSchema();
    for (const auto& t : AllTables(exec)) {
      // Rows in clustering order (table_name, column_name), as Cassandra stores them.
      std::vector<const store::ColumnSchema*> by_name;
      for (const auto& c : t.columns) by_name.push_back(&c);
      std::sort(by_name.begin(), by_name.end(),
                [](const auto* a, const auto* b) { return a->name < b->name; });
      for (const auto* cp : by_name) {
        const auto& c = *cp;
        std::string order = c.kind == ColumnKind::kClustering
                                ? (c.order == store::ClusteringOrder::kDesc ? "desc" : "asc")
                                : "none";
        vt.rows.push_back(RowBuilder(vt.schema)
                              .Set("keyspace_name", Text(t.keyspace))
                              .Set("table_name", Text(t.name))
                              .Set("column_name", Text(c.name))
                              .Set("clustering_order", Text(order))
                              .Set("column_name_bytes", Value::Blob(c.name))
                              .Set("kind", Text(KindName(c.kind)))
                              .Set("position", Value::Int32(c.position))
                              .Set("type", Text(c.type.ToString()))
                              .Build());
      }
    }
    return vt;
  }
  for (auto& t : EmptySchemaTables()) {
    if (t.name == name) {
      vt.schema = std::move(t);
      return vt;
    }
  }
  (void)EmptyList;
  return std::nullopt;
}

}  // namespace kappa::cql
