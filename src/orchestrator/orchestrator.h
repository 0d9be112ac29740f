// kappa's orchestrator: Airflow's scheduling semantics in-process. DAGs of tasks (declared in
// kappa.yaml's `dags:` section), schedules (cron in an IANA time zone, presets, fixed
// intervals), data intervals and runs as Airflow 2 defines them, retries, trigger rules,
// backfill, clearing, and a run history kept in kappa's own table store (keyspace
// kappa_meta), served over Airflow's stable REST API v1. Public header of src/orchestrator.
//
//   orchestrator::TaskTypes types = orchestrator::BuiltinTaskTypes();  // http, command, wait
//   types.Register(my_produce_type);                                    // app adds its own
//   auto meta = orchestrator::OpenStoreMetaStore(&store);               // kappa_meta.*
//   auto s = orchestrator::Scheduler::Create(dags, meta->get(), &types, {});
//   (*s)->Start();                                      // replays history, handles zombies
//   orchestrator::AddAirflowRoutes(s->get(), router);   // /api/v1/...
//
// Parts (one group of files each; src/orchestrator/README.md):
//   schedule   Schedule: parsing and Airflow's timetables (cron/presets/delta/once/none)
//   template   RenderTemplate/CheckTemplate: `{{ ds }}` and friends in task arguments
//   tasks      TaskType, TaskTypes, the built-in http/command/wait(time) types
//   dag        DagSpec/TaskSpec and ValidateDag (cycles, unknown upstreams)
//   meta       MetaStore: the history (memory for tests, the store for kappa up)
//   scheduler  Scheduler: the engine (event-driven; a virtual clock runs a year in seconds)
//   rest       AddAirflowRoutes: Airflow's REST API v1 on the shared HTTP server
//
// Times are milliseconds since the Unix epoch, UTC (TimeMs); time zones only matter when a
// schedule is evaluated and when a date is rendered for humans.
//
// Thread safety: Schedule, DagSpec and TaskTypes are immutable once built (share freely);
// MetaStore implementations and Scheduler are thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace kappa {
class Clock;
}
namespace kappa::store {
class Store;
}
namespace kappa::metrics {
class Registry;
}
namespace kappa::http {
class Router;
}

namespace kappa::orchestrator {

using TimeMs = int64_t;  // milliseconds since the Unix epoch, UTC

// ---- schedule (schedule*.cc, cron*.cc) ------------------------------------------------------

// A run's data interval [start, end). Its logical date is `start`.
struct DataInterval {
  TimeMs start = 0;
  TimeMs end = 0;
  bool operator==(const DataInterval&) const = default;
};

// What the scheduler should create next: the interval and the earliest time the run may be
// created ("run_after": the interval's end for cron and delta schedules, the start date for
// @once), as Airflow's DagRunInfo.
struct NextRunInfo {
  DataInterval interval;
  TimeMs run_after = 0;
};

// A DAG's schedule, as Airflow 2's timetables:
//   "@once"                         OnceTimetable: one run at start_date
//   "@hourly" "@daily" "@weekly" "@monthly" "@yearly" (and "@annually", "@midnight")
//                                   the cron presets (0 * * * *, 0 0 * * *, 0 0 * * 0, 0 0 1 * *,
//                                   0 0 1 1 *), CronDataIntervalTimetable
//   "M H DoM Mon DoW"               5-field cron (ranges, lists, steps, names jan..dec and
//                                   sun..sat, 7 = Sunday; DoM and DoW both restricted = either
//                                   matches, as cron and croniter), evaluated in `timezone`
//                                   across DST transitions as Airflow does (a fire time that
//                                   does not exist is skipped forward; an ambiguous one fires
//                                   once)
//   "every 15m" (or Every(ms))      DeltaDataIntervalTimetable: fixed intervals from start_date
//   "" / "null" / "none"            manual only: no automated runs
class Schedule {
 public:
  enum class Kind { kNone, kOnce, kCron, kDelta };

  // InvalidArgument with a message that says what is wrong ("cron needs 5 fields, got 6:
  // '0 0 * * * *'", "unknown time zone 'Mars/Base'").
  static Result<Schedule> Parse(std::string_view text, std::string_view timezone = "UTC");
  static Result<Schedule> Every(int64_t interval_ms, std::string_view timezone = "UTC");
  Schedule();  // kNone, UTC

