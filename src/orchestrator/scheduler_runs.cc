// Creating and advancing runs, as Airflow 2's scheduler does:
//   - automated runs from the timetable (SchedulerJob._create_dag_runs), at most
//     max_active_runs queued or running, the cursor (DagRecord::last_automated) moved only
//     after the run is stored, so a crash can neither lose nor repeat an interval;
//   - queued runs start while fewer than max_active_runs run (_start_queued_dagruns);
//   - task instances move on when their trigger rule allows (trigger_rule_dep.py with
//     flag_upstream_failed) and, with depends_on_past, when the previous run's instance
//     succeeded or was skipped (prev_dagrun_dep.py);
//   - a run ends as DagRun.update_state decides: failed if a leaf failed or is
//     upstream_failed, success when every leaf succeeded or was skipped, failed on deadlock.
// A paused DAG creates no runs and its runs do not advance, except backfills (Airflow's
// scheduler skips paused DAGs; backfill jobs ignore the pause).
#include <fmt/format.h>

#include <algorithm>

#include "common/logging.h"
#include "orchestrator/scheduler_impl.h"

namespace kappa::orchestrator::engine {

TaskState EvaluateTriggerRule(TriggerRule rule, const std::vector<TaskState>& upstream) {
  // Airflow: a task without upstreams passes its trigger rule whatever the rule.
  if (upstream.empty() || rule == TriggerRule::kAlways) return TaskState::kScheduled;
  int success = 0, skipped = 0, failed = 0, upstream_failed = 0, done = 0;
  for (TaskState s : upstream) {
    success += s == TaskState::kSuccess;
    skipped += s == TaskState::kSkipped;
    failed += s == TaskState::kFailed;
    upstream_failed += s == TaskState::kUpstreamFailed;
    done += IsFinished(s);
  }
  const int n = static_cast<int>(upstream.size());
  const bool all_done = done >= n;
  auto met = [](bool ok) { return ok ? TaskState::kScheduled : TaskState::kNone; };
  switch (rule) {
    case TriggerRule::kAllSuccess:
      if (upstream_failed > 0 || failed > 0) return TaskState::kUpstreamFailed;
      if (skipped > 0) return TaskState::kSkipped;
      return met(success == n);
    case TriggerRule::kAllFailed:
      if (success > 0 || skipped > 0) return TaskState::kSkipped;
      return met(failed + upstream_failed == n);
    case TriggerRule::kOneSuccess:
      if (all_done && done == skipped) return TaskState::kSkipped;
      if (all_done && success == 0) return TaskState::kUpstreamFailed;
      return met(success > 0);
    case TriggerRule::kOneFailed:
      if (all_done && failed == 0 && upstream_failed == 0) return TaskState::kSkipped;
      return met(failed > 0 || upstream_failed > 0);
    case TriggerRule::kNoneFailed:
      if (upstream_failed > 0 || failed > 0) return TaskState::kUpstreamFailed;
      return met(success + skipped == n);
    case TriggerRule::kNoneSkipped:
      if (skipped > 0) return TaskState::kSkipped;
      return met(all_done);
    case TriggerRule::kAllDone:
      return met(all_done);
    case TriggerRule::kAlways:
      break;
  }
  return TaskState::kScheduled;
}

bool SchedulerImpl::Commit(Dag* d, Ti* t, const TaskInstance& next) {
  Status s = Persist(next);
  if (!s.ok()) {
    WriteFailed(d, s);
    return false;
  }
  t->ti = next;
  return true;
}

bool SchedulerImpl::Commit(Dag* d, Run* r, const DagRun& next) {
  Status s = Persist(next);
  if (!s.ok()) {
    WriteFailed(d, s);
    return false;
  }
  r->run = next;
  return true;
}

void SchedulerImpl::WriteFailed(Dag* d, const Status& s) {
  KLOG_ERROR("orchestrator: dag {}: writing the history failed, retrying in 1 s: {}",
             d->spec.dag_id, s.ToString());
  d->write_retry_at = clock_->NowMs() + 1000;
}

void SchedulerImpl::CountRunState(Dag* d, RunState s) {
  d->run_states[static_cast<size_t>(s)].Add();
  if (s == RunState::kSuccess || s == RunState::kFailed) d->prune_check = true;
}

bool SchedulerImpl::ProgressesWhilePaused(const Dag* d, const Run* r) const {
  return !d->record.is_paused || r->run.run_type == RunType::kBackfill;
}

Result<Run*> SchedulerImpl::CreateRun(Dag* d, RunType type, std::string run_id, TimeMs logical_date,
                                      DataInterval interval, TimeMs run_after, TimeMs now,
                                      const nlohmann::json& conf) {
  if (d->runs.contains(run_id)) {
    return Status::AlreadyExists(fmt::format(
        "DAGRun with DAG ID: '{}' and DAGRun ID: '{}' already exists", d->spec.dag_id, run_id));
  }
  if (d->by_date.contains(logical_date)) {
    return Status::AlreadyExists(
        fmt::format("DAGRun with DAG ID: '{}' and DAGRun logical date: '{}' already exists",
                    d->spec.dag_id, FormatIso(logical_date)));
  }
  auto r = std::make_unique<Run>();
  DagRun& run = r->run;
  run.dag_id = d->spec.dag_id;
  run.run_id = std::move(run_id);
  run.run_type = type;
  run.state = RunState::kQueued;
  run.logical_date = logical_date;
  run.data_interval = interval;
  run.queued_at = now;
  run.external_trigger = type == RunType::kManual;
  run.conf = conf.is_object() ? conf : nlohmann::json::object();
  r->run_after = run_after;
  RETURN_IF_ERROR(Persist(run));
  r->tis.resize(d->spec.tasks.size());
  for (size_t i = 0; i < d->spec.tasks.size(); ++i) {
    const TaskSpec& spec = d->spec.tasks[i];
    TaskInstance& ti = r->tis[i].ti;
    ti.dag_id = run.dag_id;
    ti.run_id = run.run_id;
    ti.task_id = spec.task_id;
    ti.max_tries = spec.retries;
    ti.operator_name = spec.type;
    // A failed write leaves the run without some instances in the history; Start adds the
    // missing ones (Airflow's verify_integrity).
    RETURN_IF_ERROR(Persist(ti));
  }
  Run* raw = r.get();
  d->by_date[logical_date] = raw;
  d->active[logical_date] = raw;
  d->runs.emplace(run.run_id, std::move(r));
  CountRunState(d, RunState::kQueued);
  return raw;
}

bool SchedulerImpl::CreateAutomatedRuns(Dag* d, TimeMs now) {
  bool created = false;
  const DagSpec& s = d->spec;
  while (true) {
    d->next =
        s.schedule.NextRun(d->record.last_automated, s.start_date, s.end_date, s.catchup, now);
    if (d->record.is_paused || !d->is_active || !d->next || d->next->run_after > now) break;
    if (static_cast<int>(d->active.size()) >= s.max_active_runs) break;
    const NextRunInfo info = *d->next;
    // A run already at this logical date (a manual one, or one stored just before a crash
    // that kept the cursor from moving) takes the interval: move on.
    if (!d->by_date.contains(info.interval.start)) {
      auto r =
          CreateRun(d, RunType::kScheduled, MakeRunId(RunType::kScheduled, info.interval.start),
                    info.interval.start, info.interval, info.run_after, now, {});
      if (!r.ok()) {
        WriteFailed(d, r.status());
        break;
      }
    }
    DagRecord rec = d->record;
    rec.last_automated = info.interval;
    if (Status st = Persist(rec); !st.ok()) {
      WriteFailed(d, st);
      break;
    }
    d->record = rec;
    created = true;
  }
  return created;
}

bool SchedulerImpl::StartQueuedRuns(Dag* d, TimeMs now) {
  int running = 0;
  for (const auto& [_, r] : d->active) running += r->run.state == RunState::kRunning;
  bool changed = false;
  for (auto& [_, r] : d->active) {
    if (running >= d->spec.max_active_runs) break;
    if (r->run.state != RunState::kQueued || !ProgressesWhilePaused(d, r)) continue;
    DagRun next = r->run;
    next.state = RunState::kRunning;
    next.start_date = now;
    next.end_date.reset();
    if (!Commit(d, r, next)) break;
    CountRunState(d, RunState::kRunning);
    ++running;
    changed = true;
  }
  return changed;
}

bool SchedulerImpl::PastDependsMet(const Dag* d, const Run* r, int index) const {
  auto it = d->by_date.find(r->run.logical_date);
  if (it == d->by_date.begin()) return true;  // the first run
  const Run* prev = std::prev(it)->second;
  TaskState s = prev->tis[index].ti.state;
  return s == TaskState::kSuccess || s == TaskState::kSkipped;
}

bool SchedulerImpl::AdvanceRun(Dag* d, Run* r, TimeMs now, TimeMs* wake) {
  bool changed = false;
  for (int i : d->topo) {
    Ti& t = r->tis[i];
    if (t.pending_write) {
      if (!Commit(d, &t, t.ti)) return changed;
      t.pending_write = false;
    }
  }
  for (int i : d->topo) {
    Ti& t = r->tis[i];
    const TaskSpec& spec = d->spec.tasks[i];
    TaskState state = t.ti.state;
    if (state == TaskState::kRunning || state == TaskState::kQueued) {
      if (t.deadline != kNever && t.control) {
        if (t.deadline <= now) {
          t.control->timed_out = true;
          t.control->Cancel();
        } else {
          *wake = std::min(*wake, t.deadline);
        }
      }
      continue;
    }
    if (IsFinished(state) || t.busy) continue;
    bool became_scheduled = false;
    if (state == TaskState::kUpForRetry && t.ti.next_retry_at.value_or(0) > now) {
      *wake = std::min(*wake, *t.ti.next_retry_at);
      continue;
    }
    if (state == TaskState::kNone || state == TaskState::kUpForRetry) {
      std::vector<TaskState> ups;
      TimeMs ready = std::max(r->run_after, r->run.start_date.value_or(0));
      for (int u : d->upstream[i]) {
        ups.push_back(r->tis[u].ti.state);
        ready = std::max(ready, r->tis[u].ti.end_date.value_or(0));
      }
      TaskState verdict = EvaluateTriggerRule(spec.trigger_rule, ups);
      if (verdict == TaskState::kUpstreamFailed || verdict == TaskState::kSkipped) {
        TaskInstance next = t.ti;
        next.state = verdict;
        next.start_date = next.start_date.value_or(now);
        next.end_date = now;
        if (!Commit(d, &t, next)) return changed;
        task_outcomes_[static_cast<size_t>(verdict)].Add();
        changed = true;
        continue;
      }
      if (verdict == TaskState::kNone) continue;
      if (spec.depends_on_past && !PastDependsMet(d, r, i)) continue;
      if (state == TaskState::kUpForRetry) ready = std::max(ready, *t.ti.next_retry_at);
      t.runnable_at = ready;
      t.ti.state = TaskState::kScheduled;  // stored below, as scheduled or queued
      state = TaskState::kScheduled;
      changed = true;
      became_scheduled = true;
    }
    // kScheduled: queue it if a slot is free (max_active_tasks per DAG, parallelism overall).
    TaskInstance next = t.ti;
    const bool dag_full = d->busy_tasks >= d->spec.max_active_tasks;
    const bool all_full = busy_total_ >= options_.parallelism;
    if (dag_full || all_full) {
      if (all_full && !d->starved) {
        d->starved = true;
        starved_.push_back(d);
      }
      // Stored once when it becomes scheduled, not again on every pass that finds it waiting.
      if (became_scheduled && !Commit(d, &t, next)) return changed;
      continue;
    }
    // A slot is free, so an executor thread takes the try at once: it is queued and
    // recorded running in this pass (one write), and its task is called once the write
    // is in the history (ExecuteTry). A crash in between leaves a zombie, as in Airflow.
    next.state = TaskState::kRunning;
    next.queued_at = now;
    next.try_number += 1;
    next.start_date = now;
    next.end_date.reset();
    next.next_retry_at.reset();
    next.hostname = hostname_;
    next.pid = pid_;
    next.error.clear();
    if (!Commit(d, &t, next)) return changed;
    t.busy = true;
    ++d->busy_tasks;
    ++busy_total_;
    running_.Set(busy_total_);
    ready_.push_back(Job{d, r, i, t.generation, appended_seq_});
    changed = true;
  }
  return UpdateRunState(d, r, now) || changed;
}

bool SchedulerImpl::UpdateRunState(Dag* d, Run* r, TimeMs now) {
  bool unfinished = false, active = false, past_dependent = false, leaf_failed = false;
  for (size_t i = 0; i < r->tis.size(); ++i) {
    const Ti& t = r->tis[i];
    TaskState s = t.ti.state;
    if (!IsFinished(s)) {
      unfinished = true;
      if (s != TaskState::kNone || t.busy) active = true;
      if (d->spec.tasks[i].depends_on_past) past_dependent = true;
    } else if (d->leaf[i] && (s == TaskState::kFailed || s == TaskState::kUpstreamFailed)) {
      leaf_failed = true;
    }
  }
  RunState verdict;
  if (!unfinished) {
    verdict = leaf_failed ? RunState::kFailed : RunState::kSuccess;
  } else if (!active && !past_dependent) {
    // Every unfinished instance is waiting and none can move: Airflow's deadlock. (Instances
    // waiting on a previous run through depends_on_past keep the run running, as Airflow's
    // should_schedule does.)
    KLOG_WARN("orchestrator: dag {} run {}: deadlock (no runnable tasks), marking it failed",
              d->spec.dag_id, r->run.run_id);
    verdict = RunState::kFailed;
  } else {
    return false;
  }
  DagRun next = r->run;
  next.state = verdict;
  next.end_date = now;
  if (!Commit(d, r, next)) return false;
  d->active.erase(r->run.logical_date);
  CountRunState(d, verdict);
  return true;
}

void SchedulerImpl::ProcessDag(Dag* d, TimeMs now) {
  if (!started_ || stopping_) return;
  if (d->write_retry_at != kNever) {
    // The MetaStore refused a write: act again only at the retry time (no busy loop).
    if (now < d->write_retry_at) {
      SetTimer(d, d->write_retry_at);
      return;
    }
    d->write_retry_at = kNever;
  }
  TimeMs wake = kNever;
  for (int pass = 0; pass < 1000; ++pass) {
    wake = kNever;
    bool changed = CreateAutomatedRuns(d, now);
    changed |= StartQueuedRuns(d, now);
    for (auto it = d->active.begin(); it != d->active.end();) {
      Run* r = (it++)->second;  // AdvanceRun may end the run (erase it from active)
      if (r->run.state != RunState::kRunning || !ProgressesWhilePaused(d, r)) continue;
      changed |= AdvanceRun(d, r, now, &wake);
    }
    if (!changed) break;
  }
  if (d->next && !d->record.is_paused && d->is_active &&
      static_cast<int>(d->active.size()) < d->spec.max_active_runs) {
    wake = std::min(wake, std::max(d->next->run_after, now));
  }
  wake = std::min(wake, PruneHistory(d, now));
  if (d->write_retry_at != kNever) wake = d->write_retry_at;  // a write failed on the way
  SetTimer(d, wake);
}

}  // namespace kappa::orchestrator::engine
