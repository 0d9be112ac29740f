// kappa tasks logs|clear: a task's log per try (a running kappa up's Airflow API, or the data
// directory's history), and clearing task instances so they run again (Airflow's
// clearTaskInstances; needs a running kappa up).
#include <fmt/format.h>

#include <iostream>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/dags_backend.h"

namespace kappa::cli {
namespace {

using nlohmann::json;

struct TasksArgs {
  SourceFlags source;
  std::string dag_id;
  std::string task_id;
  std::vector<std::string> task_ids;
  std::string run_id;
  int try_number = 0;
  std::string start, end;
  bool downstream = false, upstream = false, only_failed = false, dry_run = false;
};

void Logs(const TasksArgs& a) {
  auto b = OpenBackend(a.source);
  std::string run_id = a.run_id;
  if (run_id.empty()) {
    RunQuery q;
    q.limit = 1;
    json runs = OrFail(*b, b->ListRuns(a.dag_id, q));
    if (runs["dag_runs"].empty()) Fail(fmt::format("DAG {} has no runs yet", a.dag_id));
    run_id = runs["dag_runs"][0].value("dag_run_id", "");
  }
  int try_number = a.try_number;
  if (try_number == 0) {
    json ti = OrFail(*b, b->GetTaskInstance(a.dag_id, run_id, a.task_id));
    try_number = ti.value("try_number", 0);
    if (try_number == 0) {
      Fail(fmt::format("task {} of run {} has not run yet (state {})", a.task_id, run_id,
                       Cell(ti, "state")));
    }
  }
  std::string text = OrFail(*b, b->ReadLog(a.dag_id, run_id, a.task_id, try_number));
  if (a.source.json) {
    std::cout << json({{"dag_id", a.dag_id},
                       {"dag_run_id", run_id},
                       {"task_id", a.task_id},
                       {"try_number", try_number},
                       {"content", text}})
                     .dump()
              << "\n";
    return;
  }
  std::cout << text;
  if (!text.empty() && text.back() != '\n') std::cout << "\n";
}

void Clear(const TasksArgs& a) {
  json body = {{"dry_run", a.dry_run},
               {"only_failed", a.only_failed},
               {"include_downstream", a.downstream},
               {"include_upstream", a.upstream},
               {"reset_dag_runs", true}};
  if (!a.task_ids.empty()) body["task_ids"] = a.task_ids;
  if (!a.run_id.empty()) body["dag_run_id"] = a.run_id;
  if (!a.start.empty()) body["start_date"] = DateArg(a.start, "--start");
  if (!a.end.empty()) body["end_date"] = DateArg(a.end, "--end");
  auto b = OpenWriteBackend(a.source);
  json cleared = OrFail(*b, b->Clear(a.dag_id, body));
  if (a.source.json) {
    std::cout << cleared.dump() << "\n";
    return;
  }
  const json& tis = cleared["task_instances"];
  std::cout << fmt::format("{} {} task instance{}{}\n", a.dry_run ? "would clear" : "cleared",
                           tis.size(), tis.size() == 1 ? "" : "s", tis.empty() ? "" : ":");
  if (tis.empty()) return;
  std::vector<std::vector<std::string>> rows;
  for (const auto& t : tis) {
    rows.push_back({Cell(t, "task_id"), Cell(t, "dag_run_id"), Cell(t, "execution_date")});
  }
  PrintTable({"TASK_ID", "RUN_ID", "LOGICAL_DATE"}, rows);
}

}  // namespace

void RegisterTasksCommands(CLI::App& app, const Groups&) {
  auto* group = app.add_subcommand("tasks", "Orchestrator task instances: logs, clear");
  group->require_subcommand(1);
  group->footer("Sources as for `kappa dags` (--url, the kappa up of --data-dir, the data directory).");
  auto a = std::make_shared<TasksArgs>();

  auto* logs = group->add_subcommand("logs", "Print a task's log (one try)");
  logs->add_option("dag_id", a->dag_id, "DAG id")->required();
  logs->add_option("task_id", a->task_id, "Task id")->required();
  logs->add_option("--run,-r", a->run_id, "Run id (default: the DAG's latest run)");
  logs->add_option("--try", a->try_number, "Try number (default: the latest try)")
      ->check(CLI::PositiveNumber);
  AddSourceFlags(logs, &a->source);
  logs->callback([a] { Logs(*a); });

  auto* clear = group->add_subcommand(
      "clear", "Clear task instances so they run again");
  clear->add_option("dag_id", a->dag_id, "DAG id")->required();
  clear->add_option("--task,-t", a->task_ids, "Task id (repeatable; default: every task)");
  clear->add_option("--run,-r", a->run_id, "Only this run");
  clear->add_option("--start,-s", a->start, "Runs with a logical date from this date, e.g. 2023-09-03");
  clear->add_option("--end,-e", a->end, "Runs with a logical date up to this date");
  clear->add_flag("--downstream,-d", a->downstream, "Also the tasks downstream of --task");
  clear->add_flag("--upstream,-u", a->upstream, "Also the tasks upstream of --task");
  clear->add_flag("--only-failed,-f", a->only_failed, "Only failed and upstream_failed instances");
  clear->add_flag("--dry-run", a->dry_run, "Print what would be cleared, clear nothing");
  AddSourceFlags(clear, &a->source);
  AddConfigFlag(clear, &a->source);
  clear->callback([a] { Clear(*a); });
}

}  // namespace kappa::cli
