// Changes to a data directory's orchestrator state with no kappa up running (trigger, pause,
// unpause, clear, backfill): the config's DAGs on the engine's Scheduler over the
// directory's history (OpenStoreMetaStore, synced), owning the directory, in virtual time so
// that nothing runs here: the Scheduler only records the change (a queued run, a pause flag,
// cleared task instances), and the next `kappa up` acts on it. Starting it replays the
// history as kappa up's start would (a try left running by a killed process is a zombie).
#include <fmt/format.h>

#include "app/app.h"
#include "app/config.h"
#include "cli/cli_common.h"
#include "cli/dags_backend.h"
#include "cli/live_metrics.h"
#include "common/clock.h"
#include "orchestrator/orchestrator.h"

namespace kappa::cli {
namespace {

namespace orch = orchestrator;
using nlohmann::json;

json DagInfoJson(const orch::DagInfo& d) {
  json schedule;
  if (d.spec.schedule.kind() != orch::Schedule::Kind::kNone) {
    schedule = {{"__type", "CronExpression"}, {"value", d.spec.schedule.text()}};
  }
  json tags = json::array();
  for (const auto& t : d.spec.tags) tags.push_back({{"name", t}});
  return {{"dag_id", d.spec.dag_id},
          {"is_paused", d.record.is_paused},
          {"is_active", d.is_active},
          {"description", d.spec.description.empty() ? json() : json(d.spec.description)},
          {"owners", json::array({d.spec.owner})},
          {"tags", tags},
          {"schedule_interval", schedule},
          {"fileloc", d.spec.fileloc},
          {"max_active_runs", d.spec.max_active_runs},
          {"max_active_tasks", d.spec.max_active_tasks},
          {"next_dagrun", d.next ? json(orch::FormatIso(d.next->interval.start)) : json()}};
}

Result<orch::TimeMs> Date(const json& body, const char* field) {
  return orch::ParseDateTime(body[field].get<std::string>(), "UTC");
}

class OfflineBackend final : public DagsBackend {
 public:
  std::string where() const override { return "data directory " + dir_; }

  Status Open(const std::string& dir, const std::string& config_file) {
    dir_ = dir;
    auto config = config_file.empty() ? app::LoadDefaultConfig() : app::LoadConfigFile(config_file);
    if (!config.ok()) return config.status();
    config_ = std::move(*config);
    app::RuntimeOptions ro = app::RuntimeOptions::ForPipeline(config_);
    ro.data_dir = dir;
    ro.owner = "kappa dags";
    ro.open_log = false;
    ASSIGN_OR_RETURN(rt_, app::Runtime::Open(ro));
    ASSIGN_OR_RETURN(meta_, orch::OpenStoreMetaStore(&rt_->store(), /*sync=*/true));
    types_ = app::DagTaskTypes(config_, nullptr);  // validation only: nothing runs here
    clock_ = std::make_unique<ManualClock>(Clock::Real()->NowMs());
    orch::SchedulerOptions so;
    so.clock = clock_.get();
    so.virtual_time = true;
    ASSIGN_OR_RETURN(sched_, orch::Scheduler::Create(config_.dags, meta_.get(), &types_, so));
    return sched_->Start();
  }
  ~OfflineBackend() override {
    if (sched_) sched_->Stop();
  }

  Result<json> ListDags() override { return NotHere(); }
  Result<json> GetDag(const std::string& dag_id) override {
    ASSIGN_OR_RETURN(orch::DagInfo d, sched_->GetDag(dag_id));
    return DagInfoJson(d);
  }
  Result<json> ListRuns(const std::string&, const RunQuery&) override { return NotHere(); }
  Result<json> ListTaskInstances(const std::string&, const std::string&) override {
    return NotHere();
  }
  Result<json> GetTaskInstance(const std::string&, const std::string&,
                               const std::string&) override {
    return NotHere();
  }
  Result<std::string> ReadLog(const std::string&, const std::string&, const std::string&,
                              int) override {
    return NotHere();
  }

