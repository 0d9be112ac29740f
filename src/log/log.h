// The durable segmented log: kappa's Kafka. Public facade of src/log; other subsystems
// include only this header (and record_batch.h, which it includes).
//
// A Log is a directory of topics; a topic has N partitions; a partition is a directory of
// segments, each a data file of Kafka RecordBatch v2 bytes named by its base offset, plus a
// sparse offset index and a time index. On-disk format: docs/formats/log.md.
//
// Ownership: Log::Open does not take the data-dir lock; the process that owns the data dir
// (common/data_dir_lock.h) opens the log read-write; other processes may open it read-only.
//
// Thread safety: Log, Partition and OffsetStore are thread-safe. Partition pointers stay
// valid until the Log is destroyed (after DeleteTopic they only fail cleanly).
#pragma once

#include <chrono>
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
#include "common/env.h"
#include "common/status.h"
#include "common/types.h"
#include "log/record_batch.h"

namespace kappa::metrics {
class Registry;
}

namespace kappa::log {

// When appended bytes are fsync'ed. In every policy an append is acknowledged only after its
// bytes were handed to the OS (write(2) returned), so a crash of the process (kill -9) never
// loses an acknowledged append. The policies differ on power loss / kernel crash:
enum class FlushPolicy {
  // fsync before each append returns: power loss loses nothing acknowledged. Slowest.
  kEveryAppend,
  // A background flusher fsyncs dirty partitions every flush_interval_ms: power loss loses
  // at most the last ~flush_interval_ms of acknowledged appends. The default.
  kInterval,
  // Never fsync (except on Close/Flush): power loss loses whatever the OS had not written
  // back yet (Linux: typically up to ~30 s).
  kOs,
};
std::string_view FlushPolicyName(FlushPolicy p);
// "every-append", "interval", "os"
std::optional<FlushPolicy> ParseFlushPolicy(std::string_view name);

// Per-topic settings. Unset fields take the LogOptions defaults at creation time and are then
// persisted with the topic. A value <= 0 for retention means "unlimited".
struct TopicConfig {
  std::optional<int64_t> segment_bytes;
  std::optional<int64_t> segment_ms;
  std::optional<int64_t> retention_bytes;  // per partition, like Kafka
  std::optional<int64_t> retention_ms;
  // Settings the log does not interpret, kept verbatim with the topic and reported back
  // (the Kafka topic configs kappa accepts but does not implement, validated by src/kafka).
  // Names must be non-empty without '=' or a line break, values without a line break
  // (InvalidArgument otherwise).
  std::map<std::string, std::string> extra;
};

struct LogOptions {
  std::string dir;                  // e.g. <data_dir>/log; created if missing (read-write)
  Env* env = Env::Default();        // file access (tests: FaultInjectionEnv)
  Clock* clock = Clock::Real();     // segment age, retention age, "now" timestamps
  FlushPolicy flush = FlushPolicy::kInterval;  // fixed at Open
  int64_t flush_interval_ms = 1000;            // kInterval only; fixed at Open
  // Defaults for new topics (fixed per topic at creation):
  int64_t segment_bytes = 256ll << 20;         // roll when a segment reaches this size
  int64_t segment_ms = 7ll * 24 * 3600 * 1000; // roll when the active segment is this old
  int64_t retention_bytes = -1;                // unlimited
  int64_t retention_ms = 7ll * 24 * 3600 * 1000;
  // Byte spacing of sparse offset/time index entries.
  int32_t index_interval_bytes = 4096;
  // Background retention check period; 0 disables the thread (call EnforceRetention()).
  int64_t retention_check_ms = 60'000;
  // Read-only: no recovery writes, no truncation, no background threads, never creates
  // files; serves only whole valid batches found at Open (a snapshot of the log then).
  // Mutating calls return NotSupported.
  bool read_only = false;
  // Where the log's metrics go (kappa_log_*: per-topic records and bytes appended and read,
  // per-partition offsets and sizes; src/metrics/README.md). nullptr: the process-wide
  // metrics::Registry::Default(). Must outlive the log. Fixed at Open.
  metrics::Registry* metrics = nullptr;
};

struct AppendResult {
  Offset base_offset;       // offset of the first record of the batch
  Offset last_offset;       // offset of the last record
  TimestampMs log_append_time;  // the log's clock at append (Kafka sends -1 for CreateTime topics)
};

struct ReadResult {
  // Whole batches, concatenated exactly as stored (Kafka fetch payload). Empty if `from` is at
  // the end. The first batch contains `from` (it may start before it).
  std::string bytes;
  Offset high_watermark;  // == EndOffset() at the time of the read
  Offset start_offset;    // log start offset at the time of the read
};

// A record as read back (owned copy), with its offset.
struct StoredRecord {
  Offset offset;
  Record record;
};

// Kafka-relevant batch header fields, for rebuilding idempotent-producer state on restart.
struct BatchInfo {
  Offset base_offset;
  Offset last_offset;
  int64_t producer_id;
  int16_t producer_epoch;
  int32_t base_sequence;
  int32_t record_count;
  TimestampMs max_timestamp;
  bool is_transactional;
  bool is_control;
};

struct PartitionInfo {
  PartitionId partition;
  Offset start_offset;  // first offset still stored
  Offset end_offset;    // next offset to be assigned (high watermark)
  uint64_t bytes;       // sum of segment sizes
  int segments;
};

struct TopicDescription {
  std::string name;
  TopicConfig config;  // fully resolved (every field set)
  std::vector<PartitionInfo> partitions;
};

class Partition {
 public:
  virtual ~Partition() = default;
  virtual const std::string& topic() const = 0;
  virtual PartitionId id() const = 0;
  // fsyncs this partition's appended bytes now, whatever the flush policy (Log::Flush does
  // every partition): for a writer that must make one partition durable, such as the schema
  // registry's `_schemas`, without paying for every other partition's.
  virtual Status Flush() = 0;

