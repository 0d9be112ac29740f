// Changing history by hand: Clear (Airflow's clear_task_instances: the instances run again,
// try numbers keep counting, max_tries = try_number + retries, runs back to queued) and
// SetRunState (Airflow's PATCH dagRuns state: set_dag_run_state_to_success marks unfinished
// instances success; _to_failed marks running ones failed and the other unfinished ones
// skipped; _to_queued only requeues the run). A try still running is cancelled and its
// outcome ignored (the instance's generation moves on).
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "orchestrator/scheduler_impl.h"

namespace kappa::orchestrator::engine {

namespace {
// `start` and every task reachable from it along `edges`.
void Closure(const std::vector<std::vector<int>>& edges, int start, std::set<int>* out) {
  std::vector<int> stack = {start};
  while (!stack.empty()) {
    int i = stack.back();
    stack.pop_back();
    for (int j : edges[i]) {
      if (out->insert(j).second) stack.push_back(j);
    }
  }
}
}  // namespace

Result<std::vector<TaskInstance>> SchedulerImpl::Clear(std::string_view dag_id,
                                                       const ClearRequest& req) {
  MutexLock l(mu_);
  if (!started_) return Status::Unavailable("the scheduler is not started");
  ASSIGN_OR_RETURN(Dag * d, FindDag(dag_id));
  std::vector<Run*> runs;
  if (!req.run_ids.empty()) {
    for (const auto& id : req.run_ids) {
      ASSIGN_OR_RETURN(Run * r, FindRun(d, id));
      runs.push_back(r);
    }
  } else {
    for (auto& [date, r] : d->by_date) {
      if (req.start_date && date < *req.start_date) continue;
      if (req.end_date && date > *req.end_date) continue;
      runs.push_back(r);
    }
  }
  std::set<int> tasks;
  if (req.task_ids.empty()) {
    for (size_t i = 0; i < d->spec.tasks.size(); ++i) tasks.insert(static_cast<int>(i));
  } else {
    for (const auto& id : req.task_ids) {
      int i = d->TaskIndex(id);
      if (i < 0) {
        return Status::NotFound(fmt::format("Task '{}' not found in DAG '{}'", id, dag_id));
      }
      tasks.insert(i);
    }
  }
  const std::set<int> roots = tasks;
  for (int i : roots) {
    if (req.include_downstream) Closure(d->downstream, i, &tasks);
    if (req.include_upstream) Closure(d->upstream, i, &tasks);
  }

  std::vector<TaskInstance> out;
  for (Run* r : runs) {
    bool touched = false;
    for (int i : tasks) {
      Ti& t = r->tis[i];
      const TaskState s = t.ti.state;
      if (req.only_failed && s != TaskState::kFailed && s != TaskState::kUpstreamFailed) continue;
      if (req.dry_run) {
        out.push_back(t.ti);
        continue;
      }
      TaskInstance next = t.ti;
      next.state = TaskState::kNone;
      next.max_tries = next.try_number + d->spec.tasks[i].retries;
      next.end_date.reset();
      next.next_retry_at.reset();
      RETURN_IF_ERROR(Persist(next));
      t.ti = next;
      t.pending_write = false;
      ++t.generation;
      CancelTry(&t);
      out.push_back(t.ti);
      touched = true;
    }
    if (touched && req.reset_dag_runs && r->run.state != RunState::kQueued) {
      DagRun next = r->run;
      next.state = RunState::kQueued;
      next.start_date.reset();
      next.end_date.reset();
      RETURN_IF_ERROR(Persist(next));
      r->run = next;
      d->active[r->run.logical_date] = r;
      CountRunState(d, RunState::kQueued);
    }
  }
  if (!req.dry_run) MarkDirty(d);
  return out;
}

Result<DagRun> SchedulerImpl::SetRunState(std::string_view dag_id, std::string_view run_id,
                                          RunState state) {
  MutexLock l(mu_);
  if (!started_) return Status::Unavailable("the scheduler is not started");
  if (state == RunState::kRunning) {
    return Status::InvalidArgument("state must be one of success, failed, queued");
  }
  ASSIGN_OR_RETURN(Dag * d, FindDag(dag_id));
  ASSIGN_OR_RETURN(Run * r, FindRun(d, run_id));
  const TimeMs now = clock_->NowMs();
  if (state != RunState::kQueued) {
    for (Ti& t : r->tis) {
      const TaskState s = t.ti.state;
      if (IsFinished(s)) continue;
      TaskInstance next = t.ti;
      if (state == RunState::kSuccess) {
        next.state = TaskState::kSuccess;
      } else {
        next.state = s == TaskState::kRunning || s == TaskState::kQueued ? TaskState::kFailed
                                                                         : TaskState::kSkipped;
      }
      next.end_date = now;
      RETURN_IF_ERROR(Persist(next));
      t.ti = next;
      t.pending_write = false;
      ++t.generation;
      CancelTry(&t);
    }
  }
  DagRun next = r->run;
  next.state = state;
  if (state == RunState::kQueued) {
    next.start_date.reset();
    next.end_date.reset();
  } else {
    next.end_date = now;
  }
  RETURN_IF_ERROR(Persist(next));
  r->run = next;
  if (state == RunState::kQueued) {
    d->active[r->run.logical_date] = r;
  } else {
    d->active.erase(r->run.logical_date);
  }
  CountRunState(d, state);
  MarkDirty(d);
  return r->run;
}

}  // namespace kappa::orchestrator::engine
