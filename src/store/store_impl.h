// StoreImpl: the RocksDB-backed Store. Private to src/store; see store.h for the contract and
// docs/formats/store.md for the layout.
//
// Column families: "default" holds schemas, store metadata and user meta (PutMeta);
// "rows" holds table rows (merge operator + expiry compaction filter, rocks_hooks.h).
//
// Locking: schema_mu_ (shared_mutex) guards the in-memory catalog. Writes hold it shared for
// the duration of their RocksDB write and check that their table's storage id is live, so a
// DROP/TRUNCATE (which holds it exclusively while it deletes the table's key range) never
// races with a write into the range it deletes. ddl_mu_ serializes DDL statements.
#pragma once

#include <rocksdb/cache.h>
#include <rocksdb/db.h>

#include <array>
#include <condition_variable>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_set>

#include "common/mutex.h"
#include "metrics/metrics.h"
#include "store/rocks_hooks.h"
#include "store/row_codec.h"
#include "store/store.h"

namespace kappa::store {

// "keyspace.table", for error messages.
inline std::string Qualified(const TableSchema& t) { return t.keyspace + "." + t.name; }

struct WriteBatch::Rep {
  rocksdb::WriteBatch wb;  // meta writes, and the row merges once Materialize()d
  // Row merges (rows column family) wait here until the commit, which adds them to `wb` in
  // key order (stable: merges of one key keep their order). Sorted inserts let the memtable
  // skip list reuse its last insert position instead of searching from the top for each key.
  struct PendingMerge {
    uint32_t key_offset, key_size, value_size;  // in `pending_bytes`; the value follows the key
  };
  std::string pending_bytes;
  std::vector<PendingMerge> pending;
  size_t count = 0;
  size_t meta_count = 0;  // of `count`, PutMeta/DeleteMeta (not rows)
  std::vector<uint32_t> storage_ids;  // tables written, checked live at commit
  Clock* clock = nullptr;
  rocksdb::ColumnFamilyHandle* rows = nullptr;
  rocksdb::ColumnFamilyHandle* meta = nullptr;
  WriteTime Now(const WriteOptions& w) const;
  Status AddMerge(std::string_view key, std::string_view value);
  // Moves the pending row merges into `wb`, sorted by key.
  Status Materialize();
};

// The store's metric handles (store_metrics.cc).
struct StoreMetrics {
  explicit StoreMetrics(metrics::Registry* r);
  std::shared_ptr<rocksdb::EventListener> NewCompactionListener() const;
  metrics::Registry* registry;
  metrics::Counter rows_written, rows_read, compactions, compaction_bytes;
};

class StoreImpl final : public Store {
 public:
  explicit StoreImpl(const StoreOptions& o);
  ~StoreImpl() override;
  Status OpenDb();
  void CloseDb();

  bool read_only() const override { return options_.read_only; }
  Status CatchUp() override;

  Status CreateKeyspace(const KeyspaceSchema& ks, bool if_not_exists) override;
  Status DropKeyspace(std::string_view keyspace, bool if_exists) override;
  Status CreateTable(const TableSchema& schema, bool if_not_exists) override;
  Status DropTable(std::string_view keyspace, std::string_view table, bool if_exists) override;
  Status AlterTableAddColumn(std::string_view keyspace, std::string_view table,
                             std::string_view column, const Type& type, bool is_static) override;
  Status AlterTableDropColumn(std::string_view keyspace, std::string_view table,
                              std::string_view column) override;
  Status AlterTableOptions(std::string_view keyspace, std::string_view table,
                           const std::map<std::string, std::string>& options) override;
  Status TruncateTable(std::string_view keyspace, std::string_view table) override;
  std::vector<KeyspaceSchema> ListKeyspaces() const override;
  Result<KeyspaceSchema> GetKeyspace(std::string_view keyspace) const override;
  std::vector<std::shared_ptr<const TableSchema>> ListTables(std::string_view keyspace) const override;
  Result<std::shared_ptr<const TableSchema>> GetTable(std::string_view keyspace,
                                                      std::string_view table) const override;
  Uuid SchemaVersion() const override;
  uint64_t AddSchemaListener(SchemaListener listener) override;
  void RemoveSchemaListener(uint64_t id) override;

  Status Upsert(const TableSchema& table, const Row& row, const WriteOptions& w) override;
  Result<std::optional<Row>> InsertIfNotExists(const TableSchema& table, const Row& row,
                                               const WriteOptions& w) override;
  Status DeleteRow(const TableSchema& table, const std::vector<Value>& primary_key,
                   const WriteOptions& w) override;
  Status DeletePartition(const TableSchema& table, const std::vector<Value>& partition_key,
                         const WriteOptions& w) override;
  Status DeleteClusteringRange(const TableSchema& table, const std::vector<Value>& partition_key,
                               const ClusteringRange& range, const WriteOptions& w) override;
  Status Write(WriteBatch& batch, bool sync) override;
  WriteBatch NewWriteBatch() override;

  Result<CasResult> WriteIf(const TableSchema& table, const std::vector<Value>& primary_key,
                            const RowCondition& condition, WriteBatch& batch,
                            bool sync) override;

  Status ModifyRows(std::span<const RowRef> rows, const ReadOptions& read,
                    const RowsModifier& modify, WriteBatch& batch, bool sync) override;

