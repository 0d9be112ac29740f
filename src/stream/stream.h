// kappa::stream: streaming jobs (topic -> table, exactly once into the embedded store), the
// runtime that owns a data directory's Log and Store, and the pipeline `kappa up` runs.
// The subsystem's public header (with stream/pipeline_config.h for the config).
//
//   Runtime    owns the data-dir lock, the Log and the Store of one data directory; the one
//              place that opens them, so `kappa up` and (later) the Kafka and CQL servers in
//              the same process share the same instances.
//   StreamJob  one job: a worker thread per partition reads records, converts them to rows
//              by the table's schema and commits rows + consumed offsets in one store write.
//   Pipeline   everything in a PipelineConfig: creates topics/keyspaces/tables, runs the
//              producer tasks and the jobs, reports counters, stops and drains.
//   Jobs admin ListJobs / GetJobStatus / ResetJob, for `kappa jobs`.
//
// Exactly-once (docs/formats/config.md, "Exactly-once"): a job's consumed offsets live in
// store metadata (key "stream/offsets/<job>/<topic>/<partition>") and are written in the
// same atomic RocksDB batch as the rows they produced; on start they are the source of
// truth. They are mirrored to the log's OffsetStore (group = the job's group) for
// visibility only.
//
// Thread safety: Runtime accessors are thread-safe (Log and Store are). StreamJob and
// Pipeline methods may be called from any thread; stats() is a lock-free snapshot.
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
#include "stream/pipeline_config.h"

namespace kappa {
class DataDirLock;
}
namespace kappa::log {
class Log;
}
namespace kappa::store {
class Store;
}

namespace kappa::stream {

// ---- runtime ----------------------------------------------------------------------------

struct RuntimeOptions {
  std::string data_dir = "./kappa-data";
  DurabilityConfig durability;
  RetentionConfig retention;  // defaults for topics the runtime's users create
  StoreConfig store;
  // Describes this process for the data-dir lock ("kappa up").
  std::string owner = "kappa";
  // kOwner: take the data-dir lock (fail with the owner's name if taken).
  // kReadOnly: open the log and store read-only without the lock; writes nothing into the
  // data directory (commands that only read, whether or not another process owns it).
  enum class Mode { kOwner, kReadOnly } mode = Mode::kOwner;
};

class Runtime {
 public:
  static Result<std::unique_ptr<Runtime>> Open(const RuntimeOptions& options);
  ~Runtime();  // closes the log and the store, then releases the lock

  log::Log& log() { return *log_; }
  store::Store& store() { return *store_; }
  bool read_only() const { return read_only_; }
  // When read-only because another process owns the directory: who ("pid 42 (kappa up...)").
  const std::string& owner() const { return owner_; }
  const RuntimeOptions& options() const { return options_; }

 private:
  Runtime() = default;
  RuntimeOptions options_;
  bool read_only_ = false;
  std::string owner_;
  std::unique_ptr<DataDirLock> lock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<log::Log> log_;
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
};

class StreamJob {
 public:
  // Validates the job against what exists in the runtime: the topic, the dead-letter topic
  // and the table must exist (NotFound otherwise). Does not start anything.
  static Result<std::unique_ptr<StreamJob>> Create(Runtime* runtime, const JobConfig& config,
                                                   JobOptions options = {});
  // The job on an external Kafka cluster (log: kafka): consumes through a librdkafka
  // KafkaConsumer in the job's group (several processes share the partitions), stores rows
  // and offsets into this runtime's store exactly as Create's job does, and sends dead letters
  // to the cluster. The topics must exist on the cluster (Pipeline::Setup creates them); the
  // table in the store (NotFound otherwise). Lag is measured against the cluster's high
  // watermarks of the partitions this process owns.
  static Result<std::unique_ptr<StreamJob>> CreateOnKafka(Runtime* runtime,
                                                          const JobConfig& config,
                                                          const LogConfig& log,
                                                          JobOptions options = {});
  virtual ~StreamJob() = default;  // stops and joins

