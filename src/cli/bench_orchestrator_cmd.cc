// `kappa bench orchestrator`: an in-process Scheduler in real time with N DAGs (default
// 1000) due every second (`every 1s`, no catchup), one no-op task each, for a duration:
//   - task start delay: when the task's code is called (after its try is written running)
//     minus its run's run_after (the data interval's end, when the run became due), p50/p99/max over the runs due after a 1 s warm-up and at
//     least 1 s before the end; a try that had not started by the end counts as late as the
//     end (a lower bound), never as missing;
//   - task instances recorded per minute (successes written to the history);
//   - CPU used by the process (getrusage), as cores;
// then an idle phase: 100 DAGs with nothing due for --idle-duration, the CPU time used and
// how often the scheduling loop woke up (an event-driven loop: never).
// --meta memory (NewMemoryMetaStore) or store (OpenStoreMetaStore over a temporary
// store::Store: fsync per write, or with --sync-interval 200ms in the background as kappa up,
// or none with --no-sync). Figures:
// docs/benchmarks/orchestrator.md.
#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <thread>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "common/clock.h"
#include "common/mutex.h"
#include "metrics/metrics.h"
#include "orchestrator/orchestrator.h"
#include "store/store.h"

namespace kappa::cli {
namespace {

namespace orch = orchestrator;

struct OrchBenchArgs {
  int dags = 1000;
  int64_t duration_ms = 30'000;
  int64_t every_ms = 1000;
  std::string meta = "memory";
  bool no_sync = false;
  int64_t sync_interval_ms = 0;  // --meta store: background fsync (kappa up: 200 ms)
  int parallelism = 32;
  int idle_dags = 100;
  int64_t idle_ms = 10'000;
  bool json = false;
};

// The DAGs' task: does nothing, and notes when it was called (the start the delay is
// measured to: the try's start_date is stamped before the write that records it running).
class StartNoter final : public orch::TaskType {
 public:
  std::string_view name() const override { return "bench_noop"; }
  Status Validate(const nlohmann::json&) const override { return Status::OK(); }
  Result<std::string> Run(orch::TaskContext& ctx) override {
    const orch::TimeMs now = kappa::Clock::Real()->NowMs();
    MutexLock l(mu_);
    started_.emplace(ctx.run->dag_id + "/" + ctx.run->run_id, now);
    return std::string();
  }
  std::optional<orch::TimeMs> Started(const std::string& dag_id, const std::string& run_id) {
    MutexLock l(mu_);
    auto it = started_.find(dag_id + "/" + run_id);
    if (it == started_.end()) return std::nullopt;
    return it->second;
  }

