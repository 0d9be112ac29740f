// SELECT: plans the read from the WHERE clause and hands it to a point read, the partition
// path (select_partitions.cc) or the token-order scan (select_scan.cc); system tables are
// served from memory here. Paging: exec/paging_state.h and docs/formats/cql.md.
#include "cql/server/exec/select.h"
#include "cql/server/system_tables.h"

namespace kappa::cql {

ResultMessage EmptyRows(const Projection& proj, const ExecContext& ctx) {
  ResultMessage r;
  r.kind = ResultMessage::Kind::kRows;
  // Executor::Execute marks the result NO_METADATA under the same flag (0x02, as drivers
  // send on EXECUTE; honored on QUERY too, as Cassandra does), so a hot query does not
  // copy the specs per request.
  if (ctx.options->skip_metadata) r.rows.column_count = int32_t(proj.specs.size());
  else r.rows.columns = proj.specs;
  return r;
}

bool SamePartition(const store::TableSchema& t, const store::Row& a, const store::Row& b) {
  for (size_t i = 0; i < t.partition_key_size(); ++i) {
    if (CompareValues(a[i], b[i]) != 0) return false;
  }
  return true;
}

namespace {

using store::Value;

// Applies filters, DISTINCT and PER PARTITION LIMIT to an in-memory candidate list.
std::vector<store::Row> Refine(const store::TableSchema& t, const SelectStmt& s,
                               const WherePlan& plan, const Limits& lim,
                               std::vector<store::Row> rows) {
  std::vector<store::Row> out;
  int64_t in_partition = 0;
  const int64_t ppl = s.distinct ? 1 : lim.per_partition;
  for (auto& r : rows) {
    bool pass = true;
    for (const auto& f : plan.filters) pass = pass && f.Matches(r);
    if (!pass) continue;
    bool same = !out.empty() && SamePartition(t, out.back(), r);
    in_partition = same ? in_partition + 1 : 1;
    if (in_partition > ppl) continue;
    out.push_back(std::move(r));
  }
  return out;
}

Outcome<void> CheckOrderBy(const SelectStmt& s, const store::TableSchema& t, const WherePlan& plan,
                           bool* reverse) {
  *reverse = false;
  if (s.order_by.empty()) return {};
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
  return {};
}

// System tables: the whole (small) table is built in memory; pages are offsets into it.
Outcome<ResultMessage> SelectVirtual(const SelectStmt& s, VirtualTable vt, const ExecContext& ctx,
                                     const PagingState& ps, const Limits& lim) {
  const auto& t = vt.schema;
  CQL_TRY(Projection proj, BuildProjection(s, t));
  if (proj.cell_metadata) {
    return CqlError::Invalid("writetime() and ttl() are not available on system tables");
  }
  if (ps.kind != PagingState::Kind::kNone && ps.kind != PagingState::Kind::kOffset) {
    return InvalidPagingState();
  }
  CQL_TRY(WherePlan plan, AnalyzeWhere(s.where, t, ctx));
  // Partition key restrictions are enforced as filters here (rows are all in memory).
  for (size_t i = 0; i < t.partition_key_size(); ++i) {
    if (!plan.partition[i].empty()) {
      plan.filters.push_back(RowFilter{int(i), RelationOp::kIn, plan.partition[i]});
    }
  }
  std::vector<store::Row> rows = Refine(t, s, plan, lim, std::move(vt.rows));
  ResultMessage r = EmptyRows(proj, ctx);
  if (proj.aggregate) {
    AggregateState agg;
    for (const auto& row : rows) proj.Accumulate(row, &agg);
    proj.EmitAggregate(t, agg, &r.rows);
    return r;
  }
  const int64_t total = int64_t(rows.size());
  const int64_t from = std::min(ps.offset, total);
  const int64_t take = std::max<int64_t>(
      0, std::min<int64_t>({lim.page, lim.limit - ps.returned, total - from}));
  for (int64_t i = 0; i < take; ++i) proj.Emit(t, rows[size_t(from + i)], &r.rows);
  if (from + take < total && ps.returned + take < lim.limit) {
    PagingState next;
    next.kind = PagingState::Kind::kOffset;
    next.returned = ps.returned + take;
    next.offset = from + take;
    r.rows.paging_state = EncodePagingState(next);
  }
  return r;
}

// A point read by the full primary key whose selection is plain columns: the stored cells
// go straight into the response (no Values built), the hot path of prepared SELECTs.
bool IsPlainPointRead(const store::TableSchema& t, const Projection& proj, const WherePlan& plan,
                      const PagingState& ps) {
  if (!plan.partition_complete || plan.slice_column >= 0 || !plan.filters.empty() ||
      plan.clustering.size() != t.clustering_size() || ps.kind != PagingState::Kind::kNone) {
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
  ResultMessage r = EmptyRows(proj, ctx);
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

CqlError ResultTooLarge(const Limits& lim) {
  return CqlError::Invalid(
      "The result of this SELECT is larger than the server's max_result_size (" +
      std::to_string(lim.bytes) +
      " bytes) and paging is off: page it (set a fetch size in the driver; cqlsh pages by "
      "default) or narrow it (WHERE, LIMIT)");
}

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
  lim.bytes = ctx.executor->options().max_result_bytes;
  CQL_TRY(PagingState ps, DecodePagingState(ctx.options->paging_state));

  std::string ks = EffectiveKeyspace(s.table, ctx);
  if (IsSystemKeyspace(ks)) {
    auto vt = ReadSystemTable(ks, s.table.name, *ctx.executor);
    if (!vt) return CqlError::Invalid("unconfigured table " + s.table.name);
    return SelectVirtual(s, std::move(*vt), ctx, ps, lim);
  }
  CQL_TRY(TablePtr tp, ResolveTable(s.table, ctx));
  const store::TableSchema& t = *tp;
  CQL_TRY(std::shared_ptr<const Projection> projp, ProjectionFor(s, tp, ctx));
  CQL_TRY(WherePlan plan, AnalyzeWhere(s.where, t, ctx));
  if (!s.allow_filtering &&
      (plan.needs_filtering || (!plan.partition_complete && !plan.filters.empty()))) {
    return CqlError::Invalid(kNeedsFilteringMessage);
  }
  SelectQuery q{s, t, *projp, plan, lim, false, {}, ctx};
  CQL_TRY_VOID(CheckOrderBy(s, t, plan, &q.reverse));
  q.ro.cell_metadata = projp->cell_metadata;

  if (IsPlainPointRead(t, *projp, plan, ps)) return PointRead(t, *projp, plan, ctx);
  if (plan.partition_complete) return SelectPartitions(q, ps);
  return SelectScan(q, ps);
}

}  // namespace kappa::cql
