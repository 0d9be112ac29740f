// kappa::stream: streaming jobs (topic -> table, exactly once into the embedded store, or to
// an external Cassandra at least once), their dead letters and their administration. The
// subsystem's public header (with stream/job_config.h, the jobs' options, which it includes).
// stream knows no config file format and opens no data directory: the app layer (src/app)
// reads kappa.yaml, opens the data directory and hands a job what it needs (JobStorage).
//
//   StreamJob  one job: records from an input (the embedded log: a worker thread per
//              partition; or an external Kafka cluster: a consumer in the job's group) are
//              converted to rows by the table's schema and go to a row sink (the embedded
//              store, rows + consumed offsets in one store write; or Cassandra).
//   Jobs admin ListJobs / GetJobStatus / ResetJob / SkipRecords, for `kappa jobs`.
//
// Exactly-once (docs/formats/config.md, "Exactly-once"): a job's consumed offsets live in
// store metadata (key "stream/offsets/<job>/<topic>/<partition>") and are written in the
// same atomic RocksDB batch as the rows they produced; on start they are the source of
// truth. They are mirrored to the log's OffsetStore (group = the job's group) for
// visibility only.
//
// Thread safety: StreamJob methods may be called from any thread; stats() is a lock-free
// snapshot.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/types.h"
#include "connect/connect.h"
#include "stream/job_config.h"

namespace kappa::log {
class Log;
}
namespace kappa::store {
class Store;
}

namespace kappa::stream {

// ---- what a job uses of a data directory --------------------------------------------------

// The parts of an open data directory a job (and `kappa jobs`) works on. stream does not
// open data directories; the app layer does (app::Runtime) and hands these over. Not owned:
// they must outlive the jobs and calls that use them.
struct JobStorage {
  store::Store* store = nullptr;  // job offsets and registrations; the embedded sink's rows
  log::Log* log = nullptr;        // the embedded log (input, dead letters, offsets mirror)
  std::string data_dir;           // for messages
  // Opened without the data-dir lock: jobs cannot run, offsets cannot move (Unavailable).
  bool read_only = false;
  std::string owner;        // when read-only because another process owns it: who
  bool store_sync = false;  // durability.store_sync: every commit write is fsynced
};

// ---- a streaming job ---------------------------------------------------------------------

// Counters of a job; monotonically increasing within a process. A snapshot.
struct JobStats {
  uint64_t consumed = 0;      // records read and committed (stored + dead letters)
  uint64_t stored = 0;        // rows written
  uint64_t dead_letters = 0;  // records sent to the dead-letter topic
  uint64_t commits = 0;       // atomic store writes
  int64_t lag = 0;            // sum over partitions of (end offset - committed offset)
  bool running = false;
};

struct JobOptions {
  // Record produce-to-stored latency (now - record timestamp at commit) into a histogram.
  bool track_latency = false;
  // How long a worker waits for new records before checking for stop (responsiveness).
  std::chrono::milliseconds poll_interval{100};
  // Mirror committed offsets to the log's OffsetStore at most this often (and on stop).
  std::chrono::milliseconds mirror_interval{1000};
  // Where the schemas of Confluent wire-format values (magic byte 0, schema id) are looked
  // up; null: such values are dead letters. Not owned; outlives the job. Values that are
  // JSON text never need it.
  connect::SchemaResolver* schemas = nullptr;
};

class StreamJob {
 public:
  // The job on the embedded log (storage.log). Validates the job against what exists: the topic, the dead-letter topic
  // and the table must exist (NotFound otherwise). Does not start anything.
  static Result<std::unique_ptr<StreamJob>> Create(const JobStorage& storage,
                                                   const JobConfig& config,
                                                   JobOptions options = {});
  // The job on an external Kafka cluster (log: kafka): consumes through a librdkafka
  // KafkaConsumer in the job's group (several processes share the partitions), stores rows
  // and offsets into storage.store exactly as Create's job does, and sends dead letters
  // to the cluster. The topics must exist on the cluster (Pipeline::Setup creates them); the
  // table in the store (NotFound otherwise). Lag is measured against the cluster's high
  // watermarks of the partitions this process owns.
  static Result<std::unique_ptr<StreamJob>> CreateOnKafka(const JobStorage& storage,
                                                          const JobConfig& config,
                                                          const LogConfig& log,
                                                          JobOptions options = {});
  virtual ~StreamJob() = default;  // stops and joins

