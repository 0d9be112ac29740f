// The system tables Cassandra drivers read: system.local, system.peers, system.peers_v2 and
// system_schema.{keyspaces, tables, columns, types, functions, aggregates, triggers, indexes,
// views}. They are virtual: built from the store's schemas on each read (small), then
// filtered like any table. See docs/formats/cql.md for the columns served.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cql/server/executor.h"
#include "store/store.h"

namespace kappa::cql {

bool IsSystemKeyspace(std::string_view ks);

struct VirtualTable {
  store::TableSchema schema;
  std::vector<store::Row> rows;  // aligned with schema.columns
};

// The virtual table ks.name with its current rows, or nullopt if there is no such table.
std::optional<VirtualTable> ReadSystemTable(std::string_view ks, std::string_view name,
                                            const Executor& exec);

// The schemas of every system table (for system_schema listings and DESCRIBE).
std::vector<store::TableSchema> SystemTableSchemas();

}  // namespace kappa::cql
