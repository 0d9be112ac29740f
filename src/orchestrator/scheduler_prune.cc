// History retention: finished runs are pruned with their task instances and logs, as
// Airflow's `airflow db clean` cleans dag_run (airflow/utils/db_cleanup.py: recency column
// start_date, keep_last for each DAG's latest non-externally-triggered run), but by the
// scheduler itself, so an unattended kappa up does not grow its history (in memory and in the
// store) for ever.
//
// When: a DAG's history is looked at when one of its runs finishes (prune_check), at Start
// (every DAG starts with prune_check), and when its oldest finished run comes of age
// (prune_at, folded into the DAG's timer: an idle scheduler wakes for it once, not on a
// period). A look costs one pass over the DAG's runs.
#include <fmt/format.h>

#include <vector>

#include "common/logging.h"
#include "orchestrator/scheduler_impl.h"

namespace kappa::orchestrator::engine {

namespace {
// When a failed delete is tried again (the store is full or failing: not worth a busy loop).
constexpr TimeMs kPruneRetryMs = 60'000;

TimeMs AgeStart(const DagRun& r) { return r.start_date.value_or(r.queued_at); }
bool Finished(const DagRun& r) {
  return r.state == RunState::kSuccess || r.state == RunState::kFailed;
}
}  // namespace

void SchedulerImpl::DropRun(Dag* d, Run* r) {
  bool busy = false;
  for (Ti& t : r->tis) {
    ++t.generation;  // a try still running reports into nothing
    CancelTry(&t);
    busy = busy || t.busy;
  }
  d->active.erase(r->run.logical_date);
  d->by_date.erase(r->run.logical_date);
  auto it = d->runs.find(r->run.run_id);
  if (busy) graveyard_.push_back(std::move(it->second));
  d->runs.erase(it);
}

TimeMs SchedulerImpl::PruneHistory(Dag* d, TimeMs now) {
  const HistoryRetention& keep = options_.retention;
  if (!keep.enabled()) return kNever;
  if (!d->prune_check && now < d->prune_at) return d->prune_at;
  d->prune_check = false;

  // Airflow's keep_last: the latest scheduled run stays whatever its age.
  const Run* last_scheduled = nullptr;
  for (auto it = d->by_date.rbegin(); it != d->by_date.rend(); ++it) {
    if (it->second->run.run_type == RunType::kScheduled) {
      last_scheduled = it->second;
      break;
    }
  }
  std::vector<Run*> finished;  // by logical date, oldest first
  for (const auto& [date, r] : d->by_date) {
    if (Finished(r->run)) finished.push_back(r);
  }
  int64_t over = keep.max_runs_per_dag > 0
                     ? int64_t(finished.size()) - keep.max_runs_per_dag
                     : 0;
  std::vector<Run*> doomed;
  d->prune_at = kNever;
  for (Run* r : finished) {
    if (r == last_scheduled) continue;
    // A run is due at age max_age exactly, so the timer set for it always finds it due
    // (a strict comparison would set the same timer again, for ever).
    if (over > 0 || (keep.max_age_ms > 0 && AgeStart(r->run) + keep.max_age_ms <= now)) {
      doomed.push_back(r);
      --over;
    } else if (keep.max_age_ms > 0) {
      d->prune_at = std::min(d->prune_at, AgeStart(r->run) + keep.max_age_ms);
    }
  }
  // The writes of this pass (batched, scheduler_writes.cc) may still hold a doomed run's
  // last changes: they go first, or they would write it back after its delete.
  if (!doomed.empty() && !FlushWrites()) {
    d->prune_at = std::min(d->prune_at, now + kPruneRetryMs);
    return d->prune_at;
  }
  for (Run* r : doomed) {
    // The store first (the run, its task instances, every try's log), then memory: a crash
    // in between leaves a run the next Start prunes again.
    Status s = meta_->DeleteRun(d->spec.dag_id, r->run.run_id);
    if (!s.ok() && !s.IsNotFound()) {
      KLOG_WARN("orchestrator: pruning run {} of dag {} failed (tried again in {} s): {}",
                r->run.run_id, d->spec.dag_id, kPruneRetryMs / 1000, s.ToString());
      d->prune_at = std::min(d->prune_at, now + kPruneRetryMs);
      break;
    }
    DropRun(d, r);
    pruned_.Add();
  }
  return d->prune_at;
}

}  // namespace kappa::orchestrator::engine
