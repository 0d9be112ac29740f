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

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/config.h"
#include "app/up_servers.h"
#include "common/mutex.h"
#include "common/status.h"
#include "log/log.h"
#include "store/store.h"
#include "stream/stream.h"

namespace kappa {
class DataDirLock;
}
namespace kappa::registry {
class Registry;
}

namespace kappa::app {

// ---- runtime: the data-directory opener ---------------------------------------------------

// How a command opens a data directory (DATA_DIR/LOCK, log/, store/; docs/architecture.md).
// Every `kappa` command that works on a data directory opens it through Runtime::Open.
struct RuntimeOptions {
  std::string data_dir = "./kappa-data";
  // Names this process in the lock file ("kappa up", "kappa topics create").
  std::string owner = "kappa";
  // kOwner: take the data-dir lock (Unavailable naming the owner if another process holds
  //   it), then open read-write, creating what is missing.
  // kReadOnly: no lock; the log read-only (no recovery) and the store as a RocksDB secondary
  //   whose own files live in /tmp; nothing is written into the data directory, whether or
  //   not another process owns it (commands that only read). NotFound if the directory (or,
  //   when the store is opened, its store) does not exist.
  enum class Access { kOwner, kReadOnly } access = Access::kOwner;
  // What the command uses: a command that needs only one opens only it.
  bool open_log = true;
  bool open_store = true;
  // The log's and the store's options; Open sets their directory and read-only flag.
  log::LogOptions log;
  store::StoreOptions store;
  // durability.store_sync: the streaming jobs' commit writes are fsynced (job_storage()).
  bool store_sync = false;
  // Where SchemaRegistry() keeps `_schemas`: empty, the embedded log; else this Kafka
  // cluster (`log: kafka`) with its librdkafka properties.
  std::string registry_kafka_bootstrap;
  std::map<std::string, std::string> registry_kafka_properties;
  // The writer election there (config `registry:`; registry::RegistryOptions).
  std::string registry_writer_group = "kappa-schema-registry";
  int registry_writer_session_timeout_ms = 10000;

  // A pipeline's data directory: the log and store tuned by the config's `durability:`,
  // `retention:` and `store:` sections, at config.data_dir (owner "kappa").
  static RuntimeOptions ForPipeline(const PipelineConfig& config);
};

class Runtime {
 public:
  static Result<std::unique_ptr<Runtime>> Open(const RuntimeOptions& options);
  ~Runtime();  // closes the log and the store, then releases the lock

  // Only when opened (options().open_log / open_store).
  log::Log& log() { return *log_; }
  store::Store& store() { return *store_; }
  bool read_only() const { return read_only_; }
  // When read-only because another process owns the directory: who ("pid 42 (kappa up...)").
  const std::string& owner() const { return owner_; }
  const RuntimeOptions& options() const { return options_; }
  // What the streaming jobs and `kappa jobs` use of this directory (stream/stream.h).
  stream::JobStorage job_storage();
  // The schema registry over this directory's log (topic _schemas; or the cluster of
  // options().registry_kafka_bootstrap), opened on first use and then shared by everything in
  // the process: the pipeline's producers and jobs and the REST API `kappa up` serves.
  // Unavailable when read-only or opened without the log; the registry's errors otherwise.
  // Thread-safe.
  Result<std::shared_ptr<registry::Registry>> SchemaRegistry();

 private:
  Runtime() = default;
  RuntimeOptions options_;
  bool read_only_ = false;
  std::string owner_;
  std::unique_ptr<DataDirLock> lock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<log::Log> log_;
  Mutex registry_mu_;
  // Closed before the log (~Runtime).
  std::shared_ptr<registry::Registry> registry_ GUARDED_BY(registry_mu_);
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
  // Where producers register and jobs look up wire-format schemas. Null (default): the
  // runtime's registry (Runtime::SchemaRegistry, opened only when a schema is needed). Not
  // owned; outlives the pipeline.
  connect::SchemaResolver* schemas = nullptr;
};

// The Avro schema of a `format: avro` producer: its schema_file's text, or one built from its
// mapping's fields and the column types of the table its topic's job fills
// (producer_schema.cc).
Result<std::string> ProducerAvroSchema(const PipelineConfig& config, const ProducerConfig& producer);

// A SchemaResolver (connect.h) over the runtime's schema registry, opened on first use.
// Lookups of an id the registry does not know catch up with the `_schemas` log once (another
// registry instance may have written it). Avro schemas with references come back with the
// referenced types written out, ready to compile. `runtime` must outlive it.
std::unique_ptr<connect::SchemaResolver> NewRegistrySchemaResolver(Runtime* runtime);

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
  // Runs `producer` once, on the caller's thread, as the producers of the config run (the
  // same source, mapping, format and sink; PipelineOptions' overrides win over its own
  // duration, count and rate): a DAG's `produce` task. Ends when its duration or count is
  // reached, or Aborted when `sleep_or_cancelled` (polled every 100 ms; true: stop) says so,
  // after the records of its last batch are in the log. Its records count in stats() and
  // /metrics under the producer's name. Returns its counters. Any thread; several at once.
  virtual Result<connect::ProducerStats> Produce(
      const ProducerConfig& producer, const std::function<bool(int64_t ms)>& sleep_or_cancelled) = 0;
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
  // How a job of the config ended: OK while it runs or after a clean stop; its error once it
  // failed. NotFound for a name that is not a job of the config.
  virtual Status JobResult(std::string_view job) const = 0;
  // `kappa jobs reset` for a job running here (the console's replay): stops the job (its
  // current batch commits), moves its committed offsets (stream::ResetJob), starts it again
  // from them; a failed job starts again too. Returns its status after the reset. NotFound
  // for a job not in the config; NotSupported for a job on an external Kafka cluster
  // (log: kafka); Unavailable before StartJobs and once the pipeline stops; ResetJob's
  // errors (the job is started again from its old offsets then).
  virtual Result<stream::JobStatus> ReplayJob(std::string_view job,
                                              const stream::ResetTarget& target) = 0;
  // The runtime the pipeline runs on.
  virtual Runtime& runtime() const = 0;
};

