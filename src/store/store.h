// kappa's table store: keyspaces and typed tables with Cassandra semantics on RocksDB.
// The one public header of src/store (with store/types.h, store/schema.h and store/murmur3.h
// it includes).
// On-disk format: docs/formats/store.md.
//
// Semantics (Cassandra's):
// - Upsert never fails because a row exists. Every cell carries a write timestamp
//   (microseconds; default: the store's clock) and the highest timestamp wins per cell
//   (ties: a deletion wins, then the greater value). Writing a subset of columns leaves the
//   other columns alone. A row exists while its row marker (set by Upsert with
//   `WriteOptions::row_marker`, i.e. INSERT) or any regular cell is live.
// - TTL: cells written with ttl_seconds > 0 become invisible at write time + ttl (by the
//   store's clock) and are purged by compaction.
// - Deletes write tombstones with a timestamp: a row or partition deletion hides cells with
//   timestamps <= the deletion's. Clustering-range deletes write a row tombstone for each row
//   that exists in the range at the time of the delete.
// - Collections (list, set, map) are stored as one cell: a write replaces the whole value.
//   In-place updates of non-frozen collections (CQL's l = l + ?, m[k] = v, ...) are
//   read-modify-writes of that cell (ModifyRows).
// - Static columns (tables with clustering columns only) hold one value per partition,
//   stored in the partition record and returned with every row of the partition. An
//   upsert may set only static columns with only the partition key given (the clustering
//   values unset); a partition with live static cells and no live row reads as one row
//   whose clustering and regular columns are null (by scans without clustering bounds).
// - Counters: a table with a `counter` column has only counter columns besides its primary
//   key. The value written to a counter column is an increment (negative: a decrement);
//   increments of a cell add up, reads return the sum. Counter cells never expire. As in
//   Cassandra, a counter that was deleted and is incremented again has an unspecified value.
//
// Thread safety: a Store is thread-safe. Schemas handed out are immutable. Rows returned are
// copies owned by the caller. Schema listeners run on the thread that made the DDL, after it
// committed, without store locks held (they may call back into the store).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "common/uuid.h"
#include "store/murmur3.h"
#include "store/schema.h"
#include "store/types.h"

namespace kappa::metrics {
class Registry;
}

