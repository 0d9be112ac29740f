// orchestrator_rest_tool (test-only): serves AddAirflowRoutes on 127.0.0.1 and a free port for
// tests/orchestrator/test_airflow_rest.py, over one of
//   (default)      a FakeOrchestrator holding SeedExampleHistory (fake_seed.cc);
//   --scheduler    the real Scheduler in virtual time over a memory MetaStore, after running
//                  two DAGs from 2023-09-03 to 2023-09-08 (the seed's @daily DAG with a
//                  command task, and a cron DAG in Europe/Paris whose middle task fails
//                  once per run then succeeds on its retry), so the API shows real history.
// Prints "listening on 127.0.0.1:PORT" once it accepts connections and serves until its
// standard input closes (so a test that dies takes the server with it).
//
//   orchestrator_rest_tool [--scheduler] [--port N]
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>

#include "common/clock.h"
#include "http/http.h"
#include "metrics/metrics.h"
#include "orchestrator/fake_orchestrator.h"
#include "orchestrator/orchestrator.h"

namespace kappa::orchestrator {
namespace {

constexpr TimeMs kMinute = 60'000;

TaskSpec Task(std::string id, std::string type, nlohmann::json args,
              std::vector<std::string> upstream = {}) {
  TaskSpec t;
  t.task_id = std::move(id);
  t.type = std::move(type);
  t.args = std::move(args);
  t.upstream = std::move(upstream);
  return t;
}

Result<std::vector<DagSpec>> ExampleDags() {
  DagSpec ua;
  ua.dag_id = "user_automation";
  ua.owner = "airscholar";
  ua.description = "Streams random users into users_created";
  ASSIGN_OR_RETURN(ua.start_date, ParseDateTime("2023-09-03 10:00"));
  ASSIGN_OR_RETURN(ua.schedule, Schedule::Parse("@daily"));
  ua.catchup = true;
  ua.tags = {"seed"};
  ua.fileloc = "config/kappa.yaml";
  ua.tasks = {Task("stream_data_from_api", "command",
                   {{"command", "echo producing for {{ ds }}; echo 60"}})};

  DagSpec etl;
  etl.dag_id = "etl_pipeline";
  etl.owner = "data-eng";
  ASSIGN_OR_RETURN(etl.start_date, ParseDateTime("2023-09-03"));
  ASSIGN_OR_RETURN(etl.schedule, Schedule::Parse("30 2 * * *", "Europe/Paris"));
  etl.catchup = true;
  etl.params = {{"table", "users"}};
  etl.fileloc = "config/etl.yaml";
  // transform fails its first try of every run (a marker file per run) and passes the retry.
  TaskSpec transform = Task("transform", "command",
                            {{"command",
                              "f=\"${TMPDIR:-/tmp}/kappa-rest-tool-$PPID-{{ ds_nodash }}\"; "
                              "if [ -e \"$f\" ]; then rm -f \"$f\"; echo ok; else touch \"$f\"; "
                              "echo first try fails; exit 3; fi"}},
                            {"extract"});
  transform.retries = 2;
  transform.retry_delay_ms = kMinute;
  TaskSpec notify = Task("notify", "noop", nlohmann::json::object(), {"load"});
  notify.trigger_rule = TriggerRule::kAllDone;
  etl.tasks = {Task("extract", "noop", nlohmann::json::object()), transform,
               Task("load", "noop", nlohmann::json::object(), {"transform"}), notify};
  return std::vector<DagSpec>{ua, etl};
}

}  // namespace
}  // namespace kappa::orchestrator

int main(int argc, char** argv) {
  using namespace kappa;
  using namespace kappa::orchestrator;
  uint16_t port = 0;
  bool use_scheduler = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
      port = static_cast<uint16_t>(std::stoi(argv[++i]));
    } else if (std::strcmp(argv[i], "--scheduler") == 0) {
      use_scheduler = true;
    } else {
      std::fprintf(stderr, "usage: %s [--scheduler] [--port N]\n", argv[0]);
      return 2;
    }
  }
  auto fail = [](const Status& s) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  };

  std::unique_ptr<FakeOrchestrator> fake;
  ManualClock clock(ParseDateTime("2023-09-03").value());
  metrics::Registry registry;
  std::unique_ptr<MetaStore> meta;
  TaskTypes types = BuiltinTaskTypes({.allow_commands = true});
  std::unique_ptr<Scheduler> scheduler;
  Orchestrator* o = nullptr;
  if (use_scheduler) {
    auto dags = ExampleDags();
    if (!dags.ok()) return fail(dags.status());
    meta = NewMemoryMetaStore();
    SchedulerOptions so;
    so.clock = &clock;
    so.virtual_time = true;
    so.metrics = &registry;
    auto s = Scheduler::Create(*dags, meta.get(), &types, so);
    if (!s.ok()) return fail(s.status());
    scheduler = std::move(s).value();
    if (Status st = scheduler->Start(); !st.ok()) return fail(st);
    if (Status st = scheduler->RunUntil(ParseDateTime("2023-09-08").value()); !st.ok()) {
      return fail(st);
    }
    o = scheduler.get();
  } else {
    fake = std::make_unique<FakeOrchestrator>(Clock::Real());
    SeedExampleHistory(fake.get());
    o = fake.get();
  }

  auto router = std::make_shared<http::Router>();
  AddAirflowRoutes(o, router.get());
  http::ListenerOptions l;
  l.port = port;
  l.router = router;
  auto server = http::Server::Start({}, {l});
  if (!server.ok()) return fail(server.status());
  std::printf("listening on 127.0.0.1:%u\n", unsigned((*server)->port()));
  std::fflush(stdout);
  std::string line;
  while (std::getline(std::cin, line)) {
  }
  (*server)->Stop();
  if (scheduler) scheduler->Stop();
  return 0;
}
