// Test-only: an Orchestrator kept in memory, for the REST API's gtest and the python suite's
// server (orchestrator_rest_tool). It holds DAGs, runs, task instances and logs as given and
// answers the operations the way the real Scheduler does at the API's level (Trigger,
// SetPaused, SetRunState, Clear with upstream/downstream/only_failed, DeleteRun), but never
// runs a task: tests put the states they want to see. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <tuple>

#include "orchestrator/orchestrator.h"

namespace kappa {
class Clock;
}

namespace kappa::orchestrator {

class FakeOrchestrator : public Orchestrator {
 public:
  explicit FakeOrchestrator(Clock* clock);

  // Seeding (upserts).
  void AddDag(DagInfo dag);
  void PutRun(DagRun run);
  void PutTask(TaskInstance ti);
  void AppendLog(std::string_view dag_id, std::string_view run_id, std::string_view task_id,
                 int try_number, std::string line);
  void SetHealth(OrchestratorHealth h);

  std::vector<DagInfo> ListDags() const override;
  Result<DagInfo> GetDag(std::string_view dag_id) const override;
  Status SetPaused(std::string_view dag_id, bool paused) override;
  Result<std::pair<std::vector<DagRun>, int64_t>> ListRuns(std::string_view dag_id,
                                                           const RunFilter& f) const override;
  Result<DagRun> GetRun(std::string_view dag_id, std::string_view run_id) const override;
  // Manual runs get the data interval [logical, logical] (Airflow's NullTimetable) and one
  // task instance per task, without a state.
  Result<DagRun> Trigger(std::string_view dag_id, std::optional<std::string> run_id,
                         std::optional<TimeMs> logical_date, const nlohmann::json& conf) override;
  Status DeleteRun(std::string_view dag_id, std::string_view run_id) override;
  // NotSupported: the REST API has no backfill endpoint and the fake has no timetable.
  Result<std::vector<DagRun>> Backfill(std::string_view dag_id, TimeMs from, TimeMs to,
                                       const nlohmann::json& conf) override;
  Result<std::vector<TaskInstance>> ListTaskInstances(std::string_view dag_id,
                                                      std::string_view run_id) const override;
  Result<TaskInstance> GetTaskInstance(std::string_view dag_id, std::string_view run_id,
                                       std::string_view task_id) const override;
  Result<std::vector<std::string>> ReadLog(std::string_view dag_id, std::string_view run_id,
                                           std::string_view task_id, int try_number) const override;
  Result<std::vector<TaskInstance>> Clear(std::string_view dag_id,
                                          const ClearRequest& request) override;
  Result<DagRun> SetRunState(std::string_view dag_id, std::string_view run_id,
                             RunState state) override;
  Result<DagRun> SetRunNote(std::string_view dag_id, std::string_view run_id,
                            std::string_view note) override;
  OrchestratorHealth Health() const override;

 private:
  using TiKey = std::tuple<std::string, std::string, std::string>;  // dag, run, task
  using LogKey = std::tuple<std::string, std::string, std::string, int>;

  Status CheckDag(std::string_view dag_id) const;                     // requires mu_
  DagRun* FindRun(std::string_view dag_id, std::string_view run_id);  // requires mu_

  Clock* clock_;
  mutable std::mutex mu_;
  std::map<std::string, DagInfo, std::less<>> dags_;
  std::map<std::pair<std::string, std::string>, DagRun> runs_;  // (dag, run id)
  std::map<TiKey, TaskInstance> tis_;
  std::map<LogKey, std::vector<std::string>> logs_;
  OrchestratorHealth health_;
};

// Example history for the REST tests (the same in gtest and the python suite):
//   user_automation  the seed's DAG (@daily, owner airscholar, one produce task): runs of
//                    2023-09-10 (success), -11 (failed after a retry), -12 (running), logs
//   etl_pipeline     "30 2 * * *" in Europe/Paris, extract -> transform -> load -> notify
//                    (all_done), retries; one successful run and one failed run
//   manual_only      no schedule, paused, no runs
//   every_15m        every 15 minutes, no longer in the config (is_active false)
void SeedExampleHistory(FakeOrchestrator* o);

}  // namespace kappa::orchestrator
