// kappa bench pipeline: synthetic randomuser source -> mapping -> log -> streaming job ->
// table, on the built-in seed pipeline config in a temporary data directory. --format avro
// runs the same with the producer writing Avro in the Confluent wire format (config/avro.yaml;
// the schema in the process's registry) and the job decoding it.
//   throughput: --records users as fast as possible; users/s from start until all stored.
//   latency:    users at a fixed --rate; produce-to-stored latency percentiles (the record's
//               log timestamp, ms resolution, to the job's commit).
// --orchestrator-dags N runs kappa up's orchestrator beside the pipeline, in the same process
// (app::UpDags: the history in the pipeline's store, synced in the background): N DAGs of
// one noop task due every second, all in the same millisecond; issue 22 asks that the
// pipeline's throughput stay unchanged (docs/benchmarks/orchestrator.md).
#include <fmt/format.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <thread>
#include <tuple>

#include "cli/bench_console.h"
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "common/clock.h"
#include "common/env.h"
#include "common/logging.h"
#include "app/app.h"
#include "orchestrator/orchestrator.h"

namespace kappa::cli {
namespace {

struct BenchArgs {
  int64_t records = 1'000'000;
  double rate = 10'000;
  int64_t latency_records = 0;  // 0: rate * 5 s
  int32_t partitions = 0;       // 0: as configured
  std::string dir;
  bool json = false;
  bool skip_latency = false;
  std::string format = "json";  // the producer's records: json | avro
  int orchestrator_dags = 0;    // beside the pipeline: N DAGs due every second (0: none)
  std::string console;          // --console HOST:PORT: the web console over the run
};

// N DAGs of one noop task each, `every 1s`, all due at the same instant (issue 22's load).
std::vector<orchestrator::DagSpec> NoopDags(int n) {
  std::vector<orchestrator::DagSpec> dags;
  auto every = orchestrator::Schedule::Every(1000);
  if (!every.ok()) Fail(every.status());
  const int64_t now = Clock::Real()->NowMs();
  for (int i = 0; i < n; ++i) {
    orchestrator::DagSpec d;
    d.dag_id = fmt::format("bench_{:04}", i);
    d.schedule = *every;
    d.start_date = now - now % 1000;
    d.where = "kappa bench pipeline --orchestrator-dags";
    orchestrator::TaskSpec t;
    t.task_id = "noop";
    t.type = "noop";
    d.tasks.push_back(t);
    dags.push_back(std::move(d));
  }
  return dags;
}

// Runs created and runs that succeeded, over every DAG of the scheduler.
std::pair<int64_t, int64_t> CountRuns(orchestrator::Scheduler& s) {
  int64_t created = 0, succeeded = 0;
  for (const auto& dag : s.ListDags()) {
    orchestrator::RunFilter f;
    f.limit = 1 << 30;
    auto runs = s.ListRuns(dag.spec.dag_id, f);
    if (!runs.ok()) continue;
    created += static_cast<int64_t>(runs->first.size());
    for (const auto& run : runs->first) {
      succeeded += run.state == orchestrator::RunState::kSuccess;
    }
  }
  return {created, succeeded};
}

struct RunResult {
  double seconds = 0;
  uint64_t produced = 0;
  uint64_t stored = 0;
  uint64_t dead_letters = 0;
  uint64_t commits = 0;  // store commits of the job (rows per commit = stored / commits)
  int64_t dag_runs = 0;  // --orchestrator-dags: runs created while the pipeline ran
  int64_t dag_runs_ok = 0;  // ... and of them, runs that succeeded
  int64_t p50_us = 0, p99_us = 0, p999_us = 0;
};

RunResult RunOnce(const BenchArgs& a, const std::string& dir, int64_t records, double rate,
                  bool latency, const char* label) {
  auto config = app::LoadDefaultConfig();
  if (!config.ok()) Fail(config.status());
  config->data_dir = dir;
  if (a.partitions > 0) {
    for (auto& t : config->topics) {
      if (t.name == "users_created") t.partitions = a.partitions;
    }
  }
  for (auto& j : config->jobs) j.ttl_seconds = 0;
  for (auto& p : config->producers) {
    // The shipped producer runs only from its DAG (autostart: false); the bench runs it
    // itself, with no scheduler.
    p.autostart = true;
    p.format = a.format;
    p.subject = p.topic + "-value";
  }
  app::RuntimeOptions ro = app::RuntimeOptions::ForPipeline(*config);
  ro.data_dir = dir;
  ro.owner = "kappa bench pipeline";
  auto rt = app::Runtime::Open(ro);
  if (!rt.ok()) Fail(rt.status());
  Check(app::Pipeline::Setup(rt->get(), *config));
  app::PipelineOptions po;
  po.producer_count = records;
  po.producer_rate = rate;
  po.job_options.track_latency = latency;
  po.job_options.poll_interval = std::chrono::milliseconds(20);
  auto p = app::Pipeline::Create(rt->get(), *config, po);
  if (!p.ok()) Fail(p.status());
  std::unique_ptr<app::UpDags> dags;
  if (a.orchestrator_dags > 0) {
    config->dags = NoopDags(a.orchestrator_dags);
    auto d = app::UpDags::Create(*config, p->get());
    if (!d.ok()) Fail(d.status());
    dags = std::move(d).value();
    Check(dags->Start());
  }
  std::unique_ptr<BenchConsole> console;
  if (!a.console.empty()) {
    auto hp = ParseHostPort(a.console);
    if (!hp.ok()) Fail(hp.status().WithContext("--console"), 2);
    console = BenchConsole::Start(*hp, label);
  }
  auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  Check((*p)->Start());
  double last_report = 0;
  while (true) {
    app::PipelineStats s = (*p)->stats();
    Check((*p)->Health());
    if (!s.producers_running && (*p)->ProducersDone() &&
        s.jobs.consumed >= s.produced && s.jobs.lag == 0) {
      break;
    }
    double t = elapsed();
    if (t - last_report >= 1.0) {
      std::cerr << fmt::format("{}: {:.0f}s produced {} stored {} lag {}\n", label, t,
                               s.produced, s.jobs.stored, s.jobs.lag);
      last_report = t;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  RunResult r;
  r.seconds = elapsed();
  app::PipelineStats s = (*p)->stats();
  r.produced = s.produced;
  r.stored = s.jobs.stored;
  r.dead_letters = s.jobs.dead_letters;
  r.commits = s.jobs.commits;
  if (dags) {
    dags->Stop();
    std::tie(r.dag_runs, r.dag_runs_ok) = CountRuns(dags->scheduler());
  }
  if (latency && !(*p)->jobs().empty()) {
    const auto& job = (*p)->jobs()[0];
    r.p50_us = job->LatencyPercentileMicros(0.50);
    r.p99_us = job->LatencyPercentileMicros(0.99);
    r.p999_us = job->LatencyPercentileMicros(0.999);
  }
  Check((*p)->DrainAndStop(std::chrono::seconds(30)));
  return r;
}

void RunBench(const BenchArgs& a) {
  if (a.records <= 0) Fail("--records must be positive", 2);
  if (a.format != "json" && a.format != "avro") Fail("--format: use json or avro", 2);
  std::string base = a.dir;
  bool temp = base.empty();
  if (temp) {
    char tmpl[] = "/tmp/kappa-bench-pipeline-XXXXXX";
    if (!mkdtemp(tmpl)) Fail("cannot create a temporary directory in /tmp", 1);
    base = tmpl;
  }
  std::cerr << fmt::format("bench pipeline: data in {}\n", base);
  RunResult t = RunOnce(a, JoinPath(base, "throughput"), a.records, 0, false, "throughput");
  double users_per_s = t.stored / std::max(t.seconds, 1e-9);
  if (a.json) {
    std::cout << fmt::format("{{\"case\":\"throughput\",\"format\":\"{}\",\"records\":{},\"stored\":{},"
                             "\"dead_letters\":{},\"seconds\":{:.3f},\"users_per_s\":{:.0f},"
                             "\"commits\":{},\"orchestrator_dags\":{},\"dag_runs\":{},"
                             "\"dag_runs_succeeded\":{}}}\n",
                             a.format, a.records, t.stored, t.dead_letters, t.seconds, users_per_s,
                             t.commits, a.orchestrator_dags, t.dag_runs, t.dag_runs_ok);
  } else {
    std::cout << fmt::format("throughput ({}): {} users end to end in {:.2f} s = {:.0f} users/s "
                             "({} store commits)\n",
                             a.format, t.stored, t.seconds, users_per_s, t.commits);
    if (a.orchestrator_dags > 0) {
      std::cout << fmt::format("  beside it: {} DAGs due every second, {} runs created, {} "
                               "succeeded\n",
                               a.orchestrator_dags, t.dag_runs, t.dag_runs_ok);
    }
  }
  if (!a.skip_latency && a.rate > 0) {
    int64_t n = a.latency_records > 0 ? a.latency_records : static_cast<int64_t>(a.rate * 5);
    RunResult l = RunOnce(a, JoinPath(base, "latency"), n, a.rate, true, "latency");
    if (a.json) {
      std::cout << fmt::format("{{\"case\":\"latency\",\"format\":\"{}\",\"rate\":{:.0f},\"records\":{},"
                               "\"p50_ms\":{:.3f},\"p99_ms\":{:.3f},\"p999_ms\":{:.3f}}}\n",
                               a.format, a.rate, l.stored, l.p50_us / 1000.0, l.p99_us / 1000.0,
                               l.p999_us / 1000.0);
    } else {
      std::cout << fmt::format("latency at {:.0f} users/s ({} users): produce-to-stored p50 "
                               "{:.1f} ms, p99 {:.1f} ms, p99.9 {:.1f} ms\n",
                               a.rate, l.stored, l.p50_us / 1000.0, l.p99_us / 1000.0,
                               l.p999_us / 1000.0);
    }
  }
  if (temp) (void)Env::Default()->DeleteDirRecursive(base);
}

}  // namespace

void RegisterBenchPipelineCommand(CLI::App& app, const Groups& g) {
  auto* a = new BenchArgs();  // lives for the process
  CLI::App* cmd = g.bench->add_subcommand(
      "pipeline", "Seed pipeline end to end (synthetic users -> mapping -> log -> job -> "
                  "table): users/s, and produce-to-stored latency at a fixed rate");
  cmd->add_option("--records", a->records, "Users for the throughput run")->capture_default_str();
  cmd->add_option("--rate", a->rate, "Users/s for the latency run")->capture_default_str();
  cmd->add_option("--latency-records", a->latency_records,
                  "Users for the latency run (default: 5 s worth at --rate)");
  cmd->add_option("--partitions", a->partitions,
                  "Partitions of users_created (default: as in the built-in config)");
  cmd->add_option("--dir", a->dir, "Keep the data here instead of a temporary directory");
  cmd->add_flag("--no-latency", a->skip_latency, "Only the throughput run");
  cmd->add_flag("--json", a->json, "One JSON object per case");
  cmd->add_option("--console", a->console,
                  "Serve the web console on HOST:PORT during each run (to measure the cost of "
                  "a client watching it; docs/benchmarks/console.md)");
  cmd->add_option("--format", a->format,
                  "The producer's record format: json (the seed's) or avro (the Confluent wire "
                  "format, schema in the process's registry; the job decodes it)")
      ->capture_default_str();
  cmd->add_option("--orchestrator-dags", a->orchestrator_dags,
                  "Also run kappa up's orchestrator in the process with this many DAGs of one "
                  "noop task due every second (issue 22: throughput unchanged beside it)")
      ->capture_default_str();
  cmd->callback([a] {
    if (a->orchestrator_dags < 0) Fail("--orchestrator-dags must be >= 0", 2);
    RunBench(*a);
  });
}

}  // namespace kappa::cli