// ---- the task types of `dags:` (dag_task_*.cc) -------------------------------------------

// The task types a DAG of the config may use: the orchestrator's built-ins (http, command
// when config.orchestrator.allow_commands, wait until/seconds, noop) and the app's, which
// need the pipeline:
//   produce  a configured producer (`producer: NAME`) or `source` + `mapping` + `topic`, with
//            `duration` / `count` / `rate` overrides; result: the records produced
//   cql      `statements` (one string with ';'-separated statements, or a list) against the
//            embedded store, or a job's external Cassandra cluster (`cluster: JOB`); result:
//            the rows the last statement returned
//   replay   reset a job's committed offsets (`job`, `reset_to`), or fill a new table from a
//            job's topic from the start (`job`, `table`); result: the rows stored / moved offsets
//   wait     sensors: a topic reaches an offset, a job's lag is 0, a table has N rows (and
//            the built-in time forms), every `poke_interval` until `timeout`
// Validate checks arguments against `config` (producers, topics, jobs, tables). Run needs
// `pipeline` (null: validation only; Run fails). Both must outlive the types.
// Arguments: docs/formats/config.md, "dags".
orchestrator::TaskTypes DagTaskTypes(const PipelineConfig& config, Pipeline* pipeline);

// ---- the orchestrator of `kappa up` (up_dags.cc) ------------------------------------------

// The config's DAGs scheduled beside the pipeline: an orchestrator::Scheduler over the
// DagTaskTypes, its history in the pipeline's store (keyspace kappa_meta; OpenStoreMetaStore:
// fsynced in the background within kHistorySyncIntervalMs, and before every answer of api(),
// so a kill -9 loses no acknowledged state). Not thread-safe except scheduler() and api(),
// which are.
class UpDags {
 public:
  // `pipeline` (and its runtime) must outlive it. Reads nothing yet: Start does.
  static Result<std::unique_ptr<UpDags>> Create(const PipelineConfig& config, Pipeline* pipeline);
  ~UpDags();  // Stop()
  // Replays the history (zombies of a killed run fail and retry by their policy), then
  // schedules: with catchup: false the latest due interval runs at once.
  Status Start();
  // Cancels running tries (left running in the history: the next Start handles them as
  // zombies, as Airflow does) and stops. Idempotent.
  void Stop();
  orchestrator::Scheduler& scheduler() { return *scheduler_; }
  // What the REST API serves: the scheduler, with every acknowledged change synced first
  // (the history is written unsynced and fsynced in the background within
  // kHistorySyncIntervalMs; orchestrator::NewSyncingOrchestrator).
  orchestrator::Orchestrator& api() { return *api_; }
  static constexpr int64_t kHistorySyncIntervalMs = 200;
  // For the status line: "user_automation running (next 2026-12-06 00:00 UTC)", one per
  // DAG, joined by ", ".
  std::string Describe() const;
  // Runs queued or running, over every DAG (kappa up --duration waits for them).
  int ActiveRuns() const;

 private:
  UpDags() = default;
  PipelineConfig config_;  // the task types point into it
  std::unique_ptr<orchestrator::MetaStore> meta_;
  orchestrator::TaskTypes types_;
  std::unique_ptr<orchestrator::Scheduler> scheduler_;
  std::unique_ptr<orchestrator::Orchestrator> api_;  // over scheduler_ and meta_
  bool started_ = false;
};

// ---- a running `kappa up`, found from its data directory -----------------------------------

// Where the `kappa up` that owns a data directory serves ("host:port", empty when off). It
// writes them to DATA_DIR/up.json once its servers listen and removes the file when it
// stops, so that commands over the same directory (`kappa jobs status`) reach its live
// metrics without flags. A file left by a killed process is ignored: it must name the pid
// that holds the directory's lock.
struct UpEndpoints {
  int64_t pid = 0;
  std::string kafka, cql, http, console;
};
Status WriteUpEndpoints(const std::string& data_dir, const UpEndpoints& endpoints);
void RemoveUpEndpoints(const std::string& data_dir);
std::optional<UpEndpoints> FindRunningUp(const std::string& data_dir);

// ---- backups --------------------------------------------------------------------------------

// `kappa backup` (backup.cc; docs/deploy.md, "Backups"): copies the data directory
// `data_dir` into `to_dir` (which must not exist: AlreadyExists) while the `kappa up` that
// owns it keeps running; `kappa up --data-dir to_dir` starts from the copy. It never writes
// into `data_dir` and takes no lock. In this order:
//   1. the store, as of one point of the owner's writes (a read-only secondary instance,
//      store::Store::CopyTo): rows, schemas, the jobs' committed offsets, the DAG history;
//   2. the log (log::CopyLogDir): each partition a prefix at least as long as when this step
//      began, so it holds every offset the copied store committed (an exactly-once job
//      continues where the copy's store says), and every record and row acknowledged
//      before the backup started;
//   3. DATA_DIR/security (users, ACLs).
// The copy is built in `to_dir`.partial and renamed to `to_dir` when complete, so a backup
// cut short leaves no directory that looks finished. NotFound when `data_dir` holds neither
// a log nor a store.
struct BackupStats {
  uint64_t store_bytes = 0;
  uint64_t log_bytes = 0;
  uint64_t files = 0;
  double seconds = 0;
};
Result<BackupStats> BackupDataDir(const std::string& data_dir, const std::string& to_dir);

}  // namespace kappa::app
