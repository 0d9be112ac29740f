// The `tasks:` of a DAG in kappa.yaml (orchestrator::TaskSpec). A task is a map of the
// common keys below (Airflow's BaseOperator arguments) and its type's own arguments as the
// remaining keys, flat, as an Airflow operator's keyword arguments:
//
//   - id: stream_data_from_api
//     type: produce
//     producer: users          # produce's arguments
//     duration: 60s
//     retries: 2               # common keys
//
// Everything is checked here, at the line it is on: the type exists, `after` names tasks of
// the DAG, every `{{ }}` names a known template variable, and the type validates its
// arguments (an unknown one gets "did you mean", also when it is a misspelt common key).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "app/config_section.h"

namespace kappa::app {
namespace {

namespace orch = orchestrator;

constexpr std::string_view kTaskKeys[] = {
    "id",      "type",        "after",      "trigger_rule",       "retries",
    "retry_delay", "retry_exponential_backoff", "max_retry_delay", "execution_timeout",
    "depends_on_past", "owner"};

bool IsTaskKey(std::string_view k) {
  return std::find(std::begin(kTaskKeys), std::end(kTaskKeys), k) != std::end(kTaskKeys);
}

std::string Closest(std::string_view word, const std::vector<std::string>& names) {
  std::string best;
  size_t best_d = 3;
  for (const auto& n : names) {
    size_t d = EditDistance(word, n);
    if (d < best_d) {
      best_d = d;
      best = n;
    }
  }
  return best;
}

// Every `{{ }}` in the argument strings, checked where it is written.
Status CheckTemplates(const YamlReader& r, const YAML::Node& n, const nlohmann::json& params,
                      const std::vector<std::string>& task_ids) {
  if (n.IsMap()) {
    for (auto it = n.begin(); it != n.end(); ++it) {
      RETURN_IF_ERROR(CheckTemplates(r, it->second, params, task_ids));
    }
  } else if (n.IsSequence()) {
    for (size_t i = 0; i < n.size(); ++i) RETURN_IF_ERROR(CheckTemplates(r, n[i], params, task_ids));
  } else if (n.IsScalar()) {
    Status st = orch::CheckTemplate(n.Scalar(), params, task_ids);
    if (!st.ok()) return r.Error(n, std::string(st.message()));
  }
  return Status::OK();
}

// The type's verdict on its arguments, pointed at the argument it names ('key' in the
// message) when there is one. An unknown argument close to a common key is that key misspelt.
Status ValidateArgs(const YamlReader& r, const YAML::Node& n, const std::string& where,
                    const orch::TaskType& type, const nlohmann::json& args) {
  Status st = type.Validate(args);
  if (st.ok()) return st;
  const std::string msg(st.message());
  for (auto it = n.begin(); it != n.end(); ++it) {
    const std::string key = it->first.Scalar();
    if (IsTaskKey(key) || msg.find("'" + key + "'") == std::string::npos) continue;
    if (msg.find("unknown argument '" + key + "'") != std::string::npos) {
      std::vector<std::string> common(std::begin(kTaskKeys), std::end(kTaskKeys));
      std::string best = Closest(key, common);
      if (!best.empty()) {
        return r.Error(it->first, fmt::format("unknown key '{}' in {} (did you mean '{}'?)", key, where, best));
      }
    }
    return r.Error(it->first, fmt::format("{} ({} task): {}", where, type.name(), msg));
  }
  return r.Error(n, fmt::format("{} ({} task): {}", where, type.name(), msg));
}

Result<orch::TaskSpec> LoadTask(const YamlReader& r, const YAML::Node& n, const std::string& where,
                                const orch::TaskTypes& types, const orch::DagSpec& dag,
                                const std::vector<std::string>& task_ids) {
  RETURN_IF_ERROR(r.ExpectMap(n, where));
  orch::TaskSpec t;
  t.where = r.Where(n);
  t.owner = dag.owner;
  for (const char* key : {"id", "type"}) {
    if (!n[key]) return r.Error(n, fmt::format("{} needs a{} {}", where, key[0] == 'i' ? "n" : "", key));
  }
  ASSIGN_OR_RETURN(t.task_id, r.String(n["id"], where + ".id"));
  ASSIGN_OR_RETURN(t.type, r.String(n["type"], where + ".type"));
  const orch::TaskType* type = types.Find(t.type);
  if (!type) {
    std::vector<std::string> names = types.Names();
    std::string best = Closest(t.type, names);
    return r.Error(n["type"], fmt::format("{}: unknown task type '{}'{} (known: {})", where, t.type,
                                          best.empty() ? "" : fmt::format(" (did you mean '{}'?)", best),
                                          fmt::join(names, ", ")));
  }
  if (const YAML::Node& a = n["after"]) {
    std::vector<YAML::Node> items;
    if (a.IsSequence()) {
      for (size_t i = 0; i < a.size(); ++i) items.push_back(a[i]);
    } else {
      items.push_back(a);
    }
    for (const YAML::Node& item : items) {
      ASSIGN_OR_RETURN(std::string up, r.String(item, where + ".after"));
      if (std::find(task_ids.begin(), task_ids.end(), up) == task_ids.end()) {
        std::string best = Closest(up, task_ids);
        return r.Error(item, fmt::format("{}.after: no task '{}' in DAG '{}'{}", where, up, dag.dag_id,
                                         best.empty() ? "" : fmt::format(" (did you mean '{}'?)", best)));
      }
      t.upstream.push_back(std::move(up));
    }
  }
  if (n["trigger_rule"]) {
    ASSIGN_OR_RETURN(std::string rule, r.String(n["trigger_rule"], where + ".trigger_rule"));
    auto tr = orch::ParseTriggerRule(rule);
    if (!tr.ok()) return r.Error(n["trigger_rule"], fmt::format("{}.trigger_rule: {}", where, tr.status().message()));
    t.trigger_rule = *tr;
  }
  if (n["retries"]) {
    ASSIGN_OR_RETURN(int64_t v, r.Int(n["retries"], where + ".retries", 0, 1000));
    t.retries = static_cast<int>(v);
  }
  for (auto [key, out] : {std::pair{"retry_delay", &t.retry_delay_ms}, {"max_retry_delay", &t.max_retry_delay_ms}, {"execution_timeout", &t.execution_timeout_ms}}) {
    if (n[key]) { ASSIGN_OR_RETURN(*out, r.DurationMs(n[key], fmt::format("{}.{}", where, key))); }
  }
  for (auto [key, out] : {std::pair{"retry_exponential_backoff", &t.retry_exponential_backoff}, {"depends_on_past", &t.depends_on_past}}) {
    if (n[key]) { ASSIGN_OR_RETURN(*out, r.Bool(n[key], fmt::format("{}.{}", where, key))); }
  }
  if (n["owner"]) { ASSIGN_OR_RETURN(t.owner, r.String(n["owner"], where + ".owner")); }
  // The remaining keys are the type's arguments.
  for (auto it = n.begin(); it != n.end(); ++it) {
    const std::string key = it->first.Scalar();
    if (IsTaskKey(key)) continue;
    RETURN_IF_ERROR(CheckTemplates(r, it->second, dag.params, task_ids));
    ASSIGN_OR_RETURN(t.args[key], r.Json(it->second, fmt::format("{}.{}", where, key)));
  }
  RETURN_IF_ERROR(ValidateArgs(r, n, where, *type, t.args));
  return t;
}

}  // namespace

Status LoadDagTasks(const YamlReader& r, const YAML::Node& seq, const std::string& where,
                    const orch::TaskTypes& types, orch::DagSpec* dag) {
  RETURN_IF_ERROR(r.ExpectSeq(seq, where));
  if (seq.size() == 0) return r.Error(seq, where + " is empty; a DAG needs at least one task");
  // Every id first: `after` and `{{ tasks.T.result }}` may name a task written further down.
  std::vector<std::string> ids;
  for (size_t i = 0; i < seq.size(); ++i) {
    const YAML::Node& id = seq[i].IsMap() ? seq[i]["id"] : YAML::Node();
    if (!id || !id.IsScalar()) continue;  // LoadTask reports it
    if (std::find(ids.begin(), ids.end(), id.Scalar()) != ids.end()) {
      return r.Error(id, fmt::format("task '{}' is listed twice in DAG '{}'", id.Scalar(), dag->dag_id));
    }
    ids.push_back(id.Scalar());
  }
  for (size_t i = 0; i < seq.size(); ++i) {
    ASSIGN_OR_RETURN(orch::TaskSpec t, LoadTask(r, seq[i], fmt::format("{}[{}]", where, i), types, *dag, ids));
    dag->tasks.push_back(std::move(t));
  }
  return Status::OK();
}

}  // namespace kappa::app
