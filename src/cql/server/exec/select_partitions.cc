// SELECT of partitions named by key (partition key restricted by EQ or IN): reads each
// addressed partition's clustering ranges in result order and pages by key.
//
// Order, as Cassandra returns it: partitions sorted by partition key value (IN lists
// deduplicated), within a partition clustering prefixes (IN on clustering columns) in
// clustering order, rows in clustering order; ORDER BY against the clustering order
// reverses the prefixes and the rows. A page ends after a row; the paging state names that
// row's partition, prefix and clustering key, and the next page starts strictly after it.
#include <algorithm>

#include "cql/server/exec/select.h"

namespace kappa::cql {
namespace {

using store::Row;
using store::Value;

// Lexicographic order of value tuples; `desc[i]` reverses component i.
int CompareTuples(const std::vector<Value>& a, const std::vector<Value>& b,
                  const std::vector<bool>& desc) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    int c = CompareValues(a[i], b[i]);
    if (c != 0) return desc[i] ? -c : c;
  }
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

std::vector<std::vector<Value>> SortedUnique(std::vector<std::vector<Value>> v,
                                             const std::vector<bool>& desc) {
  std::stable_sort(v.begin(), v.end(),
                   [&](const auto& a, const auto& b) { return CompareTuples(a, b, desc) < 0; });
  v.erase(std::unique(v.begin(), v.end(),
                      [&](const auto& a, const auto& b) { return CompareTuples(a, b, desc) == 0; }),
          v.end());
  return v;
}

// What the query addresses, in result order.
struct Addressed {
  std::vector<std::vector<Value>> partitions;
  std::vector<std::vector<Value>> prefixes;  // clustering prefixes; one empty prefix if none
  bool full_key = false;                     // each prefix is a whole clustering key
};

Addressed Address(const SelectQuery& q) {
  const auto& t = q.t;
  size_t npk = t.partition_key_size();
  Addressed a;
  a.partitions = SortedUnique(q.plan.PartitionKeys(), std::vector<bool>(npk, false));
  std::vector<bool> desc;
  for (size_t i = 0; i < q.plan.clustering.size(); ++i) {
    desc.push_back(t.columns[npk + i].order == store::ClusteringOrder::kDesc);
  }
  a.prefixes = SortedUnique(q.plan.ClusteringPrefixes(), desc);
  if (q.reverse) std::reverse(a.prefixes.begin(), a.prefixes.end());
  a.full_key = q.plan.clustering.size() == t.clustering_size() && q.plan.slice_column < 0;
  return a;
}

// Where a walk resumes: after the row with clustering key `clustering` of prefix `prefix`
// of partition `partition`, of which `in_partition` rows were returned. With clustering
// columns, an empty `clustering` resumes at the start of partition `partition` (the previous
// page ended with a partition's static-only row, which has no clustering key to resume
// after).
struct Resume {
  size_t partition = 0;
  size_t prefix = 0;
  int64_t in_partition = 0;
  std::vector<Value> clustering;
};

enum class WalkEnd { kExhausted, kStopped };

// Calls fn(row, partition index, prefix index, rows of this partition so far) for each
// result row, in order, after `from` (nullptr: from the start). fn returns false to stop;
// the walk then says kExhausted only if it knows no row follows (it reads no further to
// find out). `want` (kNoLimit: all) sizes the store reads: rows beyond it are not read.
template <typename Fn>
Outcome<WalkEnd> Walk(const SelectQuery& q, const Addressed& a, const Resume* from, int64_t want,
                      Fn&& fn) {
  const auto& t = q.t;
  const size_t npk = t.partition_key_size();
  const size_t nck = t.clustering_size();
  const int64_t ppl = q.s.distinct ? 1 : q.lim.per_partition;
  const bool filtered = !q.plan.filters.empty();
  int64_t taken = 0;
  ReadSizer sizer;
  const size_t p0 = from ? from->partition : 0;
  for (size_t pi = p0; pi < a.partitions.size(); ++pi) {
    const std::vector<Value>& pk = a.partitions[pi];
    const bool mid_partition = from && pi == p0 && (nck == 0 || !from->clustering.empty());
    int64_t in_part = mid_partition ? from->in_partition : 0;
    const size_t q0 = mid_partition ? from->prefix : 0;
    // True when nothing can follow the current position: the last prefix of the last
    // partition (or the partition's limit reached in the last partition).
    auto at_end = [&](size_t qi) {
      return pi + 1 == a.partitions.size() && (qi + 1 == a.prefixes.size() || in_part >= ppl);
    };
    for (size_t qi = q0; qi < a.prefixes.size() && in_part < ppl; ++qi) {
      const bool resuming = mid_partition && qi == q0;
      if (a.full_key) {
        if (resuming) continue;  // its one row was the last one returned
        std::vector<Value> key = pk;
        key.insert(key.end(), a.prefixes[qi].begin(), a.prefixes[qi].end());
        CQL_ASSIGN_OR_RETURN(std::optional<Row> r, q.ctx.store->Get(t, key, q.ro));
        if (!r || !q.Passes(*r)) continue;
        ++in_part;
        ++taken;
        if (!fn(*r, pi, qi, in_part)) return at_end(qi) ? WalkEnd::kExhausted : WalkEnd::kStopped;
        continue;
      }
      store::ClusteringRange range = q.plan.RangeFor(t, a.prefixes[qi]);
      store::ClusteringBound& next = q.reverse ? range.end : range.start;
      if (resuming) next = {from->clustering, false};
      for (;;) {
        // Read one row more than the page still needs, so a page that ends with the range
        // knows it did (no empty last page); with filters, whole batches.
        int64_t need = want == kNoLimit ? 10000 : std::min<int64_t>(want - taken, 10000) + 1;
        if (filtered)
          need = std::max<int64_t>(need, 64);
        else if (ppl - in_part < need)
          need = ppl - in_part + 1;
        const size_t fetch = sizer.Rows(need);
        CQL_ASSIGN_OR_RETURN(std::vector<Row> rows,
                             q.ctx.store->ScanPartition(t, pk, range, q.reverse, fetch, q.ro));
        sizer.Saw(rows);
        for (size_t i = 0; i < rows.size(); ++i) {
          if (!q.Passes(rows[i])) continue;
          if (in_part >= ppl) break;
          ++in_part;
          ++taken;
          if (fn(rows[i], pi, qi, in_part)) continue;
          // Stopped: a later row of this batch that would be returned means more follow.
          bool more = false;
          if (in_part < ppl) {
            for (size_t j = i + 1; j < rows.size() && !more; ++j) more = q.Passes(rows[j]);
          }
          if (more || rows.size() == fetch) return WalkEnd::kStopped;
          return at_end(qi) ? WalkEnd::kExhausted : WalkEnd::kStopped;
        }
        if (rows.size() < fetch || in_part >= ppl) break;
        next = {std::vector<Value>(rows.back().begin() + long(npk),
                                   rows.back().begin() + long(npk + nck)),
                false};
      }
    }
  }
  return WalkEnd::kExhausted;
}

// Sorts rows of several partitions by the ORDER BY columns (Cassandra orders IN queries
// with ORDER BY after reading them; stable, so ties keep partition order).
void PostQueryOrder(const SelectQuery& q, std::vector<Row>* rows) {
  const auto& t = q.t;
  size_t npk = t.partition_key_size();
  size_t n = q.s.order_by.size();
  std::stable_sort(rows->begin(), rows->end(), [&](const Row& a, const Row& b) {
    for (size_t i = 0; i < n; ++i) {
      int c = CompareValues(a[npk + i], b[npk + i]);
      if (c != 0) return q.s.order_by[i].second ? c > 0 : c < 0;
    }
    return false;
  });
}

}  // namespace