 private:
  Mutex mu_;
  std::map<std::string, orch::TimeMs> started_ GUARDED_BY(mu_);
};

double CpuSeconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double OrchPct(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  return sorted[std::min(sorted.size() - 1, size_t(q * double(sorted.size())))];
}

double Counter(metrics::Registry& r, std::string_view name) {
  double sum = 0;
  for (const auto& f : r.Collect()) {
    if (f.name != name) continue;
    for (const auto& s : f.samples) sum += s.value;
  }
  return sum;
}

// A MetaStore as --meta asks, with what backs it.
struct Meta {
  std::filesystem::path dir;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<orch::MetaStore> meta;
  ~Meta() {
    meta.reset();
    store.reset();
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
};

std::unique_ptr<Meta> OpenMeta(const OrchBenchArgs& a, metrics::Registry* registry,
                               const std::string& tag) {
  auto m = std::make_unique<Meta>();
  if (a.meta == "memory") {
    m->meta = orch::NewMemoryMetaStore();
    return m;
  }
  m->dir = std::filesystem::temp_directory_path() /
           fmt::format("kappa-bench-orchestrator-{}-{}", ::getpid(), tag);
  store::StoreOptions o;
  o.data_dir = m->dir.string();
  o.metrics = registry;
  auto s = store::Store::Open(o);
  if (!s.ok()) Fail(s.status());
  m->store = std::move(s).value();
  const bool lazy = a.sync_interval_ms > 0;
  auto meta = orch::OpenStoreMetaStore(m->store.get(), !a.no_sync && !lazy,
                                       a.no_sync ? 0 : a.sync_interval_ms);
  if (!meta.ok()) Fail(meta.status());
  m->meta = std::move(meta).value();
  return m;
}

std::vector<orch::DagSpec> MakeDags(int n, const std::string& prefix, const orch::Schedule& s,
                                    orch::TimeMs start) {
  std::vector<orch::DagSpec> dags;
  for (int i = 0; i < n; ++i) {
    orch::DagSpec d;
    d.dag_id = fmt::format("{}_{:04}", prefix, i);
    d.schedule = s;
    d.start_date = start;
    d.catchup = false;
    orch::TaskSpec t;
    t.task_id = "noop";
    t.type = "bench_noop";
    d.tasks.push_back(t);
    dags.push_back(std::move(d));
  }
  return dags;
}

std::unique_ptr<orch::Scheduler> StartScheduler(std::vector<orch::DagSpec> dags,
                                                orch::MetaStore* meta, const orch::TaskTypes* types,
                                                metrics::Registry* registry, int parallelism) {
  orch::SchedulerOptions o;
  o.metrics = registry;
  o.parallelism = parallelism;
  auto s = orch::Scheduler::Create(std::move(dags), meta, types, o);
  if (!s.ok()) Fail(s.status());
  Check((*s)->Start());
  return std::move(s).value();
}

void RunOrchBench(const OrchBenchArgs& a) {
  if (a.meta != "memory" && a.meta != "store") Fail("--meta: expected memory or store", 2);
  if (a.dags < 1 || a.every_ms < 1 || a.duration_ms < 2000) {
    Fail("--dags must be >= 1, --every > 0 and --duration >= 2s", 2);
  }
  // The built-in noop: the scheduler's and the history's cost is what is measured.
  orch::TaskTypes types = orch::BuiltinTaskTypes();
  auto noter = std::make_shared<StartNoter>();
  types.Register(noter);
  auto every = orch::Schedule::Every(a.every_ms);
  if (!every.ok()) Fail(every.status(), 2);

  // ---- load: N DAGs due every interval ----
  metrics::Registry registry;
  auto meta = OpenMeta(a, &registry, "load");
  const orch::TimeMs t0 = kappa::Clock::Real()->NowMs();
  auto sched = StartScheduler(MakeDags(a.dags, "bench", *every, t0 - t0 % a.every_ms),
                              meta->meta.get(), &types, &registry, a.parallelism);
  // Start() wrote every DAG's record (an fsync each with --meta store): measure from here.
  const orch::TimeMs started = kappa::Clock::Real()->NowMs();
  const double cpu0 = CpuSeconds();
  const auto wall0 = std::chrono::steady_clock::now();
  for (int64_t waited = 0; waited < a.duration_ms; waited += 1000) {
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::min<int64_t>(1000, a.duration_ms - waited)));
    std::cerr << fmt::format("\r{:>5.1f} s  task instances {:>9.0f}", double(waited + 1000) / 1000,
                             Counter(registry, "kappa_orchestrator_task_instances_total"))
              << std::flush;
  }
  const double cpu = CpuSeconds() - cpu0;
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  const orch::TimeMs t1 = kappa::Clock::Real()->NowMs();
  sched->Stop();
  std::cerr << "\r" << std::string(50, ' ') << "\r";

  // From the history: every try that started, against its run's run_after.
  const orch::TimeMs warm = started + 1000;
  const orch::TimeMs last = t1 - 1000;  // a run due later had too little time to be judged
  std::vector<double> delays;
  int64_t recorded = 0, runs = 0, due = 0, tries_started = 0;
  for (const auto& dag : sched->ListDags()) {
    orch::RunFilter f;
    f.limit = 1 << 30;
    auto list = sched->ListRuns(dag.spec.dag_id, f);
    if (!list.ok()) Fail(list.status());
    for (const auto& run : list->first) {
      const orch::TimeMs run_after = run.data_interval.end;
      if (run_after < warm || run_after > last) continue;
      ++runs;
      auto tis = sched->ListTaskInstances(dag.spec.dag_id, run.run_id);
      if (!tis.ok()) Fail(tis.status());
      for (const auto& ti : *tis) {
        auto called = noter->Started(dag.spec.dag_id, run.run_id);
        delays.push_back(double(called ? *called - run_after : t1 - run_after));
        if (called) ++tries_started;
        if (ti.state == orch::TaskState::kSuccess) ++recorded;
      }
    }
    // Intervals that came due in the window: each should have its run.
    due += last / a.every_ms - (warm + a.every_ms - 1) / a.every_ms + 1;
  }
  std::sort(delays.begin(), delays.end());
  const double window_min = double(last - warm) / 60000.0;
  const double per_min = double(recorded) / window_min;

