// DESCRIBE, answered by the server as Cassandra 4.0 does (DescribeStatement.java): cqlsh
// 4.x sends it as a query when the server reports release 4.0 or later. Listings have the
// columns keyspace_name, type, name; element results add create_statement; DESCRIBE
// CLUSTER has cluster, partitioner, snitch (and range_ownership with a user keyspace in
// use). The CREATE statements come from the store's one renderer (store/schema_cql.cc).
#include <algorithm>
#include <cstring>

#include "common/coding.h"
#include "cql/server/exec/exec.h"
#include "cql/server/system_tables.h"

namespace kappa::cql {
namespace {

using store::KeyspaceSchema;
using store::TableSchema;
using store::Value;

// One row of a DESCRIBE result: a schema element.
struct Element {
  std::string keyspace;
  std::string type;  // "keyspace" or "table"
  std::string name;
  std::string create_statement;
};

// Every keyspace (the system ones too) with its tables, sorted by name.
struct Schema {
  std::vector<KeyspaceSchema> keyspaces;
  std::map<std::string, std::vector<TableSchema>> tables;  // by keyspace
};

Schema LoadSchema(const store::Store& store) {
  Schema s;
  for (const char* ks : {"system", "system_schema"}) {
    KeyspaceSchema k;
    k.name = ks;
    k.replication = {{"class", "org.apache.cassandra.locator.LocalStrategy"}};
    s.keyspaces.push_back(std::move(k));
  }
  for (auto& t : SystemTableSchemas()) s.tables[t.keyspace].push_back(std::move(t));
  for (auto& k : store.ListKeyspaces()) s.keyspaces.push_back(std::move(k));
  for (const auto& t : store.ListTables()) s.tables[t->keyspace].push_back(*t);
  std::sort(s.keyspaces.begin(), s.keyspaces.end(),
            [](const KeyspaceSchema& a, const KeyspaceSchema& b) { return a.name < b.name; });
  for (auto& [ks, v] : s.tables) {
    std::sort(v.begin(), v.end(),
              [](const TableSchema& a, const TableSchema& b) { return a.name < b.name; });
  }
  return s;
}

const KeyspaceSchema* FindKeyspace(const Schema& s, const std::string& name) {
  for (const auto& k : s.keyspaces) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

const TableSchema* FindTable(const Schema& s, const std::string& ks, const std::string& name) {
  auto it = s.tables.find(ks);
  if (it == s.tables.end()) return nullptr;
  for (const auto& t : it->second) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

Element KeyspaceElement(const KeyspaceSchema& k) {
  std::string q = store::QuoteCqlIdentifier(k.name);
  return {q, "keyspace", q, k.ToCql()};
}

Element TableElement(const TableSchema& t) {
  TableSchema::CqlFormat f;
  f.options = TableSchema::CqlFormat::Options::kAll;
  return {store::QuoteCqlIdentifier(t.keyspace), "table", store::QuoteCqlIdentifier(t.name),
          t.ToCql(f)};
}

// The keyspace, then (unless only) its tables.
void AddKeyspace(const Schema& s, const KeyspaceSchema& k, bool only, std::vector<Element>* out) {
  out->push_back(KeyspaceElement(k));
  if (only) return;
  auto it = s.tables.find(k.name);
  if (it == s.tables.end()) return;
  for (const auto& t : it->second) out->push_back(TableElement(t));
}

Outcome<const KeyspaceSchema*> KeyspaceNamed(const Schema& s, const std::string& name) {
  const KeyspaceSchema* k = FindKeyspace(s, name);
  if (!k) return CqlError::Invalid("'" + name + "' not found in keyspaces");
  return k;
}

// The elements a DESCRIBE names; *listing: only keyspace_name, type, name are returned.
Outcome<std::vector<Element>> Describe(const DescribeStmt& d, const Schema& s,
                                       const std::string& session_ks, bool* listing) {
  std::vector<Element> out;
  *listing = false;
  using Kind = DescribeStmt::Kind;
  switch (d.kind) {
    case Kind::kKeyspaces:
      *listing = true;
      for (const auto& k : s.keyspaces) out.push_back(KeyspaceElement(k));
      return out;
    case Kind::kTypes:
      *listing = true;
      return out;
    case Kind::kTables: {
      *listing = true;
      std::vector<const KeyspaceSchema*> kss;
      if (!session_ks.empty()) {
        CQL_TRY(const KeyspaceSchema* k, KeyspaceNamed(s, session_ks));
        kss.push_back(k);
      } else {
        for (const auto& k : s.keyspaces) kss.push_back(&k);
      }
      for (const KeyspaceSchema* k : kss) {
        auto it = s.tables.find(k->name);
        if (it == s.tables.end()) continue;
        for (const auto& t : it->second) out.push_back(TableElement(t));
      }
      return out;
    }
    case Kind::kSchema:
      for (const auto& k : s.keyspaces) {
        if (!d.full && IsSystemKeyspace(k.name)) continue;
        AddKeyspace(s, k, false, &out);
      }
      return out;
    case Kind::kKeyspace: {
      std::string ks = d.keyspace.empty() ? session_ks : d.keyspace;
      if (ks.empty()) return CqlError::Invalid("No keyspace specified and no current keyspace");
      CQL_TRY(const KeyspaceSchema* k, KeyspaceNamed(s, ks));
      AddKeyspace(s, *k, d.only, &out);
      return out;
    }
    case Kind::kTable: {
      std::string ks = d.keyspace.empty() ? session_ks : d.keyspace;
      if (ks.empty()) return CqlError::Invalid("No keyspace specified and no current keyspace");
      CQL_TRY(const KeyspaceSchema* k, KeyspaceNamed(s, ks));
      (void)k;
      const TableSchema* t = FindTable(s, ks, d.name);
      if (!t) return CqlError::Invalid("Table '" + d.name + "' not found in keyspace '" + ks + "'");
      out.push_back(TableElement(*t));
      return out;
    }
    case Kind::kGeneric: {
      // Cassandra's order: a keyspace of that name, else a table of the keyspace in use.
      std::string ks = d.keyspace;
      if (ks.empty()) {
        if (const KeyspaceSchema* k = FindKeyspace(s, d.name)) {
          AddKeyspace(s, *k, false, &out);
          return out;
        }
        ks = session_ks.empty() ? d.name : session_ks;
      }
      CQL_TRY(const KeyspaceSchema* k, KeyspaceNamed(s, ks));
      (void)k;
      const TableSchema* t = FindTable(s, ks, d.name);
      if (!t) return CqlError::Invalid("'" + d.name + "' not found in keyspace '" + ks + "'");
      out.push_back(TableElement(*t));
      return out;
    }
    case Kind::kCluster:
      break;
  }
  return out;
}

ColumnSpec TextColumn(const char* name) {
  return {"system", "describe", name, store::Type(store::TypeKind::kText)};
}

// Offset paging, as Cassandra pages DESCRIBE: [u8 'D'][16 bytes schema version][i64 offset].
// A schema change between pages is an error (the offsets would no longer line up).
constexpr char kPagingTag = 'D';

Outcome<size_t> PageOffset(const std::string& state, const Uuid& version) {
  if (state.empty()) return size_t(0);
  if (state.size() != 25 || state[0] != kPagingTag) {
    return CqlError::Invalid("Invalid paging state for a DESCRIBE statement");
  }
  if (std::memcmp(state.data() + 1, version.bytes.data(), 16) != 0) {
    return CqlError::Invalid(
        "The schema has changed since the previous page of the DESCRIBE statement result. "
        "Please retry the DESCRIBE statement.");
  }
  return size_t(coding::GetBE64(state.data() + 17));
}

Outcome<ResultMessage> DescribeCluster(ExecContext& ctx) {
  ResultMessage r;
  r.kind = ResultMessage::Kind::kRows;
  RowsResult& rows = r.rows;
  rows.columns = {TextColumn("cluster"), TextColumn("partitioner"), TextColumn("snitch")};
  const NodeInfo& node = ctx.executor->node();
  rows.AppendCell(Value::Text(node.cluster_name));
  rows.AppendCell(Value::Text("Murmur3Partitioner"));
  rows.AppendCell(Value::Text("SimpleSnitch"));
  // With a user keyspace in use Cassandra adds the token ranges' owners: one node owns all.
  const std::string& ks = ctx.session->keyspace;
  if (!ks.empty() && !IsSystemKeyspace(ks)) {
    store::Type owners = store::Type::Map(store::TypeKind::kText, store::Type::List(store::TypeKind::kText));
    rows.columns.push_back({"system", "describe", "range_ownership", owners});
    rows.AppendCell(Value::Collection(
        store::TypeKind::kMap,
        {Value::Text("0"), Value::Collection(store::TypeKind::kList,
                                             {Value::Text("/" + node.address + ":7000")})}));
  }
  rows.row_count = 1;
  return r;
}

}  // namespace

Outcome<ResultMessage> ExecDescribe(const DescribeStmt& d, ExecContext& ctx) {
  if (d.kind == DescribeStmt::Kind::kCluster) return DescribeCluster(ctx);
  const Uuid version = ctx.store->SchemaVersion();
  CQL_TRY(size_t offset, PageOffset(ctx.options->paging_state, version));
  Schema s = LoadSchema(*ctx.store);
  bool listing = false;
  CQL_TRY(std::vector<Element> all, Describe(d, s, ctx.session->keyspace, &listing));
  ResultMessage r;
  r.kind = ResultMessage::Kind::kRows;
  RowsResult& rows = r.rows;
  rows.columns = {TextColumn("keyspace_name"), TextColumn("type"), TextColumn("name")};
  if (!listing) rows.columns.push_back(TextColumn("create_statement"));
  size_t end = all.size();
  const int32_t page = ctx.options->page_size;
  if (page > 0 && offset + size_t(page) < all.size()) {
    end = offset + size_t(page);
    rows.paging_state.push_back(kPagingTag);
    rows.paging_state.append(reinterpret_cast<const char*>(version.bytes.data()), 16);
    coding::AppendBE64(&rows.paging_state, end);
  }
  for (size_t i = std::min(offset, all.size()); i < end; ++i) {
    const Element& e = all[i];
    rows.AppendCell(Value::Text(e.keyspace));
    rows.AppendCell(Value::Text(e.type));
    rows.AppendCell(Value::Text(e.name));
    if (!listing) rows.AppendCell(Value::Text(e.create_statement));
    ++rows.row_count;
  }
  return r;
}

}  // namespace kappa::cql
