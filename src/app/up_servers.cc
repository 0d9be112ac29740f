#include "app/up_servers.h"

#include <fmt/format.h>

#include "app/app.h"
#include "cql/cql.h"
#include "kafka/kafka.h"

namespace kappa::app {

struct UpServers::Impl {
  Pipeline* pipeline = nullptr;
  std::unique_ptr<kafka::KafkaServer> kafka;
  std::string kafka_host;
  std::unique_ptr<cql::Server> cql;
  std::string cql_host;
};

UpServers::UpServers(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
UpServers::~UpServers() { Stop(); }

namespace {
Status Explain(const Status& s, std::string_view what, const HostPort& addr,
               std::string_view where, std::string_view key, std::string_view flag) {
  return s.WithContext(fmt::format(
      "cannot start the {} listener on {} (set by {}); is another kappa or {} running? Choose "
      "another address with {} in the config's listeners: section (or {} HOST:PORT), or turn "
      "it off with `{}: off`",
      what, addr.ToString(), where, what == "Kafka" ? "Kafka broker" : "Cassandra", key, flag,
      key));
}
}  // namespace

Pipeline& UpServers::pipeline() const { return *impl_->pipeline; }

Result<std::unique_ptr<UpServers>> UpServers::Start(Pipeline* pipeline,
                                                    const UpServersOptions& o) {
  auto impl = std::make_unique<Impl>();
  impl->pipeline = pipeline;
  log::Log* log = &pipeline->runtime().log();
  store::Store* store = &pipeline->runtime().store();
  if (o.kafka) {
    kafka::KafkaServerOptions ko;
    ko.listen_host = o.kafka->host;
    ko.listen_port = o.kafka->port;
    ko.group_initial_rebalance_delay_ms = o.kafka_group_initial_rebalance_delay_ms;
    ko.limits = o.limits;
    ko.max_request_bytes = size_t(o.kafka_limits.max_request_bytes);
    ko.max_partitions_per_request = o.kafka_limits.max_partitions_per_request;
    ko.max_partitions = o.kafka_limits.max_partitions;
    auto s = kafka::KafkaServer::Start(log, ko);
    if (!s.ok()) {
      return Explain(s.status(), "Kafka", *o.kafka, o.kafka_where, "listeners.kafka", "--kafka-listen");
    }
    impl->kafka = std::move(s).value();
    impl->kafka_host = o.kafka->host;
  }
  if (o.cql) {
    cql::ServerOptions co;
    co.host = o.cql->host;
    co.port = o.cql->port;
    // One thread per CPU: a slow statement holds only its own thread's connections.
    co.threads = o.cql_threads;
    co.limits = o.limits;
    co.max_frame_bytes = uint32_t(o.cql_limits.max_frame_bytes);
    co.max_statement_bytes = size_t(o.cql_limits.max_statement_bytes);
    co.prepared_cache_bytes = size_t(o.cql_limits.prepared_cache_bytes);
    co.users = o.cql_users;
    // Configured users mean logins are wanted, on loopback too.
    if (!co.users.empty()) co.auth = cql::ServerOptions::Auth::kRequired;
    auto s = cql::Server::Start(store, co);
    if (!s.ok()) return Explain(s.status(), "CQL", *o.cql, o.cql_where, "listeners.cql", "--cql-listen");
    impl->cql = std::move(s).value();
    impl->cql_host = o.cql->host;
  }
  return std::unique_ptr<UpServers>(new UpServers(std::move(impl)));
}

std::string UpServers::Describe() const {
  std::string out;
  if (impl_->kafka) out += fmt::format("kafka {}:{}", impl_->kafka_host, impl_->kafka->port());
  if (impl_->cql) {
    if (!out.empty()) out += ", ";
    out += fmt::format("cql {}:{}", impl_->cql_host, impl_->cql->port());
  }
  return out.empty() ? "no network listeners" : out;
}

void UpServers::Stop() {
  if (impl_->kafka) impl_->kafka->Stop();
  if (impl_->cql) impl_->cql->Stop();
}

}  // namespace kappa::app
