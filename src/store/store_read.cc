// Row reads: point gets, partition slices, token-ordered scans with paging, counts.
#include "store/key_codec.h"
#include "store/store_impl.h"

namespace kappa::store {
namespace {

// A failed read's status, naming the table. Call it only on failure: point reads are hot, and
// the table's name is not built for a read that succeeded.
Status ReadError(const rocksdb::Status& s, const char* what, const TableSchema& t) {
  return FromRocks(s, std::string(what) + Qualified(t));
}

Result<int64_t> ShadowFromValue(std::string_view v) {
  RowState s;
  if (!DecodeRowState(v, &s)) return Status::Corruption("undecodable partition record");
  return s.tombstone_ts;
}

// A RocksDB iterator over [lower, upper) of the rows column family (bounds owned here).
struct BoundedIter {
  std::string lower, upper;
  rocksdb::Slice lo, hi;
  rocksdb::ReadOptions ro;
  std::unique_ptr<rocksdb::Iterator> it;

  BoundedIter(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, std::string l, std::string u,
              const rocksdb::Snapshot* snap = nullptr)
      : lower(std::move(l)), upper(std::move(u)), lo(lower), hi(upper) {
    ro.iterate_lower_bound = &lo;
    ro.iterate_upper_bound = &hi;
    ro.snapshot = snap;
    it.reset(db->NewIterator(ro, cf));
  }
};

std::string_view View(const rocksdb::Slice& s) { return {s.data(), s.size()}; }

}  // namespace

Result<int64_t> StoreImpl::PartitionShadow(const TableSchema& t, std::string_view prefix,
                                           const rocksdb::Snapshot* snap,
                                           StaticCells* statics) const {
  if (t.clustering_size() == 0) return kNoTimestamp;
  std::string key(prefix);
  key.push_back(keys::kPartitionRecord);
  rocksdb::ReadOptions ro;
  ro.snapshot = snap;
  rocksdb::PinnableSlice v;
  rocksdb::Status s = db_->Get(ro, rows_cf_, key, &v);
  if (!s.ok() && !s.IsNotFound()) return ReadError(s, "read partition of ", t);
  std::string_view value = s.IsNotFound() ? std::string_view() : View(v);
  if (statics) {
    RETURN_IF_ERROR(DecodeStatics(t, key, value, NowSeconds(), statics));
  }
  if (value.empty()) return kNoTimestamp;
  return ShadowFromValue(value);
}

Result<bool> StoreImpl::ReadRowValue(const TableSchema& t, const std::vector<Value>& primary_key,
                                     std::string* key, rocksdb::PinnableSlice* value,
                                     int64_t* shadow, rocksdb::PinnableSlice* partition) const {
  if (primary_key.size() != t.primary_key_size()) {
    return Status::InvalidArgument("a get from " + Qualified(t) + " needs " +
                                   std::to_string(t.primary_key_size()) +
                                   " primary key values, got " +
                                   std::to_string(primary_key.size()));
  }
  key->clear();
  RETURN_IF_ERROR(RowKey(t, primary_key, key));
  *shadow = kNoTimestamp;
  if (t.clustering_size() == 0) {
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), rows_cf_, *key, value);
    if (s.IsNotFound()) return false;
    if (!s.ok()) return ReadError(s, "get from ", t);
    return true;
  }
  // The row and its partition record, from one consistent view.
  ASSIGN_OR_RETURN(size_t plen, PartitionPrefixLength(t, *key));
  std::string pkey = key->substr(0, plen);
  pkey.push_back(keys::kPartitionRecord);
  rocksdb::Slice ks[2] = {pkey, *key};
  rocksdb::PinnableSlice vs[2];
  rocksdb::Status ss[2];
  db_->MultiGet(rocksdb::ReadOptions(), rows_cf_, 2, ks, vs, ss);
  if (ss[0].ok()) {
    ASSIGN_OR_RETURN(*shadow, ShadowFromValue(View(vs[0])));
    if (partition) *partition = std::move(vs[0]);
  } else if (!ss[0].IsNotFound()) {
    return ReadError(ss[0], "get from ", t);
  }
  if (ss[1].IsNotFound()) return false;
  if (!ss[1].ok()) return ReadError(ss[1], "get from ", t);
  *value = std::move(vs[1]);
  return true;
}