  // Appends one producer batch as received (possibly compressed): validates framing, magic 2
  // and CRC-32C (InvalidArgument otherwise: nothing stored), assigns the base offset
  // (rewrites baseOffset only) and stores the bytes as-is. Returns once the bytes are written
  // to the OS (and fsynced under kEveryAppend). IOError (e.g. disk full): nothing was
  // appended, the partition stays usable and a later append can succeed.
  virtual Result<AppendResult> AppendBatch(std::string_view batch) = 0;
  // Convenience: encodes `records` into one uncompressed batch and appends it.
  virtual Result<AppendResult> Append(std::span<const Record> records) = 0;

  // Raw whole batches starting with the one that contains `from`, up to about max_bytes
  // (always at least one whole batch even if larger). Never returns a partial or corrupt
  // batch. Errors: OutOfRange if from < StartOffset() or from > EndOffset(); Corruption if
  // the batch at `from` is corrupt (batches before it are still served).
  virtual Result<ReadResult> Read(Offset from, size_t max_bytes) const = 0;
  // As Read, but appends the batches to *out instead of returning them in `bytes` (left
  // empty), so a caller such as the Kafka Fetch handler reads straight into its response
  // buffer without a second copy. Same errors; on an error *out is unchanged. The default
  // implementation copies from Read.
  virtual Result<ReadResult> ReadAppend(Offset from, size_t max_bytes, std::string* out) const;
  // Decodes records with offset >= from, at most max_records and about max_bytes of batches
  // (>= 1 record if any is available). Decompresses. Same errors as Read.
  virtual Result<std::vector<StoredRecord>> ReadRecords(Offset from, size_t max_records,
                                                        size_t max_bytes = 1 << 20) const = 0;
  // Zero-copy variant: calls fn for each record with offset >= from (views valid during the
  // call); stops after max_records or when fn returns false. Returns the next offset to read.
  virtual Result<Offset> VisitRecords(Offset from, size_t max_records,
                                      const std::function<bool(const RecordView&)>& fn,
                                      size_t max_bytes = 1 << 20) const = 0;
  // Batch headers of batches whose last offset >= from, in order (no decompression).
  virtual Status ForEachBatch(Offset from, const std::function<bool(const BatchInfo&)>& fn)
      const = 0;

  // Kafka's DeleteRecords: raises the log start offset to `before` (reads below it then fail
  // with OutOfRange, ListOffsets earliest answers it) and deletes the segments wholly below
  // it. Persisted (the partition's `start_offset` file) before it returns. A `before` at or
  // below the current start offset changes nothing. Returns the new start offset;
  // OutOfRange if before > EndOffset().
  virtual Result<Offset> DeleteRecordsBefore(Offset before) = 0;

  // The earliest offset whose batch max timestamp >= ts (Kafka ListOffsets); nullopt if none.
  virtual Result<std::optional<Offset>> OffsetForTimestamp(TimestampMs ts) const = 0;
  virtual Offset StartOffset() const = 0;
  virtual Offset EndOffset() const = 0;  // next offset to assign == high watermark
  virtual uint64_t SizeBytes() const = 0;
  virtual PartitionInfo Info() const = 0;