  // ---- idle: DAGs with nothing due ----
  metrics::Registry idle_registry;
  auto idle_meta = OpenMeta(a, &idle_registry, "idle");
  auto daily = orch::Schedule::Parse("@daily");
  auto idle = StartScheduler(MakeDags(a.idle_dags, "idle", *daily, t1 + 86'400'000),
                             idle_meta->meta.get(), &types, &idle_registry, a.parallelism);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the first pass
  const double idle_cpu0 = CpuSeconds();
  const double wake0 = Counter(idle_registry, "kappa_orchestrator_scheduler_wakeups_total");
  std::this_thread::sleep_for(std::chrono::milliseconds(a.idle_ms));
  const double idle_cpu = CpuSeconds() - idle_cpu0;
  const double wakes = Counter(idle_registry, "kappa_orchestrator_scheduler_wakeups_total") - wake0;
  idle->Stop();

  if (a.json) {
    std::cout << fmt::format(
        "{{\"meta\": \"{}\", \"sync\": {}, \"dags\": {}, \"every_ms\": {}, \"seconds\": {:.1f}, "
        "\"runs\": {}, \"intervals_due\": {}, \"tries_started\": {}, \"start_delay_p50_ms\": "
        "{:.0f}, "
        "\"start_delay_p99_ms\": {:.0f}, \"start_delay_max_ms\": {:.0f}, "
        "\"task_instances_per_min\": {:.0f}, \"cpu_cores\": {:.2f}, \"idle_dags\": {}, "
        "\"idle_seconds\": {:.1f}, \"idle_cpu_ms\": {:.1f}, \"idle_wakeups\": {:.0f}}}\n",
        a.meta, a.meta == "store" && !a.no_sync, a.dags, a.every_ms, wall, runs, due, tries_started,
        OrchPct(delays, 0.5), OrchPct(delays, 0.99), delays.empty() ? 0.0 : delays.back(), per_min,
        cpu / wall, a.idle_dags, double(a.idle_ms) / 1000, idle_cpu * 1000, wakes);
    return;
  }
  std::cout << fmt::format(
      "meta {}{}: {} DAGs every {} ms for {:.1f} s\n"
      "  runs due after warm-up  {} of {} intervals\n"
      "  task start delay        p50 {:.0f} ms  p99 {:.0f} ms  max {:.0f} ms  ({} tries started)\n"
      "  task instances recorded {:.0f}/min\n"
      "  CPU                     {:.2f} cores\n"
      "idle: {} DAGs, nothing due, {:.1f} s: CPU {:.1f} ms, scheduler wake-ups {:.0f}\n",
      a.meta,
      a.meta != "store"          ? ""
      : a.no_sync                ? " (no fsync)"
      : a.sync_interval_ms > 0   ? fmt::format(" (fsync every {} ms, as kappa up)", a.sync_interval_ms)
                                 : std::string(" (fsync per write)"),
      a.dags,
      a.every_ms, wall, runs, due, OrchPct(delays, 0.5), OrchPct(delays, 0.99),
      delays.empty() ? 0.0 : delays.back(), tries_started, per_min, cpu / wall, a.idle_dags,
      double(a.idle_ms) / 1000, idle_cpu * 1000, wakes);
}

}  // namespace

void RegisterBenchOrchestratorCommand(CLI::App& app, const Groups& g) {
  (void)app;
  auto a = std::make_shared<OrchBenchArgs>();
  CLI::App* cmd = g.bench->add_subcommand(
      "orchestrator",
      "Scheduler in real time: N DAGs due every second with no-op tasks (start delay p50/p99, "
      "task instances per minute, CPU), then an idle phase");
  cmd->add_option("--dags", a->dags, "DAGs, each with one no-op task")->capture_default_str();
  AddDurationOption(cmd, "--duration", &a->duration_ms, "How long the load runs");
  AddDurationOption(cmd, "--every", &a->every_ms, "Each DAG's schedule interval");
  cmd->add_option("--meta", a->meta,
                  "Where the history goes: memory or store (a temporary "
                  "store::Store, keyspace kappa_meta)")
      ->capture_default_str();
  cmd->add_flag("--no-sync", a->no_sync, "--meta store: no fsync per write");
  AddDurationOption(cmd, "--sync-interval", &a->sync_interval_ms,
                    "--meta store: fsync in the background at most this long after a write "
                    "instead of per write (kappa up uses 200ms)");
  cmd->add_option("--parallelism", a->parallelism, "Executor threads")->capture_default_str();
  cmd->add_option("--idle-dags", a->idle_dags, "DAGs in the idle phase")->capture_default_str();
  AddDurationOption(cmd, "--idle-duration", &a->idle_ms, "How long the idle phase is measured");
  cmd->add_flag("--json", a->json, "One JSON object with every figure");
  cmd->callback([a] { RunOrchBench(*a); });
}

}  // namespace kappa::cli
