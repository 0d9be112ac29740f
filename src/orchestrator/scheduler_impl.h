// The Scheduler's implementation (private to src/orchestrator). One mutex guards the whole
// in-memory state (DAGs, their runs and task instances). Every change is a whole-row write to
// the MetaStore, appended in order to pending_; nothing acts on a change before it is
// written (a run is in the store before its cursor moves on; a try is recorded running
// before its task is called). Writes leave pending_ in two ways (scheduler_writes.cc):
// - real time: a writer thread writes everything pending as one MetaStore batch, outside
//   the lock, while the engine goes on; a try waits for its own write before its task is
//   called. API changes write synchronously, after the writer's batch in flight.
// - virtual time: a pass over many DAGs writes its changes as one batch before any try of
//   its is handed out (Dispatch), on the caller's thread.
// Readers of the in-memory state (the API's GETs) may see a change the writer has not yet
// written (milliseconds); an API change returns only once it, and everything before it,
// is written.
//
// Files: scheduler.cc (Create/Start/Stop, the loop, timers, virtual time), scheduler_runs.cc
// (creating and advancing runs: Airflow's DagRun.update_state and trigger rules),
// scheduler_tasks.cc (executor, tries, retries, timeouts), scheduler_api.cc (the Orchestrator
// operations), scheduler_history.cc (loading the history at Start, zombies),
// scheduler_writes.cc (pending_, the writer thread).
#pragma once

#include <array>
#include <condition_variable>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <queue>
#include <set>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/mutex.h"
#include "metrics/metrics.h"
#include "orchestrator/meta_batch.h"
#include "orchestrator/orchestrator.h"

namespace kappa::orchestrator::engine {

inline constexpr TimeMs kNever = std::numeric_limits<TimeMs>::max();

// A try's cancellation: the flag TaskContext::cancelled points at, and a condition variable
// so sleep_or_cancelled wakes at once.
struct TryControl {
  std::atomic<bool> cancelled{false};
  std::atomic<bool> timed_out{false};  // set with `cancelled` when execution_timeout hit
  Mutex mu;
  CondVar cv;
  void Cancel() {
    {
      MutexLock l(mu);
      cancelled = true;
    }
    cv.notify_all();
  }
};

struct Ti {
  TaskInstance ti;
  TimeMs runnable_at = 0;  // when its dependencies were met (scheduling delay)
  // Bumped when the instance is cleared or set by hand: a try of an older generation that
  // ends later reports into nothing.
  uint64_t generation = 0;
  bool busy = false;  // a try (of any generation) is on an executor thread
  // The in-memory state is ahead of the MetaStore (a try's outcome whose write failed); the
  // run does not advance until the write succeeds.
  bool pending_write = false;
  TimeMs deadline = kNever;  // the running try's execution_timeout
  std::shared_ptr<TryControl> control;
};

struct Run {
  DagRun run;
  TimeMs run_after = 0;  // the earliest its tasks could start (scheduling delay)
  std::vector<Ti> tis;   // indexed like DagSpec::tasks
};

struct Dag {
  DagSpec spec;
  DagRecord record;
  bool is_active = true;
  std::optional<NextRunInfo> next;
  std::vector<std::vector<int>> upstream, downstream;  // task indexes
  std::vector<int> topo;                               // task indexes, upstream first
  std::vector<bool> leaf;
  std::map<std::string, std::unique_ptr<Run>, std::less<>> runs;  // by run id
  std::map<TimeMs, Run*> by_date;                                 // by logical date
  std::map<TimeMs, Run*> active;                                  // queued or running
  int busy_tasks = 0;                          // queued or running instances (max_active_tasks)
  std::array<metrics::Counter, 4> run_states;  // dag_runs_total{dag, state} by RunState
  TimeMs wake_at = kNever;                     // the timer entry that is current
  TimeMs write_retry_at = kNever;              // a MetaStore write failed: try again then
  // History retention (scheduler_prune.cc): look at the finished runs when one finished
  // (or at Start), or at prune_at, when the oldest kept one comes of age.
  bool prune_check = true;
  TimeMs prune_at = kNever;
  bool dirty = false;
  bool starved = false;  // in SchedulerImpl::starved_
  int TaskIndex(std::string_view task_id) const;
};

class SchedulerImpl final : public Scheduler {
 public:
  SchedulerImpl(MetaStore* meta, const TaskTypes* types, SchedulerOptions options);
  ~SchedulerImpl() override;
  Status Init(std::vector<DagSpec> dags);