  Result<std::optional<Row>> Get(const TableSchema& table, const std::vector<Value>& primary_key,
                                 const ReadOptions& r = {}) const override;
  Result<bool> GetNative(const TableSchema& table, const std::vector<Value>& primary_key,
                         const std::function<void(NativeCells)>& fn) const override;
  Result<std::vector<Row>> ScanPartition(const TableSchema& table,
                                         const std::vector<Value>& partition_key,
                                         const ClusteringRange& range, bool reverse,
                                         size_t limit, const ReadOptions& r = {}) const override;
  Result<ScanResult> Scan(const TableSchema& table, const TokenRange& range,
                          std::string_view paging_state, size_t limit,
                          const ReadOptions& r = {}) const override;
  Result<uint64_t> Count(const TableSchema& table) const override;

  Result<std::optional<std::string>> GetMeta(std::string_view key) const override;
  Result<std::vector<std::pair<std::string, std::string>>> ListMeta(
      std::string_view prefix) const override;
  Status PutMeta(std::string_view key, std::string_view value, bool sync) override;
  Status Flush() override;
  Status CopyTo(const std::string& target_data_dir) const override;  // store_backup.cc
  Status CompactAll() override;
  uint64_t Level0Files() const override;

 private:
  // The stored value of the row with this full primary key (its key in *key) and its
  // partition's tombstone timestamp; false if there is none. `partition`: the partition
  // record's value for tables with static columns (left empty if there is none).
  Result<bool> ReadRowValue(const TableSchema& t, const std::vector<Value>& primary_key,
                            std::string* key, rocksdb::PinnableSlice* value,
                            int64_t* shadow, rocksdb::PinnableSlice* partition = nullptr) const;
  // Catalog (store_catalog.cc).
  Status LoadCatalog();
  static std::string TableMapKey(std::string_view ks, std::string_view t);
  static void TableMapKey(std::string_view ks, std::string_view t, std::string* out);
  // Commits a DDL batch (plus a new schema version) and updates the in-memory catalog via
  // `apply`, under schema_mu_ held exclusively (so `apply` is a lambda declared
  // REQUIRES(schema_mu_)). Then notifies listeners.
  Status CommitDdl(rocksdb::WriteBatch* wb, const std::function<void()>& apply,
                   const SchemaChange& change);
  Status DeleteTableRows(uint32_t storage_id, rocksdb::WriteBatch* wb);
  Status ModifyTable(std::string_view keyspace, std::string_view table,
                     const std::function<Status(TableSchema*)>& edit);
  void Notify(const SchemaChange& c);
  Status Writable() const;

  // Writes (store_write.cc).
  WriteTime Now(const WriteOptions& w) const;
  Status CommitRows(rocksdb::WriteBatch* wb, const std::vector<uint32_t>& storage_ids, bool sync);
  Status CheckLiveLocked(uint32_t storage_id, const TableSchema& t) const
      REQUIRES_SHARED(schema_mu_);

  // Settling level 0 when writes stop (store_settle.cc).
  void StartSettler();
  void StopSettler();
  void SettleLoop();
  Status SetLevel0Trigger(int files);

  // Reads (store_read.cc).
  // Partition tombstone timestamp of a clustered table's partition (kNoTimestamp if none);
  // with `statics`, also its static cells (store_static.cc, StaticCells).
  Result<int64_t> PartitionShadow(const TableSchema& t, std::string_view partition_prefix,
                                  const rocksdb::Snapshot* snap,
                                  StaticCells* statics = nullptr) const;
  uint32_t NowSeconds() const { return uint32_t(clock_->NowMs() / 1000); }
  // Registers the RocksDB-properties collector (end of OpenDb; CloseDb resets it first).
  void RegisterCollector();

  const StoreOptions options_;
  Clock* const clock_;
  const StoreMetrics metrics_;
  metrics::CollectorHandle collector_;
  std::string db_path_;
  std::string secondary_path_;  // read-only: temp dir removed on close
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::ColumnFamilyHandle* meta_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* rows_cf_ = nullptr;
  std::unique_ptr<rocksdb::CompactionFilter> filter_;
  std::shared_ptr<rocksdb::Cache> cache_;

  std::thread settler_;
  Mutex settler_mu_;
  CondVar settler_cv_;
  bool settler_stop_ GUARDED_BY(settler_mu_) = false;

  Mutex ddl_mu_;  // serializes DDL
  mutable SharedMutex schema_mu_;
  std::map<std::string, KeyspaceSchema> keyspaces_ GUARDED_BY(schema_mu_);
  std::map<std::string, std::shared_ptr<const TableSchema>> tables_ GUARDED_BY(schema_mu_);
  std::unordered_set<uint32_t> live_storage_ids_ GUARDED_BY(schema_mu_);
  Uuid schema_version_ GUARDED_BY(schema_mu_);
  uint32_t next_storage_id_ GUARDED_BY(schema_mu_) = 1;

  Mutex listeners_mu_;
  std::map<uint64_t, SchemaListener> listeners_ GUARDED_BY(listeners_mu_);
  uint64_t next_listener_id_ GUARDED_BY(listeners_mu_) = 1;

  // LWT: InsertIfNotExists and WriteIf hold the stripe of their row key across
  // read-check-write.
  size_t LwtStripeIndex(const std::string& row_key) const {
    return std::hash<std::string>()(row_key) % lwt_stripes_.size();
  }
  std::mutex& LwtStripe(const std::string& row_key) const { return lwt_stripes_[LwtStripeIndex(row_key)]; }
  mutable std::array<std::mutex, 64> lwt_stripes_;
};

// Level-0 files that start a compaction into the levels below while writes flow
// (store_open.cc), and when they have stopped (store_settle.cc).
inline constexpr int kLevel0Trigger = 8;
inline constexpr int kLevel0SettledTrigger = 2;

// RocksDB status -> kappa Status, with context.
Status FromRocks(const rocksdb::Status& s, std::string_view context);

}  // namespace kappa::store
