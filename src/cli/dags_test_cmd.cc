// kappa dags test DAG [--date D]: one run of a DAG of the config, in this process, now, as
// `airflow dags test` does: no scheduling loop of the DAG's own (its schedule is ignored), the
// tasks run for real (a `produce` task appends to the data directory's topic), each task's
// log is printed, and the exit code says whether the run succeeded. The run is kept in memory
// only: the data directory's history (kappa_meta) is what `kappa up` scheduled, not tests.
#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "app/app.h"
#include "app/config.h"
#include "cli/cli_common.h"
#include "cli/dags_backend.h"
#include "orchestrator/orchestrator.h"

namespace kappa::cli {
namespace {

namespace orch = orchestrator;
using nlohmann::json;

struct TestArgs {
  std::string dag_id;
  std::string date;
  std::string conf = "{}";
  std::string config_file;
  std::string data_dir;
  bool json = false;
};

bool Finished(orch::RunState s) {
  return s == orch::RunState::kSuccess || s == orch::RunState::kFailed;
}

void RunTest(const TestArgs& a) {
  json conf = json::parse(a.conf, nullptr, false);
  if (conf.is_discarded() || !conf.is_object()) Fail("--conf: not a JSON object: " + a.conf, 2);
  std::optional<orch::TimeMs> logical;
  if (!a.date.empty()) {
    auto t = orch::ParseDateTime(a.date, "UTC");
    if (!t.ok()) Fail("--date: " + t.status().message(), 2);
    logical = *t;
  }
  auto config = a.config_file.empty() ? app::LoadDefaultConfig() : app::LoadConfigFile(a.config_file);
  if (!config.ok()) Fail(config.status(), 2);
  if (!a.data_dir.empty()) config->data_dir = a.data_dir;
  const orch::DagSpec* found = nullptr;
  std::string known;
  for (const auto& d : config->dags) {
    if (d.dag_id == a.dag_id) found = &d;
    known += (known.empty() ? "" : ", ") + d.dag_id;
  }
  if (!found) {
    Fail(fmt::format("{} has no DAG '{}' (its DAGs: {})", config->file, a.dag_id,
                     known.empty() ? "none" : known), 2);
  }
  // Only this run: no automated runs, whatever the DAG's schedule and pause flag.
  orch::DagSpec spec = *found;
  spec.schedule = orch::Schedule();
  spec.paused_at_creation = false;

  app::RuntimeOptions ro = app::RuntimeOptions::ForPipeline(*config);
  ro.data_dir = config->data_dir;
  ro.owner = "kappa dags test";
  auto rt = app::Runtime::Open(ro);
  if (!rt.ok()) {
    if (rt.status().IsUnavailable()) {
      Fail(rt.status().message() +
           "\n  kappa dags test runs the DAG's tasks in this process; with kappa up running, use "
           "`kappa dags trigger` instead");
    }
    Fail(rt.status());
  }
  Check(app::Pipeline::Setup(rt->get(), *config));
  // Not started: no jobs, no producers; `produce` tasks run their producer themselves.
  auto pipeline = app::Pipeline::Create(rt->get(), *config);
  if (!pipeline.ok()) Fail(pipeline.status());
  orch::TaskTypes types = app::DagTaskTypes(*config, pipeline->get());
  auto meta = orch::NewMemoryMetaStore();
  orch::SchedulerOptions so;
  so.parallelism = config->orchestrator.parallelism;
  auto sched = orch::Scheduler::Create({spec}, meta.get(), &types, so);
  if (!sched.ok()) Fail(sched.status());
  orch::Scheduler& s = **sched;
  Check(s.Start());
  auto run = s.Trigger(a.dag_id, std::nullopt, logical, conf);
  if (!run.ok()) Fail(run.status());
  if (!a.json) {
    std::cerr << fmt::format("running {} {} (logical date {})\n", a.dag_id, run->run_id,
                             orch::FormatIso(run->logical_date));
  }
  // The scheduler works on its own threads; this command only waits for the outcome.
  orch::DagRun done = *run;
  while (!Finished(done.state)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto r = s.GetRun(a.dag_id, run->run_id);
    if (!r.ok()) Fail(r.status());
    done = *r;
  }
  auto tis = s.ListTaskInstances(a.dag_id, run->run_id);
  if (!tis.ok()) Fail(tis.status());
  s.Stop();

  if (a.json) {
    json out = {{"dag_run", AirflowRunJson(done)}, {"task_instances", json::array()}};
    for (const auto& ti : *tis) {
      json t = AirflowTaskJson(ti, done.logical_date);
      // Beyond Airflow's TaskInstance: what `dags test` shows a user.
      t["result"] = ti.result;
      t["error"] = ti.error;
      json logs = json::array();
      for (int i = 1; i <= ti.try_number; ++i) {
        auto lines = meta->ReadLog(a.dag_id, run->run_id, ti.task_id, i);
        logs.push_back(lines.ok() ? json(*lines) : json::array());
      }
      t["logs"] = logs;
      out["task_instances"].push_back(t);
    }
    std::cout << out.dump() << "\n";
  } else {
    for (const std::string& id : orch::TopologicalOrder(spec)) {
      for (const auto& ti : *tis) {
        if (ti.task_id != id) continue;
        std::cout << fmt::format("--- {}: {} (try {})\n", id, orch::TaskStateName(ti.state),
                                 ti.try_number);
        for (int i = 1; i <= ti.try_number; ++i) {
          auto lines = meta->ReadLog(a.dag_id, run->run_id, id, i);
          for (const auto& l : lines.ok() ? *lines : std::vector<std::string>{}) {
            std::cout << "    " << l << "\n";
          }
        }
        if (!ti.result.empty()) std::cout << "    result: " << ti.result << "\n";
        if (!ti.error.empty()) std::cout << "    error: " << ti.error << "\n";
      }
    }
    std::cout << fmt::format("run {} of {}: {}\n", done.run_id, a.dag_id,
                             orch::RunStateName(done.state));
  }
  if (done.state != orch::RunState::kSuccess) throw CLI::RuntimeError(1);
}

}  // namespace

void AddDagsTestCommand(CLI::App* dags) {
  auto a = std::make_shared<TestArgs>();
  auto* cmd = dags->add_subcommand(
      "test", "Run one DAG run now, in this process, printing each task's log (as `airflow dags test`)");
  cmd->add_option("dag_id", a->dag_id, "DAG id (of the config)")->required();
  cmd->add_option("--date,-e", a->date,
                  "Logical date, e.g. 2023-09-03 or 2023-09-03T10:00:00+02:00 (default now)");
  cmd->add_option("--conf,-c", a->conf, "JSON object overriding the DAG's params")
      ->capture_default_str();
  cmd->add_option("--config", a->config_file, "Config file (default: the built-in kappa.yaml)");
  cmd->add_option("--data-dir", a->data_dir,
                  "Data directory (default: the config's data_dir); must not be in use");
  cmd->add_flag("--json", a->json, "Print the run and its task instances as JSON");
  cmd->footer("Exit code 0 when the run succeeded, 1 when it failed. The run is not kept in "
              "the data directory's history.");
  cmd->callback([a] { RunTest(*a); });
}

}  // namespace kappa::cli
