// Start: the history back into memory. DAGs new to the store get their record (paused as
// configured); runs and their task instances are loaded; an instance whose try was running
// when the previous process died is a zombie: the try fails ("zombie: ...") and is retried by
// the task's policy, as Airflow's scheduler handles zombies. Instances that were only
// scheduled or queued (no try started) go back to none and are scheduled again (Airflow's
// adopt_or_reset_orphaned_tasks). Runs missing instances get them (verify_integrity).
#include <fmt/format.h>

#include <set>

#include "orchestrator/scheduler_impl.h"

namespace kappa::orchestrator::engine {

Status SchedulerImpl::LoadHistory(TimeMs now) {
  ASSIGN_OR_RETURN(auto records, meta_->ListDags());
  std::map<std::string, DagRecord> stored;
  for (auto& r : records) stored[r.dag_id] = std::move(r);
  for (auto& [id, d] : dags_) {
    auto it = stored.find(id);
    if (it != stored.end()) {
      d->record = it->second;
      stored.erase(it);
    }
    d->record.last_parsed_time = now;
    RETURN_IF_ERROR(Persist(d->record));
    RETURN_IF_ERROR(LoadRuns(d.get(), now));
  }
  // DAGs no longer in the config: kept for their history (is_active false), never scheduled.
  for (auto& [id, rec] : stored) {
    auto d = std::make_unique<Dag>();
    d->spec.dag_id = id;
    d->record = rec;
    d->is_active = false;
    InitRunCounters(d.get());
    Dag* raw = d.get();
    dags_.emplace(id, std::move(d));
    RETURN_IF_ERROR(LoadRuns(raw, now));
  }
  return Status::OK();
}

Status SchedulerImpl::LoadRuns(Dag* d, TimeMs now) {
  ASSIGN_OR_RETURN(auto runs, meta_->ListRuns(d->spec.dag_id));
  std::vector<std::vector<TaskInstance>> tis;
  for (const auto& run : runs) {
    ASSIGN_OR_RETURN(auto list, meta_->ListTasks(d->spec.dag_id, run.run_id));
    tis.push_back(std::move(list));
  }
  if (!d->is_active) {
    // No spec: its tasks are those the history names, without dependencies.
    for (const auto& list : tis) {
      for (const auto& ti : list) {
        if (d->TaskIndex(ti.task_id) >= 0) continue;
        TaskSpec t;
        t.task_id = ti.task_id;
        t.type = ti.operator_name;
        d->spec.tasks.push_back(t);
        d->topo.push_back(static_cast<int>(d->topo.size()));
        d->leaf.push_back(true);
        d->upstream.emplace_back();
        d->downstream.emplace_back();
      }
    }
  }
  for (size_t k = 0; k < runs.size(); ++k) {
    auto r = std::make_unique<Run>();
    r->run = runs[k];
    r->run_after =
        r->run.run_type == RunType::kScheduled ? r->run.data_interval.end : r->run.queued_at;
    r->tis.resize(d->spec.tasks.size());
    std::vector<bool> found(d->spec.tasks.size());
    for (const auto& ti : tis[k]) {
      int i = d->TaskIndex(ti.task_id);
      if (i < 0) continue;  // a task no longer in the DAG: its row stays in the history
      r->tis[i].ti = ti;
      found[i] = true;
    }
    const bool finished = r->run.state == RunState::kSuccess || r->run.state == RunState::kFailed;
    for (size_t i = 0; i < found.size(); ++i) {
      if (found[i]) continue;
      TaskInstance& ti = r->tis[i].ti;
      ti.dag_id = r->run.dag_id;
      ti.run_id = r->run.run_id;
      ti.task_id = d->spec.tasks[i].task_id;
      ti.max_tries = d->spec.tasks[i].retries;
      ti.operator_name = d->spec.tasks[i].type;
      if (finished) ti.state = TaskState::kRemoved;  // Airflow shows it so; not written
      if (!finished) RETURN_IF_ERROR(Persist(ti));
    }
    Run* raw = r.get();
    d->by_date[r->run.logical_date] = raw;
    if (!finished) d->active[r->run.logical_date] = raw;
    d->runs.emplace(r->run.run_id, std::move(r));
    for (size_t i = 0; i < raw->tis.size() && !finished; ++i) {
      Ti& t = raw->tis[i];
      const TaskState s = t.ti.state;
      if (s == TaskState::kRunning) {
        FailTry(d, raw, static_cast<int>(i),
                fmt::format("zombie: the process running it is gone (pid {} on {})", t.ti.pid,
                            t.ti.hostname),
                now);
      } else if (s == TaskState::kQueued || s == TaskState::kScheduled) {
        TaskInstance next = t.ti;
        next.state = TaskState::kNone;
        RETURN_IF_ERROR(Persist(next));
        t.ti = next;
      }
    }
  }
  return Status::OK();
}

}  // namespace kappa::orchestrator::engine
