// SELECT by token-order scan (no partition key, part of it with ALLOW FILTERING, token()
// ranges): resumable through the store's scan state. The paging state also carries the
// partition of the last row returned and how many of its rows were returned, so PER
// PARTITION LIMIT and DISTINCT keep counting when a partition spans pages.
#include <algorithm>

#include "cql/server/exec/select.h"

namespace kappa::cql {
namespace {

using store::Row;

// Aggregates over a scan: every matching row, no paging (one result row).
Outcome<ResultMessage> ScanAggregate(const SelectQuery& q, const store::TokenRange& range) {
  const auto& t = q.t;
  ResultMessage r = EmptyRows(q.proj, q.ctx);
  bool only_count_star =
      q.plan.filters.empty() && !q.plan.token && !q.s.distinct && q.lim.per_partition == kNoLimit;
  for (const auto& o : q.proj.outs) {
    if (o.kind != Selector::Kind::kCountStar) only_count_star = false;
  }
  if (only_count_star) {
    CQL_ASSIGN_OR_RETURN(uint64_t n, q.ctx.store->Count(t));
    AggregateState agg;
    agg.rows = int64_t(n);
    q.proj.EmitAggregate(t, agg, &r.rows);
    return r;
  }
  const int64_t ppl = q.s.distinct ? 1 : q.lim.per_partition;
  const size_t npk = t.partition_key_size();
  AggregateState agg;
  Row last;  // the partition key of the last row counted
  std::string state;
  int64_t in_part = 0;
  ReadSizer sizer;
  do {
    CQL_ASSIGN_OR_RETURN(store::ScanResult sr,
                         q.ctx.store->Scan(t, range, state, sizer.Rows(ReadSizer::kMaxRows), q.ro));
    sizer.Saw(sr.rows);
    for (auto& row : sr.rows) {
      if (!q.Passes(row)) continue;
      const bool same = !last.empty() && SamePartition(t, last, row);
      in_part = same ? in_part + 1 : 1;
      if (!same) last.assign(row.begin(), row.begin() + long(npk));
      if (in_part > ppl) continue;
      q.proj.Accumulate(row, &agg);
    }
    state = std::move(sr.paging_state);
  } while (!state.empty());
  q.proj.EmitAggregate(t, agg, &r.rows);
  return r;
}

}  // namespace

Outcome<ResultMessage> SelectScan(const SelectQuery& q, const PagingState& ps) {
  const auto& t = q.t;
  const size_t npk = t.partition_key_size();
  store::TokenRange range = q.plan.token.value_or(store::TokenRange{});
  if (q.proj.aggregate) return ScanAggregate(q, range);

  // The last returned row's partition key (only its first npk values are used).
  Row last;
  int64_t in_part = 0;
  if (ps.kind != PagingState::Kind::kNone) {
    if (ps.kind != PagingState::Kind::kScan || ps.table_id != t.storage_id ||
        (!ps.last_partition.empty() && ps.last_partition.size() != npk)) {
      return InvalidPagingState();
    }
    CQL_TRY(last, DeserializeKey(t, 0, ps.last_partition));
    in_part = ps.in_partition;
  }
  const int64_t ppl = q.s.distinct ? 1 : q.lim.per_partition;
  const bool skips = !q.plan.filters.empty() || ppl != kNoLimit;

  ResultMessage r = EmptyRows(q.proj, q.ctx);
  int64_t returned = ps.returned;
  std::string state = ps.scan_state;
  bool client_state = !state.empty();
  int64_t page_rows = 0;
  ReadSizer sizer;
  bool full = false;  // the page reached q.lim.bytes
  while (!full && page_rows < q.lim.page && returned < q.lim.limit) {
    int64_t want = std::min(q.lim.page - page_rows, q.lim.limit - returned);
    // Without filters or per-partition limits every row read is returned: read exactly
    // what the page needs. Otherwise read larger batches, and if the page fills inside
    // one, re-derive the state after the last row looked at.
    size_t fetch = sizer.Rows(skips ? std::max<int64_t>(want, 64) : want);
    auto scanned = q.ctx.store->Scan(t, range, state, fetch, q.ro);
    if (!scanned.ok() && client_state &&
        (scanned.status().IsInvalidArgument() || scanned.status().IsCorruption())) {
      return InvalidPagingState();  // a resume key that is not one of this table's rows
    }
    CQL_ASSIGN_OR_RETURN(store::ScanResult sr, std::move(scanned));
    sizer.Saw(sr.rows);
    client_state = false;
    size_t consumed = 0;
    for (auto& row : sr.rows) {
      ++consumed;
      if (!q.Passes(row)) continue;
      bool same = !last.empty() && SamePartition(t, last, row);
      if (!same) {
        last.assign(row.begin(), row.begin() + long(npk));
        in_part = 0;
      }
      if (in_part >= ppl) continue;
      ++in_part;
      q.proj.Emit(t, row, &r.rows);
      ++page_rows;
      ++returned;
      if (page_rows >= q.lim.page || returned >= q.lim.limit) break;
      if (r.rows.data.size() >= q.lim.bytes) {
        if (!q.lim.paged()) return ResultTooLarge(q.lim);
        full = true;  // a short page: the state below goes on from the next row
        break;
      }
    }
    if (consumed < sr.rows.size()) {
      CQL_ASSIGN_OR_RETURN(store::ScanResult upto, q.ctx.store->Scan(t, range, state, consumed));
      state = std::move(upto.paging_state);
    } else {
      state = std::move(sr.paging_state);
    }
    if (state.empty()) break;
  }
  if (!state.empty() && returned < q.lim.limit) {
    PagingState next;
    next.kind = PagingState::Kind::kScan;
    next.table_id = t.storage_id;
    next.returned = returned;
    next.scan_state = std::move(state);
    next.in_partition = in_part;
    if (!last.empty()) next.last_partition = SerializeKey(last, 0, npk);
    r.rows.paging_state = EncodePagingState(next);
  }
  return r;
}

}  // namespace kappa::cql