Result<std::optional<Row>> StoreImpl::Get(const TableSchema& t,
                                          const std::vector<Value>& primary_key,
                                          const ReadOptions& ropts) const {
  thread_local std::string key;
  const uint32_t now_s = NowSeconds();
  rocksdb::PinnableSlice value, partition;
  int64_t shadow = kNoTimestamp;
  const bool statics = t.has_static_columns();
  ASSIGN_OR_RETURN(bool found, ReadRowValue(t, primary_key, &key, &value, &shadow,
                                            statics ? &partition : nullptr));
  if (!found) return std::optional<Row>();
  Row row;
  ASSIGN_OR_RETURN(bool live, DecodeRow(t, key, View(value), now_s, shadow, &row,
                                                ropts.cell_metadata));
  if (!live) return std::optional<Row>();
  if (statics) {
    StaticCells sc;
    sc.cell_metadata = ropts.cell_metadata;
    std::string pkey;
    RETURN_IF_ERROR(PartitionRecordKey(t, primary_key, &pkey));
    RETURN_IF_ERROR(DecodeStatics(t, pkey, View(partition), now_s, &sc));
    sc.ApplyTo(t, &row);
  }
  metrics_.rows_read.Add();
  return std::optional<Row>(std::move(row));
}

Result<bool> StoreImpl::GetNative(const TableSchema& t, const std::vector<Value>& primary_key,
                                  const std::function<void(NativeCells)>& fn) const {
  thread_local std::string key;
  thread_local std::vector<std::optional<std::string_view>> cells;
  thread_local std::vector<std::string> scratch;
  const uint32_t now_s = NowSeconds();
  rocksdb::PinnableSlice value, partition;
  int64_t shadow = kNoTimestamp;
  const bool statics = t.has_static_columns();
  ASSIGN_OR_RETURN(bool found, ReadRowValue(t, primary_key, &key, &value, &shadow,
                                            statics ? &partition : nullptr));
  if (!found) return false;
  ASSIGN_OR_RETURN(bool live, DecodeRowNative(t, View(value), now_s, shadow, &cells, &scratch));
  if (!live) return false;
  if (statics) RETURN_IF_ERROR(DecodeStaticsNative(t, View(partition), now_s, &cells, &scratch));
  // Primary key columns: serialized from the values asked for (the key holds the same).
  for (size_t i = 0; i < primary_key.size(); ++i) {
    std::string& b = scratch[i];
    b.clear();
    SerializeNative(primary_key[i], &b);
    cells[i] = b;
  }
  fn(NativeCells(cells.data(), cells.size()));
  metrics_.rows_read.Add();
  return true;
}

