// NewMemoryMetaStore: the run history in maps, for tests and `kappa bench orchestrator`.
// Nothing survives the process; a test simulates a restart by handing the same MetaStore to a
// second Scheduler.
#include <map>
#include <set>
#include <tuple>

#include "common/mutex.h"
#include "orchestrator/orchestrator.h"

namespace kappa::orchestrator {

namespace {

class MemoryMetaStore final : public MetaStore {
 public:
  Status PutDag(const DagRecord& dag) override {
    MutexLock l(mu_);
    dags_[dag.dag_id] = dag;
    return Status::OK();
  }
  Result<std::vector<DagRecord>> ListDags() override {
    MutexLock l(mu_);
    std::vector<DagRecord> out;
    for (const auto& [_, d] : dags_) out.push_back(d);
    return out;
  }

  Status PutRun(const DagRun& run) override {
    MutexLock l(mu_);
    auto& runs = runs_[run.dag_id];
    auto it = runs.find(run.run_id);
    if (it != runs.end()) by_date_[run.dag_id].erase({it->second.logical_date, run.run_id});
    runs[run.run_id] = run;
    by_date_[run.dag_id].insert({run.logical_date, run.run_id});
    return Status::OK();
  }
  Status DeleteRun(std::string_view dag_id, std::string_view run_id) override {
    MutexLock l(mu_);
    auto d = runs_.find(std::string(dag_id));
    if (d == runs_.end()) return Status::NotFound("no such dag run");
    auto it = d->second.find(std::string(run_id));
    if (it == d->second.end()) return Status::NotFound("no such dag run");
    by_date_[d->first].erase({it->second.logical_date, it->first});
    d->second.erase(it);
    // A run's task instances and logs go with it (Airflow's ON DELETE CASCADE).
    auto key = std::make_pair(std::string(dag_id), std::string(run_id));
    tasks_.erase(key);
    for (auto lit = logs_.begin(); lit != logs_.end();) {
      const auto& [ld, lr, lt, ltry] = lit->first;
      if (ld == dag_id && lr == run_id) {
        lit = logs_.erase(lit);
      } else {
        ++lit;
      }
    }
    return Status::OK();
  }
  Result<std::vector<DagRun>> ListRuns(std::string_view dag_id) override {
    MutexLock l(mu_);
    std::vector<DagRun> out;
    auto d = runs_.find(std::string(dag_id));
    if (d == runs_.end()) return out;
    for (const auto& [_, run_id] : by_date_[d->first]) out.push_back(d->second.at(run_id));
    return out;
  }

  Status PutTask(const TaskInstance& ti) override {
    MutexLock l(mu_);
    tasks_[{ti.dag_id, ti.run_id}][ti.task_id] = ti;
    return Status::OK();
  }
  Result<std::vector<TaskInstance>> ListTasks(std::string_view dag_id,
                                              std::string_view run_id) override {
    MutexLock l(mu_);
    std::vector<TaskInstance> out;
    auto it = tasks_.find({std::string(dag_id), std::string(run_id)});
    if (it == tasks_.end()) return out;
    for (const auto& [_, ti] : it->second) out.push_back(ti);
    return out;
  }

  Status AppendLog(std::string_view dag_id, std::string_view run_id, std::string_view task_id,
                   int try_number, std::string_view line) override {
    MutexLock l(mu_);
    logs_[{std::string(dag_id), std::string(run_id), std::string(task_id), try_number}]
        .emplace_back(line);
    return Status::OK();
  }
  Result<std::vector<std::string>> ReadLog(std::string_view dag_id, std::string_view run_id,
                                           std::string_view task_id, int try_number) override {
    MutexLock l(mu_);
    auto it =
        logs_.find({std::string(dag_id), std::string(run_id), std::string(task_id), try_number});
    if (it == logs_.end()) return std::vector<std::string>{};
    return it->second;
  }
  Result<LogPage> ReadLogPage(std::string_view dag_id, std::string_view run_id,
                              std::string_view task_id, int try_number, int64_t from,
                              size_t max_bytes) override {
    MutexLock l(mu_);
    auto it =
        logs_.find({std::string(dag_id), std::string(run_id), std::string(task_id), try_number});
    if (it == logs_.end()) return LogPage{{}, from, false};
    return SliceLog(it->second, from, max_bytes);
  }

 private:
  using LogKey = std::tuple<std::string, std::string, std::string, int>;
  Mutex mu_;
  std::map<std::string, DagRecord> dags_ GUARDED_BY(mu_);
  std::map<std::string, std::map<std::string, DagRun>> runs_ GUARDED_BY(mu_);
  // (logical date, run id) per DAG: ListRuns' order.
  std::map<std::string, std::set<std::pair<TimeMs, std::string>>> by_date_ GUARDED_BY(mu_);
  std::map<std::pair<std::string, std::string>, std::map<std::string, TaskInstance>> tasks_
      GUARDED_BY(mu_);
  std::map<LogKey, std::vector<std::string>> logs_ GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<MetaStore> NewMemoryMetaStore() { return std::make_unique<MemoryMetaStore>(); }

}  // namespace kappa::orchestrator
