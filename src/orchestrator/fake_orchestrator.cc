// FakeOrchestrator: the Orchestrator's operations over plain maps (tests only).
#include "orchestrator/fake_orchestrator.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "common/clock.h"

namespace kappa::orchestrator {

FakeOrchestrator::FakeOrchestrator(Clock* clock) : clock_(clock) {}

void FakeOrchestrator::AddDag(DagInfo dag) {
  std::lock_guard lock(mu_);
  std::string id = dag.spec.dag_id;
  dag.record.dag_id = id;
  dags_[id] = std::move(dag);
}

void FakeOrchestrator::PutRun(DagRun run) {
  std::lock_guard lock(mu_);
  runs_[{run.dag_id, run.run_id}] = std::move(run);
}

void FakeOrchestrator::PutTask(TaskInstance ti) {
  std::lock_guard lock(mu_);
  tis_[{ti.dag_id, ti.run_id, ti.task_id}] = std::move(ti);
}

void FakeOrchestrator::AppendLog(std::string_view dag_id, std::string_view run_id,
                                 std::string_view task_id, int try_number, std::string line) {
  std::lock_guard lock(mu_);
  logs_[{std::string(dag_id), std::string(run_id), std::string(task_id), try_number}].push_back(
      std::move(line));
}

void FakeOrchestrator::SetHealth(OrchestratorHealth h) {
  std::lock_guard lock(mu_);
  health_ = h;
}

Status FakeOrchestrator::CheckDag(std::string_view dag_id) const {
  if (dags_.find(dag_id) == dags_.end()) {
    return Status::NotFound(fmt::format("no DAG '{}'", dag_id));
  }
  return Status::OK();
}

DagRun* FakeOrchestrator::FindRun(std::string_view dag_id, std::string_view run_id) {
  auto it = runs_.find({std::string(dag_id), std::string(run_id)});
  return it == runs_.end() ? nullptr : &it->second;
}

std::vector<DagInfo> FakeOrchestrator::ListDags() const {
  std::lock_guard lock(mu_);
  std::vector<DagInfo> out;
  for (const auto& [id, d] : dags_) out.push_back(d);
  return out;
}

Result<DagInfo> FakeOrchestrator::GetDag(std::string_view dag_id) const {
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(CheckDag(dag_id));
  return dags_.find(dag_id)->second;
}

Status FakeOrchestrator::SetPaused(std::string_view dag_id, bool paused) {
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(CheckDag(dag_id));
  dags_.find(dag_id)->second.record.is_paused = paused;
  return Status::OK();
}

Result<std::pair<std::vector<DagRun>, int64_t>> FakeOrchestrator::ListRuns(
    std::string_view dag_id, const RunFilter& f) const {
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(CheckDag(dag_id));
  std::vector<DagRun> all;
  for (const auto& [key, r] : runs_) {
    if (key.first != dag_id) continue;
    if (f.logical_date_gte && r.logical_date < *f.logical_date_gte) continue;
    if (f.logical_date_lte && r.logical_date > *f.logical_date_lte) continue;
    if (!f.states.empty() &&
        std::find(f.states.begin(), f.states.end(), r.state) == f.states.end()) {
      continue;
    }
    all.push_back(r);
  }
  std::stable_sort(all.begin(), all.end(), [&](const DagRun& a, const DagRun& b) {
    return f.newest_first ? b.logical_date < a.logical_date : a.logical_date < b.logical_date;
  });
  std::vector<DagRun> page;
  for (int64_t i = f.offset; i < int64_t(all.size()) && int64_t(page.size()) < f.limit; ++i) {
    page.push_back(all[size_t(i)]);
  }
  return std::make_pair(std::move(page), int64_t(all.size()));
}

Result<DagRun> FakeOrchestrator::GetRun(std::string_view dag_id, std::string_view run_id) const {
  std::lock_guard lock(mu_);
  auto it = runs_.find({std::string(dag_id), std::string(run_id)});
  if (it == runs_.end())
    return Status::NotFound(fmt::format("no run '{}' of '{}'", run_id, dag_id));
  return it->second;
}

Result<DagRun> FakeOrchestrator::Trigger(std::string_view dag_id, std::optional<std::string> run_id,
                                         std::optional<TimeMs> logical_date,
                                         const nlohmann::json& conf) {
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(CheckDag(dag_id));
  const DagSpec& spec = dags_.find(dag_id)->second.spec;
  TimeMs logical = logical_date.value_or(clock_->NowMs());
  DagRun r;
  r.dag_id = std::string(dag_id);
  r.run_id = run_id.value_or(MakeRunId(RunType::kManual, logical));
  for (const auto& [key, other] : runs_) {
    if (key.first != dag_id) continue;
    if (other.run_id == r.run_id || other.logical_date == logical) {
      return Status::AlreadyExists(fmt::format(
          "DAGRun with DAG ID: '{}' and {} already exists", dag_id,
          other.run_id == r.run_id ? fmt::format("DAGRun ID: '{}'", r.run_id)
                                   : fmt::format("DAGRun logical date: '{}'", FormatIso(logical))));
    }
  }
  r.run_type = RunType::kManual;
  r.state = RunState::kQueued;
  r.logical_date = logical;
  r.data_interval = {logical, logical};
  r.queued_at = clock_->NowMs();
  r.external_trigger = true;
  r.conf = conf.is_object() ? conf : nlohmann::json::object();
  runs_[{r.dag_id, r.run_id}] = r;
  for (const auto& t : spec.tasks) {
    TaskInstance ti;
    ti.dag_id = r.dag_id;
    ti.run_id = r.run_id;
    ti.task_id = t.task_id;
    ti.max_tries = t.retries;
    ti.operator_name = t.type;
    tis_[{ti.dag_id, ti.run_id, ti.task_id}] = ti;
  }
  return r;
}

Status FakeOrchestrator::DeleteRun(std::string_view dag_id, std::string_view run_id) {
  std::lock_guard lock(mu_);
  if (runs_.erase({std::string(dag_id), std::string(run_id)}) == 0) {
    return Status::NotFound(fmt::format("no run '{}' of '{}'", run_id, dag_id));
  }
  std::erase_if(tis_, [&](const auto& kv) {
    return std::get<0>(kv.first) == dag_id && std::get<1>(kv.first) == run_id;
  });
  std::erase_if(logs_, [&](const auto& kv) {
    return std::get<0>(kv.first) == dag_id && std::get<1>(kv.first) == run_id;
  });
  return Status::OK();
}

Result<std::vector<DagRun>> FakeOrchestrator::Backfill(std::string_view, TimeMs, TimeMs,
                                                       const nlohmann::json&) {
  return Status::NotSupported("the fake orchestrator does not backfill");
}

Result<std::vector<TaskInstance>> FakeOrchestrator::ListTaskInstances(
    std::string_view dag_id, std::string_view run_id) const {
  std::lock_guard lock(mu_);
  if (runs_.find({std::string(dag_id), std::string(run_id)}) == runs_.end()) {
    return Status::NotFound(fmt::format("no run '{}' of '{}'", run_id, dag_id));
  }
  std::vector<TaskInstance> out;
  for (const auto& [key, ti] : tis_) {
    if (std::get<0>(key) == dag_id && std::get<1>(key) == run_id) out.push_back(ti);
  }
  return out;
}

Result<TaskInstance> FakeOrchestrator::GetTaskInstance(std::string_view dag_id,
                                                       std::string_view run_id,
                                                       std::string_view task_id) const {
  std::lock_guard lock(mu_);
  auto it = tis_.find({std::string(dag_id), std::string(run_id), std::string(task_id)});
  if (it == tis_.end()) return Status::NotFound(fmt::format("no task instance '{}'", task_id));
  return it->second;
}

Result<std::vector<std::string>> FakeOrchestrator::ReadLog(std::string_view dag_id,
                                                           std::string_view run_id,
                                                           std::string_view task_id,
                                                           int try_number) const {
  std::lock_guard lock(mu_);
  auto it =
      logs_.find({std::string(dag_id), std::string(run_id), std::string(task_id), try_number});
  if (it == logs_.end()) return std::vector<std::string>();
  return it->second;
}

Result<std::vector<TaskInstance>> FakeOrchestrator::Clear(std::string_view dag_id,
                                                          const ClearRequest& c) {
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(CheckDag(dag_id));
  const DagSpec& spec = dags_.find(dag_id)->second.spec;
  // The tasks: those named (or all), plus their upstream / downstream closure.
  std::set<std::string> tasks;
  for (const auto& t : spec.tasks) {
    if (c.task_ids.empty() ||
        std::find(c.task_ids.begin(), c.task_ids.end(), t.task_id) != c.task_ids.end()) {
      tasks.insert(t.task_id);
    }
  }
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& t : spec.tasks) {
      for (const auto& up : t.upstream) {
        if (c.include_downstream && tasks.count(up) && tasks.insert(t.task_id).second) grew = true;
        if (c.include_upstream && tasks.count(t.task_id) && tasks.insert(up).second) grew = true;
      }
    }
  }
  std::vector<TaskInstance> out;
  std::set<std::string> touched_runs;
  for (auto& [key, ti] : tis_) {
    if (std::get<0>(key) != dag_id || !tasks.count(ti.task_id)) continue;
    const DagRun* run = FindRun(dag_id, ti.run_id);
    if (!run) continue;
    if (!c.run_ids.empty() &&
        std::find(c.run_ids.begin(), c.run_ids.end(), ti.run_id) == c.run_ids.end()) {
      continue;
    }
    if (c.start_date && run->logical_date < *c.start_date) continue;
    if (c.end_date && run->logical_date > *c.end_date) continue;
    if (c.only_failed && ti.state != TaskState::kFailed && ti.state != TaskState::kUpstreamFailed) {
      continue;
    }
    out.push_back(ti);
    if (c.dry_run) continue;
    const TaskSpec* t = spec.FindTask(ti.task_id);
    ti.state = TaskState::kNone;
    ti.max_tries = ti.try_number + (t ? t->retries : 0);  // Airflow's clear_task_instances
    ti.end_date.reset();
    ti.next_retry_at.reset();
    touched_runs.insert(ti.run_id);
  }
  if (c.reset_dag_runs) {
    for (const auto& id : touched_runs) {
      DagRun* run = FindRun(dag_id, id);
      run->state = RunState::kQueued;
      run->start_date.reset();
      run->end_date.reset();
    }
  }
  return out;
}