  virtual const JobConfig& config() const = 0;
  // Checks every partition's committed offset against the log (OutOfRange if beyond the
  // end: a recreated topic), then starts one worker per partition, each from its committed
  // offset (or the start position). A job on an external Kafka checks on assignment instead.
  // A job of the embedded log that has ended (Wait returned) may be started again: it
  // resumes from the offsets committed now (after a ResetJob, from the new ones); its
  // counters keep counting. InvalidArgument while it runs; NotSupported to restart a job on
  // an external Kafka. Not to be called concurrently with Wait on another thread.
  virtual Status Start() = 0;
  // Asks the workers to stop once every partition has reached the end offset it had when
  // Drain was called (or later). Returns at once; Wait() joins.
  virtual void Drain() = 0;
  // Asks the workers to stop after their current batch. Returns at once.
  virtual void Stop() = 0;
  // Waits for the workers up to `timeout` (nullopt: forever). Returns the job's final status:
  // OK if stopped or drained; the first worker error otherwise (e.g. Aborted "job X stopped:
  // 1000 consecutive records failed ..."). TimedOut if still running at the deadline.
  virtual Status Wait(std::optional<std::chrono::milliseconds> timeout = std::nullopt) = 0;
  // True once every worker has ended (error, stop or drain).
  virtual bool Finished() const = 0;
  virtual JobStats stats() const = 0;
  // Produce-to-stored latency percentiles in microseconds (needs track_latency), q in [0,1].
  virtual int64_t LatencyPercentileMicros(double q) const = 0;
};

// ---- job administration (kappa jobs) ------------------------------------------------------

struct PartitionStatus {
  PartitionId partition;
  std::optional<Offset> committed;  // next offset to consume; nullopt if never committed
  Offset start_offset;              // log start (retention may have moved it)
  Offset end_offset;
  int64_t lag = 0;                  // end - committed (end - start if never committed)
  uint64_t stored = 0;              // rows written from this partition, all runs
  uint64_t dead_letters = 0;
};

struct JobStatus {
  std::string name;
  std::string topic;
  std::string table;
  std::string group;
  std::vector<PartitionStatus> partitions;
  int64_t lag = 0;
  uint64_t stored = 0;
  uint64_t dead_letters = 0;
};

// Jobs that have run at least once in this data directory (their registration is in store
// metadata), sorted by name.
Result<std::vector<JobStatus>> ListJobs(const JobStorage& storage);
// NotFound "no job named X has run in DIR" if unknown.
Result<JobStatus> GetJobStatus(const JobStorage& storage, std::string_view job);

struct ResetTarget {
  enum class Kind { kEarliest, kLatest, kOffset, kTimestamp } kind = Kind::kEarliest;
  int64_t value = 0;  // the offset or the timestamp (ms)
  // Only this partition; nullopt: every partition of the job's topic.
  std::optional<PartitionId> partition;
};
// Moves a job's committed offsets (every partition, or target.partition) so its next run
// starts there. Offline: the storage must be owned, not read-only (Unavailable otherwise).
// Offsets are clamped to [start, end] of each partition; a time with no later record goes to
// the end. NotFound for a partition the topic does not have. Returns the new status. Rows
// already stored stay (replayed rows are upserts of the same keys).
Result<JobStatus> ResetJob(const JobStorage& storage, std::string_view job,
                           const ResetTarget& target);

// `kappa jobs skip`: moves one partition of a job past records it cannot (or should not)
// process, sending them to the job's dead-letter topic first, so nothing is passed silently.
struct SkipRequest {
  PartitionId partition;
  // Where the job continues: exactly one of these, or neither (then: past the unreadable
  // records at the committed offset; InvalidArgument if the record there is readable).
  std::optional<Offset> to_offset;  // > committed, <= end
  std::optional<int64_t> count;     // offsets to skip from the committed one (> 0)
};
struct SkipResult {
  Offset from;           // the committed offset before
  Offset to;             // the committed offset after
  int64_t unreadable = 0;  // offsets sent as dead letters without key or value
  int64_t readable = 0;    // records sent as dead letters unchanged
  std::string reason;      // why the first unreadable offset could not be read
  JobStatus status;        // after
};
// Each skipped offset becomes one dead letter with the usual headers (dead_letters.h):
// `error` is "unreadable: <why> (skipped by kappa jobs skip)" for offsets whose batch is
// corrupt (no key, no value: the bytes are not trustworthy; the segment still holds them),
// or "skipped by kappa jobs skip" for a readable record (key and value as stored). The
// partition's committed offset, its dead-letter count and dead-letter end then move in one
// store write, as a job's commit does; a crash in between writes the dead letters once only
// (the next skip or run recovers them). Offline, like ResetJob; embedded log only
// (NotSupported for log: kafka, whose cluster serves the records: use ResetJob there).
Result<SkipResult> SkipRecords(const JobStorage& storage, std::string_view job,
                               const SkipRequest& request);

// ---- topics on an external Kafka cluster (log: kafka; kafka_admin.cc) ---------------------

// Creates the topics missing on the cluster (CreateTopics, with their partitions and the
// replication factor of `log`) and adds partitions to those with fewer (CreatePartitions).
// Idempotent. Unavailable (with the broker's message) when the cluster cannot be reached or
// refuses.
Status EnsureKafkaTopics(const LogConfig& log, const std::vector<TopicConfig>& topics);
// The options of connect's Kafka sink (producers, dead letters) for this cluster.
connect::KafkaSinkOptions KafkaSinkOptionsFor(const LogConfig& log);

}  // namespace kappa::stream
