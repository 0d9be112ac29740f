// NewSyncingOrchestrator: what the API acknowledges is synced, whatever the MetaStore's pace.
#include "orchestrator/orchestrator.h"

namespace kappa::orchestrator {
namespace {

class SyncingOrchestrator final : public Orchestrator {
 public:
  SyncingOrchestrator(Orchestrator* inner, MetaStore* meta) : o_(inner), meta_(meta) {}

  std::vector<DagInfo> ListDags() const override { return o_->ListDags(); }
  Result<DagInfo> GetDag(std::string_view dag_id) const override { return o_->GetDag(dag_id); }
  Status SetPaused(std::string_view dag_id, bool paused) override {
    RETURN_IF_ERROR(o_->SetPaused(dag_id, paused));
    return meta_->Sync();
  }
  Result<std::pair<std::vector<DagRun>, int64_t>> ListRuns(std::string_view dag_id,
                                                           const RunFilter& f) const override {
    return o_->ListRuns(dag_id, f);
  }
  Result<DagRun> GetRun(std::string_view dag_id, std::string_view run_id) const override {
    return o_->GetRun(dag_id, run_id);
  }
  Result<DagRun> Trigger(std::string_view dag_id, std::optional<std::string> run_id,
                         std::optional<TimeMs> logical_date, const nlohmann::json& conf) override {
    return Synced(o_->Trigger(dag_id, std::move(run_id), logical_date, conf));
  }
  Status DeleteRun(std::string_view dag_id, std::string_view run_id) override {
    RETURN_IF_ERROR(o_->DeleteRun(dag_id, run_id));
    return meta_->Sync();
  }
  Result<std::vector<DagRun>> Backfill(std::string_view dag_id, TimeMs from, TimeMs to,
                                       const nlohmann::json& conf) override {
    return Synced(o_->Backfill(dag_id, from, to, conf));
  }
  Result<std::vector<TaskInstance>> ListTaskInstances(std::string_view dag_id,
                                                      std::string_view run_id) const override {
    return o_->ListTaskInstances(dag_id, run_id);
  }
  Result<TaskInstance> GetTaskInstance(std::string_view dag_id, std::string_view run_id,
                                       std::string_view task_id) const override {
    return o_->GetTaskInstance(dag_id, run_id, task_id);
  }
  Result<std::vector<std::string>> ReadLog(std::string_view dag_id, std::string_view run_id,
                                           std::string_view task_id,
                                           int try_number) const override {
    return o_->ReadLog(dag_id, run_id, task_id, try_number);
  }
  Result<LogPage> ReadLogPage(std::string_view dag_id, std::string_view run_id,
                              std::string_view task_id, int try_number, int64_t from,
                              size_t max_bytes) const override {
    return o_->ReadLogPage(dag_id, run_id, task_id, try_number, from, max_bytes);
  }
  Result<std::vector<TaskInstance>> Clear(std::string_view dag_id,
                                          const ClearRequest& request) override {
    return Synced(o_->Clear(dag_id, request));
  }
  Result<DagRun> SetRunState(std::string_view dag_id, std::string_view run_id,
                             RunState state) override {
    return Synced(o_->SetRunState(dag_id, run_id, state));
  }
  Result<DagRun> SetRunNote(std::string_view dag_id, std::string_view run_id,
                            std::string_view note) override {
    return Synced(o_->SetRunNote(dag_id, run_id, note));
  }
  OrchestratorHealth Health() const override { return o_->Health(); }

 private:
  template <typename T>
  Result<T> Synced(Result<T> r) {
    if (!r.ok()) return r;
    RETURN_IF_ERROR(meta_->Sync());
    return r;
  }

  Orchestrator* const o_;
  MetaStore* const meta_;
};

}  // namespace

std::unique_ptr<Orchestrator> NewSyncingOrchestrator(Orchestrator* inner, MetaStore* meta) {
  return std::make_unique<SyncingOrchestrator>(inner, meta);
}

}  // namespace kappa::orchestrator
