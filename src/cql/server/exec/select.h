// SELECT's internal pieces, shared by select.cc (planning, system tables, point reads,
// aggregates) and the two paged read paths: select_partitions.cc (the partition key is
// restricted by EQ/IN) and select_scan.cc (token-order scans).
#pragma once

#include <algorithm>
#include <limits>
#include <vector>

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
  // Row bytes one result holds at most (ExecutorOptions::max_result_bytes): a page ends
  // early there; without paging the SELECT fails with ResultTooLarge.
  size_t bytes = std::numeric_limits<size_t>::max();
  bool paged() const { return page != kNoLimit; }
};

// The error of a SELECT with paging off whose result would pass `lim.bytes`.
CqlError ResultTooLarge(const Limits& lim);

// Rows per store read on the paged read paths: what the page needs, at most 10,000, but only
// about kBatchBytes of rows by the size of the rows read so far (64 rows until one was
// read), so a page of large rows is read a few at a time rather than thousands at once.
class ReadSizer {
 public:
  static constexpr size_t kMaxRows = 10000;
  static constexpr size_t kFirstRows = 64;
  static constexpr size_t kBatchBytes = 8u << 20;

  size_t Rows(int64_t need) const {
    const size_t cap = rows_ == 0 ? kFirstRows
                                  : std::clamp<size_t>(kBatchBytes * rows_ / std::max<size_t>(bytes_, 1),
                                                       1, kMaxRows);
    return size_t(std::clamp<int64_t>(need, 1, int64_t(cap)));
  }
  void Saw(const std::vector<store::Row>& rows) {
    for (const auto& row : rows) {
      for (const auto& v : row) bytes_ += v.ApproxBytes();
    }
    rows_ += rows.size();
  }

 private:
  size_t rows_ = 0;
  size_t bytes_ = 0;
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