namespace kappa::store {

// ---- rows and requests ------------------------------------------------------------------

// One Value per column of the TableSchema it was read with or is written with (aligned with
// TableSchema::columns). Missing cells read as null.
using Row = std::vector<Value>;

struct WriteOptions {
  static constexpr int64_t kNow = INT64_MIN;
  // Cell timestamp in microseconds (CQL USING TIMESTAMP); kNow = the store clock's now.
  int64_t timestamp_micros = kNow;
  static constexpr int32_t kTableDefaultTtl = -1;
  // Cell TTL in seconds (USING TTL n). kTableDefaultTtl = the table's default_time_to_live
  // (none if unset); 0 = no TTL even if the table has a default (CQL's USING TTL 0).
  int32_t ttl_seconds = kTableDefaultTtl;
  // Write the row marker (CQL INSERT does, UPDATE does not): the row then exists even when
  // all its regular columns are null.
  bool row_marker = true;
  // fsync the WAL before returning (single writes; for a WriteBatch see Store::Write).
  // Default false: the write is in the WAL in the OS page cache, which survives a process
  // crash (kill -9) but not a power loss. Can be chosen per write.
  bool sync = false;
};

struct ReadOptions {
  // Also return each cell's write time and remaining TTL (CQL writetime() and ttl()): every
  // returned row then has 3 * columns.size() values: the column values, then per column its
  // write timestamp (bigint, microseconds), then per column its remaining TTL (int, seconds).
  // Metadata of key columns, missing cells and (for TTLs) cells without a TTL is null.
  bool cell_metadata = false;
};

// Outcome of a conditional write (Store::WriteIf).
struct CasResult {
  bool applied = false;
  std::optional<Row> current;  // the row as read before the write (nullopt: no live row)
};
// Decides a conditional write from the current row (nullopt if it does not exist).
using RowCondition = std::function<bool(const std::optional<Row>& current)>;

// Bounds on the clustering key within one partition, in the table's clustering order
// (the order ScanPartition returns rows without `reverse`: a DESC column's "start" is its
// highest value). Each bound is a prefix of the clustering columns (possibly all of them);
// an empty prefix means unbounded on that side.
struct ClusteringBound {
  std::vector<Value> prefix;
  bool inclusive = true;
};
struct ClusteringRange {
  ClusteringBound start;
  ClusteringBound end;
};

// Token range for full scans: rows whose partition token t satisfies
// start <(=) t <(=) end. Default: every token.
struct TokenRange {
  int64_t start = kMinToken;
  bool start_inclusive = true;
  int64_t end = kMaxToken;
  bool end_inclusive = true;
};

struct ScanResult {
  std::vector<Row> rows;
  // Opaque; pass back as `paging_state` to continue after the last row. Empty when the scan
  // reached the end of the range.
  std::string paging_state;
};

enum class SchemaChangeType : uint8_t { kCreated, kUpdated, kDropped };
enum class SchemaTarget : uint8_t { kKeyspace, kTable };
struct SchemaChange {
  SchemaChangeType type;
  SchemaTarget target;
  std::string keyspace;
  std::string table;  // empty for keyspace changes
};
using SchemaListener = std::function<void(const SchemaChange&)>;

struct StoreOptions {
  // Data directory; RocksDB lives in <data_dir>/store. Created if missing (not read-only).
  std::string data_dir;
  // Open without writing, while another process may own the data directory: a RocksDB
  // secondary instance (its own info log in a temp dir, removed on close) that sees what the
  // owner had written (WAL included) when Open returned, and more after CatchUp(). Every
  // mutation returns Unavailable.
  bool read_only = false;
  Clock* clock = Clock::Real();  // write timestamps and TTL expiry; not owned
  // Deleted cells and expired TTL cells are purged by compaction once they are this old.
  int64_t gc_grace_seconds = 3600;
  // RocksDB's block cache (table data, index and filter blocks). Reads fill it; the job's
  // writes, flushes and compactions do not. `store.block_cache` in kappa.yaml.
  size_t block_cache_bytes = 256 << 20;
  // After this long without a write, level-0 table files (flushed memtables, which every
  // point read probes) are compacted into the levels below when there are 2 or more. While
  // writes flow, RocksDB waits for 8 of them (cheaper writes). 0: never settle early.
  int64_t settle_after_ms = 1000;
  // Where the store's metrics go (kappa_store_*: rows written and read, SST sizes,
  // compactions; src/metrics/README.md). nullptr: metrics::Registry::Default(). Must outlive
  // the store.
  metrics::Registry* metrics = nullptr;
};

class WriteBatch;

// ---- the store ----------------------------------------------------------------------------

class Store {
 public:
  virtual ~Store() = default;

  // Opens (creating if needed) the store of options.data_dir. The caller is responsible for
  // owning the data directory (common/data_dir_lock.h) unless read_only. Errors: IOError or
  // Corruption from RocksDB (the message names the path), Unavailable if RocksDB's own LOCK
  // is held by another process.
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options);

  virtual bool read_only() const = 0;
  // Read-only stores: refreshes the view to what the owner has written since (reopens the
  // secondary instance). Must not run concurrently with other calls on this Store; schemas
  // obtained before stay valid. No-op for writable stores.
  virtual Status CatchUp() = 0;

  // -- schema (DDL). Each successful change bumps the schema version and calls listeners.
  // AlreadyExists / NotFound unless the if_(not_)exists flag makes it a no-op (no version bump).
  virtual Status CreateKeyspace(const KeyspaceSchema& ks, bool if_not_exists) = 0;
  virtual Status DropKeyspace(std::string_view keyspace, bool if_exists) = 0;  // and its tables
  // `schema` needs keyspace, name, columns (ids, storage_id left 0); validated (Finish()).
  virtual Status CreateTable(const TableSchema& schema, bool if_not_exists) = 0;
  virtual Status DropTable(std::string_view keyspace, std::string_view table, bool if_exists) = 0;
  virtual Status AlterTableAddColumn(std::string_view keyspace, std::string_view table,
                                     std::string_view column, const Type& type,
                                     bool is_static = false) = 0;
  // Only regular/static columns can be dropped; their cells become invisible at once.
  virtual Status AlterTableDropColumn(std::string_view keyspace, std::string_view table,
                                      std::string_view column) = 0;
  // Replaces the free-form options (ALTER TABLE ... WITH).
  virtual Status AlterTableOptions(std::string_view keyspace, std::string_view table,
                                   const std::map<std::string, std::string>& options) = 0;
  virtual Status TruncateTable(std::string_view keyspace, std::string_view table) = 0;