  Result<json> Trigger(const std::string& dag_id, const json& body) override {
    std::optional<std::string> run_id;
    if (body.contains("dag_run_id")) run_id = body["dag_run_id"].get<std::string>();
    std::optional<orch::TimeMs> logical;
    if (body.contains("logical_date")) {
      ASSIGN_OR_RETURN(logical, Date(body, "logical_date"));
    }
    ASSIGN_OR_RETURN(orch::DagRun run, sched_->Trigger(dag_id, run_id, logical, body["conf"]));
    return AirflowRunJson(run);
  }

  Result<json> SetPaused(const std::string& dag_id, bool paused) override {
    RETURN_IF_ERROR(sched_->SetPaused(dag_id, paused));
    return GetDag(dag_id);
  }

  Result<json> Clear(const std::string& dag_id, const json& body) override {
    orch::ClearRequest r;
    if (body.contains("task_ids")) r.task_ids = body["task_ids"].get<std::vector<std::string>>();
    if (body.contains("dag_run_id")) r.run_ids = {body["dag_run_id"].get<std::string>()};
    if (body.contains("start_date")) {
      ASSIGN_OR_RETURN(r.start_date, Date(body, "start_date"));
    }
    if (body.contains("end_date")) {
      ASSIGN_OR_RETURN(r.end_date, Date(body, "end_date"));
    }
    r.include_downstream = body.value("include_downstream", false);
    r.include_upstream = body.value("include_upstream", false);
    r.only_failed = body.value("only_failed", false);
    r.dry_run = body.value("dry_run", false);
    r.reset_dag_runs = body.value("reset_dag_runs", true);
    ASSIGN_OR_RETURN(std::vector<orch::TaskInstance> tis, sched_->Clear(dag_id, r));
    json refs = json::array();
    for (const auto& t : tis) {
      auto run = sched_->GetRun(dag_id, t.run_id);
      refs.push_back({{"task_id", t.task_id},
                      {"dag_id", t.dag_id},
                      {"dag_run_id", t.run_id},
                      {"execution_date", run.ok() ? json(orch::FormatIso(run->logical_date)) : json()}});
    }
    return json({{"task_instances", refs}});
  }

  Result<json> Backfill(const std::string& dag_id, const std::string& from, const std::string& to,
                        const json& conf) override {
    ASSIGN_OR_RETURN(orch::TimeMs f, orch::ParseDateTime(from, "UTC"));
    ASSIGN_OR_RETURN(orch::TimeMs t, orch::ParseDateTime(to, "UTC"));
    ASSIGN_OR_RETURN(std::vector<orch::DagRun> runs, sched_->Backfill(dag_id, f, t, conf));
    json out = {{"dag_runs", json::array()}, {"total_entries", runs.size()}};
    for (const auto& r : runs) out["dag_runs"].push_back(AirflowRunJson(r));
    return out;
  }

 private:
  Status NotHere() const { return Status::Internal("offline backend: writes only"); }

  std::string dir_;
  app::PipelineConfig config_;
  std::unique_ptr<app::Runtime> rt_;
  std::unique_ptr<orch::MetaStore> meta_;
  orch::TaskTypes types_;
  std::unique_ptr<ManualClock> clock_;
  std::unique_ptr<orch::Scheduler> sched_;
};

}  // namespace

std::unique_ptr<DagsBackend> OpenWriteBackend(const SourceFlags& flags) {
  if (!flags.url.empty()) return NewRestBackend(flags.url, flags.user);
  if (auto up = app::FindRunningUp(flags.data_dir); up && !up->http.empty()) {
    return NewRestBackend("http://" + LoopbackFor(up->http), flags.user);
  }
  auto b = std::make_unique<OfflineBackend>();
  Status st = b->Open(flags.data_dir, flags.config_file);
  if (!st.ok()) {
    if (st.IsUnavailable()) {
      Fail(st.message() + "\n  (a kappa up owning it serves no HTTP API; pass --url of one that does)");
    }
    Fail(st);
  }
  return b;
}

}  // namespace kappa::cli
