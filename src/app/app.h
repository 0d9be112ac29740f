// kappa::app: the application layer. It knows the config file (kappa.yaml), opens data
// directories and wires the subsystems together for `kappa up` and the other commands. The
// app layer's public header (with app/config.h, the config model, which it includes).
//
//   PipelineConfig  the parsed kappa.yaml (app/config.h): one section per subsystem.
//   Runtime         the one opener of a data directory: takes (or not) the data-dir lock and
//                   opens its Log and/or Store. Every `kappa` command opens data directories
//                   through it, so `kappa up`, the Kafka and CQL servers in the same process
//                   and the jobs share the same instances.
//   Pipeline        everything in a PipelineConfig: creates topics/keyspaces/tables, runs the
//                   producer tasks and the streaming jobs (stream/stream.h), reports
//                   counters, stops and drains.
//   UpServers       the network servers `kappa up` runs beside the pipeline (app/up_servers.h).
//
// Thread safety: Runtime accessors are thread-safe (Log and Store are). Pipeline methods may
// be called from any thread; stats() is a lock-free snapshot.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/config.h"
#include "app/up_servers.h"
#include "common/status.h"
#include "stream/stream.h"

namespace kappa {
class DataDirLock;
}
namespace kappa::log {
class Log;
}
namespace kappa::store {
class Store;
}

namespace kappa::app {

// ---- runtime: the data-directory opener ---------------------------------------------------

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
  // What the streaming jobs and `kappa jobs` use of this directory (stream/stream.h).
  stream::JobStorage job_storage();

 private:
  Runtime() = default;
  RuntimeOptions options_;
  bool read_only_ = false;
  std::string owner_;
  std::unique_ptr<DataDirLock> lock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<log::Log> log_;
};

// ---- the pipeline -------------------------------------------------------------------------

struct PipelineOptions {
  // Overrides every producer's duration (0 = as configured).
  int64_t producer_duration_ms = 0;
  // Overrides every producer's record count (0 = as configured).
  int64_t producer_count = 0;
  // Overrides every producer's rate (negative = as configured; 0 = unthrottled).
  double producer_rate = -1;
  stream::JobOptions job_options;
};

struct PipelineStats {
  uint64_t produced = 0;       // records appended by the producer tasks
  uint64_t mapping_errors = 0;  // users the mappings rejected (not produced)
  uint64_t source_errors = 0;
  stream::JobStats jobs;       // summed over jobs
  bool producers_running = false;
};

class Pipeline {
 public:
  // Creates what the config declares and is missing (topics, keyspaces, tables; the topics on
  // the external cluster with log: kafka); fails if an
  // existing table has a different schema or an existing topic fewer partitions than
  // configured cannot be grown. Idempotent.
  static Status Setup(Runtime* runtime, const PipelineConfig& config);

  // `runtime` must outlive the pipeline.
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
  virtual const std::vector<std::unique_ptr<stream::StreamJob>>& jobs() const = 0;
  // The runtime the pipeline runs on.
  virtual Runtime& runtime() const = 0;
};

}  // namespace kappa::app
