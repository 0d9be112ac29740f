// Row writes: upserts (blind merges), tombstones, LWT inserts and atomic batches.
#include <algorithm>
#include <functional>

#include "store/key_codec.h"
#include "store/schema_codec.h"
#include "store/store_impl.h"

namespace kappa::store {
namespace {

WriteTime ResolveTime(Clock* clock, const WriteOptions& w) {
  return WriteTime{w.timestamp_micros == WriteOptions::kNow ? clock->NowMicros() : w.timestamp_micros,
                   uint32_t(clock->NowMs() / 1000)};
}

}  // namespace

WriteTime WriteBatch::Rep::Now(const WriteOptions& w) const { return ResolveTime(clock, w); }

Status WriteBatch::Rep::AddMerge(std::string_view key, std::string_view value) {
  // Offsets are 32-bit: a (never seen) batch past 4 GiB hands its earlier merges over first,
  // which keeps every key's merges in order.
  if (pending_bytes.size() + key.size() + value.size() > UINT32_MAX) RETURN_IF_ERROR(Materialize());
  pending.push_back(PendingMerge{uint32_t(pending_bytes.size()), uint32_t(key.size()),
                                 uint32_t(value.size())});
  pending_bytes.append(key);
  pending_bytes.append(value);
  return Status::OK();
}

Status WriteBatch::Rep::Materialize() {
  if (pending.empty()) return Status::OK();
  const char* base = pending_bytes.data();
  auto key_of = [base](const PendingMerge& m) { return std::string_view(base + m.key_offset, m.key_size); };
  std::stable_sort(pending.begin(), pending.end(),
                   [&](const PendingMerge& a, const PendingMerge& b) { return key_of(a) < key_of(b); });
  for (const PendingMerge& m : pending) {
    rocksdb::Slice k(base + m.key_offset, m.key_size);
    rocksdb::Slice v(base + m.key_offset + m.key_size, m.value_size);
    RETURN_IF_ERROR(FromRocks(wb.Merge(rows, k, v), "batch write"));
  }
  pending.clear();
  pending_bytes.clear();
  return Status::OK();
}
WriteTime StoreImpl::Now(const WriteOptions& w) const { return ResolveTime(clock_, w); }

Status StoreImpl::CheckLiveLocked(uint32_t storage_id, const TableSchema& t) const {
  if (!live_storage_ids_.count(storage_id)) {
    return Status::NotFound("table " + Qualified(t) + " does not exist (dropped?)");
  }
  return Status::OK();
}

Status StoreImpl::CommitRows(rocksdb::WriteBatch* wb, const std::vector<uint32_t>& storage_ids,
                             bool sync) {
  RETURN_IF_ERROR(Writable());
  ReaderMutexLock lock(schema_mu_);
  for (uint32_t sid : storage_ids) {
    if (!live_storage_ids_.count(sid)) {
      return Status::NotFound("a table written by this batch no longer exists (dropped?)");
    }
  }
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  return FromRocks(db_->Write(wo, wb), "write rows");
}

Status StoreImpl::Upsert(const TableSchema& table, const Row& row, const WriteOptions& w) {
  RETURN_IF_ERROR(Writable());
  if (table.has_static_columns()) {  // up to two keys: the row and the partition record
    WriteBatch b = NewWriteBatch();
    RETURN_IF_ERROR(b.Upsert(table, row, w));
    return Write(b, w.sync);
  }
  thread_local std::string key, value;
  RETURN_IF_ERROR(EncodeUpsert(table, row, w, Now(w), &key, &value));
  ReaderMutexLock lock(schema_mu_);
  RETURN_IF_ERROR(CheckLiveLocked(table.storage_id, table));
  rocksdb::WriteOptions wo;
  wo.sync = w.sync;
  RETURN_IF_ERROR(
      FromRocks(db_->Merge(wo, rows_cf_, key, value), "upsert into " + Qualified(table)));
  metrics_.rows_written.Add();
  return Status::OK();
}

Result<std::optional<Row>> StoreImpl::InsertIfNotExists(const TableSchema& table, const Row& row,
                                                        const WriteOptions& w) {
  RETURN_IF_ERROR(Writable());
  if (row.size() != table.columns.size()) {
    return Status::InvalidArgument("row for " + Qualified(table) + " has " +
                                   std::to_string(row.size()) + " values, the table has " +
                                   std::to_string(table.columns.size()) + " columns");
  }
  std::string key;
  RETURN_IF_ERROR(RowKey(table, row, &key));
  std::lock_guard stripe(LwtStripe(key));
  std::vector<Value> pk(row.begin(), row.begin() + long(table.primary_key_size()));
  ASSIGN_OR_RETURN(std::optional<Row> existing, Get(table, pk));
  if (existing) return existing;
  RETURN_IF_ERROR(Upsert(table, row, w));
  return std::optional<Row>();
}

Status StoreImpl::DeleteRow(const TableSchema& table, const std::vector<Value>& primary_key,
                            const WriteOptions& w) {
  WriteBatch b = NewWriteBatch();
  RETURN_IF_ERROR(b.DeleteRow(table, primary_key, w));
  return Write(b, w.sync);
}

Status StoreImpl::DeletePartition(const TableSchema& table,
                                  const std::vector<Value>& partition_key,
                                  const WriteOptions& w) {
  WriteBatch b = NewWriteBatch();
  RETURN_IF_ERROR(b.DeletePartition(table, partition_key, w));
  return Write(b, w.sync);
}

Status StoreImpl::DeleteClusteringRange(const TableSchema& table,
                                        const std::vector<Value>& partition_key,
                                        const ClusteringRange& range, const WriteOptions& w) {
  RETURN_IF_ERROR(Writable());
  // Row tombstones for the rows that exist in the range now (see store.h).
  ASSIGN_OR_RETURN(std::vector<Row> rows, ScanPartition(table, partition_key, range, false, 0));
  WriteBatch b = NewWriteBatch();
  for (const Row& r : rows) {
    std::vector<Value> pk(r.begin(), r.begin() + long(table.primary_key_size()));
    RETURN_IF_ERROR(b.DeleteRow(table, pk, w));
  }
  if (b.count() == 0) return Status::OK();
  return Write(b, w.sync);
}

Status StoreImpl::Write(WriteBatch& batch, bool sync) {
  if (batch.rep_->count == 0) return Status::OK();
  RETURN_IF_ERROR(batch.rep_->Materialize());
  RETURN_IF_ERROR(CommitRows(&batch.rep_->wb, batch.rep_->storage_ids, sync));
  metrics_.rows_written.Add(batch.rep_->count - batch.rep_->meta_count);
  return Status::OK();
}

WriteBatch StoreImpl::NewWriteBatch() {
  auto rep = std::make_unique<WriteBatch::Rep>();
  rep->clock = clock_;
  rep->rows = rows_cf_;
  rep->meta = meta_cf_;
  return WriteBatch(std::move(rep));
}

// ---- WriteBatch ----

WriteBatch::WriteBatch(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
WriteBatch::WriteBatch(WriteBatch&&) noexcept = default;
WriteBatch& WriteBatch::operator=(WriteBatch&&) noexcept = default;
WriteBatch::~WriteBatch() = default;

namespace {

void NoteTable(WriteBatch::Rep* rep, uint32_t sid) {
  if (std::find(rep->storage_ids.begin(), rep->storage_ids.end(), sid) == rep->storage_ids.end()) {
    rep->storage_ids.push_back(sid);
  }
}

// An upsert of a table with static columns: the regular part (when the row is named and
// something of it is written) under the row key, the static cells under the partition
// record key. Both encoded before either is added, so an error leaves the batch unchanged.
Status AddUpsertWithStatics(WriteBatch::Rep* rep, const TableSchema& t, const Row& row,
                            const WriteOptions& w) {
  if (row.size() != t.columns.size()) {
    return Status::InvalidArgument("row for " + Qualified(t) + " has " + std::to_string(row.size()) +
                                   " values, the table has " + std::to_string(t.columns.size()) +
                                   " columns");
  }
  bool statics = false, regulars = false;
  for (size_t i = t.primary_key_size(); i < row.size(); ++i) {
    if (row[i].is_unset()) continue;
    (t.columns[i].kind == ColumnKind::kStatic ? statics : regulars) = true;
  }
  bool clustering = true;
  for (size_t i = t.partition_key_size(); i < t.primary_key_size(); ++i) {
    clustering = clustering && row[i].is_set();
  }
  const bool row_part = clustering && (regulars || w.row_marker);
  if (!clustering && (regulars || !statics)) {
    std::string missing;
    for (size_t i = t.partition_key_size(); i < t.primary_key_size(); ++i) {
      if (!row[i].is_set()) missing += (missing.empty() ? "" : ", ") + t.columns[i].name;
    }
    return Status::InvalidArgument("Some clustering keys are missing: " + missing);
  }
  const WriteTime when = rep->Now(w);
  std::string row_key, row_value, static_key, static_value;
  if (row_part) {
    RETURN_IF_ERROR(EncodeUpsert(t, row, w, when, &row_key, &row_value, UpsertPart::kRegular));
  }
  if (statics) {
    RETURN_IF_ERROR(EncodeUpsert(t, row, w, when, &static_key, &static_value, UpsertPart::kStatic));
  }
  if (row_part) RETURN_IF_ERROR(rep->AddMerge(row_key, row_value));
  if (statics) RETURN_IF_ERROR(rep->AddMerge(static_key, static_value));
  NoteTable(rep, t.storage_id);
  ++rep->count;
  return Status::OK();
}

}  // namespace

Status WriteBatch::Upsert(const TableSchema& table, const Row& row, const WriteOptions& w) {
  if (table.has_static_columns()) return AddUpsertWithStatics(rep_.get(), table, row, w);
  thread_local std::string key, value;
  RETURN_IF_ERROR(EncodeUpsert(table, row, w, rep_->Now(w), &key, &value));
  RETURN_IF_ERROR(rep_->AddMerge(key, value));
  NoteTable(rep_.get(), table.storage_id);
  ++rep_->count;
  return Status::OK();
}

Status WriteBatch::UpsertNative(const TableSchema& table, std::span<const Value> primary_key,
                                std::span<const NativeCell> regular, const WriteOptions& w) {
  if (table.has_static_columns()) {
    return Status::InvalidArgument("native upserts do not take tables with static columns (" +
                                   Qualified(table) + ")");
  }
  thread_local std::string key, value;
  RETURN_IF_ERROR(EncodeUpsertNative(table, primary_key, regular, w, rep_->Now(w), &key, &value));
  RETURN_IF_ERROR(rep_->AddMerge(key, value));
  NoteTable(rep_.get(), table.storage_id);
  ++rep_->count;
  return Status::OK();
}

Status WriteBatch::DeleteRow(const TableSchema& table, const std::vector<Value>& primary_key,
                             const WriteOptions& w) {
  std::string key;
  if (primary_key.size() != table.primary_key_size()) {
    return Status::InvalidArgument("deleting a row of " + Qualified(table) + " needs " +
                                   std::to_string(table.primary_key_size()) +
                                   " primary key values, got " +
                                   std::to_string(primary_key.size()));
  }
  RETURN_IF_ERROR(RowKey(table, primary_key, &key));
  RETURN_IF_ERROR(rep_->AddMerge(key, EncodeTombstone(rep_->Now(w))));
  NoteTable(rep_.get(), table.storage_id);
  ++rep_->count;
  return Status::OK();
}

Status WriteBatch::DeletePartition(const TableSchema& table,
                                   const std::vector<Value>& partition_key,
                                   const WriteOptions& w) {
  if (partition_key.size() != table.partition_key_size()) {
    return Status::InvalidArgument("deleting a partition of " + Qualified(table) + " needs " +
                                   std::to_string(table.partition_key_size()) +
                                   " partition key values, got " +
                                   std::to_string(partition_key.size()));
  }
  std::string key;
  if (table.clustering_size() == 0) {
    RETURN_IF_ERROR(RowKey(table, partition_key, &key));  // the partition is its one row
  } else {
    RETURN_IF_ERROR(PartitionRecordKey(table, partition_key, &key));
  }
  RETURN_IF_ERROR(rep_->AddMerge(key, EncodeTombstone(rep_->Now(w))));
  NoteTable(rep_.get(), table.storage_id);
  ++rep_->count;
  return Status::OK();
}

void WriteBatch::PutMeta(std::string_view key, std::string_view value) {
  rep_->wb.Put(rep_->meta, meta::UserMetaKey(key), rocksdb::Slice(value.data(), value.size()));
  ++rep_->count;
  ++rep_->meta_count;
}

void WriteBatch::DeleteMeta(std::string_view key) {
  rep_->wb.Delete(rep_->meta, meta::UserMetaKey(key));
  ++rep_->count;
  ++rep_->meta_count;
}

size_t WriteBatch::count() const { return rep_->count; }
size_t WriteBatch::byte_size() const { return rep_->wb.GetDataSize() + rep_->pending_bytes.size(); }
void WriteBatch::Clear() {
  rep_->wb.Clear();
  rep_->pending.clear();
  rep_->pending_bytes.clear();
  rep_->count = 0;
  rep_->meta_count = 0;
  rep_->storage_ids.clear();
}

}  // namespace kappa::store
