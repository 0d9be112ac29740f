// Where `kappa dags` and `kappa tasks` get and change the orchestrator's state: a running
// `kappa up` (or any Airflow 2) through Airflow's stable REST API v1, or, for reads, a data
// directory's run history opened read-only (keyspace kappa_meta through OpenStoreMetaStore).
// Both answer with Airflow's JSON shapes (api_connexion/openapi/v1.yaml: DAG, DAGCollection,
// DAGRun, DAGRunCollection, TaskInstance, TaskInstanceCollection, ...), so the commands print
// one way whatever the source. Private to src/cli.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace kappa::orchestrator {
struct DagRun;
struct TaskInstance;
}  // namespace kappa::orchestrator

namespace kappa::cli {

// Query of `kappa dags runs` (Airflow's GET dagRuns parameters).
struct RunQuery {
  std::vector<std::string> states;  // empty: any
  std::string logical_date_gte, logical_date_lte;  // RFC 3339; empty: unbounded
  int64_t limit = 25;
  bool newest_first = true;  // order_by=-execution_date
};

class DagsBackend {
 public:
  virtual ~DagsBackend() = default;
  // "http://127.0.0.1:8080" or "data directory ./kappa-data", for messages.
  virtual std::string where() const = 0;

  // Errors: NotFound for an unknown DAG, run or task; Unavailable when the source cannot be
  // reached; the server's title and detail otherwise.
  virtual Result<nlohmann::json> ListDags() = 0;                        // DAGCollection
  virtual Result<nlohmann::json> GetDag(const std::string& dag_id) = 0;  // DAG
  virtual Result<nlohmann::json> ListRuns(const std::string& dag_id, const RunQuery& q) = 0;
  virtual Result<nlohmann::json> ListTaskInstances(const std::string& dag_id,
                                                   const std::string& run_id) = 0;
  virtual Result<nlohmann::json> GetTaskInstance(const std::string& dag_id,
                                                 const std::string& run_id,
                                                 const std::string& task_id) = 0;
  // The try's log as text (one line per log line).
  virtual Result<std::string> ReadLog(const std::string& dag_id, const std::string& run_id,
                                      const std::string& task_id, int try_number) = 0;

  // Writes: a running kappa up (or Airflow) through its API, or the offline backend of
  // OpenWriteBackend; the read-only data-directory backend answers Unavailable.
  virtual Result<nlohmann::json> Trigger(const std::string& dag_id,
                                         const nlohmann::json& body) = 0;  // DAGRun
  virtual Result<nlohmann::json> SetPaused(const std::string& dag_id, bool paused) = 0;  // DAG
  // Airflow's ClearTaskInstances body; returns TaskInstanceReferenceCollection.
  virtual Result<nlohmann::json> Clear(const std::string& dag_id, const nlohmann::json& body) = 0;
  // Backfill runs for every interval with a logical date in [from, to] (RFC 3339) that has
  // none yet; returns a DAGRunCollection of the runs created. Airflow's REST API v1 has no
  // backfill: the REST backend uses kappa's extension (POST /api/v1/dags/{dag_id}/backfill)
  // and answers this default's NotSupported when the server lacks it (a real Airflow 2).
  virtual Result<nlohmann::json> Backfill(const std::string& dag_id, const std::string& from,
                                          const std::string& to, const nlohmann::json& conf) {
    (void)dag_id, (void)from, (void)to, (void)conf;
    return Status::NotSupported(
        "this server has no backfill endpoint (Airflow's REST API v1 has no backfill; kappa up "
        "serves POST /api/v1/dags/{dag_id}/backfill): run `kappa dags backfill --data-dir DIR` "
        "with kappa up stopped (the runs are queued and kappa up runs them when it starts), or "
        "trigger runs one by one with `kappa dags trigger --logical-date`");
  }
};

// Airflow's REST API at `base_url` ("http://host:port"; the /api/v1 prefix is added).
// `user` ("name:password", empty: none) is sent as HTTP basic auth, as Airflow's
// basic_auth backend takes it.
std::unique_ptr<DagsBackend> NewRestBackend(std::string base_url, std::string user = {});

// The history of `data_dir`, read-only (works while kappa up owns it). NotFound when the
// directory or its history does not exist.
Result<std::unique_ptr<DagsBackend>> OpenDataDirBackend(const std::string& data_dir);

// How a command picks its source: --url if given; else the `kappa up` that owns --data-dir
// (app::FindRunningUp, its HTTP listener); else the data directory read-only.
struct SourceFlags {
  std::string url;
  std::string user;
  std::string data_dir = "./kappa-data";
  std::string config_file;  // writes without a running kappa up: the config's DAGs
  bool json = false;
};
// Fails the command (exit 1) with a readable message when no source can be opened.
std::unique_ptr<DagsBackend> OpenBackend(const SourceFlags& flags);
// For commands that change state: --url, else the kappa up of --data-dir, else the data
// directory itself, owned by this command (dags_offline.cc): the config's DAGs (--config,
// default built-in) on the engine's Scheduler over its history, recording the change for the
// next kappa up without running anything.
std::unique_ptr<DagsBackend> OpenWriteBackend(const SourceFlags& flags);
// --config, for the write commands.
void AddConfigFlag(CLI::App* cmd, SourceFlags* flags);

// Airflow's DAGRun and TaskInstance JSON of the history's records (dags_data_dir.cc).
nlohmann::json AirflowRunJson(const orchestrator::DagRun& run);
nlohmann::json AirflowTaskJson(const orchestrator::TaskInstance& ti, int64_t logical_date_ms);

// `kappa dags test` (dags_test_cmd.cc), added to the dags group.
void AddDagsTestCommand(CLI::App* dags);

// ---- helpers of the dags/tasks commands (dags_output.cc) ----

// --url, --user, --data-dir and --json on `cmd`.
void AddSourceFlags(CLI::App* cmd, SourceFlags* flags);
// Ends the command with the error and where it came from (exit 1).
[[noreturn]] void FailFrom(const DagsBackend& b, const Status& s);
template <typename T>
T OrFail(const DagsBackend& b, Result<T> r) {
  if (!r.ok()) FailFrom(b, r.status());
  return std::move(r).value();
}
// A date flag ("2023-09-03", "2023-09-03 10:00", "2023-09-03T10:00:00+02:00"; UTC unless an
// offset is given) as RFC 3339, as Airflow's API takes dates; exit 2 naming the flag if bad.
std::string DateArg(const std::string& text, const std::string& flag);
// Prints rows under a header, columns padded to their widest cell.
void PrintTable(const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows);
// A JSON field for a table cell: strings as they are, null/missing as "-", else JSON.
std::string Cell(const nlohmann::json& object, const char* field);
// Airflow's schedule_interval object (CronExpression, TimeDelta, RelativeDelta) as text.
std::string ScheduleText(const nlohmann::json& dag);

}  // namespace kappa::cli