  Kind kind() const;
  const std::string& text() const;      // as written ("@daily", "0 3 * * *", "every 15m")
  const std::string& timezone() const;  // IANA name

  // kCron: the first fire time strictly after `t` / at or before `t`. Nullopt for other kinds.
  std::optional<TimeMs> NextFire(TimeMs t) const;
  std::optional<TimeMs> PrevFire(TimeMs t) const;

  // Airflow's Timetable.next_dagrun_info: the next automated run after the last automated
  // one (`last`, nullopt when none yet) given the DAG's start_date, end_date and catchup,
  // at time `now` (catchup=false skips to the latest complete interval, as Airflow's
  // _skip_to_latest). Nullopt when there is none (kNone, @once done, past end_date).
  std::optional<NextRunInfo> NextRun(std::optional<DataInterval> last, TimeMs start_date,
                                     std::optional<TimeMs> end_date, bool catchup,
                                     TimeMs now) const;
  // Airflow's infer_manual_data_interval: the data interval of a manual run whose logical
  // date is `run_after`.
  DataInterval ManualInterval(TimeMs run_after) const;
  // The intervals a backfill of [from, to] covers, in order (Airflow's `dags backfill -s -e`:
  // every interval whose logical date is in [from, to]), at most `max_intervals` of them.
  std::vector<DataInterval> IntervalsBetween(TimeMs from, TimeMs to,
                                             size_t max_intervals = SIZE_MAX) const;

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

// Parses "2023-09-03T10:00:00" / "2023-09-03 10:00" / "2023-09-03" in `timezone` (or with an
// explicit Z / +hh:mm offset) into TimeMs. InvalidArgument for a bad date or unknown zone.
Result<TimeMs> ParseDateTime(std::string_view text, std::string_view timezone = "UTC");
// ISO 8601 with offset, as Airflow's API renders dates: "2023-09-03T10:00:00+00:00".
std::string FormatIso(TimeMs t);
// InvalidArgument unless `name` is a known IANA time zone.
Status CheckTimeZone(std::string_view name);

// ---- templates (template*.cc) ---------------------------------------------------------------

// Jinja-style `{{ name }}` / `{{ a.b.c }}` substitution over a JSON object of variables (no
// filters or expressions beyond dotted names; whitespace inside the braces is optional).
// The variables a task sees (TemplateVariables): ds, ds_nodash, ts, ts_nodash, logical_date,
// data_interval_start, data_interval_end, run_id, dag.dag_id (and dag_id), task.task_id (and task_id), try_number, params.NAME,
// conf.NAME (a manual trigger's conf), and tasks.TASK_ID.result (an upstream task's result).
// NotFound "unknown template variable 'params.colour'" for a name that is not there.
Result<std::string> RenderTemplate(std::string_view text, const nlohmann::json& variables);
// Renders every string in `args` (recursively).
Result<nlohmann::json> RenderArgs(const nlohmann::json& args, const nlohmann::json& variables);
// Load-time check: InvalidArgument "unknown template variable 'x'" unless every `{{ }}` in
// `text` names a known variable: one of the fixed names above, `params.K` with K in
// `params`, `conf.*` (anything), `tasks.T.result` with T in `task_ids`. Unbalanced braces
// are errors too.
Status CheckTemplate(std::string_view text, const nlohmann::json& params,
                     const std::vector<std::string>& task_ids);
Status CheckArgsTemplates(const nlohmann::json& args, const nlohmann::json& params,
                          const std::vector<std::string>& task_ids);

// ---- DAGs (dag*.cc) -------------------------------------------------------------------------

enum class TriggerRule {
  kAllSuccess,  // default
  kAllDone,
  kAllFailed,
  kOneSuccess,
  kOneFailed,
  kNoneFailed,
  kNoneSkipped,
  kAlways,
};
std::string_view TriggerRuleName(TriggerRule r);  // "all_success", ...
Result<TriggerRule> ParseTriggerRule(std::string_view name);

struct TaskSpec {
  std::string task_id;
  std::string type;           // a TaskTypes name: produce, cql, replay, wait, http, command
  nlohmann::json args = nlohmann::json::object();  // the type's arguments; strings may hold templates
  std::vector<std::string> upstream;  // `after:`
  TriggerRule trigger_rule = TriggerRule::kAllSuccess;
  int retries = 0;
  int64_t retry_delay_ms = 300'000;  // Airflow's default, 5 minutes
  bool retry_exponential_backoff = false;
  int64_t max_retry_delay_ms = 0;     // 0: no cap beyond Airflow's 24 h
  int64_t execution_timeout_ms = 0;   // 0: none
  bool depends_on_past = false;
  std::string owner;                  // default: the DAG's
  std::string where;                  // "FILE:LINE:COL" of the task in the config, for errors
};

struct DagSpec {
  std::string dag_id;
  std::string owner = "airflow";
  std::string description;
  TimeMs start_date = 0;
  std::optional<TimeMs> end_date;
  Schedule schedule;                  // carries the timezone
  bool catchup = false;               // Airflow 3's default (Airflow 2's was true)
  int max_active_runs = 16;           // Airflow's default
  int max_active_tasks = 16;          // per DAG, Airflow's default
  nlohmann::json params = nlohmann::json::object();  // defaults a manual trigger may override
  std::vector<std::string> tags;
  bool paused_at_creation = false;    // the first time kappa sees the DAG
  std::vector<TaskSpec> tasks;        // in file order
  std::string fileloc;                // the config file
  std::string where;                  // "FILE:LINE:COL" of the DAG, for errors

