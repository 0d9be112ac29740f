// The Orchestrator operations over the Scheduler's in-memory state (what the REST API and the
// CLI call). Reads answer from memory; changes are written to the MetaStore first, then
// applied, then the DAG is marked dirty so the loop acts on them at once.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "orchestrator/scheduler_impl.h"

namespace kappa::orchestrator::engine {

namespace {
Status NotStarted() { return Status::Unavailable("the scheduler is not started"); }
}  // namespace

Result<Dag*> SchedulerImpl::FindDag(std::string_view dag_id) const {
  auto it = dags_.find(dag_id);
  if (it == dags_.end()) {
    return Status::NotFound(fmt::format("DAG with dag_id: '{}' not found", dag_id));
  }
  return it->second.get();
}

Result<Run*> SchedulerImpl::FindRun(const Dag* d, std::string_view run_id) const {
  auto it = d->runs.find(run_id);
  if (it == d->runs.end()) {
    return Status::NotFound(fmt::format("DAGRun with DAG ID: '{}' and DagRun ID: '{}' not found",
                                        d->spec.dag_id, run_id));
  }
  return it->second.get();
}

DagInfo SchedulerImpl::Info(const Dag* d) const {
  DagInfo info;
  info.spec = d->spec;
  info.record = d->record;
  info.next = d->next;
  info.is_active = d->is_active;
  return info;
}

std::vector<DagInfo> SchedulerImpl::ListDags() const {
  MutexLock l(mu_);
  std::vector<DagInfo> out;
  for (const auto& [_, d] : dags_) out.push_back(Info(d.get()));
  return out;
}

Result<DagInfo> SchedulerImpl::GetDag(std::string_view dag_id) const {
  MutexLock l(mu_);
  ASSIGN_OR_RETURN(Dag * d, FindDag(dag_id));
  return Info(d);
}

Status SchedulerImpl::SetPaused(std::string_view dag_id, bool paused) {
  MutexLock l(mu_);
  if (!started_) return NotStarted();
  ASSIGN_OR_RETURN(Dag * d, FindDag(dag_id));
  DagRecord rec = d->record;
  rec.is_paused = paused;
  RETURN_IF_ERROR(Persist(rec));
  d->record = rec;
  MarkDirty(d);
  return Status::OK();
}

Result<std::pair<std::vector<DagRun>, int64_t>> SchedulerImpl::ListRuns(std::string_view dag_id,
                                                                        const RunFilter& f) const {
  MutexLock l(mu_);
  ASSIGN_OR_RETURN(Dag * d, FindDag(dag_id));
  std::vector<const Run*> match;
  for (const auto& [date, r] : d->by_date) {
    if (f.logical_date_gte && date < *f.logical_date_gte) continue;
    if (f.logical_date_lte && date > *f.logical_date_lte) continue;
    if (!f.states.empty() &&
        std::find(f.states.begin(), f.states.end(), r->run.state) == f.states.end()) {
      continue;
    }
    match.push_back(r);
  }
  if (f.newest_first) std::reverse(match.begin(), match.end());
  std::vector<DagRun> page;
  const int64_t total = static_cast<int64_t>(match.size());
  for (int64_t i = std::max<int64_t>(f.offset, 0);
       i < total && static_cast<int64_t>(page.size()) < f.limit; ++i) {
    page.push_back(match[i]->run);
  }
  return std::make_pair(std::move(page), total);
}

Result<DagRun> SchedulerImpl::GetRun(std::string_view dag_id, std::string_view run_id) const {
  MutexLock l(mu_);
  ASSIGN_OR_RETURN(Dag * d, FindDag(dag_id));
  ASSIGN_OR_RETURN(Run * r, FindRun(d, run_id));
  return r->run;
}

Result<DagRun> SchedulerImpl::Trigger(std::string_view dag_id, std::optional<std::string> run_id,
                                      std::optional<TimeMs> logical_date,
                                      const nlohmann::json& conf) {
  MutexLock l(mu_);
  if (!started_) return NotStarted();
  ASSIGN_OR_RETURN(Dag * d, FindDag(dag_id));
  if (!d->is_active) {
    return Status::InvalidArgument(fmt::format("DAG '{}' is not in the configuration", dag_id));
  }
  if (!conf.is_null() && !conf.is_object()) {
    return Status::InvalidArgument("conf must be a JSON object");
  }
  const TimeMs now = clock_->NowMs();
  const TimeMs logical = logical_date.value_or(now);
  std::string id = run_id.value_or(MakeRunId(RunType::kManual, logical));
  if (id.empty()) return Status::InvalidArgument("dag_run_id must not be empty");
  ASSIGN_OR_RETURN(Run * r, CreateRun(d, RunType::kManual, std::move(id), logical,
                                      d->spec.schedule.ManualInterval(logical), now, now,
                                      conf.is_object() ? conf : nlohmann::json::object()));
  MarkDirty(d);
  return r->run;
}

Result<DagRun> SchedulerImpl::SetRunNote(std::string_view dag_id, std::string_view run_id,
                                         std::string_view note) {
  MutexLock l(mu_);
  if (!started_) return NotStarted();
  ASSIGN_OR_RETURN(Dag * d, FindDag(dag_id));
  ASSIGN_OR_RETURN(Run * r, FindRun(d, run_id));
  DagRun next = r->run;
  next.note = std::string(note);
  RETURN_IF_ERROR(Persist(next));
  r->run = std::move(next);
  return r->run;
}

// The loop sleeps while nothing is due, so "alive" is what counts: started and not stopping
// (the heartbeat is the time of the answer then, as a scheduler that just beat).
OrchestratorHealth SchedulerImpl::Health() const {
  MutexLock l(mu_);
  OrchestratorHealth h;
  h.scheduler_healthy = started_ && !stopping_;
  if (h.scheduler_healthy) h.latest_scheduler_heartbeat = clock_->NowMs();
  return h;
}

Status SchedulerImpl::DeleteRun(std::string_view dag_id, std::string_view run_id) {
  MutexLock l(mu_);
  if (!started_) return NotStarted();
  ASSIGN_OR_RETURN(Dag * d, FindDag(dag_id));
  ASSIGN_OR_RETURN(Run * r, FindRun(d, run_id));
  if (!FlushWrites()) {  // the delete must come after the changes the engine made before it
    return Status::Unavailable("the run history cannot be written now; try again");
  }
  RETURN_IF_ERROR(meta_->DeleteRun(dag_id, run_id));
  DropRun(d, r);
  MarkDirty(d);
  return Status::OK();
}

Result<std::vector<DagRun>> SchedulerImpl::Backfill(std::string_view dag_id, TimeMs from, TimeMs to,
                                                    const nlohmann::json& conf) {
  MutexLock l(mu_);
  if (!started_) return NotStarted();
  ASSIGN_OR_RETURN(Dag * d, FindDag(dag_id));
  if (from > to) {
    return Status::InvalidArgument(
        fmt::format("backfill start {} is after its end {}", FormatIso(from), FormatIso(to)));
  }
  if (d->spec.schedule.kind() == Schedule::Kind::kNone || !d->is_active) {
    return Status::InvalidArgument(fmt::format("DAG '{}' has no schedule to backfill", dag_id));
  }
  const TimeMs now = clock_->NowMs();
  std::vector<DataInterval> intervals =
      d->spec.schedule.IntervalsBetween(from, to, kMaxBackfillRuns + 1);
  if (intervals.size() > kMaxBackfillRuns) {
    return Status::InvalidArgument(fmt::format(
        "backfill of {} from {} to {} covers more than {} intervals of '{}'; backfill a "
        "shorter range at a time",
        dag_id, FormatIso(from), FormatIso(to), kMaxBackfillRuns, d->spec.schedule.text()));
  }
  std::vector<DagRun> created;
  for (const DataInterval& iv : intervals) {
    if (d->by_date.contains(iv.start)) continue;  // that interval already has a run
    ASSIGN_OR_RETURN(
        Run * r, CreateRun(d, RunType::kBackfill, MakeRunId(RunType::kBackfill, iv.start), iv.start,
                           iv, now, now, conf.is_object() ? conf : nlohmann::json::object()));
    created.push_back(r->run);
  }
  MarkDirty(d);
  return created;
}

Result<std::vector<TaskInstance>> SchedulerImpl::ListTaskInstances(std::string_view dag_id,
                                                                   std::string_view run_id) const {
  MutexLock l(mu_);
  ASSIGN_OR_RETURN(Dag * d, FindDag(dag_id));
  ASSIGN_OR_RETURN(Run * r, FindRun(d, run_id));
  std::vector<TaskInstance> out;
  for (const Ti& t : r->tis) out.push_back(t.ti);
  return out;
}

Result<TaskInstance> SchedulerImpl::GetTaskInstance(std::string_view dag_id,
                                                    std::string_view run_id,
                                                    std::string_view task_id) const {
  MutexLock l(mu_);
  ASSIGN_OR_RETURN(Dag * d, FindDag(dag_id));
  ASSIGN_OR_RETURN(Run * r, FindRun(d, run_id));
  int i = d->TaskIndex(task_id);
  if (i < 0) {
    return Status::NotFound(
        fmt::format("Task instance '{}' not found in run '{}'", task_id, run_id));
  }
  return r->tis[i].ti;
}

Result<std::vector<std::string>> SchedulerImpl::ReadLog(std::string_view dag_id,
                                                        std::string_view run_id,
                                                        std::string_view task_id,
                                                        int try_number) const {
  ASSIGN_OR_RETURN(TaskInstance ti, GetTaskInstance(dag_id, run_id, task_id));
  if (try_number < 1 || try_number > std::max(ti.try_number, 1)) {
    return Status::NotFound(fmt::format("task '{}' has no try {} (tries so far: {})", task_id,
                                        try_number, ti.try_number));
  }
  return meta_->ReadLog(dag_id, run_id, task_id, try_number);
}

Result<LogPage> SchedulerImpl::ReadLogPage(std::string_view dag_id, std::string_view run_id,
                                           std::string_view task_id, int try_number,
                                           int64_t from, size_t max_bytes) const {
  ASSIGN_OR_RETURN(TaskInstance ti, GetTaskInstance(dag_id, run_id, task_id));
  if (try_number < 1 || try_number > std::max(ti.try_number, 1)) {
    return Status::NotFound(fmt::format("task '{}' has no try {} (tries so far: {})", task_id,
                                        try_number, ti.try_number));
  }
  return meta_->ReadLogPage(dag_id, run_id, task_id, try_number, from, max_bytes);
}

}  // namespace kappa::orchestrator::engine
