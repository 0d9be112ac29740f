// `dags:` of kappa.yaml: the orchestrator's DAGs (orchestrator::DagSpec), checked at load so a
// bad DAG stops `kappa up` before anything starts, with the FILE:LINE:COL of the problem: a
// schedule that does not parse (a 6-field cron), an unknown time zone, a cycle, an unknown
// task type, bad arguments, an unknown template variable. The tasks are in
// config_dag_tasks.cc. Keys and meaning: docs/formats/config.md, "dags".
#include <fmt/format.h>

#include "app/app.h"
#include "app/config_section.h"

namespace kappa::app {
namespace {

namespace orch = orchestrator;

constexpr std::string_view kDagKeys[] = {
    "id",   "owner",   "description", "start_date",      "end_date",         "schedule",
    "timezone", "catchup", "max_active_runs", "max_active_tasks", "params", "tags",
    "paused", "tasks"};

// `schedule:` is a string (a preset, a 5-field cron, "every 15m", "@once"), null (manual
// runs only) or a map {every: DURATION}. Errors point at the schedule's line.
Result<orch::Schedule> LoadSchedule(const YamlReader& r, const YAML::Node& n,
                                    const std::string& where, const std::string& tz) {
  if (!n || n.IsNull()) return orch::Schedule::Parse("", tz);
  if (n.IsMap()) {
    RETURN_IF_ERROR(r.CheckKeys(n, {"every"}, where + ".schedule"));
    if (!n["every"]) return r.Error(n, where + ".schedule: write {every: 15m} (or a cron, a preset, null)");
    ASSIGN_OR_RETURN(int64_t ms, r.DurationMs(n["every"], where + ".schedule.every"));
    if (ms <= 0) return r.Error(n["every"], where + ".schedule.every must be positive");
    auto s = orch::Schedule::Every(ms, tz);
    if (!s.ok()) return r.Error(n["every"], fmt::format("{}.schedule: {}", where, s.status().message()));
    return s;
  }
  ASSIGN_OR_RETURN(std::string text, r.String(n, where + ".schedule"));
  auto s = orch::Schedule::Parse(text, tz);
  if (!s.ok()) return r.Error(n, fmt::format("{}.schedule: {}", where, s.status().message()));
  return s;
}

Result<orch::TimeMs> LoadDate(const YamlReader& r, const YAML::Node& n, const std::string& what,
                              const std::string& tz) {
  ASSIGN_OR_RETURN(std::string text, r.String(n, what));
  auto t = orch::ParseDateTime(text, tz);
  if (!t.ok()) return r.Error(n, fmt::format("{}: {}", what, t.status().message()));
  return t;
}

Status LoadDag(const YamlReader& r, const YAML::Node& n, const std::string& where,
               const orch::TaskTypes& types, PipelineConfig* c) {
  RETURN_IF_ERROR(r.CheckKeys(n, kDagKeys, where));
  orch::DagSpec d;
  d.where = r.Where(n);
  d.fileloc = c->file;
  if (!n["id"]) return r.Error(n, where + " needs an id");
  ASSIGN_OR_RETURN(d.dag_id, r.String(n["id"], where + ".id"));
  if (!ValidName(d.dag_id, /*allow_dot=*/true)) {
    return r.Error(n["id"], fmt::format("DAG id '{}' may only use letters, digits, '_', '-' and '.'", d.dag_id));
  }
  for (const auto& other : c->dags) {
    if (other.dag_id == d.dag_id) return r.Error(n["id"], fmt::format("DAG '{}' is listed twice", d.dag_id));
  }
  std::string tz = "UTC";
  if (n["timezone"]) {
    ASSIGN_OR_RETURN(tz, r.String(n["timezone"], where + ".timezone"));
    Status st = orch::CheckTimeZone(tz);
    if (!st.ok()) return r.Error(n["timezone"], fmt::format("{}.timezone: {}", where, st.message()));
  }
  ASSIGN_OR_RETURN(d.schedule, LoadSchedule(r, n["schedule"], where, tz));
  if (n["start_date"]) {
    ASSIGN_OR_RETURN(d.start_date, LoadDate(r, n["start_date"], where + ".start_date", tz));
  } else if (d.schedule.kind() != orch::Schedule::Kind::kNone) {
    return r.Error(n, fmt::format("{} needs a start_date (its schedule is '{}')", where, d.schedule.text()));
  }
  if (n["end_date"]) {
    ASSIGN_OR_RETURN(d.end_date, LoadDate(r, n["end_date"], where + ".end_date", tz));
    if (*d.end_date < d.start_date) return r.Error(n["end_date"], where + ".end_date is before its start_date");
  }
  if (n["owner"]) { ASSIGN_OR_RETURN(d.owner, r.String(n["owner"], where + ".owner")); }
  if (n["description"]) { ASSIGN_OR_RETURN(d.description, r.String(n["description"], where + ".description")); }
  if (n["catchup"]) { ASSIGN_OR_RETURN(d.catchup, r.Bool(n["catchup"], where + ".catchup")); }
  if (n["paused"]) { ASSIGN_OR_RETURN(d.paused_at_creation, r.Bool(n["paused"], where + ".paused")); }
  for (auto [key, out] : {std::pair{"max_active_runs", &d.max_active_runs}, {"max_active_tasks", &d.max_active_tasks}}) {
    if (!n[key]) continue;
    ASSIGN_OR_RETURN(int64_t v, r.Int(n[key], fmt::format("{}.{}", where, key), 1, 100000));
    *out = static_cast<int>(v);
  }
  if (n["params"]) {
    RETURN_IF_ERROR(r.ExpectMap(n["params"], where + ".params"));
    ASSIGN_OR_RETURN(d.params, r.Json(n["params"], where + ".params"));
  }
  if (n["tags"]) {
    RETURN_IF_ERROR(r.ExpectSeq(n["tags"], where + ".tags"));
    for (size_t i = 0; i < n["tags"].size(); ++i) {
      ASSIGN_OR_RETURN(std::string tag, r.String(n["tags"][i], fmt::format("{}.tags[{}]", where, i)));
      d.tags.push_back(std::move(tag));
    }
  }
  if (!n["tasks"]) return r.Error(n, where + " needs tasks (a list; each with an id and a type)");
  RETURN_IF_ERROR(LoadDagTasks(r, n["tasks"], where + ".tasks", types, &d));
  // Cycles and anything else ValidateDag knows; its errors carry the task's FILE:LINE:COL.
  RETURN_IF_ERROR(orch::ValidateDag(d, &types));
  c->dags.push_back(std::move(d));
  return Status::OK();
}

}  // namespace

Status LoadDags(const YamlReader& r, const YAML::Node& seq, PipelineConfig* c) {
  RETURN_IF_ERROR(r.ExpectSeq(seq, "dags"));
  // Validation only (no pipeline): the task types check their arguments against the
  // sections loaded before this one (producers, topics, jobs, tables).
  orch::TaskTypes types = DagTaskTypes(*c, nullptr);
  for (size_t i = 0; i < seq.size(); ++i) {
    RETURN_IF_ERROR(LoadDag(r, seq[i], fmt::format("dags[{}]", i), types, c));
  }
  return Status::OK();
}

}  // namespace kappa::app
