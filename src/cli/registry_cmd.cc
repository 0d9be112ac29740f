// `kappa registry`: serves the Confluent-compatible schema registry (src/registry) over the
// data directory's log (topic `_schemas`) until SIGINT or SIGTERM, with /health and
// /metrics beside it. Owns the data directory (the data-dir lock, through app::Runtime)
// while it runs, as `kappa broker` does; `kappa up` serves the same routes on listeners.http.
#include <signal.h>

#include <nlohmann/json.hpp>

#include <cstdio>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/listen_check.h"
#include "cli/listener_flags.h"
#include "cli/stop_signals.h"
#include "common/host_port.h"
#include "common/logging.h"
#include "http/http.h"
#include "log/log.h"
#include "metrics/metrics.h"
#include "registry/registry.h"

namespace kappa::cli {

namespace {

struct RegistryArgs {
  std::string data_dir;
  std::string listen = "127.0.0.1:8081";
  bool insecure = false;
  // A registration waits for its fsync on its thread; concurrent ones share fsyncs.
  int threads = 4;
  ListenerFlags limits;
  // An external Kafka cluster instead of the data directory (`log: kafka`), and the writer
  // election there.
  std::string bootstrap;
  std::string advertised_url;
  std::string writer_group = "kappa-schema-registry";
  int writer_session_timeout_ms = 10000;
};

void RunRegistry(const RegistryArgs& a) {
  const StopSignals signals;  // blocked in every server thread; this one waits for them
  auto listen = ParseHostPort(a.listen);
  if (!listen.ok()) Fail(listen.status().WithContext("--listen"), 2);
  if (!IsLoopbackHost(listen->host) && !a.insecure) {
    Fail(Status::InvalidArgument(
             "--listen " + listen->ToString() +
             " can be reached from other machines, and the schema registry has no "
             "authentication (anyone could register and delete schemas): listen on "
             "127.0.0.1, or allow it with --insecure"),
         2);
  }
  Status busy = ProbeListen(*listen);
  if (!busy.ok()) {
    Fail(Status::Unavailable(busy.message() +
                             " (is another schema registry or kappa up running? choose another "
                             "address with --listen HOST:PORT)"));
  }
  std::unique_ptr<app::Runtime> rt;
  if (a.bootstrap.empty()) {
    auto opened = OpenDataDir(a.data_dir, "kappa registry", Access::kOwner, /*log=*/true,
                              /*store=*/false, log::LogOptions{});
    if (!opened.ok()) Fail(opened.status());
    rt = std::move(*opened);
  }


  registry::RegistryOptions ro;
  if (rt) ro.log = &rt->log();
  ro.kafka_bootstrap = a.bootstrap;
  ro.writer_group = a.writer_group;
  ro.writer_session_timeout_ms = a.writer_session_timeout_ms;
  auto reg = registry::Registry::Open(ro);
  if (!reg.ok()) Fail(reg.status().WithContext("opening the schema registry"));
  std::shared_ptr<registry::Registry> shared = std::move(*reg);

  auto router = std::make_shared<http::Router>();
  registry::AddRegistryRoutes(shared, router.get());
  router->Get("/health", [](http::Request&) { return http::Response::Json({{"status", "UP"}}); });
  router->Get("/metrics", [](http::Request&) {
    return http::Response::Text(metrics::Registry::Default().Render(), 200,
                                "text/plain; version=0.0.4; charset=utf-8");
  });
  http::ListenerOptions lo;
  lo.name = "http";
  lo.host = listen->host;
  lo.port = listen->port;
  lo.router = router;
  lo.limits = ListenerLimitsFromFlags(a.limits);
  http::ServerOptions so;
  so.threads = a.threads;
  auto server = http::Server::Start(so, {std::move(lo)});
  if (!server.ok()) Fail(server.status().WithContext("--listen " + listen->ToString()));
  // Only now can the writer be reached at its URL: join the election (log: kafka).
  std::string url = a.advertised_url.empty()
                        ? registry::DefaultAdvertisedUrl(listen->host, (*server)->port())
                        : a.advertised_url;
  Status joined = shared->JoinWriterElection(url);
  if (!joined.ok()) Fail(joined.WithContext("joining the registry's writer election"));
  std::printf("kappa registry listening on %s:%u (%s %s)\n", listen->host.c_str(),
              unsigned((*server)->port()), a.bootstrap.empty() ? "data dir" : "kafka",
              a.bootstrap.empty() ? a.data_dir.c_str() : a.bootstrap.c_str());
  std::fflush(stdout);
  const int sig = signals.Wait();
  KLOG_INFO("kappa registry: {}, shutting down", StopSignals::Name(sig));
  (*server)->Stop();
  server->reset();
  shared.reset();
  if (rt) {
    Status s = rt->log().Close();
    if (!s.ok()) Fail(s);
  }
}

}  // namespace

void RegisterRegistryCommand(CLI::App& app, const Groups& g) {
  auto args = std::make_shared<RegistryArgs>();
  CLI::App* cmd = app.add_subcommand(
      "registry",
      "Serve the Confluent-compatible schema registry (REST API of Confluent Schema Registry\n"
      "7.x; schemas kept in the data directory's _schemas topic) until Ctrl-C. Prints\n"
      "'kappa registry listening on HOST:PORT' once ready. `kappa up` serves the same API on\n"
      "listeners.http.");
  AddDataDirOption(cmd, &args->data_dir);
  cmd->add_option("--listen", args->listen,
                  "host:port to listen on (port 0: any free port); a non-loopback address needs "
                  "--insecure")
      ->capture_default_str();
  cmd->add_flag("--insecure", args->insecure,
                "Allow listening on a non-loopback address: the registry has no authentication");
  cmd->add_option("--threads", args->threads, "HTTP server threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  AddListenerFlags(cmd, &args->limits);
  cmd->add_option("--bootstrap", args->bootstrap,
                  "Keep _schemas on this Kafka cluster (host:port[,...]) instead of the data "
                  "directory; several `kappa registry` and `kappa up` on one cluster elect one "
                  "writer and forward writes to it");
  cmd->add_option("--advertised-url", args->advertised_url,
                  "With --bootstrap: the URL other instances forward writes to when this one is "
                  "elected (default http://HOST:PORT of --listen, loopback for a wildcard)");
  cmd->add_option("--writer-group", args->writer_group,
                  "With --bootstrap: the consumer group electing the writer")
      ->capture_default_str();
  cmd->add_option("--writer-session-timeout-ms", args->writer_session_timeout_ms,
                  "With --bootstrap: how long a dead writer keeps the role")
      ->capture_default_str()
      ->check(CLI::Range(1000, 300000));
  cmd->callback([args] { RunRegistry(*args); });
}

}  // namespace kappa::cli