  virtual std::vector<KeyspaceSchema> ListKeyspaces() const = 0;
  virtual Result<KeyspaceSchema> GetKeyspace(std::string_view keyspace) const = 0;
  // Tables of one keyspace, or of all keyspaces when `keyspace` is empty; sorted by name.
  virtual std::vector<std::shared_ptr<const TableSchema>> ListTables(
      std::string_view keyspace = {}) const = 0;
  // NotFound names the keyspace or table that is missing.
  virtual Result<std::shared_ptr<const TableSchema>> GetTable(std::string_view keyspace,
                                                              std::string_view table) const = 0;
  // Changes on every DDL; persisted. (The CQL server's schema_version.)
  virtual Uuid SchemaVersion() const = 0;
  // Returns an id for RemoveSchemaListener.
  virtual uint64_t AddSchemaListener(SchemaListener listener) = 0;
  virtual void RemoveSchemaListener(uint64_t id) = 0;

  // -- writes. `table` must come from GetTable/ListTables of this store; a table dropped in
  // the meantime gives NotFound. Row vectors are aligned with table.columns: primary key
  // columns must be set; other columns unset = left alone, null = cell deleted.
  // InvalidArgument for a wrong arity, a missing key column or a value of the wrong type.
  virtual Status Upsert(const TableSchema& table, const Row& row, const WriteOptions& w = {}) = 0;
  // Atomic insert of a row whose primary key has no live row (CQL INSERT ... IF NOT EXISTS).
  // Returns nullopt if applied, else the existing row (not modified).
  virtual Result<std::optional<Row>> InsertIfNotExists(const TableSchema& table, const Row& row,
                                                       const WriteOptions& w = {}) = 0;
  // Primary key values: partition key then clustering columns, all of them.
  virtual Status DeleteRow(const TableSchema& table, const std::vector<Value>& primary_key,
                           const WriteOptions& w = {}) = 0;
  virtual Status DeletePartition(const TableSchema& table,
                                 const std::vector<Value>& partition_key,
                                 const WriteOptions& w = {}) = 0;
  virtual Status DeleteClusteringRange(const TableSchema& table,
                                       const std::vector<Value>& partition_key,
                                       const ClusteringRange& range,
                                       const WriteOptions& w = {}) = 0;
  // Atomic commit of a batch (one RocksDB write). sync: see WriteOptions::sync.
  virtual Status Write(WriteBatch& batch, bool sync = false) = 0;
  virtual WriteBatch NewWriteBatch() = 0;

  // Atomic read-check-write of one row (CQL UPDATE/DELETE ... IF): reads the row with this
  // full primary key and commits `batch` only if `condition` holds for it. Holds the row's
  // LWT lock throughout, so it is linearizable with the other conditional writes of the row
  // (WriteIf, InsertIfNotExists), not with plain writes (as in Cassandra). The batch may
  // write any rows; it is left unchanged when not applied.
  virtual Result<CasResult> WriteIf(const TableSchema& table,
                                    const std::vector<Value>& primary_key,
                                    const RowCondition& condition, WriteBatch& batch,
                                    bool sync = false) = 0;

  // Atomic read-modify-write of a few rows (CQL in-place collection updates): reads the
  // rows with these full primary keys (nullopt: no live row; with `read`'s cell metadata)
  // while holding their LWT stripes, lets `modify` add writes to `batch` from them, and
  // commits the batch (nothing if it stayed empty). So it is serialized with the other
  // read-modify-writes and conditional writes of those rows (not with plain blind writes).
  // An error from `modify` commits nothing.
  struct RowRef {
    const TableSchema* table;
    std::vector<Value> primary_key;
  };
  using RowsModifier =
      std::function<Status(std::span<const std::optional<Row>> current, WriteBatch& batch)>;
  virtual Status ModifyRows(std::span<const RowRef> rows, const ReadOptions& read,
                            const RowsModifier& modify, WriteBatch& batch, bool sync = false) = 0;

