// `kappa broker`: serves the data directory's log over the Kafka protocol until SIGINT or
// SIGTERM. Owns the data directory (the data-dir lock, through app::Runtime) while it runs.
#include <signal.h>

#include <cstdio>
#include <iostream>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/listen_check.h"
#include "common/host_port.h"
#include "cli/listener_flags.h"
#include "cli/stop_signals.h"
#include "common/logging.h"
#include "kafka/kafka.h"
#include "log/log.h"

namespace kappa::cli {

namespace {

struct BrokerArgs {
  std::string data_dir;
  std::string listen = "127.0.0.1:9092";
  std::string advertised;
  bool no_auto_create = false;
  int32_t partitions = 1;
  int threads = 1;
  int64_t max_request_bytes = 100 << 20;
  int32_t max_partitions_per_request = 1000;
  int32_t max_partitions = 10000;
  ListenerFlags limits;
  std::string flush = "interval";
  bool insecure = false;
  int32_t group_initial_rebalance_delay_ms = 3000;
};

void RunBroker(const BrokerArgs& a) {
  const StopSignals signals;  // blocked in every server thread; this one waits for them
  // Every setting is checked before the data directory is created or locked.
  auto listen = ParseHostPort(a.listen);
  if (!listen.ok()) Fail(listen.status().WithContext("--listen"), 2);
  Status exposed = CheckKafkaExposure(*listen, a.insecure, "--listen", "--insecure");
  if (!exposed.ok()) Fail(exposed, 2);
  kafka::KafkaServerOptions opts;
  opts.listen_host = listen->host;
  opts.listen_port = listen->port;
  if (!a.advertised.empty()) {
    auto adv = ParseHostPort(a.advertised);
    if (!adv.ok()) Fail(adv.status().WithContext("--advertised"), 2);
    opts.advertised_host = adv->host;
    opts.advertised_port = adv->port;
  }
  auto policy = log::ParseFlushPolicy(a.flush);
  if (!policy) Fail("--flush must be every-append, interval or os", 2);
  auto busy = ProbeListen(*listen);
  auto explain_busy = [](const Status& st) {
    return Status::Unavailable(st.message() + " (is another broker running? choose another "
                                              "address with --listen HOST:PORT)");
  };
  if (!busy.ok()) Fail(explain_busy(busy));
  opts.auto_create_topics = !a.no_auto_create;
  opts.default_partitions = a.partitions;
  opts.threads = a.threads;
  opts.max_request_bytes = size_t(a.max_request_bytes);
  opts.group_initial_rebalance_delay_ms = a.group_initial_rebalance_delay_ms;
  opts.max_partitions_per_request = a.max_partitions_per_request;
  opts.max_partitions = a.max_partitions;
  opts.limits = ListenerLimitsFromFlags(a.limits);

  log::LogOptions lo;
  lo.flush = *policy;
  auto rt = OpenDataDir(a.data_dir, "kappa broker", Access::kOwner, /*log=*/true,
                        /*store=*/false, lo);
  if (!rt.ok()) Fail(rt.status());


  auto server = kafka::KafkaServer::Start(&(*rt)->log(), opts);
  if (!server.ok()) {
    Fail(explain_busy(server.status()));
  }
  // One line on stdout so scripts (and tests using port 0) learn the address.
  std::printf("kappa broker listening on %s:%u (data dir %s)\n", opts.listen_host.c_str(),
              unsigned((*server)->port()), a.data_dir.c_str());
  std::fflush(stdout);
  const int sig = signals.Wait();
  KLOG_INFO("kappa broker: {}, shutting down", StopSignals::Name(sig));
  (*server)->Stop();
  server->reset();
  Status s = (*rt)->log().Close();
  if (!s.ok()) Fail(s);
}

}  // namespace

void RegisterBrokerCommand(CLI::App& app, const Groups& g) {
  auto args = std::make_shared<BrokerArgs>();
  CLI::App* cmd = app.add_subcommand(
      "broker",
      "Serve the data directory's log over the Kafka protocol (kcat, librdkafka, KafkaJS, ...)\n"
      "until Ctrl-C. Prints 'kappa broker listening on HOST:PORT' once ready.");
  AddDataDirOption(cmd, &args->data_dir);
  cmd->add_option("--listen", args->listen,
                  "host:port to listen on (port 0: any free port); a non-loopback address needs "
                  "--insecure")
      ->capture_default_str();
  cmd->add_flag("--insecure", args->insecure,
                "Allow listening on a non-loopback address: kappa's Kafka listener has no "
                "authentication yet, so anyone who can connect may read and write every topic");
  cmd->add_option("--advertised", args->advertised,
                  "host:port clients are told to connect to (default: the listen address)");
  cmd->add_flag("--no-auto-create-topics", args->no_auto_create,
                "Do not create unknown topics on first produce or metadata request");
  cmd->add_option("--partitions", args->partitions, "Partitions of auto-created topics")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  cmd->add_option("--threads", args->threads, "I/O threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  AddSizeOption(cmd, "--max-request-bytes", &args->max_request_bytes,
                "Largest request accepted; bigger ones close the connection");
  cmd->add_option("--group-initial-rebalance-delay-ms", args->group_initial_rebalance_delay_ms,
                  "How long the first rebalance of an empty consumer group waits for more "
                  "members (Kafka's group.initial.rebalance.delay.ms; 0: no wait)")
      ->capture_default_str()
      ->check(CLI::Range(0, 300000));
  cmd->add_option("--max-partitions-per-request", args->max_partitions_per_request,
                  "Partitions one request may create (CreateTopics, CreatePartitions, "
                  "auto-creation by one Metadata request)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1'000'000));
  cmd->add_option("--max-partitions", args->max_partitions,
                  "Partitions the broker may hold in all; creates beyond are refused")
      ->capture_default_str()
      ->check(CLI::Range(1, 10'000'000));
  AddListenerFlags(cmd, &args->limits);
  cmd->add_option("--flush", args->flush, "Log flush policy: every-append, interval or os")
      ->capture_default_str();
  cmd->callback([args] { RunBroker(*args); });
}

}  // namespace kappa::cli