  const TaskSpec* FindTask(std::string_view task_id) const;
};

// Checks a DAG on its own: ids (letters, digits, '_', '-', '.'), duplicate task ids, unknown
// upstreams, cycles ("FILE:LINE:COL: task 'a' is in a cycle: a -> b -> a"), ranges. With
// `types`, also that every task type exists ("unknown task type 'sql' (known: command, cql,
// ...)") and its arguments validate (TaskType::Validate), and their templates
// (CheckArgsTemplates). Errors are InvalidArgument prefixed with the task's or DAG's `where`.
class TaskTypes;
Status ValidateDag(const DagSpec& dag, const TaskTypes* types);
// Task ids in a topological order (file order among independent tasks). Requires a valid DAG.
std::vector<std::string> TopologicalOrder(const DagSpec& dag);

// ---- run history: states and records (meta*.cc) ---------------------------------------------

enum class RunState { kQueued, kRunning, kSuccess, kFailed };
enum class RunType { kScheduled, kManual, kBackfill };
// Airflow's task instance states (kNone: created, not yet looked at).
enum class TaskState {
  kNone,
  kScheduled,
  kQueued,
  kRunning,
  kSuccess,
  kFailed,
  kUpForRetry,
  kUpstreamFailed,
  kSkipped,
  kRemoved,
};
std::string_view RunStateName(RunState s);    // "queued", "running", "success", "failed"
std::string_view RunTypeName(RunType t);      // "scheduled", "manual", "backfill"
std::string_view TaskStateName(TaskState s);  // "scheduled", ..., "up_for_retry", kNone: "none"
Result<RunState> ParseRunState(std::string_view name);
Result<TaskState> ParseTaskState(std::string_view name);
bool IsFinished(TaskState s);  // success, failed, upstream_failed, skipped, removed
// Airflow's run ids: "scheduled__2023-09-03T10:00:00+00:00", "manual__...", "backfill__...".
std::string MakeRunId(RunType type, TimeMs logical_date);

// One row per DAG kappa has seen: what survives a restart about the DAG itself.
struct DagRecord {
  std::string dag_id;
  bool is_paused = false;
  // The last automated run's data interval (the scheduler's cursor, so a restart neither
  // repeats nor loses an interval).
  std::optional<DataInterval> last_automated;
  TimeMs last_parsed_time = 0;
};

struct DagRun {
  std::string dag_id;
  std::string run_id;
  RunType run_type = RunType::kScheduled;
  RunState state = RunState::kQueued;
  TimeMs logical_date = 0;
  DataInterval data_interval;
  TimeMs queued_at = 0;
  std::optional<TimeMs> start_date;  // when it started running
  std::optional<TimeMs> end_date;
  bool external_trigger = false;
  nlohmann::json conf = nlohmann::json::object();
  std::string note;
};

struct TaskInstance {
  std::string dag_id;
  std::string run_id;
  std::string task_id;
  TaskState state = TaskState::kNone;
  int try_number = 0;   // the current (or last) try, 1-based once started, as Airflow 2.x
  int max_tries = 0;    // retries + try_number at the last clear, as Airflow 2.x
  std::optional<TimeMs> queued_at;
  std::optional<TimeMs> start_date;
  std::optional<TimeMs> end_date;
  std::optional<TimeMs> next_retry_at;  // up_for_retry: when the next try may start
  std::string operator_name;            // the task type ("produce", ...)
  std::string hostname;
  int64_t pid = 0;                      // the process that ran (runs) the try
  std::string result;                   // the task's result (its "XCom return value")
  std::string error;                    // the last failure, readable
};

// One page of a try's log (MetaStore::ReadLogPage, Orchestrator::ReadLogPage).
struct LogPage {
  std::vector<std::string> lines;
  // Where the next page starts: pass it back as `from`. Opaque (a line index in memory, a
  // line's sequence number in the store); lines appended after this read come after it.
  int64_t next = 0;
  bool more = false;  // lines remained after this page when it was read
};
// The most one try's log keeps (SchedulerOptions::task_log_max_bytes' default): lines past
// it are dropped after one "[log truncated ...]" line.
inline constexpr int64_t kDefaultTaskLogMaxBytes = int64_t(10) << 20;  // 10 MiB
// A page of `lines` from index `from` within `max_bytes` (a line costs its size + 1, the
// newline it is printed with; a page holds at least one line when any remains). The
// default ReadLogPage of MetaStore and Orchestrator, over a whole log.
LogPage SliceLog(const std::vector<std::string>& lines, int64_t from, size_t max_bytes);

// Where the history lives. Writes are ordered: a crash loses at most a suffix of them, never
// one in the middle (the scheduler writes a run before moving the DAG's cursor past it, so
// a lost suffix is redone, never skipped). They are durable when they return OK if the
// store syncs every write, else after Sync(). Implementations: NewMemoryMetaStore (tests, bench) and
// OpenStoreMetaStore (kappa's store: keyspace kappa_meta, readable with `kappa cql`; tables in
// docs/formats/orchestrator-meta.md).
class MetaStore {
 public:
  virtual ~MetaStore() = default;

