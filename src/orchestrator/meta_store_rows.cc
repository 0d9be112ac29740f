// MetaStore records <-> rows of the kappa_meta tables. States and run types are stored as
// Airflow's names (text), conf as JSON text, times as CQL timestamps (milliseconds), so that
// `kappa cql` and any CQL driver show them as Airflow's own database would.
#include <fmt/format.h>

#include "orchestrator/meta_store_tables.h"

namespace kappa::orchestrator::meta {

using store::Value;

RowReader::RowReader(const store::TableSchema& table, const store::Row& row, std::string key)
    : table_(table), row_(row), key_(std::move(key)) {}

const Value& RowReader::Get(std::string_view column) const {
  static const Value kNull;
  int i = table_.FindColumn(column);
  if (i < 0 || size_t(i) >= row_.size()) return kNull;
  return row_[size_t(i)];
}

std::string RowReader::Text(std::string_view column) const {
  const Value& v = Get(column);
  return v.is_set() ? v.as_bytes() : std::string();
}

std::optional<TimeMs> RowReader::Time(std::string_view column) const {
  const Value& v = Get(column);
  if (!v.is_set()) return std::nullopt;
  return v.as_int();
}

int64_t RowReader::Int(std::string_view column) const {
  const Value& v = Get(column);
  return v.is_set() ? v.as_int() : 0;
}

bool RowReader::Bool(std::string_view column) const {
  const Value& v = Get(column);
  return v.is_set() && v.as_bool();
}

nlohmann::json RowReader::JsonObject(std::string_view column, Status* error) const {
  std::string text = Text(column);
  if (text.empty()) return nlohmann::json::object();
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    *error = Bad(column, "is not a JSON object");
    return nlohmann::json::object();
  }
  return j;
}

Status RowReader::Bad(std::string_view column, std::string_view what) const {
  return Status::Corruption(fmt::format("{}.{} ({}): {} {}", table_.keyspace, table_.name, key_,
                                        column, what));
}

// ---- dags ----

store::Row DagToRow(const store::TableSchema& t, const DagRecord& d) {
  RowBuilder b(t);
  b.Text("dag_id", d.dag_id).Set("is_paused", Value::Boolean(d.is_paused));
  b.Time("last_automated_start",
         d.last_automated ? std::optional<TimeMs>(d.last_automated->start) : std::nullopt);
  b.Time("last_automated_end",
         d.last_automated ? std::optional<TimeMs>(d.last_automated->end) : std::nullopt);
  b.Time("last_parsed_time", d.last_parsed_time);
  return b.Take();
}

Result<DagRecord> DagFromRow(const store::TableSchema& t, const store::Row& row) {
  DagRecord d;
  RowReader r(t, row, "");
  d.dag_id = r.Text("dag_id");
  d.is_paused = r.Bool("is_paused");
  auto start = r.Time("last_automated_start"), end = r.Time("last_automated_end");
  if (start.has_value() != end.has_value()) {
    return RowReader(t, row, "dag " + d.dag_id)
        .Bad("last_automated_start/end", "must be both set or both null");
  }
  if (start) d.last_automated = DataInterval{*start, *end};
  d.last_parsed_time = r.Time("last_parsed_time").value_or(0);
  return d;
}

// ---- dag_runs ----

store::Row RunToRow(const store::TableSchema& t, const DagRun& run) {
  RowBuilder b(t);
  b.Text("dag_id", run.dag_id).Time("logical_date", run.logical_date).Text("run_id", run.run_id);
  b.Text("run_type", RunTypeName(run.run_type)).Text("state", RunStateName(run.state));
  b.Time("data_interval_start", run.data_interval.start);
  b.Time("data_interval_end", run.data_interval.end);
  b.Time("queued_at", run.queued_at).Time("start_date", run.start_date);
  b.Time("end_date", run.end_date);
  b.Set("external_trigger", Value::Boolean(run.external_trigger));
  b.Text("conf", run.conf.is_null() ? std::string("{}") : run.conf.dump());
  b.Text("note", run.note);
  return b.Take();
}

Result<DagRun> RunFromRow(const store::TableSchema& t, const store::Row& row) {
  DagRun run;
  RowReader plain(t, row, "");
  run.dag_id = plain.Text("dag_id");
  run.run_id = plain.Text("run_id");
  RowReader r(t, row, fmt::format("dag {}, run {}", run.dag_id, run.run_id));
  std::string type = r.Text("run_type");
  if (type == "scheduled") {
    run.run_type = RunType::kScheduled;
  } else if (type == "manual") {
    run.run_type = RunType::kManual;
  } else if (type == "backfill") {
    run.run_type = RunType::kBackfill;
  } else {
    return r.Bad("run_type", fmt::format("'{}' is not scheduled, manual or backfill", type));
  }
  auto state = ParseRunState(r.Text("state"));
  if (!state.ok()) return r.Bad("state", state.status().message());
  run.state = *state;
  run.logical_date = r.Time("logical_date").value_or(0);
  run.data_interval = {r.Time("data_interval_start").value_or(0),
                       r.Time("data_interval_end").value_or(0)};
  run.queued_at = r.Time("queued_at").value_or(0);
  run.start_date = r.Time("start_date");
  run.end_date = r.Time("end_date");
  run.external_trigger = r.Bool("external_trigger");
  Status st;
  run.conf = r.JsonObject("conf", &st);
  RETURN_IF_ERROR(st);
  run.note = r.Text("note");
  return run;
}

// ---- task_instances ----

store::Row TaskToRow(const store::TableSchema& t, const TaskInstance& ti) {
  RowBuilder b(t);
  b.Text("dag_id", ti.dag_id).Text("run_id", ti.run_id).Text("task_id", ti.task_id);
  b.Text("state", TaskStateName(ti.state));
  b.Set("try_number", Value::Int32(ti.try_number)).Set("max_tries", Value::Int32(ti.max_tries));
  b.Time("queued_at", ti.queued_at).Time("start_date", ti.start_date);
  b.Time("end_date", ti.end_date).Time("next_retry_at", ti.next_retry_at);
  b.Text("operator", ti.operator_name).Text("hostname", ti.hostname);
  b.Set("pid", Value::Bigint(ti.pid));
  b.Text("result", ti.result).Text("error", ti.error);
  return b.Take();
}

Result<TaskInstance> TaskFromRow(const store::TableSchema& t, const store::Row& row) {
  TaskInstance ti;
  RowReader plain(t, row, "");
  ti.dag_id = plain.Text("dag_id");
  ti.run_id = plain.Text("run_id");
  ti.task_id = plain.Text("task_id");
  RowReader r(t, row, fmt::format("dag {}, run {}, task {}", ti.dag_id, ti.run_id, ti.task_id));
  auto state = ParseTaskState(r.Text("state"));
  if (!state.ok()) return r.Bad("state", state.status().message());
  ti.state = *state;
  ti.try_number = int(r.Int("try_number"));
  ti.max_tries = int(r.Int("max_tries"));
  ti.queued_at = r.Time("queued_at");
  ti.start_date = r.Time("start_date");
  ti.end_date = r.Time("end_date");
  ti.next_retry_at = r.Time("next_retry_at");
  ti.operator_name = r.Text("operator");
  ti.hostname = r.Text("hostname");
  ti.pid = r.Int("pid");
  ti.result = r.Text("result");
  ti.error = r.Text("error");
  return ti;
}

}  // namespace kappa::orchestrator::meta
