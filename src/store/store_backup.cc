// Store::CopyTo: the table store's half of `kappa backup` (app/backup.cc).
//
// Why a key-by-key copy and not a RocksDB Checkpoint: `kappa backup` runs beside the `kappa
// up` that owns the directory, so it sees the store only as a secondary instance, and a
// checkpoint hard-links the primary's live files, which the primary's compactions delete at
// any time (a secondary cannot hold deletions off). The secondary's view, on the other hand,
// is one consistent point of the primary's writes (its WAL included) for as long as it stays
// open: the files it needs stay readable through its open descriptors (max_open_files = -1)
// even after the primary unlinked them. Copying that view is O(data), compacts the copy, and
// needs nothing from the running process.
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <filesystem>
#include <memory>

#include "metrics/metrics.h"
#include "store/store_impl.h"

namespace kappa::store {

Status StoreImpl::CopyTo(const std::string& target_data_dir) const {
  const std::string target_db = target_data_dir + "/store";
  std::error_code ec;
  if (std::filesystem::exists(target_db, ec)) {
    return Status::AlreadyExists(target_db + " exists: a copy goes into a new directory");
  }
  // The copy's own metrics stay out of the process's /metrics.
  metrics::Registry private_metrics;
  StoreOptions o = options_;
  o.data_dir = target_data_dir;
  o.read_only = false;
  o.metrics = &private_metrics;
  o.settle_after_ms = 0;
  ASSIGN_OR_RETURN(std::unique_ptr<Store> copy, Store::Open(o));
  auto* dst = static_cast<StoreImpl*>(copy.get());

  // No WAL for the copy's writes: nothing reads it before the flush below, which persists
  // everything (and a copy cut short by a crash is discarded anyway).
  rocksdb::WriteOptions wo;
  wo.disableWAL = true;
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;  // one full scan: keep the block cache for reads that repeat
  ro.total_order_seek = true;
  constexpr size_t kBatchBytes = 4 << 20;
  const std::pair<rocksdb::ColumnFamilyHandle*, rocksdb::ColumnFamilyHandle*> families[] = {
      {meta_cf_, dst->meta_cf_}, {rows_cf_, dst->rows_cf_}};
  for (const auto& [from, to] : families) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, from));
    rocksdb::WriteBatch batch;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      // A rows value read through the merge operator is the row's merged cells: a Put of it
      // is the same row (the operator treats a base value like any other).
      if (!batch.Put(to, it->key(), it->value()).ok()) {
        return Status::Internal("copying the store: cannot add to a write batch");
      }
      if (batch.GetDataSize() >= kBatchBytes) {
        RETURN_IF_ERROR(FromRocks(dst->db_->Write(wo, &batch), "write " + target_db));
        batch.Clear();
      }
    }
    RETURN_IF_ERROR(FromRocks(it->status(), "read " + db_path_));
    RETURN_IF_ERROR(FromRocks(dst->db_->Write(wo, &batch), "write " + target_db));
  }
  // Flush writes (and fsyncs) the table files and the MANIFEST that lists them.
  RETURN_IF_ERROR(copy->Flush());
  return Status::OK();
}

}  // namespace kappa::store
