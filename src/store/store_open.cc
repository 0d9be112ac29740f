// Opening and closing the RocksDB instance, maintenance calls and user metadata.
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/options_util.h>
#include <stdlib.h>

#include <filesystem>

#include "common/logging.h"
#include "store/schema_codec.h"
#include "store/store_impl.h"

namespace kappa::store {

Status FromRocks(const rocksdb::Status& s, std::string_view context) {
  if (s.ok()) return Status::OK();
  std::string m = std::string(context) + ": " + s.ToString();
  if (s.IsNotFound()) return Status::NotFound(m);
  if (s.IsCorruption()) return Status::Corruption(m);
  if (s.IsIOError()) {
    // RocksDB's own LOCK file held by another process.
    if (s.ToString().find("lock") != std::string::npos) return Status::Unavailable(m);
    return Status::IOError(m);
  }
  if (s.IsInvalidArgument()) return Status::InvalidArgument(m);
  if (s.IsNotSupported()) return Status::NotSupported(m);
  if (s.IsBusy() || s.IsTryAgain() || s.IsTimedOut()) return Status::Unavailable(m);
  return Status::Internal(m);
}

Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  if (options.data_dir.empty()) return Status::InvalidArgument("StoreOptions.data_dir is empty");
  auto s = std::make_unique<StoreImpl>(options);
  RETURN_IF_ERROR(s->OpenDb());
  return std::unique_ptr<Store>(std::move(s));
}

StoreImpl::StoreImpl(const StoreOptions& o)
    : options_(o),
      clock_(o.clock ? o.clock : Clock::Real()),
      metrics_(o.metrics != nullptr ? o.metrics : &metrics::Registry::Default()) {
  db_path_ = (std::filesystem::path(o.data_dir) / "store").string();
}

StoreImpl::~StoreImpl() { CloseDb(); }

void StoreImpl::CloseDb() {
  collector_.Reset();  // it reads db_
  StopSettler();
  if (db_) {
    for (auto* h : {meta_cf_, rows_cf_}) {
      if (h) db_->DestroyColumnFamilyHandle(h);
    }
    rocksdb::Status s = db_->Close();
    if (!s.ok()) KLOG_WARN("store: close {}: {}", db_path_, s.ToString());
    db_.reset();
    meta_cf_ = rows_cf_ = nullptr;
  }
  if (!secondary_path_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(secondary_path_, ec);
    secondary_path_.clear();
  }
}

