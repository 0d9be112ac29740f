// Flags, errors and output shared by `kappa dags` and `kappa tasks` (dags_backend.h).
#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "cli/cli_common.h"
#include "cli/dags_backend.h"
#include "orchestrator/orchestrator.h"

namespace kappa::cli {

void AddSourceFlags(CLI::App* cmd, SourceFlags* flags) {
  AddDataDirOption(cmd, &flags->data_dir);
  cmd->add_option("--url", flags->url,
                  "Airflow REST API of a running kappa up (or Airflow 2), e.g. "
                  "http://127.0.0.1:8080; default: the kappa up that owns --data-dir, else "
                  "the data directory itself (read-only; reads only)");
  cmd->add_option("--user", flags->user, "NAME:PASSWORD for the API's basic auth");
  cmd->add_flag("--json", flags->json, "Print Airflow's JSON (the REST API's shapes)");
}

void AddConfigFlag(CLI::App* cmd, SourceFlags* flags) {
  cmd->add_option("--config", flags->config_file,
                  "Without a running kappa up: the config whose DAGs apply (default: the "
                  "built-in kappa.yaml)");
}

void FailFrom(const DagsBackend& b, const Status& s) {
  if (s.IsUnavailable()) Fail(s);  // already says where and what to do
  Fail(s.message() + " [" + b.where() + "]");
}

std::string DateArg(const std::string& text, const std::string& flag) {
  auto t = orchestrator::ParseDateTime(text, "UTC");
  if (!t.ok()) Fail(flag + ": " + t.status().message(), 2);
  return orchestrator::FormatIso(*t);
}

void PrintTable(const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(header.size());
  for (size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size() && i < width.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t i = 0; i < cells.size(); ++i) {
      out += i + 1 == cells.size() ? cells[i] : fmt::format("{:<{}}  ", cells[i], width[i]);
    }
    std::cout << out << "\n";
  };
  line(header);
  for (const auto& r : rows) line(r);
}

std::string Cell(const nlohmann::json& object, const char* field) {
  auto it = object.find(field);
  if (it == object.end() || it->is_null()) return "-";
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

std::string ScheduleText(const nlohmann::json& dag) {
  auto it = dag.find("schedule_interval");
  if (it == dag.end() || it->is_null()) {
    // Airflow 2.4+ also describes the timetable in words.
    return dag.contains("timetable_description") && dag["timetable_description"].is_string()
               ? dag["timetable_description"].get<std::string>()
               : "-";
  }
  const nlohmann::json& s = *it;
  if (s.is_string()) return s.get<std::string>();
  std::string type = s.value("__type", "");
  if (type == "CronExpression") return s.value("value", "-");
  if (type == "TimeDelta") {
    int64_t secs = s.value("days", int64_t(0)) * 86400 + s.value("seconds", int64_t(0));
    if (secs % 86400 == 0) return fmt::format("every {}d", secs / 86400);
    if (secs % 3600 == 0) return fmt::format("every {}h", secs / 3600);
    if (secs % 60 == 0) return fmt::format("every {}m", secs / 60);
    return fmt::format("every {}s", secs);
  }
  return s.dump();
}

}  // namespace kappa::cli
