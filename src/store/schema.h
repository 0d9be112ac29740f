// Keyspace and table schemas of the table store (part of the public API; included by
// store/store.h). Schemas are immutable values once published by the Store: every DDL
// produces a new TableSchema object, handed out as shared_ptr<const TableSchema>.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/uuid.h"
#include "store/types.h"

namespace kappa::store {

enum class ColumnKind : uint8_t { kPartitionKey = 0, kClustering = 1, kRegular = 2, kStatic = 3 };
enum class ClusteringOrder : uint8_t { kAsc = 0, kDesc = 1 };

std::string_view ColumnKindName(ColumnKind k);  // "partition_key", "clustering", "regular", ...

struct ColumnSchema {
  std::string name;
  Type type;
  ColumnKind kind = ColumnKind::kRegular;
  // Position within the partition key or the clustering key (0-based); -1 for regular.
  int position = -1;
  ClusteringOrder order = ClusteringOrder::kAsc;  // clustering columns only
  // Stable id of the column within its table, assigned by the store, never reused (a column
  // dropped and added again gets a new id, so old cells do not come back). Cells on disk
  // are keyed by it. Callers leave it 0 when creating tables.
  uint32_t id = 0;
};

// A table. `columns` is ordered: partition key columns by position, then clustering columns
// by position, then static and regular columns in creation order. Row values everywhere
// in the store API are vectors aligned with `columns`.
struct TableSchema {
  std::string keyspace;
  std::string name;
  Uuid id;  // assigned by the store on create (callers may preset it); stable for the table
  std::vector<ColumnSchema> columns;
  // Free-form table options as CQL spells them ("comment", "default_time_to_live", ...),
  // kept for the CQL server's system_schema; the store interprets only
  // "default_time_to_live" (seconds, applied to writes without an explicit TTL).
  std::map<std::string, std::string> options;

  // Internal numeric id used as the key prefix of the table's rows; assigned by the store.
  uint32_t storage_id = 0;
  uint32_t next_column_id = 1;  // assigned by the store

  size_t partition_key_size() const { return num_partition_key_; }
  size_t clustering_size() const { return num_clustering_; }
  size_t primary_key_size() const { return num_partition_key_ + num_clustering_; }
  // Index in `columns` of the column named `name`, or -1.
  int FindColumn(std::string_view name) const;
  // The same, trying position `hint` first: statements usually list columns in table order,
  // so passing the previous match + 1 makes each lookup one compare.
  int FindColumn(std::string_view name, size_t hint) const {
    if (hint < columns.size() && columns[hint].name == name) return int(hint);
    return FindColumn(name);
  }
  // Static columns live once per partition, in its partition record (docs/formats/store.md).
  bool has_static_columns() const { return has_static_; }
  int32_t default_ttl_seconds() const;
  // Has counter columns (then all its non-key columns are counters; see store.h).
  bool is_counter_table() const;

  // Validates names, kinds, positions and key types, and fills the derived counts. The store
  // calls it on create; callers building schemas by hand may call it to check their work.
  Status Finish();

  // The table's CREATE TABLE statement, formatted as Cassandra 4.0's DESCRIBE prints it
  // (schema_cql.cc): CQL that Cassandra accepts. The one renderer of a table schema
  // (DESCRIBE, `kappa tables describe`, the Cassandra sink's table creation).
  struct CqlFormat {
    bool if_not_exists = false;
    // kGiven: only the options set on the table; kAll: every option Cassandra 4.0 lists,
    // its default where the table sets none (DESCRIBE); kNone: no options.
    enum class Options { kNone, kGiven, kAll } options = Options::kGiven;
    std::string keyspace;  // the keyspace to name; empty = this table's
  };
  std::string ToCql() const { return ToCql(CqlFormat{}); }
  std::string ToCql(const CqlFormat& format) const;
  // The table options as Cassandra 4.0 reports them, sorted by name: (name, CQL literal),
  // e.g. ("comment", "''"), ("caching", "{'keys': 'ALL', ...}"). all: Cassandra's defaults
  // for the options the table does not set.
  std::vector<std::pair<std::string, std::string>> CqlOptions(bool all) const;

 private:
  size_t num_partition_key_ = 0;
  size_t num_clustering_ = 0;
  bool has_static_ = false;
  friend class Catalog;
};

struct KeyspaceSchema {
  std::string name;
  // CQL replication map, e.g. {"class": "SimpleStrategy", "replication_factor": "1"}.
  std::map<std::string, std::string> replication;
  bool durable_writes = true;

  // "CREATE KEYSPACE ks WITH replication = {...}  AND durable_writes = true;" as Cassandra
  // 4.0's DESCRIBE prints it (schema_cql.cc).
  std::string ToCql(bool if_not_exists = false) const;
};

// A CQL identifier as Cassandra prints it: bare when it is lower-case letters, digits and
// underscores starting with a letter and not a reserved word; else "quoted" ("" doubled).
// A keyspace, table or column name kappa accepts: 1-48 of [A-Za-z0-9_] (Cassandra's rule).
bool IsValidName(std::string_view name);
std::string QuoteCqlIdentifier(std::string_view name);
// A CQL string literal: 'text' with ' doubled.
std::string QuoteCqlString(std::string_view text);

}  // namespace kappa::store
