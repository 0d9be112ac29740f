// SeedExampleHistory: the DAGs, runs, task instances and logs the REST tests look at.
#include <fmt/format.h>

#include "common/logging.h"
#include "orchestrator/fake_orchestrator.h"
#include "orchestrator/rest_common.h"

namespace kappa::orchestrator {

namespace {

TimeMs At(std::string_view iso) {
  Result<TimeMs> t = rest::ParseApiTime(iso, true);
  KAPPA_CHECK(t.ok());
  return *t;
}

Schedule Sched(std::string_view text, std::string_view tz = "UTC") {
  Result<Schedule> s = Schedule::Parse(text, tz);
  KAPPA_CHECK(s.ok());
  return *s;
}

TaskSpec Task(std::string id, std::string type, std::vector<std::string> upstream = {}) {
  TaskSpec t;
  t.task_id = std::move(id);
  t.type = std::move(type);
  t.upstream = std::move(upstream);
  return t;
}

constexpr TimeMs kDay = 86'400'000;
constexpr TimeMs kMinute = 60'000;

// A run of `dag` covering [start, start + length) that started at its end.
DagRun Run(const std::string& dag, RunType type, TimeMs start, TimeMs length, RunState state) {
  DagRun r;
  r.dag_id = dag;
  r.run_type = type;
  r.run_id = MakeRunId(type, start);
  r.state = state;
  r.logical_date = start;
  r.data_interval = {start, start + length};
  r.queued_at = start + length;
  r.start_date = start + length + 1'000;
  if (state == RunState::kSuccess || state == RunState::kFailed) {
    r.end_date = *r.start_date + 65'000;
  }
  return r;
}

TaskInstance Ti(const DagRun& run, const std::string& task, const std::string& op, TaskState state,
                int try_number, int max_tries) {
  TaskInstance ti;
  ti.dag_id = run.dag_id;
  ti.run_id = run.run_id;
  ti.task_id = task;
  ti.operator_name = op;
  ti.state = state;
  ti.try_number = try_number;
  ti.max_tries = max_tries;
  if (state != TaskState::kNone && state != TaskState::kUpstreamFailed) {
    ti.queued_at = *run.start_date;
    ti.start_date = *run.start_date + 500;
    ti.hostname = "kappa-host";
    ti.pid = 4242;
    if (IsFinished(state) || state == TaskState::kUpForRetry) {
      ti.end_date = *ti.start_date + 60'500;
    }
  }
  return ti;
}

void SeedUserAutomation(FakeOrchestrator* o) {
  DagInfo d;
  d.spec.dag_id = "user_automation";
  d.spec.owner = "airscholar";
  d.spec.description = "Streams random users into users_created";
  d.spec.start_date = At("2023-09-03T10:00:00Z");
  d.spec.schedule = Sched("@daily");
  d.spec.tags = {"seed", "kafka"};
  d.spec.fileloc = "config/kappa.yaml";
  TaskSpec t = Task("stream_data_from_api", "produce");
  t.args = {{"producer", "users"}, {"topic", "users_created"}, {"duration", "60s"}};
  d.spec.tasks = {t};
  d.record.last_parsed_time = At("2023-09-12T00:00:05Z");
  d.next = NextRunInfo{{At("2023-09-12T00:00:00Z"), At("2023-09-13T00:00:00Z")},
                       At("2023-09-13T00:00:00Z")};
  o->AddDag(d);

  const std::string dag = d.spec.dag_id, task = t.task_id;
  DagRun ok = Run(dag, RunType::kScheduled, At("2023-09-09T00:00:00Z"), kDay, RunState::kSuccess);
  DagRun bad = Run(dag, RunType::kScheduled, At("2023-09-10T00:00:00Z"), kDay, RunState::kFailed);
  DagRun now = Run(dag, RunType::kScheduled, At("2023-09-11T00:00:00Z"), kDay, RunState::kRunning);
  for (const DagRun* r : {&ok, &bad, &now}) o->PutRun(*r);
  o->PutTask(Ti(ok, task, "produce", TaskState::kSuccess, 1, 0));
  o->PutTask(Ti(bad, task, "produce", TaskState::kFailed, 2, 1));
  o->PutTask(Ti(now, task, "produce", TaskState::kRunning, 1, 0));
  o->AppendLog(dag, ok.run_id, task, 1, "producing into users_created for 60 s");
  o->AppendLog(dag, ok.run_id, task, 1, "produced 600 records");
  o->AppendLog(dag, bad.run_id, task, 1, "producing into users_created for 60 s");
  o->AppendLog(dag, bad.run_id, task, 1, "error: source unreachable: randomuser.me:443");
  o->AppendLog(dag, bad.run_id, task, 2, "producing into users_created for 60 s");
  o->AppendLog(dag, bad.run_id, task, 2, "error: source unreachable: randomuser.me:443");
  o->AppendLog(dag, now.run_id, task, 1, "producing into users_created for 60 s");
}

void SeedEtl(FakeOrchestrator* o) {
  DagInfo d;
  d.spec.dag_id = "etl_pipeline";
  d.spec.owner = "data-eng";
  d.spec.start_date = At("2023-09-01T00:00:00Z");
  d.spec.schedule = Sched("30 2 * * *", "Europe/Paris");
  d.spec.catchup = true;
  d.spec.max_active_runs = 2;
  d.spec.params = {{"table", "users"}};
  d.spec.tags = {"etl"};
  d.spec.fileloc = "config/etl.yaml";
  TaskSpec transform = Task("transform", "command", {"extract"});
  transform.retries = 2;
  transform.retry_delay_ms = kMinute;
  transform.retry_exponential_backoff = true;
  transform.execution_timeout_ms = 10 * kMinute;
  transform.owner = "analytics";
  TaskSpec notify = Task("notify", "http", {"load"});
  notify.trigger_rule = TriggerRule::kAllDone;
  d.spec.tasks = {Task("extract", "http"), transform, Task("load", "cql", {"transform"}), notify};
  d.record.last_parsed_time = At("2023-09-12T00:00:05Z");
  d.next = NextRunInfo{{At("2023-09-11T00:30:00Z"), At("2023-09-12T00:30:00Z")},
                       At("2023-09-12T00:30:00Z")};
  o->AddDag(d);

  const std::string dag = d.spec.dag_id;
  DagRun ok = Run(dag, RunType::kScheduled, At("2023-09-09T00:30:00Z"), kDay, RunState::kSuccess);
  DagRun bad = Run(dag, RunType::kScheduled, At("2023-09-10T00:30:00Z"), kDay, RunState::kFailed);
  o->PutRun(ok);
  o->PutRun(bad);
  for (const auto& t : d.spec.tasks) {
    o->PutTask(Ti(ok, t.task_id, t.type, TaskState::kSuccess, 1, t.retries));
  }
  o->PutTask(Ti(bad, "extract", "http", TaskState::kSuccess, 1, 0));
  o->PutTask(Ti(bad, "transform", "command", TaskState::kFailed, 3, 2));
  o->PutTask(Ti(bad, "load", "cql", TaskState::kUpstreamFailed, 0, 0));
  o->PutTask(Ti(bad, "notify", "http", TaskState::kSuccess, 1, 0));
  for (int i = 1; i <= 3; ++i) {
    o->AppendLog(dag, bad.run_id, "transform", i, fmt::format("try {}: exit status 1", i));
  }
}

void SeedOthers(FakeOrchestrator* o) {
  DagInfo manual;
  manual.spec.dag_id = "manual_only";
  manual.spec.description = "Runs only when triggered";
  manual.spec.start_date = At("2023-01-01T00:00:00Z");
  manual.spec.paused_at_creation = true;
  manual.spec.fileloc = "config/kappa.yaml";
  manual.spec.tasks = {Task("noop", "noop")};
  manual.record.is_paused = true;
  o->AddDag(manual);

  DagInfo every;
  every.spec.dag_id = "every_15m";
  every.spec.start_date = At("2023-09-01T00:00:00Z");
  Result<Schedule> s = Schedule::Every(15 * kMinute);
  KAPPA_CHECK(s.ok());
  every.spec.schedule = *s;
  every.spec.tags = {"bench"};
  every.spec.fileloc = "config/old.yaml";
  every.spec.tasks = {Task("noop", "noop")};
  every.is_active = false;
  o->AddDag(every);
}

}  // namespace

void SeedExampleHistory(FakeOrchestrator* o) {
  SeedUserAutomation(o);
  SeedEtl(o);
  SeedOthers(o);
}

}  // namespace kappa::orchestrator
