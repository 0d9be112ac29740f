// The Scheduler's life cycle and its event loop.
//
// Real time: one scheduling thread sleeps on a condition variable until the earliest timer
// (a run's run_after, a retry's next try, a try's execution_timeout) or an event (a trigger,
// a try ending, pause, clear) marks a DAG dirty. It never polls: an idle scheduler with no
// timer due wakes only for events. Work is per DAG: a wake processes only the DAGs it concerns.
// Virtual time: no thread; RunUntil moves the ManualClock from timer to timer and runs every
// try on the calling thread, so a year of @hourly runs in seconds, deterministically.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "common/logging.h"
#include "orchestrator/scheduler_impl.h"

namespace kappa::orchestrator {

using engine::SchedulerImpl;

Result<std::unique_ptr<Scheduler>> Scheduler::Create(std::vector<DagSpec> dags, MetaStore* meta,
                                                     const TaskTypes* types,
                                                     SchedulerOptions options) {
  if (meta == nullptr || types == nullptr) {
    return Status::InvalidArgument("scheduler needs a MetaStore and TaskTypes");
  }
  if (options.parallelism < 1) {
    return Status::InvalidArgument(
        fmt::format("parallelism must be at least 1, got {}", options.parallelism));
  }
  if (options.task_log_max_bytes < 1) {
    return Status::InvalidArgument(fmt::format("task_log_max_bytes must be at least 1, got {}",
                                               options.task_log_max_bytes));
  }
  if (options.virtual_time && dynamic_cast<ManualClock*>(options.clock) == nullptr) {
    return Status::InvalidArgument("virtual_time needs a ManualClock as options.clock");
  }
  auto s = std::make_unique<SchedulerImpl>(meta, types, std::move(options));
  RETURN_IF_ERROR(s->Init(std::move(dags)));
  return std::unique_ptr<Scheduler>(std::move(s));
}

namespace engine {

namespace {
std::string HostName() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof(buf) - 1) != 0) return "localhost";
  return buf;
}
}  // namespace

int Dag::TaskIndex(std::string_view task_id) const {
  for (size_t i = 0; i < spec.tasks.size(); ++i) {
    if (spec.tasks[i].task_id == task_id) return static_cast<int>(i);
  }
  return -1;
}

SchedulerImpl::SchedulerImpl(MetaStore* meta, const TaskTypes* types, SchedulerOptions options)
    : meta_(meta),
      types_(types),
      options_(std::move(options)),
      clock_(options_.clock != nullptr ? options_.clock : Clock::Real()),
      manual_(options_.virtual_time ? dynamic_cast<ManualClock*>(options_.clock) : nullptr),
      hostname_(options_.hostname.empty() ? HostName() : options_.hostname),
      pid_(::getpid()),
      registry_(options_.metrics != nullptr ? options_.metrics : &metrics::Registry::Default()) {
  runs_total_ = &registry_->GetCounterFamily("kappa_orchestrator_dag_runs_total",
                                             "DAG runs that entered a state", {"dag", "state"});
  tis_total_ = &registry_->GetCounterFamily("kappa_orchestrator_task_instances_total",
                                            "Task instance tries by outcome", {"state"});
  delay_ = registry_
               ->GetHistogramFamily("kappa_orchestrator_scheduling_delay_seconds",
                                    "Task start minus when it became runnable", {},
                                    metrics::LatencyBuckets())
               .With({});
  // The outcomes a try (or a trigger rule) can end in; other states count nowhere.
  for (TaskState s : {TaskState::kSuccess, TaskState::kFailed, TaskState::kUpForRetry,
                      TaskState::kSkipped, TaskState::kUpstreamFailed}) {
    task_outcomes_[static_cast<size_t>(s)] = tis_total_->With({TaskStateName(s)});
  }
  running_ = registry_->GetGauge("kappa_orchestrator_running_tasks",
                                 "Task instances queued or running now");
  wakeups_ = registry_->GetCounter("kappa_orchestrator_scheduler_wakeups_total",
                                   "Times the scheduling loop woke up");
  pruned_ = registry_->GetCounter("kappa_orchestrator_runs_pruned_total",
                                  "Finished DAG runs removed by orchestrator.history_retention");
}

SchedulerImpl::~SchedulerImpl() { Stop(); }