  virtual const JobConfig& config() const = 0;
  // Checks every partition's committed offset against the log (OutOfRange if beyond the
  // end: a recreated topic), then starts one worker per partition, each from its committed
  // offset (or the start position). A job on an external Kafka checks on assignment instead.
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

// ---- the pipeline -------------------------------------------------------------------------

struct PipelineOptions {
  // Overrides every producer's duration (0 = as configured).
  int64_t producer_duration_ms = 0;
  // Overrides every producer's record count (0 = as configured).
  int64_t producer_count = 0;
  // Overrides every producer's rate (negative = as configured; 0 = unthrottled).
  double producer_rate = -1;
  JobOptions job_options;
};

struct PipelineStats {
  uint64_t produced = 0;       // records appended by the producer tasks
  uint64_t mapping_errors = 0;  // users the mappings rejected (not produced)
  uint64_t source_errors = 0;
  JobStats jobs;               // summed over jobs
  bool producers_running = false;
};

class Pipeline {
 public:
  // Creates what the config declares and is missing (topics, keyspaces, tables; the topics on
  // the external cluster with log: kafka); fails if an
  // existing table has a different schema or an existing topic fewer partitions than
  // configured cannot be grown. Idempotent.
  static Status Setup(Runtime* runtime, const PipelineConfig& config);

  static Result<std::unique_ptr<Pipeline>> Create(Runtime* runtime, const PipelineConfig& config,
                                                  PipelineOptions options = {});
  virtual ~Pipeline() = default;  // stops everything

  // Starts the jobs (each checks its offsets first; the first failure is returned and no
  // producer starts), then the producers. Start() == StartJobs() then StartProducers(); the
  // two halves let `kappa up` start its network listeners in between.
  Status Start();
  virtual Status StartJobs() = 0;
  virtual Status StartProducers() = 0;
  // Stops the producers (returns once they stopped; their last batches are in the log).
  virtual Status StopProducers() = 0;
  // True when every producer has ended by itself (duration or count reached) or was stopped.
  virtual bool ProducersDone() const = 0;
  // Drains every job to the end offsets after the producers stopped, waiting at most
  // `timeout`; then stops the jobs. OK when drained (lag 0); TimedOut if not (offsets of what
  // was processed are committed either way); a job error if a job failed.
  virtual Status DrainAndStop(std::chrono::milliseconds timeout) = 0;
  // Stops everything now (jobs commit their current batch).
  virtual Status Stop() = 0;
  // The first error of a job or producer, or OK while all are healthy.
  virtual Status Health() const = 0;
  virtual PipelineStats stats() const = 0;
  virtual const std::vector<std::unique_ptr<StreamJob>>& jobs() const = 0;
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
Result<std::vector<JobStatus>> ListJobs(Runtime* runtime);
// NotFound "no job named X has run in DIR" if unknown.
Result<JobStatus> GetJobStatus(Runtime* runtime, std::string_view job);

struct ResetTarget {
  enum class Kind { kEarliest, kLatest, kOffset, kTimestamp } kind = Kind::kEarliest;
  int64_t value = 0;  // the offset or the timestamp (ms)
  // Only this partition; nullopt: every partition of the job's topic.
  std::optional<PartitionId> partition;
};
// Moves a job's committed offsets (every partition, or target.partition) so its next run
// starts there. Offline: the runtime must own the data directory (Unavailable otherwise).
// Offsets are clamped to [start, end] of each partition; a time with no later record goes to
// the end. NotFound for a partition the topic does not have. Returns the new status. Rows
// already stored stay (replayed rows are upserts of the same keys).
Result<JobStatus> ResetJob(Runtime* runtime, std::string_view job, const ResetTarget& target);

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
Result<SkipResult> SkipRecords(Runtime* runtime, std::string_view job, const SkipRequest& request);

}  // namespace kappa::stream
