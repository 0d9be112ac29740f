#include "app/up_servers.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "app/app.h"
#include "app/console_kafka_source.h"
#include "app/console_pipeline_source.h"
#include "app/console_facts.h"
#include "app/up_http_auth.h"
#include "common/host_port.h"
#include "common/logging.h"
#include "common/mutex.h"
#include "common/thread_annotations.h"
#include "console/console.h"
#include "cql/cql.h"
#include "http/http.h"
#include "kafka/kafka.h"
#include "security/security.h"
#include "metrics/metrics.h"
#include "registry/registry.h"
#include "security/security.h"

namespace kappa::app {

struct UpServers::Impl {
  Pipeline* pipeline = nullptr;
  std::unique_ptr<kafka::KafkaServer> kafka;
  std::string kafka_host;
  // One CQL server per address of listeners.cql, beside its address (port: the bound one).
  std::vector<std::unique_ptr<cql::Server>> cql;
  std::vector<ListenAddress> cql_addresses;
  // One HTTP server on every address of listeners.http (listener "http", "http-1", ...).
  std::unique_ptr<http::Server> http;
  std::vector<ListenAddress> http_addresses;
  std::shared_ptr<boost::asio::ssl::context> tls;  // security.tls, made once if needed
  // The schema registry served on the HTTP listener (over the runtime's log, topic _schemas).
  std::shared_ptr<registry::Registry> registry;
  // The console's view of the log and the Kafka server (topics, messages, groups).
  std::unique_ptr<console::KafkaSource> console_kafka;
  // The console's view of the pipeline's jobs and the store (Jobs and Tables pages).
  std::unique_ptr<console::PipelineSource> console_pipeline;
  std::unique_ptr<console::Console> console;  // after its sources: destroyed before them
  ListenAddress console_address;
  std::unique_ptr<metrics::History> history;
  std::thread ticker;
  Mutex mu;
  CondVar cv;
  bool stopping GUARDED_BY(mu) = false;
  std::string data_dir;  // where up.json was written ("" if not)
  // Every listener serves and up.json is written: /ready waits for it, so a probe that saw
  // READY finds the other listeners and `kappa jobs status`'s live figures there.
  std::shared_ptr<std::atomic<bool>> started = std::make_shared<std::atomic<bool>>(false);
};

UpServers::UpServers(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
UpServers::~UpServers() { Stop(); }

namespace {
// The bound addresses of the HTTP server's listeners, "https://127.0.0.1:8443" for TLS ones.
std::string HttpListenerName(size_t i) { return i == 0 ? "http" : fmt::format("http-{}", i); }

Status Explain(const Status& s, std::string_view what, const HostPort& addr,
               std::string_view where, std::string_view key, std::string_view flag) {
  return s.WithContext(fmt::format(
      "cannot start the {} listener on {} (set by {}); is another kappa or {} running? Choose "
      "another address with {} in the config's listeners: section (or {} HOST:PORT), or turn "
      "it off with `{}: off`",
      what, addr.ToString(), where,
      what == "Kafka" ? "Kafka broker" : what == "CQL" ? "Cassandra" : "HTTP server", key, flag,
      key));
}

// /health: the process answers. /ready: the jobs are started (UpServers starts after
// StartJobs), every listener serves (`started`) and nothing has failed. /metrics: the
// default registry, Prometheus text 0.0.4.
std::shared_ptr<http::Router> UpRoutes(Pipeline* pipeline,
                                       std::shared_ptr<const std::atomic<bool>> started) {
  auto router = std::make_shared<http::Router>();
  router->Get("/health", [](http::Request&) {
    return http::Response::Json({{"status", "UP"}});
  });
  router->Get("/ready", [pipeline, started](http::Request&) {
    if (!started->load(std::memory_order_acquire)) {
      return http::Response::Json({{"status", "NOT_READY"}, {"reason", "starting the listeners"}},
                                  503);
    }
    Status h = pipeline->Health();
    if (!h.ok()) {
      return http::Response::Json({{"status", "NOT_READY"}, {"reason", h.ToString()}}, 503);
    }
    return http::Response::Json({{"status", "READY"}});
  });
  router->Get("/metrics", [](http::Request&) {
    return http::Response::Text(metrics::Registry::Default().Render(), 200,
                                "text/plain; version=0.0.4; charset=utf-8");
  });
  return router;
}

// Counts answered requests by listener, route pattern and status code (bounded labels: never
// the raw path; a request no route matched is "unmatched").
std::function<void(const http::RequestRecord&)> RequestObserver() {
  auto& reg = metrics::Registry::Default();
  auto* requests = &reg.GetCounterFamily("kappa_http_requests_total",
                                         "HTTP requests answered, by route pattern and status",
                                         {"listener", "route", "code"});
  auto* duration = &reg.GetHistogramFamily(
      "kappa_http_request_duration_seconds",
      "Time from an HTTP request's last byte to its answer queued, by route pattern", {"route"},
      {0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5});
  return [requests, duration](const http::RequestRecord& r) {
    std::string_view route = r.route.empty() ? std::string_view("unmatched") : r.route;
    std::string code = std::to_string(r.status);
    requests->With({r.listener, route, code}).Add(1);
    duration->With({route}).Observe(double(r.duration_us) / 1e6);
  };
}
}  // namespace

metrics::History* UpServers::history() const { return impl_->history.get(); }

uint16_t UpServers::http_port() const { return impl_->http ? impl_->http->port("http") : 0; }

namespace {
// The addresses with their bound ports, "cql 127.0.0.1:9042, cql tls://127.0.0.1:9142".
std::string Join(std::string_view what, const std::vector<ListenAddress>& addrs) {
  std::string out;
  for (const ListenAddress& a : addrs) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{} {}", what, a.ToString());
  }
  return out;
}
}  // namespace

uint16_t UpServers::console_port() const { return impl_->console ? impl_->console->port() : 0; }

Pipeline& UpServers::pipeline() const { return *impl_->pipeline; }

Result<std::unique_ptr<UpServers>> UpServers::Start(Pipeline* pipeline,
                                                    const UpServersOptions& o) {
  auto impl = std::make_unique<Impl>();
  impl->pipeline = pipeline;
  impl->console_pipeline = NewConsolePipelineSource(pipeline);
  log::Log* log = &pipeline->runtime().log();
  store::Store* store = &pipeline->runtime().store();
  // One TLS context for every TLS address (Kafka SSL/SASL_SSL, cql tls://, https://).
  bool any_tls = std::any_of(o.kafka_listeners.begin(), o.kafka_listeners.end(),
                             [](const auto& l) { return kafka::UsesTls(l.protocol); });
  for (const auto* list : {&o.cql, &o.http, &o.console}) {
    for (const ListenAddress& a : *list) any_tls = any_tls || a.tls;
  }
  if (any_tls) {
    if (!o.tls) return Status::InvalidArgument("a TLS listener needs security.tls");
    auto ctx = security::MakeServerTlsContext(*o.tls);
    if (!ctx.ok()) return ctx.status().WithContext("security.tls");
    impl->tls = std::move(ctx).value();
  }
  // The users `kappa users` writes (re-read when it changes them), for every listener's
  // logins: Kafka SASL, CQL PasswordAuthenticator, HTTP Basic, the console.
  std::shared_ptr<security::UserStore> users = o.users;
  if (!users) {
    auto u = security::UserStore::Open(security::SecurityDir(pipeline->runtime().options().data_dir));
    if (!u.ok()) return u.status().WithContext("opening the users");
    users = std::move(u).value();
  }
  if (o.kafka) {
    kafka::KafkaServerOptions ko;
    ko.listen_host = o.kafka->host;
    ko.listen_port = o.kafka->port;
    ko.listeners = o.kafka_listeners;
    ko.sasl = o.kafka_sasl;
    bool sasl = std::any_of(ko.listeners.begin(), ko.listeners.end(),
                            [](const auto& l) { return kafka::UsesSasl(l.protocol); });
    if (sasl && ko.sasl.users == nullptr) ko.sasl.users = users;
    ko.tls = impl->tls;
    ko.group_initial_rebalance_delay_ms = o.kafka_group_initial_rebalance_delay_ms;
    ko.limits = o.limits;
    ko.max_request_bytes = size_t(o.kafka_limits.max_request_bytes);
    ko.fetch_max_bytes = uint64_t(o.kafka_limits.fetch_max_bytes);
    ko.max_fetch_bytes_in_flight = uint64_t(o.kafka_limits.max_fetch_bytes_in_flight);
    ko.max_partitions_per_request = o.kafka_limits.max_partitions_per_request;
    ko.max_partitions = o.kafka_limits.max_partitions;
    ko.authorizer = o.authorizer;
    auto s = kafka::KafkaServer::Start(log, ko);
    if (!s.ok()) {
      return Explain(s.status(), "Kafka", *o.kafka, o.kafka_where, "listeners.kafka", "--kafka-listen");
    }
    impl->kafka = std::move(s).value();
    impl->kafka_host = o.kafka->host;
  }
  impl->console_kafka =
      NewConsoleKafkaSource(log, impl->kafka ? &impl->kafka->admin() : nullptr);
  for (const ListenAddress& addr : o.cql) {
    cql::ServerOptions co;
    co.host = addr.address.host;
    co.port = addr.address.port;
    if (addr.tls) co.tls = impl->tls;
    // One thread per CPU: a slow statement holds only its own thread's connections.
    co.threads = o.cql_threads;
    co.limits = o.limits;
    co.max_frame_bytes = uint32_t(o.cql_limits.max_frame_bytes);
    co.max_statement_bytes = size_t(o.cql_limits.max_statement_bytes);
    co.max_result_bytes = size_t(o.cql_limits.max_result_bytes);
    co.prepared_cache_bytes = size_t(o.cql_limits.prepared_cache_bytes);
    co.users = o.cql_users;
    co.user_store = users;
    co.authorizer = o.authorizer;
    // Configured users mean logins are wanted, on loopback too.
    if (!co.users.empty() || !users->Empty()) co.auth = cql::ServerOptions::Auth::kRequired;
    auto s = cql::Server::Start(store, co);
    if (!s.ok()) {
      return Explain(s.status(), "CQL", addr.address, o.cql_where, "listeners.cql", "--cql-listen");
    }
    ListenAddress bound = addr;
    bound.address.port = (*s)->port();
    impl->cql.push_back(std::move(s).value());
    impl->cql_addresses.push_back(std::move(bound));
  }
  if (!o.http.empty()) {
    // One registry per process: the pipeline's producers and jobs use the same instance
    // (the runtime's, placed by the config's log: as below).
    if (pipeline) {
      auto reg = pipeline->runtime().SchemaRegistry();
      if (!reg.ok()) return reg.status().WithContext("opening the schema registry");
      impl->registry = std::move(reg).value();
    } else {
      registry::RegistryOptions ro;
      ro.log = log;
      ro.kafka_bootstrap = o.registry_kafka_bootstrap;
      ro.kafka_properties = o.registry_kafka_properties;
      ro.writer_group = o.registry_writer_group;
      ro.writer_session_timeout_ms = o.registry_writer_session_timeout_ms;
      auto reg = registry::Registry::Open(ro);
      if (!reg.ok()) return reg.status().WithContext("opening the schema registry");
      impl->registry = std::move(*reg);
    }
    auto router = UpRoutes(pipeline, impl->started);
    // Confluent Schema Registry's REST API beside /health, /ready and /metrics.
    // A follower forwards writes to the elected writer: over https:// checked against
    // security.tls.ca (the deployment's CA), with the caller's login.
    registry::RestOptions ro;
    if (o.tls) ro.forward_ca_file = o.tls->ca_file;
    registry::AddRegistryRoutes(impl->registry, router.get(), nullptr, std::move(ro));
    // HTTP Basic with the data directory's users, once there are any (up_http_auth.h).
    router->Use(HttpBasicAuth(users, o.metrics_auth, o.authorizer));
    // Airflow's stable REST API v1 (/api/v1/dags, dagRuns, taskInstances, ...).
    if (o.orchestrator) orchestrator::AddAirflowRoutes(o.orchestrator, router.get());
    std::vector<http::ListenerOptions> listeners;
    for (const ListenAddress& addr : o.http) {
      http::ListenerOptions lo;
      lo.name = HttpListenerName(listeners.size());
      lo.host = addr.address.host;
      lo.port = addr.address.port;
      lo.router = router;
      lo.limits = o.limits;
      if (addr.tls) lo.tls = impl->tls;
      listeners.push_back(std::move(lo));
    }
    http::ServerOptions so;
    so.observer = RequestObserver();
    // A schema registration waits for its fsync on the handler's thread: several threads
    // keep /metrics and lookups answering meanwhile, and let registrations share fsyncs.
    so.threads = 4;
    auto s = http::Server::Start(std::move(so), std::move(listeners));
    if (!s.ok()) {
      return Explain(s.status(), "HTTP", o.http.front().address, o.http_where, "listeners.http",
                     "--http-listen");
    }
    impl->http = std::move(s).value();
    for (size_t i = 0; i < o.http.size(); ++i) {
      ListenAddress bound = o.http[i];
      bound.address.port = impl->http->port(HttpListenerName(i));
      impl->http_addresses.push_back(std::move(bound));
    }
    // Reachable now: join the registry's writer election (log: kafka; a no-op otherwise).
    std::string url = o.registry_advertised_url.empty()
                          ? registry::DefaultAdvertisedUrl(o.http.front().address.host,
                                                           impl->http->port("http"),
                                                           o.http.front().tls)
                          : o.registry_advertised_url;
    Status joined = impl->registry->JoinWriterElection(url);
    if (!joined.ok()) return joined.WithContext("joining the schema registry's writer election");
  }
  if (!o.http.empty() || !o.console.empty()) {
    // The last 15 minutes of every series, for the console; sampled once a second.
    impl->history = std::make_unique<metrics::History>(&metrics::Registry::Default());
  }
  if (!o.console.empty()) {
    // The console's Sources: what its pages read, over this process (console/console.h).
    // Each part's source is created here (src/app/console_<part>_source.cc).
    std::vector<std::pair<std::string, std::string>> listeners;
    if (impl->kafka) listeners.emplace_back("kafka", HostPort{impl->kafka_host, impl->kafka->port()}.ToString());
    for (const ListenAddress& a : impl->cql_addresses) listeners.emplace_back("cql", a.ToString());
    for (const ListenAddress& a : impl->http_addresses) listeners.emplace_back("http", a.ToString());
    console::Sources cs;
    cs.facts = ConsoleFacts(pipeline->runtime().options().data_dir, o.version, std::move(listeners));
    for (const auto& job : pipeline->jobs()) {
      cs.facts.dead_letter_topics.push_back(job->config().dead_letter_topic);
    }
    cs.history = impl->history.get();
    cs.registry = impl->registry.get();
    cs.orchestrator = o.orchestrator;
    cs.kafka = impl->console_kafka.get();
    cs.pipeline = impl->console_pipeline.get();
    console::ConsoleOptions co;
    co.listen = o.console.front().address;
    co.listen_tls = o.console.front().tls;
    co.also_listen.assign(o.console.begin() + 1, o.console.end());
    co.tls = impl->tls;
    for (const auto& [name, hash] : o.console_users) co.users.push_back({name, hash});
    co.user_store = users;
    co.observer = RequestObserver();
    auto c = console::Console::Start(cs, co);
    if (!c.ok() && c.status().code() == Status::Code::kInvalidArgument) {
      return c.status().WithContext(o.console_where);  // users or hashes: not the address
    }
    if (!c.ok() && o.console_required) {
      return Explain(c.status(), "console", o.console.front().address, o.console_where,
                     "listeners.console",
                     "--console-listen");
    }
    if (!c.ok()) {
      // The built-in default address (nobody asked for it): another kappa on this machine
      // may hold it. Run without a console rather than refuse to start.
      KLOG_WARN("the console is off: {} (listeners.console's default 127.0.0.1:9021; set "
                "listeners.console or --console-listen HOST:PORT to choose another address)",
                c.status().ToString());
    } else {
      impl->console = std::move(c).value();
      impl->console_address = o.console.front();
      impl->console_address.address.port = impl->console->port();
    }
  }
  // Ticked once a second from here on; started after the last step that can fail, so an
  // error return never leaves a running thread behind.
  if (impl->history) {
    Impl* i = impl.get();
    impl->ticker = std::thread([i] {
      MutexLock lock(i->mu);
      while (!i->stopping) {
        int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
        lock.unlock();
        i->history->Tick(now);
        lock.lock();
        // A spurious wake-up only ticks early; Tick ignores a second in the same second.
        if (!i->stopping) i->cv.wait_for(lock, std::chrono::seconds(1));
      }
    });
  }
  // Where we serve, for commands over the same data directory (jobs status's live figures).
  UpEndpoints e;
  e.pid = int64_t(::getpid());
  if (impl->kafka) e.kafka = HostPort{impl->kafka_host, impl->kafka->port()}.ToString();
  // The first plain address of each: the commands reading up.json (jobs status, dags,
  // consume) speak plain HTTP/CQL to it; with TLS addresses only they see none.
  auto first_plain = [](const std::vector<ListenAddress>& addrs) {
    for (const ListenAddress& a : addrs) {
      if (!a.tls) return a.address.ToString();
    }
    return std::string();
  };
  e.cql = first_plain(impl->cql_addresses);
  e.http = first_plain(impl->http_addresses);
  if (impl->console && !impl->console_address.tls) {
    e.console = impl->console_address.address.ToString();
  }
  const std::string& dir = pipeline->runtime().options().data_dir;
  if (Status st = WriteUpEndpoints(dir, e); st.ok()) {
    impl->data_dir = dir;
  } else {
    KLOG_WARN("cannot record the listeners in {}/up.json ({}); `kappa jobs status` will not "
              "show live figures", dir, st.ToString());
  }
  impl->started->store(true, std::memory_order_release);
  return std::unique_ptr<UpServers>(new UpServers(std::move(impl)));
}

std::string UpServers::Describe() const {
  std::string out;
  if (impl_->kafka) out += fmt::format("kafka {}:{}", impl_->kafka_host, impl_->kafka->port());
  for (const std::string& part : {Join("cql", impl_->cql_addresses),
                                   Join("http", impl_->http_addresses)}) {
    if (part.empty()) continue;
    if (!out.empty()) out += ", ";
    out += part;
  }
  if (impl_->console) {
    if (!out.empty()) out += ", ";
    out += fmt::format("console {}://{}/", impl_->console_address.tls ? "https" : "http",
                       impl_->console_address.address.ToString());
  }
  return out.empty() ? "no network listeners" : out;
}

void UpServers::Stop() {
  if (!impl_->data_dir.empty()) {
    RemoveUpEndpoints(impl_->data_dir);
    impl_->data_dir.clear();
  }
  if (impl_->kafka) impl_->kafka->Stop();
  for (auto& c : impl_->cql) c->Stop();
  if (impl_->console) impl_->console->Stop();
  if (impl_->http) impl_->http->Stop();
  impl_->registry.reset();
  if (impl_->ticker.joinable()) {
    {
      MutexLock lock(impl_->mu);
      impl_->stopping = true;
    }
    impl_->cv.notify_all();
    impl_->ticker.join();
  }
}

}  // namespace kappa::app