  // Orchestrator (scheduler_api.cc)
  std::vector<DagInfo> ListDags() const override;
  Result<DagInfo> GetDag(std::string_view dag_id) const override;
  Status SetPaused(std::string_view dag_id, bool paused) override;
  Result<std::pair<std::vector<DagRun>, int64_t>> ListRuns(std::string_view dag_id,
                                                           const RunFilter& f) const override;
  Result<DagRun> GetRun(std::string_view dag_id, std::string_view run_id) const override;
  Result<DagRun> Trigger(std::string_view dag_id, std::optional<std::string> run_id,
                         std::optional<TimeMs> logical_date, const nlohmann::json& conf) override;
  Status DeleteRun(std::string_view dag_id, std::string_view run_id) override;
  Result<std::vector<DagRun>> Backfill(std::string_view dag_id, TimeMs from, TimeMs to,
                                       const nlohmann::json& conf) override;
  Result<std::vector<TaskInstance>> ListTaskInstances(std::string_view dag_id,
                                                      std::string_view run_id) const override;
  Result<TaskInstance> GetTaskInstance(std::string_view dag_id, std::string_view run_id,
                                       std::string_view task_id) const override;
  Result<std::vector<std::string>> ReadLog(std::string_view dag_id, std::string_view run_id,
                                           std::string_view task_id, int try_number) const override;
  Result<LogPage> ReadLogPage(std::string_view dag_id, std::string_view run_id,
                              std::string_view task_id, int try_number, int64_t from,
                              size_t max_bytes) const override;
  Result<std::vector<TaskInstance>> Clear(std::string_view dag_id,
                                          const ClearRequest& request) override;
  Result<DagRun> SetRunState(std::string_view dag_id, std::string_view run_id,
                             RunState state) override;
  Result<DagRun> SetRunNote(std::string_view dag_id, std::string_view run_id,
                            std::string_view note) override;
  OrchestratorHealth Health() const override;

  // Scheduler (scheduler.cc)
  Status Start() override;
  void Stop() override;
  Status RunUntil(TimeMs until) override;

 private:
  // A try ready for an executor thread.
  struct Job {
    Dag* dag;
    Run* run;
    int index;
    uint64_t generation;
    uint64_t seq;  // appended_seq_ once its running write was appended: wait for it
  };

  // scheduler.cc
  void Loop();
  void MarkDirty(Dag* d) REQUIRES(mu_);
  void InitRunCounters(Dag* d);
  void SetTimer(Dag* d, TimeMs at) REQUIRES(mu_);
  // Marks the DAGs whose timer is due at `now` dirty.
  void PopDueTimers(TimeMs now) REQUIRES(mu_);
  // Processes dirty DAGs and those whose timer is due at `now`; fills ready_ (virtual time).
  void ProcessDue(TimeMs now) REQUIRES(mu_);
  void WorkerLoop();
  void Submit(const Job& job) REQUIRES(mu_);
  // Wakes (or starts) one executor thread if a try is queued and no awake thread is
  // between tries to take it.
  void WakeWorker() REQUIRES(mu_);

  // scheduler_writes.cc
  // One change to the history. In a batched pass (batching_) it joins pending_ (written by
  // the writer thread, or by Dispatch in virtual time); otherwise it is written now, after
  // whatever pending_ still holds (order), and an error means nothing of it was applied.
  Status Persist(MetaWrite w) REQUIRES(mu_);
  // Writes pending_ as one batch now, after the writer's batch in flight. False if the
  // MetaStore refused it: pending_ keeps the writes in order and they are tried again a
  // second later (flush_retry_at_, or the writer thread).
  bool FlushWrites() REQUIRES(mu_);
  // Real time: wakes the writer thread and hands the new tries (ready_) to the executor;
  // each waits for its write in ExecuteTry. Virtual time: once pending_ is written, leaves
  // the held and the new tries in ready_ for RunUntil; until then holds them (held_): no
  // task starts on a state the history does not have.
  void Dispatch() REQUIRES(mu_);
  // The writer thread (real time): writes pending_ in batches until Stop.
  void WriterLoop();
  // The first `n` writes of pending_ are in the history: they leave it, and the tries
  // waiting for them go on.
  void Written(size_t n) REQUIRES(mu_);
  // Takes the writer's finished batch into account: what it wrote leaves pending_.
  void SettleInFlight() REQUIRES(mu_, write_mu_);
  // Appends `w` to pending_ (appended_seq_ counts it).
  void Append(MetaWrite w) REQUIRES(mu_);

  // scheduler_history.cc
  Status LoadHistory(TimeMs now) REQUIRES(mu_);
  Status LoadRuns(Dag* d, TimeMs now) REQUIRES(mu_);

