// kappa dags list|show|trigger|pause|unpause|runs: the orchestrator's DAGs and runs, through
// Airflow's REST API of a running kappa up (found from --data-dir, or --url; a real Airflow 2
// works too) or, for reads, the data directory's history (dags_backend.h).
#include <fmt/format.h>

#include <iostream>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/dags_backend.h"

namespace kappa::cli {
namespace {

using nlohmann::json;

struct DagsArgs {
  std::string start, end;
  SourceFlags source;
  std::string dag_id;
  std::string conf = "{}";
  std::string run_id;
  std::string logical_date;
  std::vector<std::string> states;
  int64_t limit = 25;
  bool oldest_first = false;
};

std::vector<std::string> RunRow(const json& r) {
  return {Cell(r, "dag_run_id"), Cell(r, "state"), Cell(r, "run_type"), Cell(r, "logical_date"),
          Cell(r, "start_date"), Cell(r, "end_date")};
}
const std::vector<std::string> kRunHeader = {"RUN_ID", "STATE", "TYPE", "LOGICAL_DATE", "START",
                                             "END"};

std::string Owners(const json& dag) {
  std::string out;
  for (const auto& o : dag.value("owners", json::array())) {
    out += (out.empty() ? "" : ",") + (o.is_string() ? o.get<std::string>() : o.dump());
  }
  return out.empty() ? "-" : out;
}

std::string Tags(const json& dag) {
  std::string out;
  for (const auto& t : dag.value("tags", json::array())) {
    out += (out.empty() ? "" : ",") + (t.is_object() ? t.value("name", "") : t.dump());
  }
  return out.empty() ? "-" : out;
}

void ListDags(const DagsArgs& a) {
  auto b = OpenBackend(a.source);
  json dags = OrFail(*b, b->ListDags());
  if (a.source.json) {
    std::cout << dags.dump() << "\n";
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& d : dags["dags"]) {
    rows.push_back({Cell(d, "dag_id"), d.value("is_paused", false) ? "yes" : "no",
                    ScheduleText(d), Owners(d), Cell(d, "next_dagrun")});
  }
  PrintTable({"DAG_ID", "PAUSED", "SCHEDULE", "OWNERS", "NEXT_RUN"}, rows);
}

void Show(const DagsArgs& a) {
  auto b = OpenBackend(a.source);
  json dag = OrFail(*b, b->GetDag(a.dag_id));
  RunQuery q;
  q.limit = 5;
  json runs = OrFail(*b, b->ListRuns(a.dag_id, q));
  if (a.source.json) {
    std::cout << json({{"dag", dag}, {"dag_runs", runs}}).dump() << "\n";
    return;
  }
  // Fields the source does not know (a data directory has no schedule: that is in the
  // config) are left out rather than printed as "-".
  auto field = [](const char* name, const std::string& value) {
    if (value == "-") return;
    std::cout << fmt::format("{:<18} {}\n", std::string(name) + ":", value);
  };
  field("dag_id", Cell(dag, "dag_id"));
  field("description", Cell(dag, "description"));
  field("owners", Owners(dag));
  field("tags", Tags(dag));
  field("schedule", ScheduleText(dag));
  field("paused", dag.value("is_paused", false) ? "yes" : "no");
  if (dag.contains("is_active") && !dag["is_active"].is_null()) {
    field("active", dag["is_active"].get<bool>() ? "yes" : "no (not in the config)");
  }
  field("next run", Cell(dag, "next_dagrun"));
  field("max_active_runs", Cell(dag, "max_active_runs"));
  field("max_active_tasks", Cell(dag, "max_active_tasks"));
  field("source", Cell(dag, "fileloc"));
  std::cout << fmt::format("runs: {} in all", runs.value("total_entries", 0));
  if (runs["dag_runs"].empty()) {
    std::cout << "\n";
    return;
  }
  std::cout << ", latest:\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : runs["dag_runs"]) rows.push_back(RunRow(r));
  PrintTable(kRunHeader, rows);
}

void Trigger(const DagsArgs& a) {
  json conf = json::parse(a.conf, nullptr, false);
  if (conf.is_discarded() || !conf.is_object()) Fail("--conf: not a JSON object: " + a.conf, 2);
  json body = {{"conf", conf}};
  if (!a.run_id.empty()) body["dag_run_id"] = a.run_id;
  if (!a.logical_date.empty()) body["logical_date"] = DateArg(a.logical_date, "--logical-date");
  auto b = OpenWriteBackend(a.source);
  json run = OrFail(*b, b->Trigger(a.dag_id, body));
  if (a.source.json) {
    std::cout << run.dump() << "\n";
    return;
  }
  std::cout << fmt::format("triggered {} run {} (logical date {}, state {})\n", a.dag_id,
                           Cell(run, "dag_run_id"), Cell(run, "logical_date"), Cell(run, "state"));
}

void Pause(const DagsArgs& a, bool paused) {
  auto b = OpenWriteBackend(a.source);
  json dag = OrFail(*b, b->SetPaused(a.dag_id, paused));
  if (a.source.json) {
    std::cout << dag.dump() << "\n";
    return;
  }
  std::cout << fmt::format("DAG {} is {}\n", Cell(dag, "dag_id"),
                           dag.value("is_paused", false) ? "paused" : "unpaused");
}

void Runs(const DagsArgs& a) {
  RunQuery q;
  q.states = a.states;
  q.limit = a.limit;
  q.newest_first = !a.oldest_first;
  auto b = OpenBackend(a.source);
  json runs = OrFail(*b, b->ListRuns(a.dag_id, q));
  if (a.source.json) {
    std::cout << runs.dump() << "\n";
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : runs["dag_runs"]) rows.push_back(RunRow(r));
  PrintTable(kRunHeader, rows);
  int64_t total = runs.value("total_entries", int64_t(0));
  if (total > int64_t(rows.size())) {
    std::cout << fmt::format("({} of {} runs; --limit shows more)\n", rows.size(), total);
  }
}

void Backfill(const DagsArgs& a) {
  json conf = json::parse(a.conf, nullptr, false);
  if (conf.is_discarded() || !conf.is_object()) Fail("--conf: not a JSON object: " + a.conf, 2);
  std::string from = DateArg(a.start, "--start"), to = DateArg(a.end, "--end");
  auto b = OpenWriteBackend(a.source);
  json runs = OrFail(*b, b->Backfill(a.dag_id, from, to, conf));
  if (a.source.json) {
    std::cout << runs.dump() << "\n";
    return;
  }
  std::cout << fmt::format("queued {} backfill run{} of {} (kappa up runs them, at most "
                           "max_active_runs at a time)\n",
                           runs["dag_runs"].size(), runs["dag_runs"].size() == 1 ? "" : "s",
                           a.dag_id);
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : runs["dag_runs"]) rows.push_back(RunRow(r));
  if (!rows.empty()) PrintTable(kRunHeader, rows);
}

}  // namespace