Result<std::vector<Row>> StoreImpl::ScanPartition(const TableSchema& t,
                                                  const std::vector<Value>& partition_key,
                                                  const ClusteringRange& range, bool reverse,
                                                  size_t limit, const ReadOptions& ropts) const {
  if (partition_key.size() != t.partition_key_size()) {
    return Status::InvalidArgument("a partition of " + Qualified(t) + " is named by " +
                                   std::to_string(t.partition_key_size()) +
                                   " partition key values, got " +
                                   std::to_string(partition_key.size()));
  }
  std::string prefix;
  RETURN_IF_ERROR(AppendPartitionPrefix(t, partition_key, &prefix));
  std::string rows_prefix = prefix + keys::kRowRecord;
  std::string lower = rows_prefix, upper;
  if (!range.start.prefix.empty()) {
    RETURN_IF_ERROR(AppendClustering(t, range.start.prefix, &lower));
    if (!range.start.inclusive) lower = keys::PrefixSuccessor(lower);
  }
  if (range.end.prefix.empty()) {
    upper = keys::PrefixSuccessor(rows_prefix);
  } else {
    upper = rows_prefix;
    RETURN_IF_ERROR(AppendClustering(t, range.end.prefix, &upper));
    if (range.end.inclusive) upper = keys::PrefixSuccessor(upper);
  }
  std::vector<Row> out;
  if (lower >= upper) return out;

  // One snapshot for the partition record and its rows. A read-only store (a RocksDB
  // secondary) has none to give, and needs none: its view changes only in CatchUp, which
  // never runs concurrently with reads.
  const rocksdb::Snapshot* snap = read_only() ? nullptr : db_->GetSnapshot();
  struct Release {
    rocksdb::DB* db;
    const rocksdb::Snapshot* s;
    ~Release() {
      if (s != nullptr) db->ReleaseSnapshot(s);
    }
  } release{db_.get(), snap};
  const bool statics = t.has_static_columns();
  StaticCells sc;
  sc.cell_metadata = ropts.cell_metadata;
  ASSIGN_OR_RETURN(int64_t shadow, PartitionShadow(t, prefix, snap, statics ? &sc : nullptr));
  BoundedIter bi(db_.get(), rows_cf_, lower, upper, snap);
  rocksdb::Iterator* it = bi.it.get();
  const uint32_t now_s = NowSeconds();
  Row row;
  for (reverse ? it->SeekToLast() : it->SeekToFirst(); it->Valid();
       reverse ? it->Prev() : it->Next()) {
    ASSIGN_OR_RETURN(bool live, DecodeRow(t, View(it->key()), View(it->value()), now_s, shadow, &row,
                                                ropts.cell_metadata));
    if (!live) continue;
    if (statics) sc.ApplyTo(t, &row);
    out.push_back(std::move(row));
    if (limit && out.size() >= limit) break;
  }
  if (!it->status().ok()) return ReadError(it->status(), "scan partition of ", t);
  // A partition with static content and no row reads as one row of its statics, unless the
  // read restricts the clustering columns (Cassandra's rule).
  if (statics && out.empty() && sc.live && range.start.prefix.empty() && range.end.prefix.empty()) {
    out.push_back(std::move(sc.row));
  }
  metrics_.rows_read.Add(out.size());
  return out;
}