  // scheduler_runs.cc
  void ProcessDag(Dag* d, TimeMs now) REQUIRES(mu_);
  bool CreateAutomatedRuns(Dag* d, TimeMs now) REQUIRES(mu_);
  Result<Run*> CreateRun(Dag* d, RunType type, std::string run_id, TimeMs logical_date,
                         DataInterval interval, TimeMs run_after, TimeMs now,
                         const nlohmann::json& conf) REQUIRES(mu_);
  bool StartQueuedRuns(Dag* d, TimeMs now) REQUIRES(mu_);
  // Advances one running run: trigger rules, dispatch, its state. True if anything changed.
  bool AdvanceRun(Dag* d, Run* r, TimeMs now, TimeMs* wake) REQUIRES(mu_);
  bool UpdateRunState(Dag* d, Run* r, TimeMs now) REQUIRES(mu_);
  bool PastDependsMet(const Dag* d, const Run* r, int index) const REQUIRES(mu_);
  // Write-through: stores `next` and only then makes it the in-memory state. False (logged,
  // and the DAG retried a second later) if the MetaStore refused it.
  bool Commit(Dag* d, Ti* t, const TaskInstance& next) REQUIRES(mu_);
  bool Commit(Dag* d, Run* r, const DagRun& next) REQUIRES(mu_);
  void WriteFailed(Dag* d, const Status& s) REQUIRES(mu_);
  void CountRunState(Dag* d, RunState s) REQUIRES(mu_);
  bool ProgressesWhilePaused(const Dag* d, const Run* r) const REQUIRES(mu_);

  // scheduler_tasks.cc
  // Called and returns with `l` (on mu_) held; runs the task without it.
  void ExecuteTry(const Job& job, MutexLock& l) REQUIRES(mu_);
  void FinishTry(const Job& job, const Result<std::string>& result) REQUIRES(mu_);
  void RecordTryEnd(const Job& job, const Result<std::string>& result) REQUIRES(mu_);
  // Ends a try that failed (a task error, a timeout, a zombie): up_for_retry or failed.
  void FailTry(Dag* d, Run* r, int index, const std::string& error, TimeMs now) REQUIRES(mu_);
  // Stores a try's outcome: in memory at once (the try is over), in the MetaStore now or,
  // if that fails, before the run advances (pending_write).
  void RecordOutcome(Dag* d, Run* r, int index, const TaskInstance& next) REQUIRES(mu_);
  void ReleaseSlot(Dag* d, Ti* t) REQUIRES(mu_);
  // A slot is free and a DAG waits for one.
  bool SlotsForStarved() const REQUIRES(mu_);
  // Processes starved DAGs, oldest first, while slots are free (in a batched pass).
  void ProcessStarved(TimeMs now) REQUIRES(mu_);
  nlohmann::json Variables(const Dag* d, const Run* r, int index, int try_number) const
      REQUIRES(mu_);
  void CancelTry(Ti* t) REQUIRES(mu_);

  // scheduler_prune.cc
  // Prunes the DAG's finished runs past options_.retention (store first, then memory) when
  // due; returns when to look again (kNever: not before a run finishes).
  TimeMs PruneHistory(Dag* d, TimeMs now) REQUIRES(mu_);
  // Forgets a run in memory (its tries cancelled; one still on an executor thread keeps it
  // alive in graveyard_).
  void DropRun(Dag* d, Run* r) REQUIRES(mu_);

  // scheduler_api.cc helpers
  Result<Dag*> FindDag(std::string_view dag_id) const REQUIRES(mu_);
  Result<Run*> FindRun(const Dag* d, std::string_view run_id) const REQUIRES(mu_);
  DagInfo Info(const Dag* d) const REQUIRES(mu_);

  MetaStore* const meta_;
  const TaskTypes* const types_;
  const SchedulerOptions options_;
  Clock* const clock_;
  ManualClock* const manual_;  // virtual_time
  std::string hostname_;
  int64_t pid_;