Result<DagRun> FakeOrchestrator::SetRunState(std::string_view dag_id, std::string_view run_id,
                                             RunState state) {
  std::lock_guard lock(mu_);
  DagRun* run = FindRun(dag_id, run_id);
  if (!run) return Status::NotFound(fmt::format("no run '{}' of '{}'", run_id, dag_id));
  run->state = state;
  // Airflow's set_dag_run_state_to_*: success marks unfinished tasks success; failed fails
  // the running ones and skips the rest that had not finished; queued forgets the start.
  for (auto& [key, ti] : tis_) {
    if (std::get<0>(key) != dag_id || std::get<1>(key) != run_id || IsFinished(ti.state)) {
      continue;
    }
    if (state == RunState::kSuccess) ti.state = TaskState::kSuccess;
    if (state == RunState::kFailed) {
      ti.state = ti.state == TaskState::kRunning ? TaskState::kFailed : TaskState::kSkipped;
    }
  }
  if (state == RunState::kQueued) {
    run->start_date.reset();
    run->end_date.reset();
  } else if (state == RunState::kSuccess || state == RunState::kFailed) {
    run->end_date = clock_->NowMs();
  }
  return *run;
}

Result<DagRun> FakeOrchestrator::SetRunNote(std::string_view dag_id, std::string_view run_id,
                                            std::string_view note) {
  std::lock_guard lock(mu_);
  DagRun* run = FindRun(dag_id, run_id);
  if (!run) return Status::NotFound(fmt::format("no run '{}' of '{}'", run_id, dag_id));
  run->note = std::string(note);
  return *run;
}

OrchestratorHealth FakeOrchestrator::Health() const {
  std::lock_guard lock(mu_);
  return health_;
}

}  // namespace kappa::orchestrator
