// `kappa broker`: serves the data directory's log over the Kafka protocol until SIGINT or
// SIGTERM. Owns the data directory (the data-dir lock, through app::Runtime) while it runs.
#include <signal.h>

#include <cstdio>
#include <iostream>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/listen_check.h"
#include "security/security.h"
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
  int64_t fetch_max_bytes = 55 << 20;
  int64_t max_fetch_bytes_in_flight = 256 << 20;
  int32_t max_partitions_per_request = 1000;
  int32_t max_partitions = 10000;
  ListenerFlags limits;
  std::string flush = "interval";
  bool insecure = false;
  int32_t group_initial_rebalance_delay_ms = 3000;
  std::string users_dir;  // empty: DATA_DIR/security
  std::string sasl_mechanisms = "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512";
  kafka::KafkaSaslOptions sasl;  // the failure delay and cap
  ServerTlsFlags tls;            // --tls-cert, --tls-key, --tls-ca, --tls-client-auth
  bool acls = false;                     // security.acls.enabled
  std::vector<std::string> super_users;  // security.acls.super_users
};

void RunBroker(const BrokerArgs& a) {
  const StopSignals signals;  // blocked in every server thread; this one waits for them
  // Every setting is checked before the data directory is created or locked.
  auto listeners = kafka::ParseKafkaListeners(a.listen);
  if (!listeners.ok()) Fail(listeners.status().WithContext("--listen"), 2);
  kafka::KafkaServerOptions opts;
  opts.listeners = *listeners;
  opts.listen_host = opts.listeners[0].host;
  opts.listen_port = opts.listeners[0].port;
  if (!a.advertised.empty()) {
    auto adv = ParseHostPort(a.advertised);
    if (!adv.ok()) Fail(adv.status().WithContext("--advertised"), 2);
    opts.listeners[0].advertised_host = adv->host;
    opts.listeners[0].advertised_port = adv->port;
  }
  const std::string users_dir =
      a.users_dir.empty() ? security::SecurityDir(a.data_dir) : a.users_dir;
  const bool sasl = std::any_of(opts.listeners.begin(), opts.listeners.end(),
                                [](const auto& l) { return kafka::UsesSasl(l.protocol); });
  bool has_users = false;
  if (sasl) {
    auto users = security::UserStore::Open(users_dir);
    if (!users.ok()) Fail(users.status().WithContext("--users-dir"), 2);
    has_users = !(*users)->Empty();
    opts.sasl.users = std::move(users).value();
    opts.sasl.failed_authentication_delay_ms = a.sasl.failed_authentication_delay_ms;
    opts.sasl.max_failed_logins_per_minute = a.sasl.max_failed_logins_per_minute;
    opts.sasl.session_lifetime_ms = a.sasl.session_lifetime_ms;
    opts.sasl.mechanisms.clear();
    for (std::string_view rest = a.sasl_mechanisms; !rest.empty();) {
      size_t comma = rest.find(',');
      opts.sasl.mechanisms.emplace_back(rest.substr(0, comma));
      rest = comma == rest.npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  if (std::any_of(opts.listeners.begin(), opts.listeners.end(),
                  [](const auto& l) { return kafka::UsesTls(l.protocol); })) {
    if (!a.tls.given()) {
      Fail("--listen: an SSL:// or SASL_SSL:// listener needs --tls-cert and --tls-key", 2);
    }
    opts.tls = ServerTlsFromFlags(a.tls);
  }
  for (const auto& l : opts.listeners) {
    Status exposed = CheckKafkaListener(
        l, has_users, a.insecure, "--listen", "--insecure",
        a.users_dir.empty() ? fmt::format("kappa users add NAME --data-dir {}", a.data_dir)
                            : "kappa users add NAME (into --users-dir)");
    if (!exposed.ok()) Fail(exposed, 2);
  }
  // The ACLs live beside the users; always opened so the ACL APIs can prepare them before
  // --acls turns the checks on. With SASL the users' roles count too (SUPERUSER, and the
  // ACLs of roles granted to a user), as under kappa up.
  security::AuthorizerOptions ao;
  ao.enabled = a.acls;
  ao.super_users = a.super_users;
  auto acls = security::Authorizer::Open(users_dir, ao, opts.sasl.users);
  if (!acls.ok()) Fail(acls.status().WithContext("opening the ACLs"), 2);
  opts.authorizer = std::move(acls).value();
  auto policy = log::ParseFlushPolicy(a.flush);
  if (!policy) Fail("--flush must be every-append, interval or os", 2);
  auto explain_busy = [](const Status& st) {
    return Status::Unavailable(st.message() + " (is another broker running? choose another "
                                              "address with --listen HOST:PORT)");
  };
  for (const auto& l : opts.listeners) {
    auto busy = ProbeListen(HostPort{l.host, l.port});
    if (!busy.ok()) Fail(explain_busy(busy));
  }
  opts.auto_create_topics = !a.no_auto_create;
  opts.default_partitions = a.partitions;
  opts.threads = a.threads;
  opts.max_request_bytes = size_t(a.max_request_bytes);
  opts.fetch_max_bytes = uint64_t(a.fetch_max_bytes);
  opts.max_fetch_bytes_in_flight = uint64_t(a.max_fetch_bytes_in_flight);
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
  // The first listener as before, then every listener with its security protocol.
  std::string all;
  for (size_t i = 0; i < opts.listeners.size(); ++i) {
    all += fmt::format("{}{}://{}", i ? "," : "", kafka::SecurityProtocolName(opts.listeners[i].protocol),
                       HostPort{opts.listeners[i].host, (*server)->listener_port(i)}.ToString());
  }
  std::printf("kappa broker listening on %s:%u (data dir %s; listeners %s)\n",
              opts.listen_host.c_str(), unsigned((*server)->port()), a.data_dir.c_str(),
              all.c_str());
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
                  "Listeners: a comma-separated list of [PROTOCOL://]HOST:PORT, PROTOCOL one of "
                  "PLAINTEXT (the default), SASL_PLAINTEXT, SSL, SASL_SSL (port 0: any free port); a "
                  "PLAINTEXT listener off loopback needs --insecure, a SASL one needs users")
      ->capture_default_str();
  cmd->add_flag("--insecure", args->insecure,
                "Allow a PLAINTEXT listener on a non-loopback address (anyone who can connect "
                "may read and write every topic), or a SASL listener without users");
  cmd->add_option("--users-dir", args->users_dir,
                  "Where the users of the SASL listeners are (default: DATA_DIR/security, as "
                  "`kappa users --data-dir DATA_DIR` writes them)");
  cmd->add_flag("--acls", args->acls,
                "Check every request against the ACLs (Kafka's: TOPIC, GROUP, CLUSTER, "
                "TRANSACTIONAL_ID; managed with CreateAcls/DeleteAcls) kept beside the users");
  cmd->add_option("--super-user", args->super_users,
                  "A user every ACL check allows (Kafka's super.users; repeatable)");
  cmd->add_option("--sasl-mechanisms", args->sasl_mechanisms,
                  "SASL mechanisms of the SASL listeners, comma-separated")
      ->capture_default_str();
  AddServerTlsFlags(cmd, &args->tls, "the SSL:// and SASL_SSL:// listeners");
  cmd->add_option("--sasl-failed-login-delay-ms", args->sasl.failed_authentication_delay_ms,
                  "Answer a failed login after this long, doubled per further failure of the "
                  "same address within a minute (at most 5 s)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t(0), int64_t(5000)));
  cmd->add_option("--sasl-max-failed-logins", args->sasl.max_failed_logins_per_minute,
                  "Failed logins one address may make per minute; then its logins are refused "
                  "until the minute is over")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--sasl-session-lifetime-ms", args->sasl.session_lifetime_ms,
                  "KIP-368: a SASL login is good for this long; clients re-authenticate on the "
                  "connection before it ends, else it is closed (0: forever; Kafka's "
                  "connections.max.reauth.ms)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t(0), int64_t(INT64_MAX)));
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
  AddSizeOption(cmd, "--max-fetch-size", &args->fetch_max_bytes,
                "Record bytes one Fetch answer holds at most, whatever the client asks (Kafka's "
                "broker fetch.max.bytes; the first batch is returned whole)");
  AddSizeOption(cmd, "--max-fetch-bytes-in-flight", &args->max_fetch_bytes_in_flight,
                "Record bytes of Fetch answers held in memory over all connections; beyond, "
                "each Fetch returns one batch");
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
