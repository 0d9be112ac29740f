// Private to src/orchestrator: the tables of keyspace kappa_meta (the run history in kappa's
// table store) and the conversions between their rows and the MetaStore records.
// Format: docs/formats/orchestrator-meta.md.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "orchestrator/orchestrator.h"
#include "store/store.h"

namespace kappa::orchestrator::meta {

inline constexpr std::string_view kKeyspace = "kappa_meta";

// The four tables as this build reads and writes them.
struct Tables {
  std::shared_ptr<const store::TableSchema> dags;            // PRIMARY KEY (dag_id)
  std::shared_ptr<const store::TableSchema> dag_runs;        // ((dag_id), logical_date, run_id)
  std::shared_ptr<const store::TableSchema> task_instances;  // ((dag_id, run_id), task_id)
  std::shared_ptr<const store::TableSchema> task_logs;  // ((dag_id, run_id, task_id, try_number), seq)
};

// Writable store: creates the keyspace and any missing table. Either: checks that every
// column this build uses is there with its type and key role (a table made by someone else
// with another shape is InvalidArgument naming the column; extra regular columns are fine,
// left alone). Read-only store without the keyspace: NotFound "no orchestrator history".
Result<Tables> OpenTables(store::Store* store);

// A row of `table` with every column unset, filled by column name. Setting a column the
// table lacks is a bug (the names were checked by OpenTables).
class RowBuilder {
 public:
  explicit RowBuilder(const store::TableSchema& table);
  RowBuilder& Set(std::string_view column, store::Value v);
  RowBuilder& Text(std::string_view column, std::string_view s);
  RowBuilder& Time(std::string_view column, std::optional<TimeMs> t);  // nullopt: null
  store::Row Take() { return std::move(row_); }

 private:
  const store::TableSchema& table_;
  store::Row row_;
};

// Reads a stored row by column name; errors are Corruption naming table, key and column.
class RowReader {
 public:
  RowReader(const store::TableSchema& table, const store::Row& row, std::string key);
  const store::Value& Get(std::string_view column) const;
  std::string Text(std::string_view column) const;  // null: ""
  std::optional<TimeMs> Time(std::string_view column) const;
  int64_t Int(std::string_view column) const;  // null: 0
  bool Bool(std::string_view column) const;    // null: false
  nlohmann::json JsonObject(std::string_view column, Status* error) const;
  Status Bad(std::string_view column, std::string_view what) const;

 private:
  const store::TableSchema& table_;
  const store::Row& row_;
  std::string key_;  // "dag x, run y", for error messages
};

// Record <-> row (meta_store_rows.cc).
store::Row DagToRow(const store::TableSchema& t, const DagRecord& d);
Result<DagRecord> DagFromRow(const store::TableSchema& t, const store::Row& row);
store::Row RunToRow(const store::TableSchema& t, const DagRun& r);
Result<DagRun> RunFromRow(const store::TableSchema& t, const store::Row& row);
store::Row TaskToRow(const store::TableSchema& t, const TaskInstance& ti);
Result<TaskInstance> TaskFromRow(const store::TableSchema& t, const store::Row& row);

}  // namespace kappa::orchestrator::meta
