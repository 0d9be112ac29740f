// The tables of keyspace kappa_meta: their definitions, creation, and the check that tables
// found in a data directory have the columns this build reads (docs/formats/orchestrator-meta.md).
#include <fmt/format.h>

#include <vector>

#include "common/logging.h"
#include "orchestrator/meta_store_tables.h"

namespace kappa::orchestrator::meta {
namespace {

using store::ColumnKind;
using store::TypeKind;

struct Col {
  const char* name;
  TypeKind type;
  ColumnKind kind = ColumnKind::kRegular;
};

store::TableSchema Define(std::string_view name, std::string_view comment,
                          std::initializer_list<Col> cols) {
  store::TableSchema t;
  t.keyspace = std::string(kKeyspace);
  t.name = std::string(name);
  int pk = 0, ck = 0;
  for (const Col& c : cols) {
    store::ColumnSchema s;
    s.name = c.name;
    s.type = c.type;
    s.kind = c.kind;
    if (c.kind == ColumnKind::kPartitionKey) s.position = pk++;
    if (c.kind == ColumnKind::kClustering) s.position = ck++;
    t.columns.push_back(std::move(s));
  }
  t.options["comment"] = std::string(comment);
  KAPPA_CHECK(t.Finish().ok());  // fixed definitions: a failure is a bug in this file
  return t;
}

constexpr ColumnKind kPk = ColumnKind::kPartitionKey;
constexpr ColumnKind kCk = ColumnKind::kClustering;

// Column names follow Airflow's metadata database (dag, dag_run, task_instance, log) where
// there is one, so a user who knows Airflow's tables reads these without a guide.
std::vector<store::TableSchema> Wanted() {
  std::vector<store::TableSchema> out;
  out.push_back(Define("dags", "kappa orchestrator: one row per DAG (pause flag, scheduler cursor)",
                       {{"dag_id", TypeKind::kText, kPk},
                        {"is_paused", TypeKind::kBoolean},
                        {"last_automated_start", TypeKind::kTimestamp},
                        {"last_automated_end", TypeKind::kTimestamp},
                        {"last_parsed_time", TypeKind::kTimestamp}}));
  // Clustered by logical date so a DAG's runs are one partition slice in date order; the run
  // id is the last clustering column (unique per DAG, as in Airflow).
  out.push_back(Define("dag_runs", "kappa orchestrator: DAG runs, by DAG and logical date",
                       {{"dag_id", TypeKind::kText, kPk},
                        {"logical_date", TypeKind::kTimestamp, kCk},
                        {"run_id", TypeKind::kText, kCk},
                        {"run_type", TypeKind::kText},
                        {"state", TypeKind::kText},
                        {"data_interval_start", TypeKind::kTimestamp},
                        {"data_interval_end", TypeKind::kTimestamp},
                        {"queued_at", TypeKind::kTimestamp},
                        {"start_date", TypeKind::kTimestamp},
                        {"end_date", TypeKind::kTimestamp},
                        {"external_trigger", TypeKind::kBoolean},
                        {"conf", TypeKind::kText},
                        {"note", TypeKind::kText}}));
  out.push_back(Define("task_instances", "kappa orchestrator: task instances, one partition per run",
                       {{"dag_id", TypeKind::kText, kPk},
                        {"run_id", TypeKind::kText, kPk},
                        {"task_id", TypeKind::kText, kCk},
                        {"state", TypeKind::kText},
                        {"try_number", TypeKind::kInt},
                        {"max_tries", TypeKind::kInt},
                        {"queued_at", TypeKind::kTimestamp},
                        {"start_date", TypeKind::kTimestamp},
                        {"end_date", TypeKind::kTimestamp},
                        {"next_retry_at", TypeKind::kTimestamp},
                        {"operator", TypeKind::kText},
                        {"hostname", TypeKind::kText},
                        {"pid", TypeKind::kBigint},
                        {"result", TypeKind::kText},
                        {"error", TypeKind::kText}}));
  out.push_back(Define("task_logs", "kappa orchestrator: each try's log lines, in order",
                       {{"dag_id", TypeKind::kText, kPk},
                        {"run_id", TypeKind::kText, kPk},
                        {"task_id", TypeKind::kText, kPk},
                        {"try_number", TypeKind::kInt, kPk},
                        {"seq", TypeKind::kBigint, kCk},
                        {"logged_at", TypeKind::kTimestamp},
                        {"line", TypeKind::kText}}));
  return out;
}

// Every column of `want` must be in `have` with the same type, role and key position.
Status CheckShape(const store::TableSchema& want, const store::TableSchema& have) {
  for (const auto& w : want.columns) {
    int i = have.FindColumn(w.name);
    std::string where = fmt::format("{}.{}", have.keyspace, have.name);
    if (i < 0) {
      return Status::InvalidArgument(fmt::format(
          "{} has no column '{}': it was not made by kappa's orchestrator (drop it, or use "
          "another data directory)", where, w.name));
    }
    const auto& h = have.columns[size_t(i)];
    if (!(h.type == w.type) || h.kind != w.kind || h.position != w.position) {
      return Status::InvalidArgument(fmt::format(
          "{} column '{}' is {} {} (position {}), the orchestrator needs {} {} (position {})",
          where, w.name, h.type.ToString(), store::ColumnKindName(h.kind), h.position,
          w.type.ToString(), store::ColumnKindName(w.kind), w.position));
    }
  }
  if (have.partition_key_size() != want.partition_key_size() ||
      have.clustering_size() != want.clustering_size()) {
    return Status::InvalidArgument(fmt::format(
        "{}.{} has another primary key than the orchestrator's", have.keyspace, have.name));
  }
  return Status::OK();
}

}  // namespace

Result<Tables> OpenTables(store::Store* store) {
  if (!store->read_only()) {
    store::KeyspaceSchema ks;
    ks.name = std::string(kKeyspace);
    ks.replication = {{"class", "SimpleStrategy"}, {"replication_factor", "1"}};
    RETURN_IF_ERROR(store->CreateKeyspace(ks, /*if_not_exists=*/true)
                        .WithContext("creating keyspace kappa_meta"));
  } else if (!store->GetKeyspace(kKeyspace).ok()) {
    return Status::NotFound(
        "no orchestrator history in this data directory (keyspace kappa_meta does not exist)");
  }
  std::vector<std::shared_ptr<const store::TableSchema>> got;
  for (const store::TableSchema& want : Wanted()) {
    auto have = store->GetTable(kKeyspace, want.name);
    if (!have.ok() && have.status().IsNotFound() && !store->read_only()) {
      RETURN_IF_ERROR(store->CreateTable(want, /*if_not_exists=*/true)
                          .WithContext("creating table kappa_meta." + want.name));
      KLOG_INFO("created table kappa_meta.{}", want.name);
      have = store->GetTable(kKeyspace, want.name);
    }
    if (!have.ok()) return have.status();
    RETURN_IF_ERROR(CheckShape(want, **have));
    got.push_back(*have);
  }
  return Tables{got[0], got[1], got[2], got[3]};
}

RowBuilder::RowBuilder(const store::TableSchema& table)
    : table_(table), row_(table.columns.size(), store::Value::Unset()) {}

RowBuilder& RowBuilder::Set(std::string_view column, store::Value v) {
  int i = table_.FindColumn(column);
  KAPPA_CHECK(i >= 0);  // OpenTables checked every name this file uses
  row_[size_t(i)] = std::move(v);
  return *this;
}

RowBuilder& RowBuilder::Text(std::string_view column, std::string_view s) {
  return Set(column, store::Value::Text(std::string(s)));
}

RowBuilder& RowBuilder::Time(std::string_view column, std::optional<TimeMs> t) {
  return Set(column, t ? store::Value::Timestamp(*t) : store::Value::Null());
}

}  // namespace kappa::orchestrator::meta