  virtual Status PutDag(const DagRecord& dag) = 0;  // upsert
  virtual Result<std::vector<DagRecord>> ListDags() = 0;

  virtual Status PutRun(const DagRun& run) = 0;     // upsert by (dag_id, run_id)
  // The run, its task instances and every try's log, at once. NotFound for an unknown run.
  virtual Status DeleteRun(std::string_view dag_id, std::string_view run_id) = 0;
  // A DAG's runs, by logical date ascending.
  virtual Result<std::vector<DagRun>> ListRuns(std::string_view dag_id) = 0;

  virtual Status PutTask(const TaskInstance& ti) = 0;  // upsert by (dag_id, run_id, task_id)
  virtual Result<std::vector<TaskInstance>> ListTasks(std::string_view dag_id,
                                                      std::string_view run_id) = 0;

  // A try's log, line by line (each stored with its time).
  virtual Status AppendLog(std::string_view dag_id, std::string_view run_id,
                           std::string_view task_id, int try_number, std::string_view line) = 0;
  virtual Result<std::vector<std::string>> ReadLog(std::string_view dag_id,
                                                   std::string_view run_id,
                                                   std::string_view task_id, int try_number) = 0;
  // A page of that log from `from` (0: the start, else a previous page's `next`), at most
  // `max_bytes` (SliceLog's rule), without reading the rest of the try. The default reads
  // the whole log and slices it (implementations override it).
  virtual Result<LogPage> ReadLogPage(std::string_view dag_id, std::string_view run_id,
                                      std::string_view task_id, int try_number, int64_t from,
                                      size_t max_bytes);