  // -- reads (a consistent snapshot per call). With ReadOptions::cell_metadata rows carry
  // cell write times and TTLs after their values (see ReadOptions).
  // The row with this full primary key, or nullopt if it does not exist (or is all expired).
  virtual Result<std::optional<Row>> Get(const TableSchema& table,
                                         const std::vector<Value>& primary_key,
                                         const ReadOptions& r = {}) const = 0;
  // The same point read for serving: hands `fn` the row's cells in CQL native serialization
  // (as stored; index = column, nullopt = null, primary key columns serialized from
  // `primary_key`) instead of building Values, so a server copies them straight into its
  // response. The views live until `fn` returns. False, without calling `fn`, if there is
  // no live row.
  using NativeCells = std::span<const std::optional<std::string_view>>;
  virtual Result<bool> GetNative(const TableSchema& table, const std::vector<Value>& primary_key,
                                 const std::function<void(NativeCells)>& fn) const = 0;
  // Rows of one partition within `range`, in clustering order (or reversed), at most `limit`
  // (0 = no limit).
  virtual Result<std::vector<Row>> ScanPartition(const TableSchema& table,
                                                 const std::vector<Value>& partition_key,
                                                 const ClusteringRange& range = {},
                                                 bool reverse = false, size_t limit = 0,
                                                 const ReadOptions& r = {}) const = 0;
  // Rows in token order (then partition key, then clustering order), resuming after
  // `paging_state` (from a previous ScanResult; empty = from the start of `range`), at most
  // `limit` rows (0 = no limit). InvalidArgument for a paging state of another table.
  virtual Result<ScanResult> Scan(const TableSchema& table, const TokenRange& range = {},
                                  std::string_view paging_state = {}, size_t limit = 0,
                                  const ReadOptions& r = {}) const = 0;
  // Live rows of the table (a full scan, without materializing rows).
  virtual Result<uint64_t> Count(const TableSchema& table) const = 0;

  // -- opaque metadata (job offsets, ...): a key space separate from tables, same atomicity.
  virtual Result<std::optional<std::string>> GetMeta(std::string_view key) const = 0;
  // All meta entries whose key starts with `prefix`, in key order.
  virtual Result<std::vector<std::pair<std::string, std::string>>> ListMeta(
      std::string_view prefix) const = 0;
  virtual Status PutMeta(std::string_view key, std::string_view value, bool sync = false) = 0;

  // Flushes memtables to SST files (tests, shutdown).
  virtual Status Flush() = 0;
  // Writes a copy of the store as it is now (a read-only store: as of its last Open or
  // CatchUp, one consistent point of the owner's writes) into a new store at
  // `target_data_dir`/store, which must not exist yet (AlreadyExists); Store::Open reads it
  // like any other. Every key of both column families is copied as reads see it (merged, so
  // the copy is compacted; expired cells stay until its own compaction purges them), then
  // the copy is flushed and fsynced. `kappa backup` (app/backup.cc) runs it on a read-only
  // store while `kappa up` writes. Concurrent with reads; not with DDL on this Store.
  virtual Status CopyTo(const std::string& target_data_dir) const = 0;
  // Runs a full compaction (purges expired cells and tombstones past gc grace; tests).
  virtual Status CompactAll() = 0;
  // Table files in level 0 of the rows (flushed memtables not yet compacted below); every
  // point read probes each of them (StoreOptions::settle_after_ms).
  virtual uint64_t Level0Files() const = 0;
};

// A set of writes across tables plus metadata, committed atomically by Store::Write.
// Timestamps default to the store clock's now when each write is added. Not thread-safe.
// Valid only with the Store that created it.
// One regular column's part of an upsert given in CQL native serialization (UpsertNative):
// not written, null (a cell tombstone), or bytes that CheckNative accepted for a column type
// that StoresNativeAsIs.
struct NativeCell {
  enum class State : uint8_t { kUnset, kNull, kSet };
  State state = State::kUnset;
  std::string_view bytes;  // kSet; must outlive the UpsertNative call only
};

class WriteBatch {
 public:
  WriteBatch(WriteBatch&&) noexcept;
  WriteBatch& operator=(WriteBatch&&) noexcept;
  ~WriteBatch();

  // Same contracts as the Store methods of the same names. Errors leave the batch unchanged.
  Status Upsert(const TableSchema& table, const Row& row, const WriteOptions& w = {});
  // Upsert of a row whose primary key is given as values and whose regular columns (one
  // cell each, in column order after the key) are native bytes stored as they are: the CQL
  // server's prepared INSERT, which skips decoding them to Values and encoding them back.
  // InvalidArgument for a bad key, wrong cell count, a counter column or a column type that
  // !StoresNativeAsIs. The caller has checked the bytes (CheckNative).
  Status UpsertNative(const TableSchema& table, std::span<const Value> primary_key,
                      std::span<const NativeCell> regular, const WriteOptions& w = {});
  Status DeleteRow(const TableSchema& table, const std::vector<Value>& primary_key,
                   const WriteOptions& w = {});
  Status DeletePartition(const TableSchema& table, const std::vector<Value>& partition_key,
                         const WriteOptions& w = {});
  void PutMeta(std::string_view key, std::string_view value);
  void DeleteMeta(std::string_view key);

  size_t count() const;  // writes added
  size_t byte_size() const;
  void Clear();

  struct Rep;  // private to the store implementation

 private:
  friend class StoreImpl;
  explicit WriteBatch(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace kappa::store
