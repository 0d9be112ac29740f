// The SELECT clause: which values each result row carries, and their metadata.
#pragma once

#include <optional>

#include "cql/server/exec/exec.h"

namespace kappa::cql {

// A count(...) query's running state, fed one row at a time so no read keeps its rows: the
// rows seen, the non-null cells of each count(column) output, and the first row (where the
// other outputs take their values, as Cassandra does).
struct AggregateState {
  int64_t rows = 0;
  std::vector<int64_t> counts;  // per output
  std::optional<store::Row> first;
};

struct Projection {
  struct Out {
    Selector::Kind kind = Selector::Kind::kColumn;
    int column = -1;  // kColumn, kCount
    std::string name;  // output name (for JSON)
  };
  std::vector<ColumnSpec> specs;  // what the client sees (one "[json]" column for JSON)
  std::vector<Out> outs;          // the selected values
  bool aggregate = false;         // count(...) present: one result row
  bool json = false;
  // writetime()/ttl() present: rows must be read with store::ReadOptions::cell_metadata.
  bool cell_metadata = false;

  // The value of output `o` for `row` (a full table row, with cell metadata if needed).
  store::Value ValueOf(const store::TableSchema& t, const store::Row& row, const Out& o) const;

  // Appends one output row for `row` (a full table row).
  void Emit(const store::TableSchema& t, const store::Row& row, RowsResult* out) const;
  // Adds `row` (a full table row) to an aggregate.
  void Accumulate(const store::Row& row, AggregateState* s) const;
  // Appends the aggregate row (count values; other columns from the first row).
  void EmitAggregate(const store::TableSchema& t, const AggregateState& s, RowsResult* out) const;
};

// The column indexes of `SELECT *`, in Cassandra's order: partition key columns and
// clustering columns in key order, then static columns, then regular columns, each sorted by
// name (not in the order they were declared).
std::vector<size_t> SelectStarOrder(const store::TableSchema& t);

Outcome<Projection> BuildProjection(const SelectStmt& s, const store::TableSchema& t);

// A projection and the schema object it was built for (cached in Prepared).
struct CachedProjection {
  TablePtr table;
  Projection projection;
};

// The projection of `s` over `t`: built once per prepared statement and table schema
// (reused by later executions while the schema is unchanged), built afresh otherwise.
Outcome<std::shared_ptr<const Projection>> ProjectionFor(const SelectStmt& s, const TablePtr& t,
                                                         const ExecContext& ctx);

}  // namespace kappa::cql
