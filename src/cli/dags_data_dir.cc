// The data-directory side of `kappa dags` / `kappa tasks`: the run history (keyspace
// kappa_meta) read through a read-only store and OpenStoreMetaStore, rendered in Airflow's
// JSON shapes (the fields of api_connexion/openapi/v1.yaml's DAG, DAGRun and TaskInstance
// that the history holds; what only the config knows, such as the schedule, is null).
// Writes need the scheduler of a running kappa up.
#include <fmt/format.h>

#include <algorithm>

#include "cli/cli_common.h"
#include "cli/dags_backend.h"
#include "orchestrator/orchestrator.h"

namespace kappa::cli {
namespace {

namespace orch = orchestrator;
using nlohmann::json;

json Iso(const std::optional<orch::TimeMs>& t) { return t ? json(orch::FormatIso(*t)) : json(); }

json DagJson(const orch::DagRecord& d) {
  return {{"dag_id", d.dag_id},
          {"is_paused", d.is_paused},
          {"is_active", nullptr},  // whether the config still has it: only kappa up knows
          {"last_parsed_time", d.last_parsed_time ? json(orch::FormatIso(d.last_parsed_time)) : json()},
          {"description", nullptr},
          {"owners", json::array()},
          {"tags", json::array()},
          {"schedule_interval", nullptr},
          {"next_dagrun", nullptr}};
}

}  // namespace

json AirflowRunJson(const orch::DagRun& r) {
  return {{"dag_run_id", r.run_id},
          {"dag_id", r.dag_id},
          {"logical_date", orch::FormatIso(r.logical_date)},
          {"execution_date", orch::FormatIso(r.logical_date)},
          {"start_date", Iso(r.start_date)},
          {"end_date", Iso(r.end_date)},
          {"data_interval_start", orch::FormatIso(r.data_interval.start)},
          {"data_interval_end", orch::FormatIso(r.data_interval.end)},
          {"last_scheduling_decision", nullptr},
          {"run_type", orch::RunTypeName(r.run_type)},
          {"state", orch::RunStateName(r.state)},
          {"external_trigger", r.external_trigger},
          {"conf", r.conf},
          {"note", r.note.empty() ? json() : json(r.note)}};
}

json AirflowTaskJson(const orch::TaskInstance& t, int64_t logical_date) {
  json duration;
  if (t.start_date && t.end_date) duration = double(*t.end_date - *t.start_date) / 1000.0;
  return {{"task_id", t.task_id},
          {"dag_id", t.dag_id},
          {"dag_run_id", t.run_id},
          {"execution_date", orch::FormatIso(logical_date)},
          {"start_date", Iso(t.start_date)},
          {"end_date", Iso(t.end_date)},
          {"duration", duration},
          {"state", t.state == orch::TaskState::kNone ? json() : json(orch::TaskStateName(t.state))},
          {"try_number", t.try_number},
          {"map_index", -1},
          {"max_tries", t.max_tries},
          {"hostname", t.hostname},
          {"unixname", ""},
          {"pool", "default_pool"},
          {"pool_slots", 1},
          {"queue", nullptr},
          {"priority_weight", nullptr},
          {"operator", t.operator_name},
          {"queued_when", Iso(t.queued_at)},
          {"pid", t.pid ? json(t.pid) : json()},
          {"executor_config", ""},
          {"sla_miss", nullptr},
          {"rendered_fields", json::object()},
          {"trigger", nullptr},
          {"triggerer_job", nullptr},
          {"note", nullptr}};
}

namespace {

class DataDirBackend final : public DagsBackend {
 public:
  DataDirBackend(std::string dir, std::unique_ptr<app::Runtime> rt,
                 std::unique_ptr<orch::MetaStore> meta)
      : dir_(std::move(dir)), rt_(std::move(rt)), meta_(std::move(meta)) {}

  std::string where() const override { return "data directory " + dir_; }

  Result<json> ListDags() override {
    ASSIGN_OR_RETURN(std::vector<orch::DagRecord> dags, meta_->ListDags());
    json out = {{"dags", json::array()}, {"total_entries", dags.size()}};
    for (const auto& d : dags) out["dags"].push_back(DagJson(d));
    return out;
  }

  Result<json> GetDag(const std::string& dag_id) override {
    ASSIGN_OR_RETURN(orch::DagRecord d, FindDag(dag_id));
    return DagJson(d);
  }

