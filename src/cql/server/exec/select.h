// SELECT's internal pieces, shared by select.cc (planning, system tables, point reads,
// aggregates) and the two paged read paths: select_partitions.cc (the partition key is
// restricted by EQ/IN) and select_scan.cc (token-order scans).
#pragma once

#include <limits>

#include "cql/server/exec/exec.h"
#include "cql/server/exec/paging_state.h"
#include "cql/server/exec/projection.h"
#include "cql/server/exec/where.h"

namespace kappa::cql {

inline constexpr int64_t kNoLimit = std::numeric_limits<int64_t>::max();

struct Limits {
  int64_t limit = kNoLimit;          // LIMIT: rows over all pages
  int64_t per_partition = kNoLimit;  // PER PARTITION LIMIT (DISTINCT: 1)
  int64_t page = kNoLimit;           // the client's page size
};

// One execution of a SELECT on a user table, planned.
struct SelectQuery {
  const SelectStmt& s;
  const store::TableSchema& t;
  const Projection& proj;
  const WherePlan& plan;
  Limits lim;
  bool reverse = false;  // ORDER BY opposite to the clustering order
  store::ReadOptions ro;
  ExecContext& ctx;

  bool Passes(const store::Row& row) const {
    for (const auto& f : plan.filters) {
      if (!f.Matches(row)) return false;
    }
    return true;
  }
};

// An empty Rows result with the projection's column specs (only their number when the
// client asked to skip metadata).
ResultMessage EmptyRows(const Projection& proj, const ExecContext& ctx);

bool SamePartition(const store::TableSchema& t, const store::Row& a, const store::Row& b);

// A page of a query whose partition key is restricted by EQ/IN (every partition read by
// key, in the order Cassandra returns them); `ps` is kNone or kPartition.
Outcome<ResultMessage> SelectPartitions(const SelectQuery& q, const PagingState& ps);
// A page of a token-order scan (no or partial partition key restriction, token() ranges);
// `ps` is kNone or kScan.
Outcome<ResultMessage> SelectScan(const SelectQuery& q, const PagingState& ps);

}  // namespace kappa::cql