  // Makes every write so far durable (for a store that does not sync each write).
  virtual Status Sync() { return Status::OK(); }
};

std::unique_ptr<MetaStore> NewMemoryMetaStore();
// Creates keyspace kappa_meta and its tables if missing. `store` must outlive the MetaStore.
// `sync`: fsync every write. Without it, `sync_interval_ms` > 0 has a background thread
// fsync what was written at most that long ago (only when something was: an idle store
// never wakes), and Sync() forces it. kappa up uses the interval (200 ms) with a
// SyncingOrchestrator, so what the API acknowledges is synced and the engine's own state
// changes cost no fsync each (see docs/formats/orchestrator-meta.md, "Durability").
Result<std::unique_ptr<MetaStore>> OpenStoreMetaStore(store::Store* store, bool sync = true,
                                                      int64_t sync_interval_ms = 0);

// ---- task types (task*.cc) ------------------------------------------------------------------

// What a try of a task sees while it runs. Valid for the duration of TaskType::Run.
struct TaskContext {
  const DagSpec* dag = nullptr;
  const TaskSpec* task = nullptr;
  const DagRun* run = nullptr;
  int try_number = 1;
  nlohmann::json args;        // task->args with every template rendered
  nlohmann::json variables;   // the template variables (TemplateVariables)
  // Appends a line to this try's log (kept in the MetaStore; `kappa tasks logs`).
  std::function<void(std::string_view line)> log;
  // Set when the try must stop (execution_timeout reached, the run or task was cleared or
  // marked failed, kappa is stopping). Long-running tasks check it at least every 100 ms
  // or wait on it with WaitCancelled.
  const std::atomic<bool>* cancelled = nullptr;
  // Sleeps up to `ms` (on the scheduler's clock) or until cancelled; true if cancelled.
  std::function<bool(int64_t ms)> sleep_or_cancelled;
  // The scheduler's clock ("now" for time sensors: a ManualClock in virtual time). Null:
  // Clock::Real().
  Clock* clock = nullptr;
};

// A kind of task. Run is called on an executor thread, one call per try.
class TaskType {
 public:
  virtual ~TaskType() = default;
  virtual std::string_view name() const = 0;
  // Load-time check of the arguments: unknown keys ("unknown argument 'durtion' (did you mean
  // 'duration'?)"), types, required ones, references (a topic, a job) the type can check.
  virtual Status Validate(const nlohmann::json& args) const = 0;
  // Runs one try: its result on success (kept as the task's result, templatable by later
  // tasks); an error fails the try (retried by the task's policy). A try that ends because
  // `cancelled` was set returns Status::Aborted (TimedOut for an execution_timeout is set by
  // the scheduler, whatever the task returns). SkipTask() marks the instance skipped.
  virtual Result<std::string> Run(TaskContext& ctx) = 0;
};

// A Status that marks the task instance skipped rather than failed (Airflow's
// AirflowSkipException): Aborted with a marker the scheduler recognizes (IsSkip).
Status SkipTask(std::string_view why);
bool IsSkip(const Status& s);

class TaskTypes {
 public:
  void Register(std::shared_ptr<TaskType> type);  // replaces one of the same name
  // Non-const: Run is not a const method (a registered type is shared, not copied).
  TaskType* Find(std::string_view name) const;
  std::vector<std::string> Names() const;  // sorted

 private:
  std::map<std::string, std::shared_ptr<TaskType>, std::less<>> types_;
};

struct BuiltinTaskOptions {
  // `command` tasks run only when the config enables them (`orchestrator: allow_commands: true`);
  // otherwise Validate refuses them: "command tasks are disabled; set orchestrator.allow_commands: true to enable".
  bool allow_commands = false;
};
// http (a request with an expected status; the body is the result), command (a shell command,
// output captured in the log, stdout's last line the result), wait with `until: TIME` or
// `seconds: N` (a time sensor), and noop (bench, tests).
TaskTypes BuiltinTaskTypes(const BuiltinTaskOptions& options = {});

// ---- the scheduler (scheduler*.cc) ----------------------------------------------------------

struct DagInfo {
  DagSpec spec;
  DagRecord record;                  // is_paused, cursor
  std::optional<NextRunInfo> next;   // the next automated run (nullopt: none scheduled)
  bool is_active = true;             // in the config now
};

struct RunFilter {
  std::optional<TimeMs> logical_date_gte, logical_date_lte;
  std::vector<RunState> states;      // empty: any
  int64_t offset = 0;
  int64_t limit = 100;               // Airflow's default page size
  bool newest_first = false;         // order_by=-execution_date
};

struct ClearRequest {
  std::vector<std::string> task_ids;   // empty: every task
  std::vector<std::string> run_ids;    // or a date range:
  std::optional<TimeMs> start_date, end_date;
  bool include_downstream = false;
  bool include_upstream = false;
  bool only_failed = false;
  bool dry_run = false;
  bool reset_dag_runs = true;          // the runs go back to queued
};

// What /api/v1/health reports (Airflow's HealthInfo).
struct OrchestratorHealth {
  bool metadatabase_healthy = true;  // the MetaStore answers
  bool scheduler_healthy = true;     // the scheduling loop is alive
  std::optional<TimeMs> latest_scheduler_heartbeat;  // its last iteration, if known
};

// The most runs one backfill may create (every one is kept in memory and in the history).
inline constexpr size_t kMaxBackfillRuns = 10000;

// The orchestrator's operations, as the REST API and the CLI use them (abstract so those can
// be tested against a fake).
class Orchestrator {
 public:
  virtual ~Orchestrator() = default;

