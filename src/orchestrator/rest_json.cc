// The JSON of each resource, field for field as Airflow 2.x's schemas dump them
// (api_connexion/schemas/dag_schema.py, dag_run_schema.py, task_instance_schema.py,
// task_schema.py, common_schema.py). Fields kappa has no counterpart for carry Airflow's value
// for "not used" (null, false, the default pool and queue), never an invented one.
#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <set>

#include "orchestrator/rest_common.h"

namespace kappa::orchestrator::rest {

using nlohmann::json;

namespace {

// The unix user running the tasks: they run inside this process (Airflow's unixname is the
// worker's getuser()).
const std::string& UnixName() {
  static const std::string name = [] {
    if (const struct passwd* pw = getpwuid(geteuid())) return std::string(pw->pw_name);
    return std::to_string(geteuid());
  }();
  return name;
}

json NullIfEmpty(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

json StateJson(TaskState s) {
  // Since Airflow 2.7 a task instance with no state is null, not "none".
  return s == TaskState::kNone ? json(nullptr) : json(std::string(TaskStateName(s)));
}

std::vector<std::string> Owners(const DagSpec& d) {
  // DagModel.owners: the distinct owners of the DAG's tasks (a task's default is the DAG's).
  std::vector<std::string> out;
  auto add = [&](const std::string& o) {
    if (!o.empty() && std::find(out.begin(), out.end(), o) == out.end()) out.push_back(o);
  };
  for (const auto& t : d.tasks) add(t.owner.empty() ? d.owner : t.owner);
  if (out.empty()) add(d.owner);
  return out;
}

}  // namespace

json TimeJson(std::optional<TimeMs> t) { return t ? json(FormatIso(*t)) : json(nullptr); }

json TimeDeltaJson(int64_t ms) {
  // Python's timedelta normalisation: days may be negative, 0 <= seconds < 86400.
  int64_t us = ms * 1000;
  int64_t days = us >= 0 ? us / 86'400'000'000 : -((-us + 86'399'999'999) / 86'400'000'000);
  int64_t rest = us - days * 86'400'000'000;
  return {{"__type", "TimeDelta"},
          {"days", days},
          {"seconds", rest / 1'000'000},
          {"microseconds", rest % 1'000'000}};
}

json ScheduleIntervalJson(const Schedule& s) {
  switch (s.kind()) {
    case Schedule::Kind::kNone:
      return nullptr;
    case Schedule::Kind::kOnce:
      return {{"__type", "CronExpression"}, {"value", "@once"}};
    case Schedule::Kind::kCron:
      // DagModel keeps the schedule as written: "@daily" stays "@daily".
      return {{"__type", "CronExpression"}, {"value", s.text()}};
    case Schedule::Kind::kDelta: {
      // A delta timetable's manual interval is [run_after - delta, run_after)
      // (_DataIntervalTimetable.infer_manual_data_interval), so it measures the delta.
      DataInterval i = s.ManualInterval(86'400'000LL * 365 * 30);
      return TimeDeltaJson(i.end - i.start);
    }
  }
  return nullptr;
}

std::string TimetableDescription(const Schedule& s) {
  switch (s.kind()) {
    case Schedule::Kind::kNone:
      return "Never, external triggers only";  // NullTimetable.description
    case Schedule::Kind::kOnce:
      return "Once, as soon as possible";  // OnceTimetable.description
    case Schedule::Kind::kDelta:
      return s.text();
    case Schedule::Kind::kCron:
      break;
  }
  // cron_descriptor's wording (what Airflow's CronMixin shows) for the presets and plain
  // "M H * * *"; other expressions are shown as written.
  const std::string& t = s.text();
  if (t == "@hourly" || t == "0 * * * *") return "At 0 minutes past the hour";
  if (t == "@daily" || t == "@midnight" || t == "0 0 * * *") return "At 00:00";
  if (t == "@weekly" || t == "0 0 * * 0") return "At 00:00, only on Sunday";
  if (t == "@monthly" || t == "0 0 1 * *") return "At 00:00, on day 1 of the month";
  if (t == "@yearly" || t == "@annually" || t == "0 0 1 1 *") {
    return "At 00:00, on day 1 of the month, only in January";
  }
  unsigned m = 0, h = 0;
  char rest[16] = {};
  if (std::sscanf(t.c_str(), "%u %u %15[* ]", &m, &h, rest) == 3 && m < 60 && h < 24 &&
      std::string_view(rest) == "* * *") {
    return fmt::format("At {:02}:{:02}", h, m);
  }
  return t;
}

json DagJson(const DagInfo& d) {
  const DagSpec& s = d.spec;
  json tags = json::array();
  for (const auto& t : s.tags) tags.push_back({{"name", t}});
  std::optional<NextRunInfo> next = d.next;
  return {
      {"dag_id", s.dag_id},
      {"dag_display_name", s.dag_id},
      {"root_dag_id", nullptr},
      {"is_paused", d.record.is_paused},
      {"is_active", d.is_active},
      {"is_subdag", false},
      {"last_parsed_time",
       d.record.last_parsed_time ? TimeJson(d.record.last_parsed_time) : json(nullptr)},
      {"last_pickled", nullptr},
      {"last_expired", nullptr},
      {"scheduler_lock", nullptr},
      {"pickle_id", nullptr},
      {"default_view", "grid"},
      {"fileloc", s.fileloc},
      // Airflow signs the path; kappa has no /dagSources endpoint that would read it back, so
      // the token is just opaque.
      {"file_token", Base64Url(s.fileloc)},
      {"owners", Owners(s)},
      {"description", NullIfEmpty(s.description)},
      {"schedule_interval", ScheduleIntervalJson(s.schedule)},
      {"timetable_description", TimetableDescription(s.schedule)},
      {"tags", tags},
      {"max_active_tasks", s.max_active_tasks},
      {"max_active_runs", s.max_active_runs},
      {"max_consecutive_failed_dag_runs", 0},
      {"has_task_concurrency_limits", false},
      {"has_import_errors", false},
      {"next_dagrun", next ? TimeJson(next->interval.start) : json(nullptr)},
      {"next_dagrun_data_interval_start", next ? TimeJson(next->interval.start) : json(nullptr)},
      {"next_dagrun_data_interval_end", next ? TimeJson(next->interval.end) : json(nullptr)},
      {"next_dagrun_create_after", next ? TimeJson(next->run_after) : json(nullptr)},
  };
}

json DagDetailJson(const DagInfo& d) {
  const DagSpec& s = d.spec;
  json out = DagJson(d);
  // DAG params as Airflow's ParamsDict serialises them.
  json params = json::object();
  for (const auto& [k, v] : s.params.items()) {
    params[k] = {{"__class", "airflow.models.param.Param"},
                 {"value", v},
                 {"description", nullptr},
                 {"schema", json::object()}};
  }
  out.update({
      {"timezone", fmt::format("Timezone('{}')", s.schedule.timezone())},
      {"catchup", s.catchup},
      {"orientation", "LR"},
      {"concurrency", s.max_active_tasks},
      {"start_date", TimeJson(s.start_date)},
      {"dag_run_timeout", nullptr},
      {"dataset_expression", nullptr},
      {"doc_md", nullptr},
      {"params", params},
      {"end_date", TimeJson(s.end_date)},
      {"is_paused_upon_creation", s.paused_at_creation},
      {"last_parsed",
       d.record.last_parsed_time ? TimeJson(d.record.last_parsed_time) : json(nullptr)},
      {"template_search_path", nullptr},
      {"render_template_as_native_obj", false},
  });
  return out;
}

json RunJson(const DagRun& r) {
  return {
      {"dag_run_id", r.run_id},
      {"dag_id", r.dag_id},
      {"logical_date", FormatIso(r.logical_date)},
      {"execution_date", FormatIso(r.logical_date)},
      {"start_date", TimeJson(r.start_date)},
      {"end_date", TimeJson(r.end_date)},
      {"data_interval_start", FormatIso(r.data_interval.start)},
      {"data_interval_end", FormatIso(r.data_interval.end)},
      {"last_scheduling_decision", nullptr},
      {"run_type", std::string(RunTypeName(r.run_type))},
      {"state", std::string(RunStateName(r.state))},
      {"external_trigger", r.external_trigger},
      {"conf", r.conf.is_object() ? r.conf : json::object()},
      {"note", NullIfEmpty(r.note)},
  };
}

std::vector<std::string> DownstreamIds(const DagSpec& dag, std::string_view task_id) {
  std::vector<std::string> out;
  for (const auto& t : dag.tasks) {
    if (std::find(t.upstream.begin(), t.upstream.end(), task_id) != t.upstream.end()) {
      out.push_back(t.task_id);
    }
  }
  return out;
}

int PriorityWeight(const DagSpec& dag, std::string_view task_id) {
  // Every task has weight 1; "downstream" adds the weights of all tasks downstream.
  std::set<std::string> seen;
  std::vector<std::string> todo = DownstreamIds(dag, task_id);
  while (!todo.empty()) {
    std::string id = std::move(todo.back());
    todo.pop_back();
    if (!seen.insert(id).second) continue;
    for (auto& d : DownstreamIds(dag, id)) todo.push_back(std::move(d));
  }
  return 1 + static_cast<int>(seen.size());
}

json TaskInstanceJson(const TaskInstance& ti, const DagRun& run, const DagSpec* dag) {
  json duration = nullptr;
  if (ti.start_date && ti.end_date) duration = double(*ti.end_date - *ti.start_date) / 1000.0;
  return {
      {"task_id", ti.task_id},
      {"task_display_name", ti.task_id},
      {"dag_id", ti.dag_id},
      {"dag_run_id", ti.run_id},
      {"execution_date", FormatIso(run.logical_date)},
      {"start_date", TimeJson(ti.start_date)},
      {"end_date", TimeJson(ti.end_date)},
      {"duration", duration},
      {"state", StateJson(ti.state)},
      {"try_number", ti.try_number},
      {"map_index", -1},
      {"max_tries", ti.max_tries},
      {"hostname", ti.hostname},
      {"unixname", UnixName()},
      {"pool", "default_pool"},
      {"pool_slots", 1},
      {"queue", "default"},
      {"priority_weight", dag ? json(PriorityWeight(*dag, ti.task_id)) : json(nullptr)},
      {"operator", NullIfEmpty(ti.operator_name)},
      {"queued_when", TimeJson(ti.queued_at)},
      {"pid", ti.pid ? json(ti.pid) : json(nullptr)},
      {"executor", nullptr},
      {"executor_config", "{}"},
      {"sla_miss", nullptr},
      {"rendered_map_index", nullptr},
      {"rendered_fields", json::object()},
      {"trigger", nullptr},
      {"triggerer_job", nullptr},
      {"note", nullptr},
  };
}

json TaskJson(const DagSpec& dag, const TaskSpec& t) {
  json template_fields = json::array();
  if (t.args.is_object()) {
    for (const auto& [k, v] : t.args.items()) template_fields.push_back(k);
  }
  return {
      {"class_ref", {{"module_path", "kappa.orchestrator.tasks"}, {"class_name", t.type}}},
      {"task_id", t.task_id},
      {"task_display_name", t.task_id},
      {"owner", t.owner.empty() ? dag.owner : t.owner},
      {"start_date", TimeJson(dag.start_date)},
      {"end_date", TimeJson(dag.end_date)},
      {"trigger_rule", std::string(TriggerRuleName(t.trigger_rule))},
      {"extra_links", json::array()},
      {"depends_on_past", t.depends_on_past},
      {"is_mapped", false},
      {"wait_for_downstream", false},
      {"retries", t.retries},
      {"queue", "default"},
      {"executor", nullptr},
      {"pool", "default_pool"},
      {"pool_slots", 1},
      {"execution_timeout",
       t.execution_timeout_ms ? TimeDeltaJson(t.execution_timeout_ms) : json(nullptr)},
      {"retry_delay", TimeDeltaJson(t.retry_delay_ms)},
      {"retry_exponential_backoff", t.retry_exponential_backoff},
      // The operator's own weight (BaseOperator.priority_weight); its task instances show
      // the total with the downstream weights.
      {"priority_weight", 1},
      {"weight_rule", "downstream"},
      {"ui_color", "#fff"},
      {"ui_fgcolor", "#000"},
      {"template_fields", template_fields},
      {"downstream_task_ids", DownstreamIds(dag, t.task_id)},
      {"doc_md", nullptr},
  };
}

}  // namespace kappa::orchestrator::rest