Status SchedulerImpl::Init(std::vector<DagSpec> dags) {
  MutexLock l(mu_);
  for (auto& spec : dags) {
    RETURN_IF_ERROR(ValidateDag(spec, types_));
    if (dags_.contains(spec.dag_id)) {
      return Status::InvalidArgument(
          fmt::format("{}: dag '{}' is defined twice", spec.where, spec.dag_id));
    }
    auto d = std::make_unique<Dag>();
    d->spec = std::move(spec);
    const auto& tasks = d->spec.tasks;
    d->upstream.resize(tasks.size());
    d->downstream.resize(tasks.size());
    for (size_t i = 0; i < tasks.size(); ++i) {
      for (const auto& up : tasks[i].upstream) {
        int u = d->TaskIndex(up);
        d->upstream[i].push_back(u);
        d->downstream[u].push_back(static_cast<int>(i));
      }
    }
    for (const auto& id : TopologicalOrder(d->spec)) d->topo.push_back(d->TaskIndex(id));
    d->leaf.resize(tasks.size());
    for (size_t i = 0; i < tasks.size(); ++i) d->leaf[i] = d->downstream[i].empty();
    InitRunCounters(d.get());
    d->record.dag_id = d->spec.dag_id;
    d->record.is_paused = d->spec.paused_at_creation;
    std::string id = d->spec.dag_id;
    dags_.emplace(std::move(id), std::move(d));
  }
  return Status::OK();
}

Status SchedulerImpl::Start() {
  {
    MutexLock l(mu_);
    if (started_) return Status::OK();
    if (stopping_) return Status::Unavailable("the scheduler was stopped");
    RETURN_IF_ERROR(LoadHistory(clock_->NowMs()));
    started_ = true;
    for (auto& [_, d] : dags_) MarkDirty(d.get());
    if (!options_.virtual_time) {
      async_writes_ = true;
      writer_ = std::thread([this] { WriterLoop(); });
    }
  }
  if (!options_.virtual_time) loop_ = std::thread([this] { Loop(); });
  return Status::OK();
}

void SchedulerImpl::Stop() {
  std::vector<std::thread> workers;
  {
    MutexLock l(mu_);
    if (stopping_ && workers_.empty() && !loop_.joinable() && !writer_.joinable()) return;
    stopping_ = true;
    // Cancelled tries are left running in the history: the next Start treats them as
    // zombies (the process that ran them is gone, as far as the history can tell).
    for (auto& [_, d] : dags_) {
      for (auto& [date, r] : d->active) {
        for (auto& t : r->tis) {
          if (t.control) t.control->Cancel();
        }
      }
    }
    workers.swap(workers_);
  }
  cv_.notify_all();
  work_cv_.notify_all();
  written_cv_.notify_all();
  if (loop_.joinable()) loop_.join();
  for (auto& w : workers) w.join();
  // Last, the writer: what the loop and the tries changed until now is written first.
  {
    MutexLock l(mu_);
    writer_stop_ = true;
  }
  writer_cv_.notify_all();
  if (writer_.joinable()) writer_.join();
}

void SchedulerImpl::InitRunCounters(Dag* d) {
  for (size_t i = 0; i < d->run_states.size(); ++i) {
    d->run_states[i] = runs_total_->With({d->spec.dag_id, RunStateName(static_cast<RunState>(i))});
  }
}

void SchedulerImpl::MarkDirty(Dag* d) {
  if (d->dirty || d == inline_dag_) return;
  d->dirty = true;
  dirty_.push_back(d);
  if (dirty_.size() == 1) cv_.notify_one();
}

void SchedulerImpl::SetTimer(Dag* d, TimeMs at) {
  if (at == d->wake_at) return;
  d->wake_at = at;
  if (at == kNever) return;
  // A timer earlier than the one the loop sleeps towards (one set from an executor thread,
  // e.g. a try's execution_timeout) wakes the loop to sleep again for less.
  if (timers_.empty() || at < timers_.top().first) {
    timers_earlier_ = true;
    cv_.notify_one();
  }
  timers_.push({at, d});
}

void SchedulerImpl::PopDueTimers(TimeMs now) {
  while (!timers_.empty() && timers_.top().first <= now) {
    auto [at, d] = timers_.top();
    timers_.pop();
    if (at != d->wake_at) continue;  // stale
    d->wake_at = kNever;
    MarkDirty(d);
  }
}

void SchedulerImpl::ProcessDue(TimeMs now) {
  PopDueTimers(now);
  // Processing a DAG can dirty it again (a try ended inline in virtual time); loop until quiet.
  // Batched as in real time, so the engine's tests run the same write path.
  while (!dirty_.empty() || (SlotsForStarved() && !stopping_)) {
    std::vector<Dag*> batch;
    batch.swap(dirty_);
    batching_ = true;
    for (Dag* d : batch) {
      d->dirty = false;
      ProcessDag(d, now);
    }
    ProcessStarved(now);  // the slots freed meanwhile, to the DAGs waiting longest
    batching_ = false;
    Dispatch();
  }
}