  virtual std::vector<DagInfo> ListDags() const = 0;
  virtual Result<DagInfo> GetDag(std::string_view dag_id) const = 0;  // NotFound
  virtual Status SetPaused(std::string_view dag_id, bool paused) = 0;

  // Returns the matching runs and the total before offset/limit.
  virtual Result<std::pair<std::vector<DagRun>, int64_t>> ListRuns(std::string_view dag_id,
                                                                   const RunFilter& f) const = 0;
  virtual Result<DagRun> GetRun(std::string_view dag_id, std::string_view run_id) const = 0;
  // A manual run (run_id default manual__<logical>; logical date default now). `conf`
  // overrides params. AlreadyExists for a taken run id or logical date.
  virtual Result<DagRun> Trigger(std::string_view dag_id, std::optional<std::string> run_id,
                                 std::optional<TimeMs> logical_date,
                                 const nlohmann::json& conf) = 0;
  virtual Status DeleteRun(std::string_view dag_id, std::string_view run_id) = 0;
  // Backfill runs for every interval with logical date in [from, to] that has no run yet
  // (bounded by max_active_runs as they execute). Returns the runs created. A range of more
  // than kMaxBackfillRuns intervals is refused (InvalidArgument) before anything is created.
  virtual Result<std::vector<DagRun>> Backfill(std::string_view dag_id, TimeMs from, TimeMs to,
                                               const nlohmann::json& conf) = 0;

  virtual Result<std::vector<TaskInstance>> ListTaskInstances(std::string_view dag_id,
                                                              std::string_view run_id) const = 0;
  virtual Result<TaskInstance> GetTaskInstance(std::string_view dag_id, std::string_view run_id,
                                               std::string_view task_id) const = 0;
  virtual Result<std::vector<std::string>> ReadLog(std::string_view dag_id,
                                                   std::string_view run_id,
                                                   std::string_view task_id,
                                                   int try_number) const = 0;
  // A page of a try's log (MetaStore::ReadLogPage). Default: ReadLog sliced.
  virtual Result<LogPage> ReadLogPage(std::string_view dag_id, std::string_view run_id,
                                      std::string_view task_id, int try_number, int64_t from,
                                      size_t max_bytes) const;
  // Clears task instances (they run again; try numbers keep counting). Returns those
  // cleared (or that would be, with dry_run).
  virtual Result<std::vector<TaskInstance>> Clear(std::string_view dag_id,
                                                  const ClearRequest& request) = 0;
  // Sets a run's state by hand (Airflow's PATCH dagRuns {state}): running tasks are cancelled.
  virtual Result<DagRun> SetRunState(std::string_view dag_id, std::string_view run_id,
                                     RunState state) = 0;