  mutable Mutex mu_;
  CondVar cv_;  // the scheduler thread: dirty DAGs or Stop
  std::map<std::string, std::unique_ptr<Dag>, std::less<>> dags_ GUARDED_BY(mu_);
  std::vector<Dag*> dirty_ GUARDED_BY(mu_);
  // The DAG an executor thread processes itself after a try (MarkDirty leaves it alone).
  Dag* inline_dag_ GUARDED_BY(mu_) = nullptr;
  // Timers: (time, DAG); an entry whose time differs from its DAG's wake_at is stale.
  std::priority_queue<std::pair<TimeMs, Dag*>, std::vector<std::pair<TimeMs, Dag*>>, std::greater<>>
      timers_ GUARDED_BY(mu_);
  bool timers_earlier_ GUARDED_BY(mu_) = false;  // a timer before the loop's wait target
  std::vector<Job> ready_ GUARDED_BY(mu_);       // dispatched, not yet on a thread
  // Batched writes (see the file comment), and the tries waiting for them to be written
  // after the MetaStore refused them.
  bool batching_ GUARDED_BY(mu_) = false;
  // Writes not yet written, in order: pending_[i] is write number written_seq_ + 1 + i.
  // Never coalesced in place (a copy is), so the numbering holds.
  std::vector<MetaWrite> pending_ GUARDED_BY(mu_);
  uint64_t appended_seq_ GUARDED_BY(mu_) = 0;
  uint64_t written_seq_ GUARDED_BY(mu_) = 0;
  // The writer thread (real time only: async_writes_). It copies pending_, lets go of mu_
  // and writes the copy holding write_mu_; a synchronous write (FlushWrites) takes write_mu_
  // under mu_, so it comes after the batch in flight and never beside it.
  bool async_writes_ GUARDED_BY(mu_) = false;
  bool writer_stop_ GUARDED_BY(mu_) = false;
  std::thread writer_;
  CondVar writer_cv_;   // the writer: something pending, or stop
  CondVar written_cv_;  // tries waiting for their write (written_seq_)
  Mutex write_mu_ ACQUIRED_AFTER(mu_);
  struct InFlight {
    size_t n = 0;      // pending_'s first n writes are being (or were) written
    bool done = false;
    Status status;
  };
  InFlight in_flight_ GUARDED_BY(write_mu_);
  TimeMs writer_retry_at_ GUARDED_BY(mu_) = kNever;  // the writer's batch was refused
  Status last_flush_error_ GUARDED_BY(mu_);  // FlushWrites' last refusal (Persist returns it)
  std::vector<Job> held_ GUARDED_BY(mu_);
  TimeMs flush_retry_at_ GUARDED_BY(mu_) = kNever;
  int busy_total_ GUARDED_BY(mu_) = 0;           // queued or running everywhere (parallelism)
  // DAGs with a scheduled instance held back by `parallelism`, first come first served:
  // each freed slot goes to the next of them (ProcessStarved), not to a pass over all.
  std::deque<Dag*> starved_ GUARDED_BY(mu_);
  // Runs deleted while a try of theirs was still on an executor thread (the Job points at
  // them); freed with the scheduler.
  std::vector<std::unique_ptr<Run>> graveyard_ GUARDED_BY(mu_);
  bool started_ GUARDED_BY(mu_) = false;
  bool stopping_ GUARDED_BY(mu_) = false;
  std::thread loop_;

  // Executor threads, started on demand up to `parallelism`.
  CondVar work_cv_;
  std::deque<Job> work_ GUARDED_BY(mu_);
  int idle_workers_ GUARDED_BY(mu_) = 0;  // waiting on work_cv_
  int woken_ GUARDED_BY(mu_) = 0;         // notified or started, and not yet awake
  int awake_ GUARDED_BY(mu_) = 0;         // not waiting on work_cv_ (in a task or between)
  std::atomic<int> in_task_{0};           // running a task, without mu_ (ExecuteTry)
  std::vector<std::thread> workers_ GUARDED_BY(mu_);

  // Metrics.
  metrics::Registry* registry_;
  metrics::CounterFamily* runs_total_;
  metrics::CounterFamily* tis_total_;
  std::array<metrics::Counter, 10> task_outcomes_;  // task_instances_total by TaskState
  metrics::Histogram delay_;
  metrics::Gauge running_;
  metrics::Counter wakeups_;
  metrics::Counter pruned_;  // runs pruned by the history retention
};

// Airflow's retry delay (TaskInstance.next_retry_datetime, without its hash jitter):
// retry_delay, or with retry_exponential_backoff retry_delay * 2^(try_number-1) rounded up to
// whole seconds (at least 1 s), capped by max_retry_delay (24 h when unset).
int64_t RetryDelayMs(const TaskSpec& t, int try_number);

// Airflow's trigger_rule_dep with flag_upstream_failed: what the instance becomes given its
// direct upstreams' states. kNone: not yet decidable (wait); kScheduled: runnable;
// kUpstreamFailed / kSkipped: decided without running.
TaskState EvaluateTriggerRule(TriggerRule rule, const std::vector<TaskState>& upstream);

}  // namespace kappa::orchestrator::engine
