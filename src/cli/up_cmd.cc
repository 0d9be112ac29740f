// kappa up: runs the pipeline of a kappa.yaml (default: the built-in config/kappa.yaml).
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <algorithm>
#include <atomic>
#include <functional>
#include <iostream>
#include <thread>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "common/logging.h"
#include "app/app.h"
#include "common/units.h"
#include "cli/stop_signals.h"
#include "cli/up_check.h"
#include "common/systemd_notify.h"
#include "security/security.h"

namespace kappa::cli {
namespace {

struct UpArgs {
  std::string config_file;
  std::string data_dir;
  int64_t duration_ms = 0;  // 0: --duration not given (the producers' own durations)
  int64_t drain_timeout_ms = 30'000;
  bool print_config = false;
  bool check = false;
  bool json = false;
  std::string kafka_listen;  // empty: the config's listeners.kafka
  std::string kafka_advertised;  // empty: the config's listeners.kafka_advertised
  std::string cql_listen;    // empty: the config's listeners.cql
  std::string http_listen;   // empty: the config's listeners.http
  std::string console_listen;  // empty: the config's listeners.console
  bool insecure = false;     // allow a Kafka listener off loopback (auth.insecure_kafka)
};

std::string Thousands(uint64_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

// Live status: a rewritten line on a TTY, a log line every few seconds otherwise.
class StatusLine {
 public:
  StatusLine() : tty_(isatty(STDERR_FILENO)) {}
  // `dags`: the DAGs' states and next runs (UpDags::Describe), asked only when a line is due.
  void Update(const app::PipelineStats& s, double elapsed_s,
              const std::function<std::string()>& dags) {
    double dt = elapsed_s - last_t_;
    bool due = tty_ ? dt >= 1.0 : dt >= 5.0;
    if (!due) return;
    double prod_rate = (s.produced - last_.produced) / dt;
    double store_rate = (s.jobs.stored - last_.jobs.stored) / dt;
    std::string line = fmt::format(
        "produced {} ({:.0f}/s)  stored {} ({:.0f}/s)  lag {}  dead letters {}{}",
        Thousands(s.produced), prod_rate, Thousands(s.jobs.stored), store_rate, s.jobs.lag,
        s.jobs.dead_letters, s.mapping_errors ? fmt::format("  mapping errors {}", s.mapping_errors) : "");
    if (dags) {
      std::string d = dags();
      if (!d.empty()) line += "  dags: " + d;
    }
    if (tty_) {
      std::cerr << "\r\033[K" << line << std::flush;
      shown_ = true;
    } else {
      KLOG_INFO("{}", line);
    }
    last_ = s;
    last_t_ = elapsed_s;
  }
  void Clear() {
    if (tty_ && shown_) std::cerr << "\r\033[K" << std::flush;
    shown_ = false;
  }

 private:
  bool tty_;
  bool shown_ = false;
  app::PipelineStats last_;
  double last_t_ = 0;
};

void RunUp(const UpArgs& a, bool data_dir_given) {
  if (a.print_config) {
    std::cout << app::DefaultConfigText();
    return;
  }
  // Everything a start needs is checked before anything is written (--check runs exactly
  // these checks): the config (with its mappings and jobs), the flags, the data directory's
  // path and the listener addresses with their authentication rules.
  auto config = a.config_file.empty() ? app::LoadDefaultConfig()
                                      : app::LoadConfigFile(a.config_file);
  if (!config.ok()) Fail(config.status(), 2);
  const int64_t duration_ms = a.duration_ms;
  const int64_t drain_ms = a.drain_timeout_ms;
  UpFlags flags;
  if (data_dir_given) flags.data_dir = a.data_dir;
  flags.kafka_listen = a.kafka_listen;
  flags.kafka_advertised = a.kafka_advertised;
  flags.cql_listen = a.cql_listen;
  flags.http_listen = a.http_listen;
  flags.console_listen = a.console_listen;
  flags.insecure = a.insecure;
  auto plan = PlanUp(*config, flags);
  if (!plan.ok()) Fail(plan.status(), 2);
  config->data_dir = plan->data_dir;
  if (a.check) {
    std::cout << fmt::format("{}: OK ({} topics, {} keyspaces, {} sources, {} mappings, {} "
                             "producers, {} jobs, {} dags; data dir {})\n",
                             config->file, config->topics.size(), config->keyspaces.size(),
                             config->sources.size(), config->mappings.size(),
                             config->producers.size(), config->jobs.size(),
                             config->dags.size(), config->data_dir);
    return;
  }
  // A busy port fails here, before the data directory is created.
  Status probe = ProbeUpListeners(*plan);
  if (!probe.ok()) Fail(probe);

  const StopSignals signals;
  app::RuntimeOptions ro = app::RuntimeOptions::ForPipeline(*config);
  ro.data_dir = config->data_dir;
  ro.owner = "kappa up";
  auto rt = app::Runtime::Open(ro);
  if (!rt.ok()) Fail(rt.status());
  Check(app::Pipeline::Setup(rt->get(), *config));
  app::PipelineOptions po;
  po.producer_duration_ms = duration_ms;
  auto pipeline = app::Pipeline::Create(rt->get(), *config, po);
  if (!pipeline.ok()) Fail(pipeline.status());
  app::Pipeline& p = **pipeline;
  // The jobs check their committed offsets against the log before anything can append to
  // it (the producers, or clients through the Kafka listener): a start that fails appends
  // nothing.
  Check(p.StartJobs());

  // The DAGs' scheduler, its history in the store (kappa_meta), started before the listeners
  // so that the REST API serves it from the first request.
  std::unique_ptr<app::UpDags> dags;
  if (!config->dags.empty()) {
    auto d = app::UpDags::Create(*config, &p);
    if (!d.ok()) {
      (void)p.Stop();
      Fail(d.status().WithContext("starting the orchestrator"));
    }
    dags = std::move(d).value();
    // The history first (zombies handled), so the REST API never serves a partial one.
    Status st = dags->Start();
    if (!st.ok()) {
      (void)p.Stop();
      Fail(st.WithContext("starting the orchestrator"));
    }
  }

  // The Kafka and CQL servers share the pipeline's Log and Store, and can see the pipeline.
  app::UpServersOptions so;
  so.kafka = plan->kafka;
  so.kafka_listeners = plan->kafka_listeners;
  so.kafka_sasl.mechanisms = config->security.sasl_mechanisms;
  so.kafka_sasl.session_lifetime_ms = config->security.sasl_session_lifetime_ms;
  so.cql = plan->cql;
  so.kafka_where = plan->kafka_where;
  so.cql_where = plan->cql_where;
  so.http = plan->http;
  so.http_where = plan->http_where;
  so.console = plan->console;
  so.console_where = plan->console_where;
  so.console_required = plan->console_required;
  for (const auto& u : config->console.users) so.console_users.emplace_back(u.name, u.password_hash);
  so.version = KAPPA_VERSION;
  so.cql_users = plan->cql_users;
  so.tls = config->security.tls;
  so.metrics_auth = config->security.metrics_auth;
  // The ACLs are always opened, so that Kafka's ACL APIs (and CQL's GRANT) can prepare them
  // before security.acls.enabled turns the checks on.
  // One user store for every listener and the ACLs (roles with SUPERUSER are super users).
  auto users = security::UserStore::Open(security::SecurityDir(config->data_dir));
  if (!users.ok()) {
    if (dags) dags->Stop();
    (void)p.Stop();
    Fail(users.status().WithContext("opening the users"));
  }
  so.users = *users;
  auto acls = security::Authorizer::Open(security::SecurityDir(config->data_dir),
                                         config->security.acls, *users);
  if (!acls.ok()) {
    if (dags) dags->Stop();
    (void)p.Stop();
    Fail(acls.status().WithContext("opening the ACLs"));
  }
  so.authorizer = std::move(acls).value();
  if (config->security.acls.enabled) {
    KLOG_INFO("kappa up: ACLs on ({}/security/acls, {} super user(s))", config->data_dir,
              config->security.acls.super_users.size());
  }
  so.kafka_group_initial_rebalance_delay_ms =
      int32_t(config->listeners.kafka_group_initial_rebalance_delay_ms);
  so.limits = config->listeners.limits;
  so.kafka_limits = config->listeners.kafka_limits;
  so.cql_limits = config->listeners.cql_limits;
  // With log: kafka the schema registry keeps _schemas on the cluster, shared by every
  // kappa up on it (src/registry/README.md).
  if (config->log.kafka()) {
    so.registry_kafka_bootstrap = config->log.bootstrap;
    so.registry_kafka_properties = config->log.properties;
  }
  so.registry_advertised_url = config->registry.advertised_url;
  so.registry_writer_group = config->registry.writer_group;
  so.registry_writer_session_timeout_ms = int(config->registry.writer_session_timeout_ms);
  if (dags) so.orchestrator = &dags->api();
  auto servers = app::UpServers::Start(&p, so);
  if (!servers.ok()) {
    if (dags) dags->Stop();
    (void)p.Stop();
    Fail(servers.status());
  }
  KLOG_INFO("kappa up: serving {}", (*servers)->Describe());
  // Under systemd with Type=notify (deploy/systemd/kappa.service): ready now, as /ready says.
  if (Status st = NotifySystemd("READY=1\nSTATUS=serving"); !st.ok()) {
    KLOG_WARN("cannot tell systemd that kappa up is ready: {}", st.ToString());
  }

  KLOG_INFO("kappa up: data dir {}, config {}{}; Ctrl-C stops (producers first, then the "
            "jobs drain)", config->data_dir, config->file,
            duration_ms ? fmt::format(", producing for {}", FormatDurationMs(duration_ms)) : "");
  auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  Check(p.StartProducers());
  StatusLine status;
  Status failure;
  std::function<std::string()> describe_dags;
  if (dags) describe_dags = [&dags] { return dags->Describe(); };
  // Producers that run by themselves (autostart); the DAGs' produce tasks are not among them.
  bool has_producers = std::any_of(config->producers.begin(), config->producers.end(),
                                   [](const app::ProducerConfig& pc) { return pc.autostart; });
  bool waiting_for_runs = false;
  while (true) {
    int sig = signals.Poll(std::chrono::milliseconds(200));
    if (sig) {
      status.Clear();
      KLOG_INFO("{} received: stopping producers, then draining the jobs (again to stop now)",
                StopSignals::Name(sig));
      break;
    }
    failure = p.Health();
    if (!failure.ok()) break;
    if (!dags) {
      if (has_producers && p.ProducersDone()) break;  // by their duration (or --duration) or count
    } else if (duration_ms > 0) {
      // --duration: the producers (theirs and the DAGs' produce tasks) stop after it; then
      // the DAG runs in progress may finish, for at most --drain-timeout.
      double t = elapsed();
      if (t * 1000 >= double(duration_ms) && p.ProducersDone()) {
        int active = dags ? dags->ActiveRuns() : 0;
        if (active == 0) break;
        if (!waiting_for_runs) {
          KLOG_INFO("--duration reached; waiting for {} DAG run(s) to finish (at most {})", active, FormatDurationMs(drain_ms));
          waiting_for_runs = true;
        }
        if (t * 1000 >= double(duration_ms + drain_ms)) {
          KLOG_WARN("DAG runs still running after --drain-timeout; stopping them (they are failed as zombies and retried by their policy on the next start)");
          break;
        }
      }
    }
    status.Update(p.stats(), elapsed(), describe_dags);
  }
  (void)NotifySystemd("STOPPING=1");  // best effort: systemd learns of the stop by the exit too
  if (dags) dags->Stop();  // running tries are cancelled (their producers stop first)
  status.Clear();
  (*servers)->Stop();  // external producers and readers stop with the pipeline's producers
  Status end;
  if (failure.ok()) {
    KLOG_INFO("producers stopped; draining jobs (lag {}, at most {})", p.stats().jobs.lag, FormatDurationMs(drain_ms));
    // A second signal during the drain stops at once (what was processed stays committed).
    std::atomic<bool> draining{true};
    std::thread watcher([&] {
      while (draining.load()) {
        if (signals.Poll(std::chrono::milliseconds(100))) {
          KLOG_WARN("second signal: stopping without draining");
          for (const auto& j : p.jobs()) j->Stop();
          return;
        }
      }
    });
    end = p.DrainAndStop(std::chrono::milliseconds(drain_ms));
    draining.store(false);
    watcher.join();
  } else {
    (void)p.Stop();
    end = failure;
  }
  app::PipelineStats s = p.stats();
  double total_s = elapsed();
  if (a.json) {
    std::cout << fmt::format("{{\"produced\":{},\"stored\":{},\"dead_letters\":{},"
                             "\"mapping_errors\":{},\"lag\":{},\"seconds\":{:.3f},"
                             "\"users_per_s\":{:.1f}}}\n",
                             s.produced, s.jobs.stored, s.jobs.dead_letters, s.mapping_errors,
                             s.jobs.lag, total_s, s.jobs.stored / std::max(total_s, 1e-9));
  } else {
    std::cout << fmt::format("produced: {}\nstored: {}\ndead letters: {}\nmapping errors: {}\n"
                             "lag: {}\nseconds: {:.1f}\nusers/s: {:.0f}\n",
                             s.produced, s.jobs.stored, s.jobs.dead_letters, s.mapping_errors,
                             s.jobs.lag, total_s, s.jobs.stored / std::max(total_s, 1e-9));
  }
  if (end.code() == Status::Code::kTimedOut) {
    KLOG_WARN("the jobs did not drain within {} (lag {}); their progress is committed and the "
              "next `kappa up` continues from it", FormatDurationMs(drain_ms), s.jobs.lag);
    return;
  }
  if (!end.ok()) Fail(end);
}

}  // namespace

void RegisterUpCommand(CLI::App& app, const Groups& g) {
  auto* a = new UpArgs();  // lives for the process (CLI11 binds to it)
  CLI::App* cmd = app.add_subcommand(
      "up", "Run the pipeline: producers -> topics -> streaming jobs -> tables (default: the "
            "seed pipeline from the built-in config/kappa.yaml). Ctrl-C stops cleanly.");
  cmd->add_option("--config", a->config_file,
                  "Pipeline configuration (docs/formats/config.md); default: built-in "
                  "config/kappa.yaml");
  cmd->add_option("--data-dir", a->data_dir, "Data directory (overrides data_dir of the config)");
  AddDurationOption(cmd, "--duration", &a->duration_ms,
                    "Stop the producers after this long (with a unit: 10s, 500ms, 5m, 1h), "
                    "drain the jobs, print a summary and exit",
                    /*show_default=*/false)
      ->check([](const std::string& text) {
        // 0 would mean "no limit" to a producer's own `duration:`; here it is a mistake.
        auto ms = ParseDurationMs(text);
        if (ms.ok() && *ms == 0) Fail("--duration: must be positive", 2);
        return std::string();
      });
  AddDurationOption(cmd, "--drain-timeout", &a->drain_timeout_ms,
                    "Longest wait for the jobs to reach lag 0 when stopping");
  cmd->add_option("--kafka-listen", a->kafka_listen,
                  "Kafka listeners: [PROTOCOL://]HOST:PORT[,...] with PROTOCOL PLAINTEXT (the "
                  "default) or SASL_PLAINTEXT, or off (default: listeners.kafka of the config, "
                  "127.0.0.1:9092)");
  cmd->add_option("--kafka-advertised", a->kafka_advertised,
                  "What Kafka clients are told to connect to (Kafka's advertised.listeners): "
                  "[PROTOCOL://]HOST:PORT[,...], one per --kafka-listen entry, in order "
                  "(default: listeners.kafka_advertised of the config, else each listener's "
                  "own address, loopback for 0.0.0.0)");
  cmd->add_option("--cql-listen", a->cql_listen,
                  "CQL native protocol listener HOST:PORT, or off (default: listeners.cql of "
                  "the config, 127.0.0.1:9042)");
  cmd->add_option("--http-listen", a->http_listen,
                  "HTTP listener (/health, /ready, /metrics) HOST:PORT, or off (default: "
                  "listeners.http of the config, 127.0.0.1:8081)");
  cmd->add_option("--console-listen", a->console_listen,
                  "Web console listener HOST:PORT, or off (default: listeners.console of the "
                  "config, 127.0.0.1:9021; off loopback it needs console.users)");
  cmd->add_flag("--insecure", a->insecure,
                "Allow a PLAINTEXT Kafka or HTTP listener on a non-loopback address although their "
                "clients are not authenticated, or a SASL Kafka listener without users (as "
                "security.insecure: true in the config); logs a warning");
  cmd->add_flag("--json", a->json, "Print the final summary as one JSON object");
  cmd->add_flag("--check", a->check,
                "Validate the configuration, the flags, the data directory's path and the "
                "listener addresses as a start would, write nothing, and exit");
  cmd->add_flag("--print-default-config", a->print_config,
                "Print the built-in configuration (identical to config/kappa.yaml) and exit");
  cmd->callback([a, cmd] { RunUp(*a, cmd->count("--data-dir") > 0); });
}

}  // namespace kappa::cli