void RegisterDagsCommands(CLI::App& app, const Groups&) {
  auto* group = app.add_subcommand("dags", "Orchestrator DAGs: list, show, trigger, pause, runs, backfill, test");
  group->require_subcommand(1);
  group->footer(
      "Talks to the Airflow REST API (/api/v1) of the kappa up that owns --data-dir, or of "
      "--url (kappa up or Airflow 2); without one, reads the data directory's run history "
      "(keyspace kappa_meta) read-only.");
  auto a = std::make_shared<DagsArgs>();
  auto dag_arg = [a](CLI::App* cmd) { cmd->add_option("dag_id", a->dag_id, "DAG id")->required(); };

  auto* list = group->add_subcommand("list", "List DAGs: paused, schedule, owners, next run");
  AddSourceFlags(list, &a->source);
  list->callback([a] { ListDags(*a); });

  auto* show = group->add_subcommand("show", "Show a DAG and its latest runs");
  dag_arg(show);
  AddSourceFlags(show, &a->source);
  show->callback([a] { Show(*a); });

  auto* trigger = group->add_subcommand(
      "trigger", "Start a manual run now (a running kappa up: the scheduler runs it)");
  dag_arg(trigger);
  trigger->add_option("--conf,-c", a->conf, "JSON object overriding the DAG's params")
      ->capture_default_str();
  trigger->add_option("--run-id,-r", a->run_id, "Run id (default manual__<logical date>)");
  trigger->add_option("--logical-date,-e", a->logical_date,
                      "Logical date, e.g. 2023-09-03 or 2023-09-03T10:00:00+02:00 (default now)");
  AddSourceFlags(trigger, &a->source);
  AddConfigFlag(trigger, &a->source);
  trigger->callback([a] { Trigger(*a); });

  auto* pause = group->add_subcommand("pause", "Pause a DAG: no new automated runs (persisted)");
  dag_arg(pause);
  AddSourceFlags(pause, &a->source);
  AddConfigFlag(pause, &a->source);
  pause->callback([a] { Pause(*a, true); });
  auto* unpause = group->add_subcommand("unpause", "Unpause a DAG");
  dag_arg(unpause);
  AddSourceFlags(unpause, &a->source);
  AddConfigFlag(unpause, &a->source);
  unpause->callback([a] { Pause(*a, false); });

  auto* runs = group->add_subcommand("runs", "List a DAG's runs, newest first");
  dag_arg(runs);
  runs->add_option("--state", a->states, "Only runs in these states (queued, running, success, failed)")
      ->check(CLI::IsMember({"queued", "running", "success", "failed"}));
  runs->add_option("--limit", a->limit, "Runs to print")->capture_default_str()->check(CLI::Range(1, 100000));
  runs->add_flag("--oldest-first", a->oldest_first, "Oldest first");
  AddSourceFlags(runs, &a->source);
  runs->callback([a] { Runs(*a); });

  auto* backfill = group->add_subcommand(
      "backfill", "Queue backfill runs for every interval with a logical date in [--start, --end] "
                  "(a data directory with no kappa up running; kappa up runs them)");
  dag_arg(backfill);
  backfill->add_option("--start,-s", a->start, "First logical date, e.g. 2023-09-03")->required();
  backfill->add_option("--end,-e", a->end, "Last logical date")->required();
  backfill->add_option("--conf,-c", a->conf, "JSON object overriding the DAG's params")
      ->capture_default_str();
  AddSourceFlags(backfill, &a->source);
  AddConfigFlag(backfill, &a->source);
  backfill->callback([a] { Backfill(*a); });

  AddDagsTestCommand(group);
}

}  // namespace kappa::cli
