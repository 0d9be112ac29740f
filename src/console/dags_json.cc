#include "console/dags_json.h"

#include <algorithm>
#include <set>

namespace kappa::console::dags {

using nlohmann::json;
namespace orch = orchestrator;

json TimeJson(std::optional<orch::TimeMs> t) {
  return t ? json(orch::FormatIso(*t)) : json(nullptr);
}

namespace {

json RunSummary(const orch::DagRun& r) {
  return {{"run_id", r.run_id},
          {"state", orch::RunStateName(r.state)},
          {"run_type", orch::RunTypeName(r.run_type)},
          {"logical_date", orch::FormatIso(r.logical_date)}};
}

}  // namespace

json DagRow(const orch::DagInfo& d, const std::vector<orch::DagRun>& recent_runs) {
  json next = nullptr;
  if (d.next) {
    next = {{"logical_date", orch::FormatIso(d.next->interval.start)},
            {"data_interval_end", orch::FormatIso(d.next->interval.end)},
            {"run_after", orch::FormatIso(d.next->run_after)}};
  }
  json recent = json::array();
  for (const auto& r : recent_runs) recent.push_back(RunSummary(r));
  return {{"dag_id", d.spec.dag_id},
          {"description", d.spec.description},
          {"owner", d.spec.owner},
          {"schedule", d.spec.schedule.text()},
          {"timezone", d.spec.schedule.timezone()},
          {"is_paused", d.record.is_paused},
          {"is_active", d.is_active},
          {"tags", d.spec.tags},
          {"tasks", d.spec.tasks.size()},
          {"next_run", std::move(next)},
          {"last_run", recent_runs.empty() ? json(nullptr) : RunSummary(recent_runs.front())},
          {"recent_runs", std::move(recent)}};
}

json DagDetail(const orch::DagInfo& d, const std::vector<orch::DagRun>& recent_runs) {
  json out = DagRow(d, recent_runs);
  json tasks = json::array();
  for (const std::string& id : orch::TopologicalOrder(d.spec)) {
    const orch::TaskSpec* t = d.spec.FindTask(id);
    if (t == nullptr) continue;
    tasks.push_back({{"task_id", t->task_id},
                     {"type", t->type},
                     {"upstream", t->upstream},
                     {"trigger_rule", orch::TriggerRuleName(t->trigger_rule)},
                     {"retries", t->retries}});
  }
  out["task_list"] = std::move(tasks);
  out["params"] = d.spec.params;
  out["catchup"] = d.spec.catchup;
  out["max_active_runs"] = d.spec.max_active_runs;
  out["start_date"] = orch::FormatIso(d.spec.start_date);
  out["end_date"] = TimeJson(d.spec.end_date);
  out["fileloc"] = d.spec.fileloc;
  return out;
}

json RunJson(const orch::DagRun& r) {
  json out = RunSummary(r);
  out["data_interval_start"] = orch::FormatIso(r.data_interval.start);
  out["data_interval_end"] = orch::FormatIso(r.data_interval.end);
  out["queued_at"] = orch::FormatIso(r.queued_at);
  out["start_date"] = TimeJson(r.start_date);
  out["end_date"] = TimeJson(r.end_date);
  out["external_trigger"] = r.external_trigger;
  out["conf"] = r.conf;
  out["note"] = r.note;
  return out;
}

json TaskInstanceJson(const orch::TaskInstance& ti) {
  json duration = nullptr;
  if (ti.start_date && ti.end_date) duration = double(*ti.end_date - *ti.start_date) / 1000.0;
  return {{"task_id", ti.task_id},
          {"state", ti.state == orch::TaskState::kNone ? json(nullptr)
                                                        : json(orch::TaskStateName(ti.state))},
          {"try_number", ti.try_number},
          {"max_tries", ti.max_tries},
          {"operator", ti.operator_name},
          {"queued_at", TimeJson(ti.queued_at)},
          {"start_date", TimeJson(ti.start_date)},
          {"end_date", TimeJson(ti.end_date)},
          {"duration", duration},
          {"next_retry_at", TimeJson(ti.next_retry_at)},
          {"hostname", ti.hostname},
          {"error", ti.error}};
}

std::vector<std::string> GridTaskIds(const orch::DagSpec& spec,
                                     const std::vector<std::vector<orch::TaskInstance>>& runs_tis) {
  std::vector<std::string> ids = orch::TopologicalOrder(spec);
  std::set<std::string, std::less<>> seen(ids.begin(), ids.end());
  for (const auto& tis : runs_tis) {
    for (const auto& ti : tis) {
      if (seen.insert(ti.task_id).second) ids.push_back(ti.task_id);
    }
  }
  return ids;
}

http::Handler WithOrchestrator(const OrchestratorFn& get, OrchestratorHandler fn) {
  return meta::Wrap([get, fn](http::Request& req) -> Result<http::Response> {
    orch::Orchestrator* o = get();
    if (o == nullptr) return meta::NotConfigured("the orchestrator (no DAGs configured)");
    return fn(*o, req);
  });
}

// A JSON object body whose fields are all in `known` (an empty body: {}).
Result<nlohmann::json> ObjectBody(http::Request& req, std::initializer_list<std::string_view> known) {
  nlohmann::json body = nlohmann::json::object();
  if (!req.body.empty()) {
    http::Response bad;
    if (!http::ParseJsonBody(req, &body, &bad)) {
      auto j = nlohmann::json::parse(bad.body, nullptr, false);
      return Status::InvalidArgument(j.is_object() ? j.value("message", "malformed JSON")
                                                   : "malformed JSON");
    }
  }
  if (!body.is_object()) return Status::InvalidArgument("the body must be a JSON object");
  for (const auto& [key, value] : body.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::string names;
      for (std::string_view k : known) names += (names.empty() ? "" : ", ") + std::string(k);
      return Status::InvalidArgument("unknown field '" + key + "' (known: " + names + ")");
    }
  }
  return body;
}

}  // namespace kappa::console::dags
