// Tries: a queued instance becomes running (recorded before the task is called), the task
// runs on an executor thread (or inline in virtual time), and its outcome is recorded:
// success, skipped (SkipTask), or a failure retried by the task's policy (Airflow's
// TaskInstance.handle_failure: up_for_retry while try_number <= max_tries, else failed).
// execution_timeout cancels the try and fails it whatever the task returns.
#include <fmt/format.h>

#include <atomic>

#include <algorithm>
#include <cmath>

#include "common/logging.h"
#include "orchestrator/scheduler_impl.h"

namespace kappa::orchestrator::engine {

namespace {
constexpr int64_t kMaxRetryDelayMs = 86'400'000;  // Airflow's cap on a retry delay
}  // namespace

int64_t RetryDelayMs(const TaskSpec& t, int try_number) {
  if (!t.retry_exponential_backoff) return t.retry_delay_ms;
  // Airflow: min_backoff = ceil(retry_delay_seconds * 2^(try_number - 2)) at least 1 s, where
  // its try_number is already the next try's; ours is the try that failed, hence -1. Airflow
  // adds a hash jitter in [0, min_backoff); kappa takes the lower bound, deterministically.
  const int exponent = std::clamp(try_number - 1, 0, 40);
  double seconds =
      std::ceil(static_cast<double>(t.retry_delay_ms) / 1000.0 * std::ldexp(1.0, exponent));
  seconds = std::max(seconds, 1.0);
  const int64_t cap = t.max_retry_delay_ms > 0 ? t.max_retry_delay_ms : kMaxRetryDelayMs;
  if (seconds * 1000.0 >= static_cast<double>(cap)) return cap;
  return static_cast<int64_t>(seconds) * 1000;
}

void SchedulerImpl::ReleaseSlot(Dag* d, Ti* t) {
  t->busy = false;
  --d->busy_tasks;
  --busy_total_;
  running_.Set(busy_total_);
  MarkDirty(d);
}

bool SchedulerImpl::SlotsForStarved() const {
  return !starved_.empty() && busy_total_ < options_.parallelism;
}

void SchedulerImpl::ProcessStarved(TimeMs now) {
  while (SlotsForStarved() && !stopping_) {
    Dag* s = starved_.front();
    starved_.pop_front();
    s->starved = false;
    ProcessDag(s, now);  // takes the slot, or starves again at the back if all are taken
  }
}

nlohmann::json SchedulerImpl::Variables(const Dag* d, const Run* r, int index,
                                        int try_number) const {
  const DagRun& run = r->run;
  const std::string ts = FormatIso(run.logical_date);
  std::string ds = ts.substr(0, 10);
  std::string ds_nodash = ds;
  std::erase(ds_nodash, '-');
  std::string ts_nodash = ts.substr(0, 19);
  std::erase(ts_nodash, '-');
  std::erase(ts_nodash, ':');
  nlohmann::json v = nlohmann::json::object();
  v["ds"] = ds;
  v["ds_nodash"] = ds_nodash;
  v["ts"] = ts;
  v["ts_nodash"] = ts_nodash;
  v["logical_date"] = ts;
  v["data_interval_start"] = FormatIso(run.data_interval.start);
  v["data_interval_end"] = FormatIso(run.data_interval.end);
  v["run_id"] = run.run_id;
  v["dag_id"] = d->spec.dag_id;
  v["dag"] = {{"dag_id", d->spec.dag_id}};
  v["task_id"] = d->spec.tasks[index].task_id;
  v["task"] = {{"task_id", d->spec.tasks[index].task_id}};
  v["try_number"] = try_number;
  // Airflow's core.dag_run_conf_overrides_params (default True): a trigger's conf overrides
  // the DAG's params key by key.
  nlohmann::json params = d->spec.params.is_object() ? d->spec.params : nlohmann::json::object();
  for (const auto& [k, val] : run.conf.items()) params[k] = val;
  v["params"] = params;
  v["conf"] = run.conf;
  nlohmann::json tasks = nlohmann::json::object();
  for (size_t i = 0; i < r->tis.size(); ++i) {
    const TaskInstance& ti = r->tis[i].ti;
    if (ti.state == TaskState::kSuccess) tasks[ti.task_id] = {{"result", ti.result}};
  }
  v["tasks"] = tasks;
  return v;
}

namespace {
// What a try has logged so far, against options_.task_log_max_bytes (a task may log from
// more than one thread).
struct LogBudget {
  std::atomic<int64_t> used{0};
  std::atomic<bool> truncated{false};
};
}  // namespace

void SchedulerImpl::ExecuteTry(const Job& job, MutexLock& l) {
  auto control = std::make_shared<TryControl>();
  TaskContext ctx;
  DagRun run;
  TaskType* type = nullptr;
  Status prepare;
  TimeMs deadline = kNever;
  {
    Dag* d = job.dag;
    Ti& t = job.run->tis[job.index];
    // The try was recorded running when it was queued (AdvanceRun): its task is called
    // once that write is in the history.
    while (written_seq_ < job.seq && !stopping_ && t.generation == job.generation) {
      written_cv_.wait(l);
    }
    if (stopping_ || t.generation != job.generation || t.ti.state != TaskState::kRunning) {
      ReleaseSlot(d, &t);  // cleared, set by hand or stopping before it started
      if (SlotsForStarved()) cv_.notify_one();  // the loop gives the slot on
      return;
    }
    const TaskSpec& spec = d->spec.tasks[job.index];
    const TimeMs now = clock_->NowMs();
    if (options_.virtual_time && t.ti.start_date != now) {
      // Virtual time runs a pass's tries one after another on one thread, each taking
      // virtual time: a try's start is when it is called, not when it was queued.
      // (If the store refuses it, the queued time stays: the try is recorded running.)
      TaskInstance restamped = t.ti;
      restamped.start_date = now;
      (void)Commit(d, &t, restamped);
    }
    const TaskInstance& next = t.ti;
    t.control = control;
    if (spec.execution_timeout_ms > 0) deadline = now + spec.execution_timeout_ms;
    t.deadline = deadline;
    if (deadline != kNever && !options_.virtual_time) SetTimer(d, std::min(d->wake_at, deadline));
    delay_.Observe(static_cast<double>(std::max<TimeMs>(0, now - t.runnable_at)) / 1000.0);
    run = job.run->run;
    ctx.dag = &d->spec;
    ctx.task = &spec;
    ctx.try_number = next.try_number;
    ctx.variables = Variables(d, job.run, job.index, next.try_number);
    type = types_->Find(spec.type);
    if (type == nullptr)
      prepare = Status::NotFound(fmt::format("unknown task type '{}'", spec.type));
  }
  // This thread is in a task from here on: if tries are still queued, the next thread is
  // woken now (the task may be long).
  in_task_.fetch_add(1, std::memory_order_relaxed);
  WakeWorker();
  // The caller's MutexLock `l` holds mu_; the analysis cannot see through a lock passed by
  // reference, so mu_ itself is dropped around the try and taken back (l stays consistent).
  mu_.unlock();
  ctx.run = &run;
  if (prepare.ok()) {
    auto args = RenderArgs(ctx.task->args, ctx.variables);
    if (args.ok()) {
      ctx.args = std::move(args).value();
    } else {
      prepare = args.status();
    }
  }
  ctx.cancelled = &control->cancelled;
  ctx.clock = clock_;
  // The try's log is capped (options_.task_log_max_bytes): a command printing without end
  // must not fill the store. Past the cap one marker line, then nothing.
  auto budget = std::make_shared<LogBudget>();
  ctx.log = [meta = meta_, &ctx, budget, cap = options_.task_log_max_bytes](std::string_view line) {
    if (budget->truncated.load()) return;
    std::string marker;
    const int64_t cost = int64_t(line.size()) + 1;
    if (budget->used.fetch_add(cost) + cost > cap) {
      if (budget->truncated.exchange(true)) return;  // another thread wrote the marker
      marker = fmt::format(
          "[log truncated: this try's log reached its cap of {} bytes "
          "(orchestrator.task_log_max_bytes); later lines are dropped]",
          cap);
    }
    (void)meta->AppendLog(ctx.run->dag_id, ctx.run->run_id, ctx.task->task_id, ctx.try_number,
                          marker.empty() ? line : std::string_view(marker));
  };
  if (options_.virtual_time) {
    // Virtual time: sleeping moves the clock; execution_timeout fires inside the sleep.
    ctx.sleep_or_cancelled = [this, control, deadline](int64_t ms) {
      if (control->cancelled) return true;
      const TimeMs now = clock_->NowMs();
      if (deadline != kNever && now + ms >= deadline) {
        manual_->SetMs(std::max(now, deadline));
        control->timed_out = true;
        control->Cancel();
        return true;
      }
      manual_->AdvanceMs(std::max<int64_t>(ms, 0));
      return control->cancelled.load();
    };
  } else {
    ctx.sleep_or_cancelled = [control](int64_t ms) {
      MutexLock l(control->mu);
      control->cv.wait_for(l, std::chrono::milliseconds(std::max<int64_t>(ms, 0)),
                           [&] { return control->cancelled.load(); });
      return control->cancelled.load();
    };
  }
  Result<std::string> result = prepare.ok() ? type->Run(ctx) : Result<std::string>(prepare);
  in_task_.fetch_sub(1, std::memory_order_relaxed);  // between tries: takes a queued one next
  mu_.lock();
  FinishTry(job, result);
}

void SchedulerImpl::FinishTry(const Job& job, const Result<std::string>& result) {
  Dag* d = job.dag;
  if (options_.virtual_time) {
    RecordTryEnd(job, result);  // RunUntil processes the DAG next
    return;
  }
  // Real time: this executor thread moves the DAG on itself (the next task, the run's
  // state) rather than waking the scheduling thread for it: one hand-off less per try. The
  // outcome and what follows from it are written as one batch.
  inline_dag_ = d;
  batching_ = true;
  RecordTryEnd(job, result);
  inline_dag_ = nullptr;
  if (!stopping_) {
    const TimeMs now = clock_->NowMs();
    ProcessDag(d, now);
    ProcessStarved(now);  // the slot this try freed goes to the DAG that waited longest
  }
  batching_ = false;
  Dispatch();
}

void SchedulerImpl::RecordTryEnd(const Job& job, const Result<std::string>& result) {
  Dag* d = job.dag;
  Ti& t = job.run->tis[job.index];
  ReleaseSlot(d, &t);
  // Stopping: the try stays running in the history (a zombie for the next Start). Cleared
  // or set by hand meanwhile: its outcome no longer matters.
  if (stopping_ || t.generation != job.generation || t.ti.state != TaskState::kRunning) return;
  std::shared_ptr<TryControl> control = std::move(t.control);
  t.deadline = kNever;
  const TimeMs now = clock_->NowMs();
  if (control && control->timed_out) {
    FailTry(d, job.run, job.index,
            Status::TimedOut(fmt::format("execution_timeout: the try ran longer than {} ms",
                                         d->spec.tasks[job.index].execution_timeout_ms))
                .ToString(),
            now);
    return;
  }
  TaskInstance next = t.ti;
  next.end_date = now;
  if (result.ok()) {
    next.state = TaskState::kSuccess;
    next.result = *result;
  } else if (IsSkip(result.status())) {
    next.state = TaskState::kSkipped;
    next.error = result.status().message();
  } else {
    FailTry(d, job.run, job.index, result.status().ToString(), now);
    return;
  }
  RecordOutcome(d, job.run, job.index, next);
}

void SchedulerImpl::FailTry(Dag* d, Run* r, int index, const std::string& error, TimeMs now) {
  const TaskSpec& spec = d->spec.tasks[index];
  TaskInstance next = r->tis[index].ti;
  next.end_date = now;
  next.error = error;
  if (spec.retries > 0 && next.try_number <= next.max_tries) {
    next.state = TaskState::kUpForRetry;
    next.next_retry_at = now + RetryDelayMs(spec, next.try_number);
  } else {
    next.state = TaskState::kFailed;
  }
  (void)meta_->AppendLog(next.dag_id, next.run_id, next.task_id, next.try_number, error);
  RecordOutcome(d, r, index, next);
}

void SchedulerImpl::RecordOutcome(Dag* d, Run* r, int index, const TaskInstance& next) {
  Ti& t = r->tis[index];
  if (!Commit(d, &t, next)) {
    t.ti = next;  // the try is over whatever the store says; written before the run moves on
    t.pending_write = true;
  }
  task_outcomes_[static_cast<size_t>(next.state)].Add();
  MarkDirty(d);
}

void SchedulerImpl::CancelTry(Ti* t) {
  if (t->control) t->control->Cancel();
  t->control.reset();
  t->deadline = kNever;
}

}  // namespace kappa::orchestrator::engine