Result<ScanResult> StoreImpl::Scan(const TableSchema& t, const TokenRange& range,
                                   std::string_view paging_state, size_t limit,
                                   const ReadOptions& ropts) const {
  ScanResult result;
  std::string table_prefix;
  keys::AppendTableId(t.storage_id, &table_prefix);
  // Token bounds as key bounds: [lower, upper).
  std::string lower = table_prefix, upper = table_prefix;
  if (range.start_inclusive) {
    keys::AppendToken(range.start, &lower);
  } else {
    if (range.start == kMaxToken) return result;
    keys::AppendToken(range.start + 1, &lower);
  }
  if (range.end_inclusive && range.end == kMaxToken) {
    upper = keys::PrefixSuccessor(table_prefix);
  } else {
    keys::AppendToken(range.end_inclusive ? range.end + 1 : range.end, &upper);
  }
  std::string resume;
  if (!paging_state.empty()) {
    if (paging_state.size() < 12 || paging_state.substr(0, 4) != table_prefix) {
      return Status::InvalidArgument("paging state does not belong to table " + Qualified(t));
    }
    resume = std::string(paging_state);
    if (resume >= upper) return result;
    if (resume > lower) lower = resume;
  }
  if (lower >= upper) return result;

  BoundedIter bi(db_.get(), rows_cf_, lower, upper);
  rocksdb::Iterator* it = bi.it.get();
  const uint32_t now_s = NowSeconds();
  const bool clustered = t.clustering_size() > 0;
  const bool statics = t.has_static_columns();
  std::string current_partition;  // prefix of the partition whose shadow is known
  int64_t shadow = kNoTimestamp;
  StaticCells sc;
  sc.cell_metadata = ropts.cell_metadata;
  bool partition_rows = false;  // a row of current_partition was returned (maybe on a past page)
  Row row;
  // A partition with live statics and no live row reads as one row of its statics. It is
  // returned when the partition ends; its paging position is the partition record's key.
  // True if that filled the page (result.paging_state set when more keys follow).
  auto static_only_row = [&]() -> bool {
    if (!statics || partition_rows || !sc.live || current_partition.empty()) return false;
    partition_rows = true;
    result.rows.push_back(sc.row);
    if (!limit || result.rows.size() < limit) return false;
    if (it->Valid()) result.paging_state = current_partition + keys::kPartitionRecord;
    return true;
  };
  it->SeekToFirst();
  if (!resume.empty() && it->Valid() && View(it->key()) == resume) it->Next();
  if (clustered && !resume.empty()) {
    // Resuming inside a partition: its partition record lies before the resume point.
    ASSIGN_OR_RETURN(size_t plen, PartitionPrefixLength(t, resume));
    current_partition = resume.substr(0, plen);
    ASSIGN_OR_RETURN(shadow, PartitionShadow(t, current_partition, nullptr, statics ? &sc : nullptr));
    partition_rows = true;
  }
  bool full = false;
  for (; it->Valid(); it->Next()) {
    std::string_view key = View(it->key());
    if (clustered) {
      if (key.size() < current_partition.size() + 1 || !key.starts_with(current_partition) ||
          current_partition.empty()) {
        if (static_only_row()) {
          full = true;
          break;
        }
        ASSIGN_OR_RETURN(size_t plen, PartitionPrefixLength(t, key));
        current_partition.assign(key.substr(0, plen));
        shadow = kNoTimestamp;
        partition_rows = false;
        if (statics) RETURN_IF_ERROR(DecodeStatics(t, {}, {}, now_s, &sc));
      }
      if (key.size() > current_partition.size() &&
          key[current_partition.size()] == keys::kPartitionRecord) {
        ASSIGN_OR_RETURN(shadow, ShadowFromValue(View(it->value())));
        if (statics) RETURN_IF_ERROR(DecodeStatics(t, key, View(it->value()), now_s, &sc));
        continue;
      }
    }
    ASSIGN_OR_RETURN(bool live, DecodeRow(t, key, View(it->value()), now_s, shadow, &row,
                                                ropts.cell_metadata));
    if (!live) continue;
    if (statics) sc.ApplyTo(t, &row);
    partition_rows = true;
    result.rows.push_back(std::move(row));
    if (limit && result.rows.size() >= limit) {
      std::string last(key);
      it->Next();
      if (it->Valid()) result.paging_state = std::move(last);
      full = true;
      break;
    }
  }
  if (!it->status().ok()) return ReadError(it->status(), "scan ", t);
  if (!full) static_only_row();
  metrics_.rows_read.Add(result.rows.size());
  return result;
}

Result<uint64_t> StoreImpl::Count(const TableSchema& t) const {
  std::string lower, upper;
  keys::AppendTableId(t.storage_id, &lower);
  keys::AppendTableId(t.storage_id + 1, &upper);
  BoundedIter bi(db_.get(), rows_cf_, lower, upper);
  rocksdb::Iterator* it = bi.it.get();
  const uint32_t now_s = NowSeconds();
  const bool clustered = t.clustering_size() > 0;
  const bool statics = t.has_static_columns();
  std::string current_partition;
  int64_t shadow = kNoTimestamp;
  bool static_live = false, partition_rows = false;
  uint64_t n = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view key = View(it->key());
    if (clustered) {
      if (current_partition.empty() || !key.starts_with(current_partition)) {
        if (static_live && !partition_rows) ++n;  // a static-only partition reads as a row
        ASSIGN_OR_RETURN(size_t plen, PartitionPrefixLength(t, key));
        current_partition.assign(key.substr(0, plen));
        shadow = kNoTimestamp;
        static_live = partition_rows = false;
      }
      if (key.size() > current_partition.size() &&
          key[current_partition.size()] == keys::kPartitionRecord) {
        ASSIGN_OR_RETURN(shadow, ShadowFromValue(View(it->value())));
        if (statics) {
          ASSIGN_OR_RETURN(static_live, RowIsLive(View(it->value()), now_s, kNoTimestamp));
        }
        continue;
      }
    }
    ASSIGN_OR_RETURN(bool live, RowIsLive(View(it->value()), now_s, shadow));
    if (live) {
      ++n;
      partition_rows = true;
    }
  }
  if (!it->status().ok()) return ReadError(it->status(), "count ", t);
  if (static_live && !partition_rows) ++n;
  return n;
}

}  // namespace kappa::store
