// Helpers shared by the executors: table resolution, value ordering, applying mutations.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "common/clock.h"

#include "cql/server/exec/exec.h"
#include "cql/server/write_group.h"
#include "cql/server/system_tables.h"

namespace kappa::cql {

using store::TypeKind;
using store::Value;

std::string EffectiveKeyspace(const TableName& name, const ExecContext& ctx) {
  return name.keyspace.empty() ? ctx.session->keyspace : name.keyspace;
}

Outcome<TablePtr> ResolveTable(const TableName& name, const ExecContext& ctx) {
  std::string ks = EffectiveKeyspace(name, ctx);
  if (ks.empty()) {
    return CqlError::Invalid(
        "No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename");
  }
  if (IsSystemKeyspace(ks)) {
    return CqlError::Invalid("Modification or direct storage access to system keyspace " + ks +
                             " is not allowed");
  }
  auto t = ctx.store->GetTable(ks, name.name);
  if (!t.ok()) {
    if (!ctx.store->GetKeyspace(ks).ok()) {
      return CqlError::Invalid("Keyspace '" + ks + "' does not exist");
    }
    return CqlError::Invalid("unconfigured table " + name.name);
  }
  return std::move(t).value();
}

namespace {

int Cmp(auto a, auto b) { return a < b ? -1 : (b < a ? 1 : 0); }

int CompareBytes(const std::string& a, const std::string& b) {
  int c = std::memcmp(a.data(), b.data(), std::min(a.size(), b.size()));
  if (c != 0) return c < 0 ? -1 : 1;
  return Cmp(a.size(), b.size());
}

// Two's-complement big-endian integers of any length.
int CompareVarint(const std::string& a, const std::string& b) {
  bool na = !a.empty() && (uint8_t(a[0]) & 0x80);
  bool nb = !b.empty() && (uint8_t(b[0]) & 0x80);
  if (na != nb) return na ? -1 : 1;
  if (a.size() != b.size()) return (a.size() < b.size()) != na ? -1 : 1;
  return CompareBytes(a, b);
}

}  // namespace

int CompareValues(const Value& a, const Value& b) {
  if (!a.is_set() || !b.is_set()) return Cmp(a.is_set(), b.is_set());
  switch (a.kind()) {
    case TypeKind::kBoolean:
      return Cmp(a.as_bool(), b.as_bool());
    case TypeKind::kFloat:
      return Cmp(a.as_float(), b.as_float());
    case TypeKind::kDouble:
      return Cmp(a.as_double(), b.as_double());
    case TypeKind::kText:
    case TypeKind::kAscii:
    case TypeKind::kBlob:
    case TypeKind::kInet:
      return CompareBytes(a.as_bytes(), b.as_bytes());
    case TypeKind::kVarint:
      return CompareVarint(a.as_bytes(), b.as_bytes());
    case TypeKind::kUuid:
    case TypeKind::kTimeuuid:
      return Cmp(a.as_uuid(), b.as_uuid());
    case TypeKind::kDecimal: {
      // Exact for equal scales; otherwise by magnitude through double (filtering only).
      const auto& x = a.as_decimal();
      const auto& y = b.as_decimal();
      if (x.scale == y.scale) return CompareVarint(x.unscaled, y.unscaled);
      return Cmp(std::stod(a.ToString()), std::stod(b.ToString()));
    }
    case TypeKind::kList:
    case TypeKind::kSet:
    case TypeKind::kMap: {
      const auto& x = a.as_elements();
      const auto& y = b.as_elements();
      for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
        int c = CompareValues(x[i], y[i]);
        if (c != 0) return c;
      }
      return Cmp(x.size(), y.size());
    }
    default:
      return Cmp(a.as_int(), b.as_int());
  }
}

Status AddUpsert(const Mutation& m, store::WriteBatch* b) {
  if (m.native.empty()) return b->Upsert(*m.table, m.row, m.write);
  return b->UpsertNative(*m.table, std::span(m.row).first(m.table->primary_key_size()), m.native,
                         m.write);
}

namespace {

// Bound on the writes a burst's group collects; beyond it statements commit on their own.
constexpr size_t kMaxGroupWrites = 4096;

// Adds a mutation to `b`. A clustering range delete reads the range first (from the
// store, as committed) and adds a row tombstone for each row in it (store.h).
Outcome<void> AddOne(const Mutation& m, store::Store* s, store::WriteBatch* b) {
  switch (m.kind) {
    case Mutation::Kind::kUpsert: CQL_RETURN_IF_ERROR(AddUpsert(m, b)); break;
    case Mutation::Kind::kDeleteRow: CQL_RETURN_IF_ERROR(b->DeleteRow(*m.table, m.key, m.write)); break;
    case Mutation::Kind::kDeletePartition:
      CQL_RETURN_IF_ERROR(b->DeletePartition(*m.table, m.key, m.write));
      break;
    case Mutation::Kind::kDeleteRange: {
      CQL_ASSIGN_OR_RETURN(std::vector<store::Row> rows,
                           s->ScanPartition(*m.table, m.key, m.range, false, 0));
      const size_t npk = m.table->primary_key_size();
      for (const store::Row& r : rows) {
        std::vector<store::Value> pk(r.begin(), r.begin() + long(npk));
        CQL_RETURN_IF_ERROR(b->DeleteRow(*m.table, pk, m.write));
      }
      break;
    }
  }
  return {};
}

}  // namespace