Status StoreImpl::OpenDb() {
  rocksdb::DBOptions dbo;
  dbo.create_if_missing = !options_.read_only;
  dbo.create_missing_column_families = !options_.read_only;
  dbo.max_background_jobs = 2;
  dbo.keep_log_file_num = 3;
  dbo.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  dbo.bytes_per_sync = 1 << 20;
  dbo.listeners.push_back(metrics_.NewCompactionListener());

  cache_ = rocksdb::NewLRUCache(options_.block_cache_bytes);
  rocksdb::BlockBasedTableOptions bbt;
  bbt.block_cache = cache_;
  bbt.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  bbt.cache_index_and_filter_blocks = true;
  // Every table file's index and filter blocks stay pinned in the cache (charged to it, never
  // evicted; a few bytes per row: 10-bit blooms, an index entry per 4 KiB block), so a point
  // read reaches them without a cache lookup.
  // Pinning only L0's left the few bottom-level files' blocks as the hottest cache entries,
  // so every read took the same LRU shard's mutex twice and the server threads queued on it
  // (~10% of a read in `perf`; docs/benchmarks/cql.md, session 15).
  bbt.metadata_cache_options.unpartitioned_pinning = rocksdb::PinningTier::kAll;
  bbt.format_version = 5;
  // Point reads: a hash index inside each data block finds a key without the binary search.
  bbt.data_block_index_type = rocksdb::BlockBasedTableOptions::kDataBlockBinaryAndHash;
  // XXH3 block checksums: Debian's RocksDB is built portable and computes CRC32C in software.
  // Each table file records its checksum type, so files written before stay readable.
  bbt.checksum = rocksdb::kXXH3;
  // Point reads scan a data block from a restart point to the key: 4 keys between restart
  // points instead of 16 cut RocksDB's Get by ~10% (callgrind, `kappa bench cql`); table
  // files stayed the same size for ~490-byte rows (docs/benchmarks/cql-history.md, session 12).
  bbt.block_restart_interval = 4;

  rocksdb::CompressionType compression = rocksdb::kNoCompression;
  for (auto c : rocksdb::GetSupportedCompressions()) {
    if (c == rocksdb::kLZ4Compression) compression = c;
  }
  rocksdb::ColumnFamilyOptions meta_opts;
  meta_opts.table_factory.reset(rocksdb::NewBlockBasedTableFactory(bbt));
  rocksdb::ColumnFamilyOptions rows_opts;
  rows_opts.table_factory.reset(rocksdb::NewBlockBasedTableFactory(bbt));
  rows_opts.merge_operator = NewRowMergeOperator();
  filter_ = NewExpiryCompactionFilter(clock_, options_.gc_grace_seconds);
  rows_opts.compaction_filter = filter_.get();
  rows_opts.compression = compression;
  // Memory: at most max_write_buffer_number (2) memtables of 16 MiB per column family, plus
  // the block cache; a smaller memtable also keeps the skip list's insert path in cache (the
  // job's inserts land at random keys). Measured A/B in docs/benchmarks/pipeline.md.
  rows_opts.write_buffer_size = 16 << 20;
  // L0 files are short-lived (compacted into the base level soon): not compressing them takes
  // LZ4 off the flush path. Lower levels are compressed.
  rows_opts.compression_per_level.assign(7, compression);
  rows_opts.compression_per_level[0] = rocksdb::kNoCompression;
  // Compact L0 into the base level in batches of 8 small files rather than 4: fewer rewrites
  // of the base level per byte written (point reads check L0 files through pinned blooms).
  // When writes stop, the remaining L0 files are compacted sooner (store_settle.cc).
  rows_opts.level0_file_num_compaction_trigger = kLevel0Trigger;
  rows_opts.level_compaction_dynamic_level_bytes = true;
  rows_opts.max_successive_merges = 0;
  // Point gets of rows still in the memtable skip the skiplist search on a miss.
  rows_opts.memtable_whole_key_filtering = true;
  rows_opts.memtable_prefix_bloom_size_ratio = 0.02;
  // Insert hints per table (rocks_hooks.h): a write batch's rows are sorted, so each insert
  // starts from where the previous one of its table landed and fixes only the skip list
  // levels between them, instead of searching from the top for every row.
  rows_opts.memtable_insert_with_hint_prefix_extractor = NewTableInsertHintPrefix();

  std::vector<rocksdb::ColumnFamilyDescriptor> cfs = {
      {rocksdb::kDefaultColumnFamilyName, meta_opts}, {"rows", rows_opts}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status rs;
  if (options_.read_only) {
    if (!std::filesystem::exists(std::filesystem::path(db_path_) / "CURRENT")) {
      return Status::NotFound("no table store in " + options_.data_dir + " yet");
    }
    char tmpl[] = "/tmp/kappa-store-ro-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) return Status::IOError("cannot create a temp dir in /tmp");
    secondary_path_ = tmpl;
    dbo.max_open_files = -1;  // required by secondary instances
    rs = rocksdb::DB::OpenAsSecondary(dbo, db_path_, secondary_path_, cfs, &handles, &raw);
  } else {
    std::error_code ec;
    std::filesystem::create_directories(db_path_, ec);
    if (ec) return Status::IOError("create " + db_path_ + ": " + ec.message());
    rs = rocksdb::DB::Open(dbo, db_path_, cfs, &handles, &raw);
  }
  RETURN_IF_ERROR(FromRocks(rs, "open table store " + db_path_));
  db_.reset(raw);
  meta_cf_ = handles[0];
  rows_cf_ = handles[1];
  if (options_.read_only) {
    RETURN_IF_ERROR(FromRocks(db_->TryCatchUpWithPrimary(), "catch up with " + db_path_));
  } else {
    std::string fmt;
    rocksdb::Status g = db_->Get(rocksdb::ReadOptions(), meta_cf_, meta::kFormatKey, &fmt);
    if (g.IsNotFound()) {
      rocksdb::WriteOptions wo;
      wo.sync = true;
      RETURN_IF_ERROR(FromRocks(db_->Put(wo, meta_cf_, meta::kFormatKey, "1"), "init store"));
    } else if (!g.ok()) {
      return FromRocks(g, "read store format");
    } else if (fmt != "1") {
      return Status::NotSupported("table store format '" + fmt + "' in " + db_path_ +
                                  " is newer than this kappa understands");
    }
  }
  RETURN_IF_ERROR(LoadCatalog());
  if (!options_.read_only) StartSettler();
  RegisterCollector();
  return Status::OK();
}

Status StoreImpl::CatchUp() {
  if (!options_.read_only) return Status::OK();
  // A fresh secondary instance rather than TryCatchUpWithPrimary: RocksDB 7.8's secondary
  // keeps serving WAL entries it replayed before the primary flushed them, which hides
  // newer flushed data (facebook/rocksdb#14444, #15051). Reopening is cheap and always right.
  CloseDb();
  return OpenDb();
}

Status StoreImpl::Writable() const {
  if (options_.read_only) {
    return Status::Unavailable("the table store is open read-only (another process owns " +
                               options_.data_dir + ")");
  }
  return Status::OK();
}

Status StoreImpl::Flush() {
  if (options_.read_only) return Status::OK();
  rocksdb::FlushOptions fo;
  RETURN_IF_ERROR(FromRocks(db_->Flush(fo, meta_cf_), "flush"));
  return FromRocks(db_->Flush(fo, rows_cf_), "flush");
}

Status StoreImpl::CompactAll() {
  RETURN_IF_ERROR(Writable());
  rocksdb::CompactRangeOptions co;
  co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  return FromRocks(db_->CompactRange(co, rows_cf_, nullptr, nullptr), "compact");
}

Result<std::optional<std::string>> StoreImpl::GetMeta(std::string_view key) const {
  std::string v;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), meta_cf_, meta::UserMetaKey(key), &v);
  if (s.IsNotFound()) return std::optional<std::string>();
  RETURN_IF_ERROR(FromRocks(s, "get meta"));
  return std::optional<std::string>(std::move(v));
}

Result<std::vector<std::pair<std::string, std::string>>> StoreImpl::ListMeta(
    std::string_view prefix) const {
  std::vector<std::pair<std::string, std::string>> out;
  std::string start = meta::UserMetaKey(prefix);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), meta_cf_));
  for (it->Seek(start); it->Valid() && it->key().starts_with(start); it->Next()) {
    out.emplace_back(it->key().ToString().substr(1), it->value().ToString());
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "list meta"));
  return out;
}

Status StoreImpl::PutMeta(std::string_view key, std::string_view value, bool sync) {
  RETURN_IF_ERROR(Writable());
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  return FromRocks(db_->Put(wo, meta_cf_, meta::UserMetaKey(key), rocksdb::Slice(value.data(), value.size())),
                   "put meta");
}

}  // namespace kappa::store