  // Optional operations (the defaults serve implementations without them):
  // A run's note (Airflow's DagRun.note: POST dagRuns {note}, PATCH .../setNote).
  virtual Result<DagRun> SetRunNote(std::string_view dag_id, std::string_view run_id,
                                    std::string_view note) {
    (void)dag_id, (void)run_id, (void)note;
    return Status::NotSupported("this orchestrator does not keep notes on DAG runs");
  }
  // For /api/v1/health. Default: healthy, heartbeat unknown (an in-process orchestrator that
  // answers is up).
  virtual OrchestratorHealth Health() const { return {}; }
};

// An Orchestrator that calls meta->Sync() after every operation that changes state (pause,
// trigger, delete, backfill, clear, run state and note) before returning its answer, so what
// the REST API or the CLI acknowledged survives kill -9 even when `meta` syncs lazily.
// Reads go straight through. `inner` and `meta` outlive it.
std::unique_ptr<Orchestrator> NewSyncingOrchestrator(Orchestrator* inner, MetaStore* meta);

// Which finished runs the scheduler prunes. As `airflow db clean` for dag_run: age is
// measured from the run's start (its queued time if it never started), queued and running
// runs are never pruned, and each DAG's latest scheduled run is kept whatever its age
// (Airflow's keep_last, which the catchup cursor and depends_on_past read). Pruning happens
// at Start, when a run finishes and when the oldest finished run comes of age (a timer: an
// idle scheduler wakes only then). 0 turns a bound off.
struct HistoryRetention {
  int64_t max_age_ms = 0;    // finished runs started longer ago than this are pruned
  int64_t max_runs_per_dag = 0;  // beyond this many finished runs, the oldest are pruned
  bool enabled() const { return max_age_ms > 0 || max_runs_per_dag > 0; }
};

struct SchedulerOptions {
  Clock* clock = nullptr;               // null: Clock::Real()
  int parallelism = 32;                 // executor threads (Airflow's core.parallelism)
  metrics::Registry* metrics = nullptr; // null: metrics::Registry::Default()
  std::string hostname;                 // recorded on task instances (default: gethostname)
  // The most bytes of log lines one try keeps (each line counts its size + 1). The line
  // that would pass it is replaced by one "[log truncated: ...]" line and every later line
  // of the try is dropped; the scheduler's own closing line (a failure's error) is still
  // written. `orchestrator.task_log_max_bytes`; must be positive.
  int64_t task_log_max_bytes = kDefaultTaskLogMaxBytes;
  // How long finished runs are kept (Airflow's `airflow db clean`, which kappa does on its
  // own): a pruned run goes with its task instances and every try's log, from memory and
  // from the MetaStore. See HistoryRetention. Default: keep everything.
  HistoryRetention retention;
  // Virtual time for tests: the scheduler never sleeps on the real clock; RunUntil advances
  // the ManualClock itself, running every due run and try (each try synchronously, taking
  // the virtual time TaskContext::sleep_or_cancelled asks for).
  bool virtual_time = false;
};

class Scheduler : public Orchestrator {
 public:
  // `dags` must each pass ValidateDag(types). `meta` and `types` outlive the scheduler.
  static Result<std::unique_ptr<Scheduler>> Create(std::vector<DagSpec> dags, MetaStore* meta,
                                                   const TaskTypes* types,
                                                   SchedulerOptions options = {});
  // Reads the history: DAGs new to the store get their record (paused_at_creation); a task
  // instance left running by a dead process is a zombie: its try fails ("zombie: the
  // process running it is gone") and is retried by its policy, as Airflow does; one left
  // scheduled or queued (no try started) goes back to none and is scheduled again (Airflow's
  // adopt_or_reset_orphaned_tasks). Then starts the scheduling thread (real time) and the
  // executor. The Orchestrator operations that change state return Unavailable before Start.
  virtual Status Start() = 0;
  // Cancels running tries and waits for them (a try cancelled by Stop is left running in
  // the history: the next Start handles it as a zombie), stops the threads. Idempotent.
  virtual void Stop() = 0;
  // virtual_time only: advances the clock to `until`, running everything due on the way.
  virtual Status RunUntil(TimeMs until) = 0;
};

// ---- REST API (rest*.cc) --------------------------------------------------------------------

// Airflow's stable REST API v1 (paths, fields, JSON shapes, errors as application/problem+json)
// under /api/v1: dags, dags/{dag_id} (GET, PATCH is_paused), dags/{dag_id}/dagRuns (GET,
// POST), dagRuns/{dag_run_id} (GET, PATCH state, DELETE), .../taskInstances,
// .../taskInstances/{task_id}, .../taskInstances/{task_id}/logs/{task_try_number},
// dags/{dag_id}/clearTaskInstances, /api/v1/health, /api/v1/version; `limit`/`offset`,
// `total_entries`. `o` must outlive the router.
void AddAirflowRoutes(Orchestrator* o, http::Router* router);

}  // namespace kappa::orchestrator