Outcome<void> AddWithOps(const Mutation& m, const std::optional<store::Row>& current,
                         store::Store* s, store::WriteBatch* b) {
  const store::TableSchema& t = *m.table;
  const size_t n = t.columns.size();
  // The statement's own cells, without the collections it changes in place.
  Mutation plain = m;
  plain.ops.clear();
  Mutation changed = m;
  changed.ops.clear();
  changed.native.clear();
  changed.row.assign(n, store::Value::Unset());
  for (size_t i = 0; i < t.primary_key_size(); ++i) changed.row[i] = m.row[i];
  changed.write.row_marker = false;
  int64_t ts = m.write.timestamp_micros == store::WriteOptions::kNow ? Clock::Real()->NowMicros()
                                                                      : m.write.timestamp_micros;
  for (const CollectionOp& op : m.ops) {
    plain.row[op.column] = store::Value::Unset();
    store::Value& v = changed.row[op.column];
    const store::Value before =
        !v.is_unset() ? v : (current ? (*current)[op.column] : store::Value());  // earlier op first
    // The new whole value must win over the one it was computed from, whatever the clients'
    // clocks say: later than that cell's write time.
    if (current && current->size() == 3 * n && (*current)[n + op.column].is_set()) {
      ts = std::max(ts, (*current)[n + op.column].as_int() + 1);
    }
    CQL_TRY(v, ApplyCollectionOp(t.columns[op.column].type, before, op));
  }
  changed.write.timestamp_micros = ts;
  bool plain_writes = plain.write.row_marker;
  for (size_t i = t.primary_key_size(); i < n; ++i) plain_writes = plain_writes || !plain.row[i].is_unset();
  if (plain_writes) {
    CQL_TRY_VOID(AddOne(plain, s, b));
  }
  return AddOne(changed, s, b);
}

namespace {

Outcome<void> AddAll(const std::vector<Mutation>& muts, store::Store* s, store::WriteBatch* b) {
  for (const auto& m : muts) {
    CQL_TRY_VOID(AddOne(m, s, b));
  }
  return {};
}

// Mutations with in-place collection updates: the rows they change are read and the whole
// write committed under those rows' LWT stripes (Store::ModifyRows), so two in-place updates
// of a row never lose each other's elements.
Outcome<void> ApplyReadModifyWrite(const std::vector<Mutation>& muts, const ExecContext& ctx) {
  store::Store* s = ctx.store;
  std::vector<store::Store::RowRef> refs;
  for (const auto& m : muts) {
    if (m.ops.empty()) continue;
    const size_t npk = m.table->primary_key_size();
    for (size_t i = 0; i < npk; ++i) {
      if (!m.row[i].is_set()) {
        return CqlError::Invalid("In-place updates of the collection " +
                                 m.table->columns[m.ops[0].column].name +
                                 " need the full primary key");
      }
    }
    refs.push_back({m.table.get(), std::vector<store::Value>(m.row.begin(), m.row.begin() + long(npk))});
  }
  std::optional<CqlError> failed;
  store::WriteBatch b = s->NewWriteBatch();
  store::ReadOptions with_times;
  with_times.cell_metadata = true;
  Status st = s->ModifyRows(
      refs, with_times,
      [&](std::span<const std::optional<store::Row>> current, store::WriteBatch& batch) -> Status {
        size_t r = 0;
        for (const auto& m : muts) {
          auto added = m.ops.empty() ? AddOne(m, s, &batch) : AddWithOps(m, current[r++], s, &batch);
          if (!added.ok()) {
            failed = added.error();
            return Status::InvalidArgument(failed->message);
          }
        }
        return Status::OK();
      },
      b);
  if (failed) return *failed;
  CQL_RETURN_IF_ERROR(st);
  return {};
}

}  // namespace

Outcome<void> ApplyMutations(const std::vector<Mutation>& muts, const ExecContext& ctx) {
  store::Store* s = ctx.store;
  for (const auto& m : muts) {
    if (!m.ops.empty()) return ApplyReadModifyWrite(muts, ctx);
  }
  bool has_range = false;  // clustering range deletes read the range first: never deferred
  for (const auto& m : muts) has_range = has_range || m.kind == Mutation::Kind::kDeleteRange;
  WriteGroup* group = WriteGroup::Current();
  if (group && !has_range && group->count() + muts.size() <= kMaxGroupWrites) {
    // Deferred to the connection's commit of the burst (write_group.h). A statement's
    // writes join the group all or none (a single write leaves the batch unchanged on an
    // error; several are validated in a batch of their own first).
    if (muts.size() > 1) {
      store::WriteBatch own = s->NewWriteBatch();
      CQL_TRY_VOID(AddAll(muts, s, &own));
    }
    return AddAll(muts, s, &group->batch());
  }
  if (muts.size() == 1 && muts[0].kind == Mutation::Kind::kUpsert && muts[0].native.empty()) {
    CQL_RETURN_IF_ERROR(s->Upsert(*muts[0].table, muts[0].row, muts[0].write));
    return {};
  }
  // One atomic store write: every mutation or none (an error while adding them leaves
  // nothing written).
  store::WriteBatch b = s->NewWriteBatch();
  CQL_TRY_VOID(AddAll(muts, s, &b));
  CQL_RETURN_IF_ERROR(s->Write(b));
  return {};
}

}  // namespace kappa::cql
