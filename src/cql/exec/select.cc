// SELECT: plans the read from the WHERE clause (point get, partition slices, or a token-order
// scan), filters, projects and pages. See docs/formats/cql.md for the paging state layout.
#include <limits>

#include "cql/exec/exec.h"
#include "cql/exec/projection.h"
#include "cql/exec/where.h"
#include "cql/system_tables.h"

namespace kappa::cql {
namespace {

using store::Value;

// Paging state: [u8 kind][i64 rows returned so far][payload]. kind 1: payload = i64 number
// of matching rows to skip (partition reads, system tables); kind 2: the store's scan state.
struct PagingState {
  uint8_t kind = 0;
  int64_t returned = 0;
  int64_t offset = 0;
  std::string scan_state;
};

std::string EncodePaging(const PagingState& p) {
  std::string out;
  out.push_back(char(p.kind));
  coding::AppendBE64(&out, uint64_t(p.returned));
  if (p.kind == 1) coding::AppendBE64(&out, uint64_t(p.offset));
  else out += p.scan_state;
  return out;
}

Outcome<PagingState> DecodePaging(const std::string& s) {
  PagingState p;
  if (s.empty()) return p;
  if (s.size() < 9 || (s[0] != 1 && s[0] != 2) || (s[0] == 1 && s.size() != 17)) {
    return CqlError::Protocol("Invalid paging state");
  }
  p.kind = uint8_t(s[0]);
  p.returned = int64_t(coding::GetBE64(s.data() + 1));
  if (p.kind == 1) p.offset = int64_t(coding::GetBE64(s.data() + 9));
  else p.scan_state = s.substr(9);
  return p;
}

struct Limits {
  int64_t limit = std::numeric_limits<int64_t>::max();
  int64_t per_partition = std::numeric_limits<int64_t>::max();
  int64_t page = std::numeric_limits<int64_t>::max();
};

// The result's column specs; only their number when the client asks to skip metadata
// (flag 0x02, as drivers send on EXECUTE; honored on QUERY too, as Cassandra does), so a
// hot query does not copy the specs per request.
void SetColumns(const Projection& proj, const ExecContext& ctx, RowsResult* rows) {
  // Executor::Execute marks the result NO_METADATA under the same flag.
  if (ctx.options->skip_metadata) rows->column_count = int32_t(proj.specs.size());
  else rows->columns = proj.specs;
}

bool SamePartition(const store::TableSchema& t, const store::Row& a, const store::Row& b) {
  for (size_t i = 0; i < t.partition_key_size(); ++i) {
    if (CompareValues(a[i], b[i]) != 0) return false;
  }
  return true;
}

bool PassesFilters(const WherePlan& plan, const store::Row& row) {
  for (const auto& f : plan.filters) {
    if (!f.Matches(row)) return false;
  }
  return true;
}

// Applies filters, DISTINCT and PER PARTITION LIMIT to an ordered candidate list.
std::vector<store::Row> Refine(const store::TableSchema& t, const SelectStmt& s,
                               const WherePlan& plan, const Limits& lim,
                               std::vector<store::Row> rows) {
  std::vector<store::Row> out;
  int64_t in_partition = 0;
  for (auto& r : rows) {
    if (!PassesFilters(plan, r)) continue;
    bool same = !out.empty() && SamePartition(t, out.back(), r);
    if ((s.distinct && same)) continue;
    in_partition = same ? in_partition + 1 : 1;
    if (in_partition > lim.per_partition) continue;
    out.push_back(std::move(r));
  }
  return out;
}

// Reads every candidate row of a partition-restricted query, in result order.
Outcome<std::vector<store::Row>> ReadPartitions(const store::TableSchema& t, const WherePlan& plan,
                                                bool reverse, int64_t max_rows,
                                                const store::ReadOptions& ro,
                                                const ExecContext& ctx) {
  std::vector<store::Row> rows;
  bool full_key = plan.clustering.size() == t.clustering_size() && plan.slice_column < 0;
  for (const auto& pk : plan.PartitionKeys()) {
    auto prefixes = plan.ClusteringPrefixes();
    if (reverse) std::reverse(prefixes.begin(), prefixes.end());
    for (const auto& prefix : prefixes) {
      if (full_key) {
        std::vector<Value> key = pk;
        key.insert(key.end(), prefix.begin(), prefix.end());
        CQL_ASSIGN_OR_RETURN(std::optional<store::Row> r, ctx.store->Get(t, key, ro));
        if (r) rows.push_back(std::move(*r));
        continue;
      }
      size_t limit = plan.filters.empty() && max_rows > 0 &&
                             max_rows < int64_t(std::numeric_limits<uint32_t>::max())
                         ? size_t(max_rows)
                         : 0;
      CQL_ASSIGN_OR_RETURN(std::vector<store::Row> part,
                           ctx.store->ScanPartition(t, pk, plan.RangeFor(t, prefix), reverse,
                                                               limit, ro));
      for (auto& r : part) rows.push_back(std::move(r));
    }
  }
  return rows;
}

Outcome<bool> CheckOrderBy(const SelectStmt& s, const store::TableSchema& t, const WherePlan& plan,
                           bool* reverse) {
  *reverse = false;
  if (s.order_by.empty()) return true;
  if (!plan.partition_complete) {
    return CqlError::Invalid("ORDER BY is only supported when the partition key is restricted by an EQ or an IN.");
  }
  size_t npk = t.partition_key_size();
  for (size_t i = 0; i < s.order_by.size(); ++i) {
    int idx = t.FindColumn(s.order_by[i].first);
    if (idx < 0) return CqlError::Invalid("Undefined column name " + s.order_by[i].first);
    if (size_t(idx) != npk + i) {
      return CqlError::Invalid("Order by currently only supports the ordering of columns following their declared order in the PRIMARY KEY");
    }
    bool col_desc = t.columns[size_t(idx)].order == store::ClusteringOrder::kDesc;
    bool rev = s.order_by[i].second != col_desc;
    if (i == 0) *reverse = rev;
    else if (rev != *reverse) return CqlError::Invalid("Unsupported order by relation");
  }
  return true;
}

// Pages through an in-memory, deterministic result (partition reads, system tables).
ResultMessage PageFromRows(const store::TableSchema& t, const Projection& proj,
                           std::vector<store::Row> rows, const PagingState& ps, const Limits& lim,
                           const ExecContext& ctx) {
  ResultMessage r;
  r.kind = ResultMessage::Kind::kRows;
  SetColumns(proj, ctx, &r.rows);
  int64_t remaining_limit = lim.limit - ps.returned;
  int64_t take = std::min<int64_t>({lim.page, remaining_limit,
                                    int64_t(rows.size()) - std::min<int64_t>(ps.offset, int64_t(rows.size()))});
  take = std::max<int64_t>(take, 0);
  for (int64_t i = 0; i < take; ++i) proj.Emit(t, rows[size_t(ps.offset + i)], &r.rows);
  int64_t next = ps.offset + take;
  if (next < int64_t(rows.size()) && ps.returned + take < lim.limit) {
    r.rows.paging_state = EncodePaging({1, ps.returned + take, next, {}});
  }
  return r;
}

Outcome<ResultMessage> SelectVirtual(const SelectStmt& s, VirtualTable vt, const ExecContext& ctx,
                                     const PagingState& ps, const Limits& lim) {
  const auto& t = vt.schema;
  CQL_TRY(Projection proj, BuildProjection(s, t));
  if (proj.cell_metadata) {
    return CqlError::Invalid("writetime() and ttl() are not available on system tables");
  }
  CQL_TRY(WherePlan plan, AnalyzeWhere(s.where, t, ctx));
  // Partition key restrictions are enforced as filters here (rows are all in memory).
  for (size_t i = 0; i < t.partition_key_size(); ++i) {
    if (!plan.partition[i].empty()) {
      plan.filters.push_back(RowFilter{int(i), RelationOp::kIn, plan.partition[i]});
    }
  }
  std::vector<store::Row> rows = Refine(t, s, plan, lim, std::move(vt.rows));
  if (proj.aggregate) {
    ResultMessage r;
    r.kind = ResultMessage::Kind::kRows;
    SetColumns(proj, ctx, &r.rows);
    proj.EmitAggregate(t, rows, int64_t(rows.size()), &r.rows);
    return r;
  }
  return PageFromRows(t, proj, std::move(rows), ps, lim, ctx);
}

// A point read by the full primary key whose selection is plain columns: the stored cells
// go straight into the response (no Values built), the hot path of prepared SELECTs.
bool IsPlainPointRead(const store::TableSchema& t, const Projection& proj, const WherePlan& plan,
                      const PagingState& ps) {
  if (!plan.partition_complete || plan.slice_column >= 0 || !plan.filters.empty() ||
      plan.clustering.size() != t.clustering_size() || ps.kind != 0) {
    return false;
  }
  if (proj.aggregate || proj.json || proj.cell_metadata) return false;
  for (const auto& o : proj.outs) {
    if (o.kind != Selector::Kind::kColumn) return false;
  }
  for (const auto& p : plan.partition) {
    if (p.size() != 1) return false;
  }
  for (const auto& c : plan.clustering) {
    if (c.size() != 1) return false;
  }
  return true;
}

Outcome<ResultMessage> PointRead(const store::TableSchema& t, const Projection& proj,
                                 WherePlan& plan, const ExecContext& ctx) {
  std::vector<Value> key;
  key.reserve(t.primary_key_size());
  for (auto& p : plan.partition) key.push_back(std::move(p[0]));
  for (auto& c : plan.clustering) key.push_back(std::move(c[0]));
  ResultMessage r;
  r.kind = ResultMessage::Kind::kRows;
  SetColumns(proj, ctx, &r.rows);
  // No live row: no row in the result (GetNative then does not call back).
  CQL_ASSIGN_OR_RETURN(bool found, ctx.store->GetNative(t, key, [&](store::Store::NativeCells cells) {
    size_t bytes = 0;
    for (const auto& o : proj.outs) {
      const auto& c = cells[size_t(o.column)];
      bytes += 4 + (c ? c->size() : 0);
    }
    r.rows.data.reserve(r.rows.data.size() + bytes);
    for (const auto& o : proj.outs) {
      const auto& c = cells[size_t(o.column)];
      if (c) r.rows.AppendBytes(*c);
      else r.rows.AppendNull();
    }
    ++r.rows.row_count;
  }));
  (void)found;
  return r;
}

}  // namespace

Outcome<ResultMessage> ExecSelect(const SelectStmt& s, ExecContext& ctx) {
  Limits lim;
  if (s.limit) {
    CQL_TRY(lim.limit, EvalInteger(*s.limit, ctx.binds, "LIMIT", lim.limit));
    if (lim.limit <= 0) return CqlError::Invalid("LIMIT must be strictly positive");
  }
  if (s.per_partition_limit) {
    CQL_TRY(lim.per_partition,
            EvalInteger(*s.per_partition_limit, ctx.binds, "PER PARTITION LIMIT", lim.per_partition));
    if (lim.per_partition <= 0) return CqlError::Invalid("PER PARTITION LIMIT must be strictly positive");
  }
  if (ctx.options->page_size > 0) lim.page = ctx.options->page_size;
  CQL_TRY(PagingState ps, DecodePaging(ctx.options->paging_state));

  std::string ks = EffectiveKeyspace(s.table, ctx);
  if (IsSystemKeyspace(ks)) {
    auto vt = ReadSystemTable(ks, s.table.name, *ctx.executor);
    if (!vt) return CqlError::Invalid("table " + s.table.name + " does not exist");
    return SelectVirtual(s, std::move(*vt), ctx, ps, lim);
  }
  CQL_TRY(TablePtr tp, ResolveTable(s.table, ctx));
  const store::TableSchema& t = *tp;
  CQL_TRY(std::shared_ptr<const Projection> projp, ProjectionFor(s, tp, ctx));
  const Projection& proj = *projp;
  CQL_TRY(WherePlan plan, AnalyzeWhere(s.where, t, ctx));
  if (plan.needs_filtering && !s.allow_filtering) {
    return CqlError::Invalid(
        "Cannot execute this query as it might involve data filtering and thus may have "
        "unpredictable performance. If you want to execute this query despite the performance "
        "unpredictability, use ALLOW FILTERING");
  }
  if (!plan.partition_complete && !plan.filters.empty() && !s.allow_filtering) {
    return CqlError::Invalid(
        "Cannot execute this query as it might involve data filtering and thus may have "
        "unpredictable performance. If you want to execute this query despite the performance "
        "unpredictability, use ALLOW FILTERING");
  }
  bool reverse = false;
  CQL_TRY(bool order_ok, CheckOrderBy(s, t, plan, &reverse));
  (void)order_ok;
  store::ReadOptions ro;
  ro.cell_metadata = proj.cell_metadata;

  if (IsPlainPointRead(t, proj, plan, ps)) return PointRead(t, proj, plan, ctx);
  if (plan.partition_complete) {
    int64_t want = proj.aggregate ? 0 : std::min(lim.limit, ps.offset + lim.page);
    if (want == std::numeric_limits<int64_t>::max()) want = 0;
    CQL_TRY(std::vector<store::Row> rows, ReadPartitions(t, plan, reverse, want, ro, ctx));
    rows = Refine(t, s, plan, lim, std::move(rows));
    if (proj.aggregate) {
      ResultMessage r;
      r.kind = ResultMessage::Kind::kRows;
      SetColumns(proj, ctx, &r.rows);
      proj.EmitAggregate(t, rows, int64_t(rows.size()), &r.rows);
      return r;
    }
    return PageFromRows(t, proj, std::move(rows), ps, lim, ctx);
  }

  store::TokenRange range = plan.token.value_or(store::TokenRange{});
  if (proj.aggregate) {
    ResultMessage r;
    r.kind = ResultMessage::Kind::kRows;
    SetColumns(proj, ctx, &r.rows);
    bool only_count_star = plan.filters.empty() && !plan.token && !s.distinct &&
                           lim.per_partition == std::numeric_limits<int64_t>::max();
    for (const auto& o : proj.outs) {
      if (o.kind != Selector::Kind::kCountStar) only_count_star = false;
    }
    if (only_count_star) {
      CQL_ASSIGN_OR_RETURN(uint64_t n, ctx.store->Count(t));
      proj.EmitAggregate(t, {}, int64_t(n), &r.rows);
      return r;
    }
    CQL_ASSIGN_OR_RETURN(store::ScanResult all, ctx.store->Scan(t, range, {}, 0, ro));
    std::vector<store::Row> rows = Refine(t, s, plan, lim, std::move(all.rows));
    proj.EmitAggregate(t, rows, int64_t(rows.size()), &r.rows);
    return r;
  }

  // Token-order scan, resumable through the store's paging state.
  if (ps.kind == 1) return CqlError::Protocol("Invalid paging state for this query");
  ResultMessage r;
  r.kind = ResultMessage::Kind::kRows;
  SetColumns(proj, ctx, &r.rows);
  int64_t returned = ps.returned;
  std::string state = ps.scan_state;
  int64_t page_rows = 0;
  store::Row last;
  bool have_last = false;
  int64_t in_partition = 0;
  while (page_rows < lim.page && returned < lim.limit) {
    int64_t want = std::min(lim.page - page_rows, lim.limit - returned);
    size_t fetch = size_t(std::min<int64_t>(std::max<int64_t>(want, 64), 10000));
    if (plan.filters.empty() && !s.distinct) fetch = size_t(std::min<int64_t>(want, 10000));
    CQL_ASSIGN_OR_RETURN(store::ScanResult sr, ctx.store->Scan(t, range, state, fetch, ro));
    // Without filtering exactly `want` rows are fetched; with filtering a larger batch is read
    // and, if the page fills inside it, the state after the last consumed row is re-derived.
    size_t consumed = 0;
    for (auto& row : sr.rows) {
      ++consumed;
      if (!PassesFilters(plan, row)) continue;
      bool same = have_last && SamePartition(t, last, row);
      if (s.distinct && same) continue;
      in_partition = same ? in_partition + 1 : 1;
      if (in_partition > lim.per_partition) continue;
      proj.Emit(t, row, &r.rows);
      last = row;
      have_last = true;
      ++page_rows;
      ++returned;
      if (page_rows >= lim.page || returned >= lim.limit) break;
    }
    if (consumed < sr.rows.size()) {
      // Stopped inside a fetched batch (filtering): continue after the last consumed row.
      CQL_ASSIGN_OR_RETURN(store::ScanResult one,
                           ctx.store->Scan(t, range, state, consumed));
      state = one.paging_state;
    } else {
      state = sr.paging_state;
    }
    if (state.empty()) break;
  }
  if (!state.empty() && returned < lim.limit) {
    r.rows.paging_state = EncodePaging({2, returned, 0, state});
  }
  return r;
}

}  // namespace kappa::cql