  // Blocks until EndOffset() > after, the deadline passes or the log closes. Returns
  // EndOffset() at wake-up.
  virtual Offset WaitForData(Offset after, std::chrono::steady_clock::time_point deadline)
      const = 0;
  // Registers fn(new_end_offset), called after every successful append, on the appending
  // thread, without partition locks held: keep it short (e.g. post to an asio executor),
  // and do not call AddListener/RemoveListener from it (listeners run under their mutex).
  // Returns an id for RemoveListener. After RemoveListener returns, fn is not running and
  // will not be called again.
  using AppendListener = std::function<void(Offset new_end)>;
  virtual uint64_t AddListener(AppendListener fn) const = 0;
  virtual void RemoveListener(uint64_t id) const = 0;
};

// Committed positions of consumer groups, per (group, topic, partition) — the job of Kafka's
// __consumer_offsets. Durable: Commit returns after the commit is fsynced.
struct CommittedOffset {
  Offset offset;
  std::string metadata;
  TimestampMs commit_time;
};
struct OffsetKey {
  std::string topic;
  PartitionId partition;
  auto operator<=>(const OffsetKey&) const = default;
};

class OffsetStore {
 public:
  virtual ~OffsetStore() = default;
  // Commits several partitions of one group atomically (all or none survive a crash).
  virtual Status Commit(std::string_view group,
                        const std::map<OffsetKey, CommittedOffset>& offsets) = 0;
  Status Commit(std::string_view group, std::string_view topic, PartitionId p, Offset o,
                std::string_view metadata = {});
  // NotFound if nothing committed.
  virtual Result<CommittedOffset> Fetch(std::string_view group, std::string_view topic,
                                        PartitionId p) const = 0;
  virtual std::map<OffsetKey, CommittedOffset> FetchGroup(std::string_view group) const = 0;
  virtual std::vector<std::string> ListGroups() const = 0;
  // NotFound if the group has no commits.
  virtual Status DeleteGroup(std::string_view group) = 0;
  // Forgets the given partitions' commits of a group (Kafka's OffsetDelete); keys without a
  // commit are ignored. Durable when it returns. NotFound if the group has no commits.
  virtual Status DeleteOffsets(std::string_view group, const std::vector<OffsetKey>& keys) = 0;
};

class Log {
 public:
  virtual ~Log() = default;
  // Opens (creating if missing, unless read_only) the log at options.dir and recovers every
  // partition: checks the tail of each last segment, truncates a torn/corrupt tail batch and
  // logs what was dropped, rebuilds missing/corrupt indexes.
  static Result<std::unique_ptr<Log>> Open(const LogOptions& options);

  // Topic names: 1..249 chars of [a-zA-Z0-9._-], not "." or "..". InvalidArgument for a bad
  // name or partitions < 1; AlreadyExists if it exists.
  virtual Status CreateTopic(std::string_view name, int32_t partitions,
                             const TopicConfig& config = {}) = 0;
  // NotFound if missing. Partition pointers of the deleted topic stay allocated until the Log
  // is closed; appends through them fail with Unavailable.
  virtual Status DeleteTopic(std::string_view name) = 0;
  // Grows the topic to `total_partitions`; InvalidArgument if not larger.
  virtual Status AddPartitions(std::string_view name, int32_t total_partitions) = 0;
  // Replaces the topic's settings (unset fields: the LogOptions defaults), persisted before it
  // returns. Segment sizes and ages apply from the next roll, retention from the next check.
  // NotFound for an unknown topic, InvalidArgument for values out of range.
  virtual Status AlterTopicConfig(std::string_view name, const TopicConfig& config) = 0;
  virtual std::vector<std::string> ListTopics() const = 0;  // sorted
  virtual Result<TopicDescription> DescribeTopic(std::string_view name) const = 0;
  virtual bool TopicExists(std::string_view name) const = 0;
  // Partitions of all topics (each keeps about two files open).
  virtual int64_t PartitionCount() const = 0;
  // NotFound for an unknown topic or partition.
  virtual Result<Partition*> GetPartition(std::string_view topic, PartitionId p) = 0;

  virtual OffsetStore& offsets() = 0;

  // fsyncs every partition (whatever the flush policy).
  virtual Status Flush() = 0;
  // Deletes whole segments beyond retention (never the active segment); returns the number
  // deleted. The background thread calls this every retention_check_ms; rolls by age happen
  // here too.
  virtual Result<int> EnforceRetention() = 0;
  // Flushes, stops background threads and closes files; wakes WaitForData callers.
  // Idempotent; also done by the destructor.
  virtual Status Close() = 0;

  virtual const LogOptions& options() const = 0;
};

// Kafka's topic-name rule, with a readable reason on failure.
Status ValidateTopicName(std::string_view name);

// Copies the log directory `from_dir` (a LogOptions::dir, e.g. <data_dir>/log) into
// `to_dir`, which must not exist yet (AlreadyExists), while another process may append to it:
// the half of `kappa backup` (app/backup.cc) that needs no Log object. Each partition's files
// are listed, then copied in offset order up to the bytes present when each is read, so the
// copy of a partition is a prefix of it as of about the end of the copy, and never less than
// what was there when CopyLogDir started, except what retention deleted meanwhile; a batch cut
// by the copy is the torn tail that Log::Open's recovery truncates (docs/formats/log.md). The
// committed group offsets (offsets/commits.log) likewise; topics being created or deleted are
// skipped. Files are written owner-only and fsynced. IOError names the file that failed.
Status CopyLogDir(const std::string& from_dir, const std::string& to_dir);

}  // namespace kappa::log