void SchedulerImpl::Loop() {
  MutexLock l(mu_);
  while (!stopping_) {
    wakeups_.Add();
    const TimeMs now = clock_->NowMs();
    PopDueTimers(now);
    // A batch the MetaStore refused: again, and the tries waiting for it start if it passes.
    if (flush_retry_at_ <= now) Dispatch();
    // A burst in chunks of kChunk DAGs: each chunk's changes are written as one MetaStore
    // batch, then its tries go to the executor and the lock is let go so executor threads
    // start them while the next chunk is looked at. With 1,000 DAGs due in the same
    // millisecond the first tasks start after a chunk's work, not after the whole burst's.
    constexpr size_t kChunk = 32;
    while ((!dirty_.empty() || SlotsForStarved()) && !stopping_) {
      std::vector<Dag*> batch;
      batch.swap(dirty_);
      for (size_t i = 0; i < batch.size() && !stopping_;) {
        batching_ = true;
        for (size_t end = std::min(batch.size(), i + kChunk); i < end; ++i) {
          batch[i]->dirty = false;
          ProcessDag(batch[i], now);
        }
        batching_ = false;
        Dispatch();
        if (!work_.empty()) {
          l.unlock();
          std::this_thread::yield();
          l.lock();
        }
      }
      if (SlotsForStarved() && !stopping_) {  // a slot freed without a pass to give it on
        batching_ = true;
        ProcessStarved(now);
        batching_ = false;
        Dispatch();
      }
    }
    if (stopping_) break;
    timers_earlier_ = false;  // the wait below is computed from every timer set so far
    const TimeMs next =
        std::min(timers_.empty() ? kNever : timers_.top().first, flush_retry_at_);
    if (!dirty_.empty() || (next != kNever && next <= clock_->NowMs())) continue;
    auto pred = [this]() REQUIRES(mu_) {
      return stopping_ || !dirty_.empty() || timers_earlier_ || SlotsForStarved();
    };
    if (next == kNever) {
      cv_.wait(l, pred);
    } else {
      // The timer is on the scheduler's clock; waiting on the steady clock for the difference
      // is right for the real clock (a wall-clock step is seen at the next wake).
      cv_.wait_for(l, std::chrono::milliseconds(next - clock_->NowMs()), pred);
    }
  }
}

Status SchedulerImpl::RunUntil(TimeMs until) {
  if (!options_.virtual_time) return Status::InvalidArgument("RunUntil needs virtual_time");
  MutexLock l(mu_);
  if (!started_) return Status::Unavailable("the scheduler is not started");
  while (true) {
    if (flush_retry_at_ <= clock_->NowMs()) Dispatch();
    ProcessDue(clock_->NowMs());
    if (!ready_.empty()) {
      // Tries run one at a time on this thread, each without the lock (a task may take
      // virtual time: sleep_or_cancelled advances the clock).
      std::vector<Job> jobs;
      jobs.swap(ready_);
      for (const Job& j : jobs) ExecuteTry(j, l);
      continue;
    }
    const TimeMs next =
        std::min(timers_.empty() ? kNever : timers_.top().first, flush_retry_at_);
    const TimeMs now = clock_->NowMs();
    if (next > until) {
      if (now < until) manual_->SetMs(until);
      ProcessDue(clock_->NowMs());
      if (ready_.empty()) break;
      continue;
    }
    if (next > now) manual_->SetMs(next);
  }
  return Status::OK();
}

void SchedulerImpl::Submit(const Job& job) {
  work_.push_back(job);
  WakeWorker();
}

// Executor threads are woken as a chain, not one per queued try: a queued try needs a thread
// only when every awake thread is inside a task (a thread between tries takes it next). So
// a burst of short tasks is run by the two or three threads already awake, with few futex
// hand-offs, while tries queued behind a long task still get a thread each at once: the
// thread that takes a try wakes the next before it runs it (ExecuteTry).
void SchedulerImpl::WakeWorker() {
  if (work_.empty() || woken_ > 0) return;
  if (awake_ - in_task_.load(std::memory_order_relaxed) > 0) return;
  if (idle_workers_ > 0) {
    ++woken_;
    work_cv_.notify_one();
  } else if (static_cast<int>(workers_.size()) < options_.parallelism) {
    ++woken_;
    workers_.emplace_back([this] { WorkerLoop(); });  // on demand, up to `parallelism`
  }
  // Otherwise every thread is busy: the first to finish a try takes it.
}

void SchedulerImpl::WorkerLoop() {
  MutexLock l(mu_);
  if (woken_ > 0) --woken_;  // started by WakeWorker
  ++awake_;
  while (true) {
    while (!stopping_ && work_.empty()) {
      ++idle_workers_;
      --awake_;
      work_cv_.wait(l);
      --idle_workers_;
      ++awake_;
      // Every return from wait counts as a wake (WakeWorker's woken_), also one that finds
      // the queue emptied by a running thread: then the next Submit wakes a sleeper again.
      if (woken_ > 0) --woken_;
    }
    if (work_.empty()) {  // stopping, nothing left
      --awake_;
      return;
    }
    // Once awake, a thread takes tries until none is left: a burst of short tasks keeps
    // the threads that are running instead of waking a sleeping one per try.
    while (!work_.empty()) {
      Job job = work_.front();
      work_.pop_front();
      ExecuteTry(job, l);
    }
  }
}

}  // namespace engine
}  // namespace kappa::orchestrator