Outcome<ResultMessage> SelectPartitions(const SelectQuery& q, const PagingState& ps) {
  const auto& t = q.t;
  const size_t npk = t.partition_key_size();
  const size_t nck = t.clustering_size();
  Addressed a = Address(q);

  Resume resume;
  const Resume* from = nullptr;
  if (ps.kind != PagingState::Kind::kNone) {
    if (ps.kind != PagingState::Kind::kPartition || ps.table_id != t.storage_id ||
        ps.partition > a.partitions.size() || ps.prefix >= a.prefixes.size() ||
        (ps.last_clustering.size() != nck && !ps.last_clustering.empty())) {
      return InvalidPagingState();
    }
    // With clustering columns, no clustering key means "at the start of partition
    // `partition`" (which may be one past the last).
    const bool at_partition_start = nck > 0 && ps.last_clustering.empty();
    if (at_partition_start ? (ps.prefix != 0 || ps.in_partition != 0)
                           : ps.partition == a.partitions.size()) {
      return InvalidPagingState();
    }
    CQL_TRY(resume.clustering, DeserializeKey(t, npk, ps.last_clustering));
    resume.partition = ps.partition;
    resume.prefix = ps.prefix;
    resume.in_partition = ps.in_partition;
    from = &resume;
  }

  // IN on the partition key with ORDER BY: Cassandra sorts all rows after reading them,
  // which cannot be paged; it refuses unless the LIMIT fits in one page.
  bool in_pk = false;
  for (const auto& p : q.plan.partition) in_pk = in_pk || p.size() > 1;
  const bool post_order = in_pk && !q.s.order_by.empty();
  if (post_order && q.lim.page != kNoLimit && q.lim.limit > q.lim.page) {
    return CqlError::Invalid(
        "Cannot page queries with both ORDER BY and a IN restriction on the partition key; you "
        "must either remove the ORDER BY or the IN and sort client side, or disable paging for "
        "this query");
  }

  if (q.proj.aggregate) {
    AggregateState agg;
    CQL_TRY(WalkEnd end, Walk(q, a, nullptr, kNoLimit, [&](const Row& r, size_t, size_t, int64_t) {
              q.proj.Accumulate(r, &agg);
              return true;
            }));
    (void)end;
    ResultMessage r = EmptyRows(q.proj, q.ctx);
    q.proj.EmitAggregate(t, agg, &r.rows);
    return r;
  }
  if (post_order) {
    // Every matching row is sorted in memory before the LIMIT applies: bounded like a result.
    std::vector<Row> rows;
    size_t bytes = 0;
    bool too_large = false;
    CQL_TRY(WalkEnd end, Walk(q, a, nullptr, kNoLimit, [&](const Row& r, size_t, size_t, int64_t) {
              for (const auto& v : r) bytes += v.ApproxBytes();
              if (bytes > q.lim.bytes) {
                too_large = true;
                return false;
              }
              rows.push_back(r);
              return true;
            }));
    (void)end;
    if (too_large) {
      return CqlError::Invalid(
          "ORDER BY with an IN restriction on the partition key sorts every matching row in "
          "memory, and they are more than the server's max_result_size (" +
          std::to_string(q.lim.bytes) + " bytes): narrow the IN or the WHERE, or sort client side");
    }
    ResultMessage r = EmptyRows(q.proj, q.ctx);
    PostQueryOrder(q, &rows);
    for (size_t i = 0; i < rows.size() && int64_t(i) < q.lim.limit; ++i) {
      q.proj.Emit(t, rows[i], &r.rows);
    }
    return r;
  }

  ResultMessage r = EmptyRows(q.proj, q.ctx);
  const int64_t want = std::min(q.lim.page, q.lim.limit - ps.returned);
  if (want <= 0) return r;
  int64_t n = 0;
  bool too_large = false;
  PagingState next;
  next.kind = PagingState::Kind::kPartition;
  next.table_id = t.storage_id;
  CQL_TRY(WalkEnd end,
          Walk(q, a, from, want, [&](const Row& row, size_t pi, size_t qi, int64_t in_part) {
            q.proj.Emit(t, row, &r.rows);
            ++n;
            if (r.rows.data.size() >= q.lim.bytes) {
              if (!q.lim.paged()) {
                too_large = true;
                return false;
              }
              // A short page: the paging state below goes on from the next row.
            } else if (n < want) {
              return true;
            }
            if (nck > 0 && !row[npk].is_set()) {
              // A static-only row (a partition with statics and no rows) is its partition's
              // only row: the next page starts with the next partition.
              next.partition = uint32_t(pi + 1);
              next.prefix = 0;
              next.in_partition = 0;
              next.last_clustering.clear();
              return false;
            }
            next.partition = uint32_t(pi);
            next.prefix = uint32_t(qi);
            next.in_partition = in_part;
            next.last_clustering = SerializeKey(row, npk, nck);
            return false;
          }));
  if (too_large) return ResultTooLarge(q.lim);
  next.returned = ps.returned + n;
  if (end == WalkEnd::kStopped && next.returned < q.lim.limit) {
    r.rows.paging_state = EncodePagingState(next);
  }
  return r;
}

}  // namespace kappa::cql