  Result<json> ListRuns(const std::string& dag_id, const RunQuery& q) override {
    RETURN_IF_ERROR(FindDag(dag_id).status());
    ASSIGN_OR_RETURN(std::vector<orch::DagRun> runs, meta_->ListRuns(dag_id));
    if (q.newest_first) std::reverse(runs.begin(), runs.end());
    json out = {{"dag_runs", json::array()}, {"total_entries", 0}};
    int64_t total = 0;
    for (const auto& r : runs) {
      std::string state(orch::RunStateName(r.state));
      if (!q.states.empty() &&
          std::find(q.states.begin(), q.states.end(), state) == q.states.end()) {
        continue;
      }
      if (total++ < q.limit) out["dag_runs"].push_back(AirflowRunJson(r));
    }
    out["total_entries"] = total;
    return out;
  }

  Result<json> ListTaskInstances(const std::string& dag_id, const std::string& run_id) override {
    ASSIGN_OR_RETURN(orch::DagRun run, FindRun(dag_id, run_id));
    ASSIGN_OR_RETURN(std::vector<orch::TaskInstance> tis, meta_->ListTasks(dag_id, run_id));
    json out = {{"task_instances", json::array()}, {"total_entries", tis.size()}};
    for (const auto& t : tis) out["task_instances"].push_back(AirflowTaskJson(t, run.logical_date));
    return out;
  }

  Result<json> GetTaskInstance(const std::string& dag_id, const std::string& run_id,
                               const std::string& task_id) override {
    ASSIGN_OR_RETURN(orch::DagRun run, FindRun(dag_id, run_id));
    ASSIGN_OR_RETURN(std::vector<orch::TaskInstance> tis, meta_->ListTasks(dag_id, run_id));
    for (const auto& t : tis) {
      if (t.task_id == task_id) return AirflowTaskJson(t, run.logical_date);
    }
    return Status::NotFound(
        fmt::format("Task instance not found: run {} of DAG {} has no task '{}'", run_id,
                    dag_id, task_id));
  }

  Result<std::string> ReadLog(const std::string& dag_id, const std::string& run_id,
                              const std::string& task_id, int try_number) override {
    RETURN_IF_ERROR(GetTaskInstance(dag_id, run_id, task_id).status());
    ASSIGN_OR_RETURN(std::vector<std::string> lines,
                     meta_->ReadLog(dag_id, run_id, task_id, try_number));
    std::string text;
    for (const auto& l : lines) text += l + "\n";
    return text;
  }

  Result<json> Trigger(const std::string&, const json&) override { return NoScheduler(); }
  Result<json> SetPaused(const std::string&, bool) override { return NoScheduler(); }
  Result<json> Clear(const std::string&, const json&) override { return NoScheduler(); }

 private:
  Status NoScheduler() const {
    return Status::Unavailable(fmt::format(
        "no running kappa up owns {}: start one (`kappa up --data-dir {}`) or pass --url "
        "http://HOST:PORT of a running one; a data directory alone can only be read",
        dir_, dir_));
  }

  Result<orch::DagRecord> FindDag(const std::string& dag_id) {
    ASSIGN_OR_RETURN(std::vector<orch::DagRecord> dags, meta_->ListDags());
    for (auto& d : dags) {
      if (d.dag_id == dag_id) return d;
    }
    return Status::NotFound(fmt::format("DAG not found: {} has no DAG '{}'", where(), dag_id));
  }

  Result<orch::DagRun> FindRun(const std::string& dag_id, const std::string& run_id) {
    ASSIGN_OR_RETURN(std::vector<orch::DagRun> runs, meta_->ListRuns(dag_id));
    for (auto& r : runs) {
      if (r.run_id == run_id) return r;
    }
    return Status::NotFound(
        fmt::format("DAGRun not found: DAG '{}' has no run '{}'", dag_id, run_id));
  }

  std::string dir_;
  std::unique_ptr<app::Runtime> rt_;  // owns the store meta_ reads
  std::unique_ptr<orch::MetaStore> meta_;
};

}  // namespace

Result<std::unique_ptr<DagsBackend>> OpenDataDirBackend(const std::string& data_dir) {
  ASSIGN_OR_RETURN(std::unique_ptr<app::Runtime> rt,
                   OpenDataDir(data_dir, "kappa dags", Access::kReadOnly, /*log=*/false,
                               /*store=*/true));
  auto meta = orch::OpenStoreMetaStore(&rt->store(), /*sync=*/false);
  if (!meta.ok()) return meta.status().WithContext(data_dir);
  return std::unique_ptr<DagsBackend>(
      new DataDirBackend(data_dir, std::move(rt), std::move(meta).value()));
}

}  // namespace kappa::cli
