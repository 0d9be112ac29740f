// UpDags (app/app.h): the orchestrator `kappa up` runs for the config's `dags:`.
#include <fmt/format.h>

#include <ctime>

#include "app/app.h"
#include "common/logging.h"

namespace kappa::app {
namespace {

namespace orch = orchestrator;

// "2026-12-06 00:00 UTC": the status line is for people; the REST API has the ISO form.
std::string Short(orch::TimeMs t) {
  std::time_t s = static_cast<std::time_t>(t / 1000);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

}  // namespace

Result<std::unique_ptr<UpDags>> UpDags::Create(const PipelineConfig& config, Pipeline* pipeline) {
  std::unique_ptr<UpDags> d(new UpDags());
  d->config_ = config;
  // The engine's own state changes (a try started, ended) are many and cheap to redo after a
  // crash (a lost suffix of writes: the try runs again, as a zombie would), so they are
  // synced in the background; what the API acknowledges is synced before it answers (api_).
  ASSIGN_OR_RETURN(d->meta_, orch::OpenStoreMetaStore(&pipeline->runtime().store(),
                                                      /*sync=*/false, kHistorySyncIntervalMs));
  d->types_ = DagTaskTypes(d->config_, pipeline);
  orch::SchedulerOptions so;
  so.parallelism = config.orchestrator.parallelism;
  so.task_log_max_bytes = config.orchestrator.task_log_max_bytes;
  so.retention.max_age_ms = config.orchestrator.history_max_age_ms;
  so.retention.max_runs_per_dag = config.orchestrator.history_max_runs_per_dag;
  ASSIGN_OR_RETURN(d->scheduler_,
                   orch::Scheduler::Create(config.dags, d->meta_.get(), &d->types_, so));
  d->api_ = orch::NewSyncingOrchestrator(d->scheduler_.get(), d->meta_.get());
  return d;
}

UpDags::~UpDags() { Stop(); }

Status UpDags::Start() {
  RETURN_IF_ERROR(scheduler_->Start());
  started_ = true;
  for (const orch::DagInfo& i : scheduler_->ListDags()) {
    KLOG_INFO("DAG {}: {} ({}){}", i.spec.dag_id, i.spec.schedule.text().empty() ? "manual runs only" : i.spec.schedule.text(),
              i.record.is_paused ? "paused" : "active",
              i.next ? fmt::format(", next run {}", Short(i.next->run_after)) : "");
  }
  return Status::OK();
}

void UpDags::Stop() {
  if (!started_) return;
  started_ = false;
  scheduler_->Stop();
}

std::string UpDags::Describe() const {
  std::string out;
  for (const orch::DagInfo& i : scheduler_->ListDags()) {
    std::string state = i.record.is_paused ? "paused" : "idle";
    orch::RunFilter f;
    f.limit = 1;
    f.newest_first = true;
    auto runs = scheduler_->ListRuns(i.spec.dag_id, f);
    if (!i.record.is_paused && runs.ok() && !runs->first.empty()) {
      state = std::string(orch::RunStateName(runs->first[0].state));
    }
    if (!out.empty()) out += ", ";
    out += fmt::format("{} {}", i.spec.dag_id, state);
    if (i.next && !i.record.is_paused) out += fmt::format(" (next {})", Short(i.next->run_after));
  }
  return out;
}

int UpDags::ActiveRuns() const {
  int n = 0;
  for (const orch::DagInfo& i : scheduler_->ListDags()) {
    orch::RunFilter f;
    f.states = {orch::RunState::kQueued, orch::RunState::kRunning};
    f.limit = 1;  // only the total matters
    auto runs = scheduler_->ListRuns(i.spec.dag_id, f);
    if (runs.ok()) n += static_cast<int>(runs->second);
  }
  return n;
}

}  // namespace kappa::app
