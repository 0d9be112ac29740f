// The network servers `kappa up` runs beside the pipeline, in the same process and on the same
// Log and Store: the Kafka wire protocol (src/kafka) and the CQL native protocol (src/cql).
// They are given the running Pipeline (and through it its Runtime), so what they serve can
// include the pipeline's state (statistics, health), not only the log and the store.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/host_port.h"
#include "common/status.h"
#include "app/config.h"
#include "kafka/kafka.h"

namespace kappa::metrics {
class History;
}

namespace kappa::app {

class Pipeline;

struct UpServersOptions {
  // Where to listen (nullopt: off). Port 0 picks a free port (tests). Checked beforehand by
  // PlanUp (up_check.h): a non-loopback Kafka address was allowed explicitly.
  std::optional<HostPort> kafka = HostPort{"127.0.0.1", 9092};
  // listeners.kafka as a list (kafka::ParseKafkaListeners) when it names more than `kafka`
  // or a security protocol; empty: one PLAINTEXT listener on `kafka`.
  std::vector<kafka::KafkaListenerOptions> kafka_listeners;
  // SASL of the SASL_* Kafka listeners (users: the data directory's security::UserStore,
  // opened by UpServers when a listener needs it; mechanisms and session lifetime from the
  // security: section).
  kafka::KafkaSaslOptions kafka_sasl;
  // CQL: one server per address (tls: TLS with `tls`); empty: off.
  std::vector<ListenAddress> cql = {ListenAddress{HostPort{"127.0.0.1", 9042}, false, ""}};
  // /health, /ready, /metrics (Prometheus text format) and the schema registry's REST API
  // (src/registry, over the runtime's log), no authentication: PlanUp refuses a
  // non-loopback address without --insecure. One server listening on every address (the
  // first is named "http", the others "http-1", ...; tls: HTTPS). Empty: off.
  std::vector<ListenAddress> http = {ListenAddress{HostPort{"127.0.0.1", 8081}, false, ""}};
  // security.tls: the certificate of every TLS address above (and the console's).
  std::optional<security::TlsOptions> tls;
  // The users of the data directory (security::UserStore) for every listener's logins;
  // null: UpServers opens DATA_DIR/security's. With any user, CQL clients must log in and
  // the HTTP API needs Basic auth (/health, /ready open; /metrics open unless
  // `metrics_auth`, security.metrics_auth).
  std::shared_ptr<security::UserStore> users;
  bool metrics_auth = false;
  // For messages: the flag or config line each address came from.
  std::string kafka_where = "listeners.kafka", cql_where = "listeners.cql",
              http_where = "listeners.http";
  // Who may do what on the Kafka and CQL listeners (security.acls over
  // DATA_DIR/security/acls); nullptr: no checks, and Kafka's ACL APIs answer
  // SECURITY_DISABLED.
  std::shared_ptr<security::Authorizer> authorizer;
  // CQL users (auth.cql_users); when any are given every CQL client must log in.
  std::map<std::string, std::string> cql_users;
  int32_t kafka_group_initial_rebalance_delay_ms = 3000;  // KafkaServerOptions
  // `listeners.limits`, `kafka_limits`, `cql_limits` of the config.
  ListenerLimits limits;
  KafkaListenerLimits kafka_limits;
  CqlListenerLimits cql_limits;
  // Where the schema registry on the HTTP listener keeps `_schemas`: empty, the runtime's
  // embedded log; else this Kafka cluster (`log: kafka`; its librdkafka properties).
  std::string registry_kafka_bootstrap;
  std::map<std::string, std::string> registry_kafka_properties;
  // log: kafka: where other instances forward writes when this one is elected the
  // registry's writer (empty: registry::DefaultAdvertisedUrl of the HTTP listener), the
  // electing consumer group and its session timeout (the `registry` config section).
  std::string registry_advertised_url;
  std::string registry_writer_group = "kappa-schema-registry";
  int registry_writer_session_timeout_ms = 10000;
  // The DAGs' orchestrator (UpDags::api()): Airflow's REST API v1 under /api/v1 on the
  // HTTP listener. Null: none. Must outlive the servers.
  orchestrator::Orchestrator* orchestrator = nullptr;
  // CQL server threads; 0 = one per CPU, as `kappa cql-server`.
  int cql_threads = 0;
  // The web console (src/console) on its own listener, reading this process's servers,
  // pipeline, registry and orchestrator. Empty: off. `console_required` false (the
  // address is the built-in default): a busy address only warns and the console stays off.
  std::vector<ListenAddress> console = {ListenAddress{HostPort{"127.0.0.1", 9021}, false, ""}};
  std::string console_where = "listeners.console";
  bool console_required = true;
  // console.users: (name, password hash); see console::ConsoleOptions.
  std::vector<std::pair<std::string, std::string>> console_users;
  // What the console shows as the version.
  std::string version;
};

// Running servers; Stop() (or the destructor) closes them. Not thread-safe. With an HTTP
// or console listener it also owns the metrics History (the last 15 minutes of every series of
// metrics::Registry::Default()), ticked once a second by its own thread.
class UpServers {
 public:
  ~UpServers();
  // Starts each enabled server. If an address is in use the error names it and says how to
  // choose another (listeners: in the config, --kafka-listen/--cql-listen, or off).
  // The servers serve `pipeline`'s runtime (its Log and Store); `pipeline` must outlive them.
  static Result<std::unique_ptr<UpServers>> Start(Pipeline* pipeline,
                                                  const UpServersOptions& options);
  // "kafka 127.0.0.1:9092, cql 127.0.0.1:9042, http 127.0.0.1:8081" (bound ports).
  std::string Describe() const;
  void Stop();
  // The pipeline the servers were started for (its stats(), Health(), runtime()).
  Pipeline& pipeline() const;
  // The last 15 minutes of the metrics (nullptr when the HTTP listener is off).
  metrics::History* history() const;
  // The bound HTTP port (0 when off).
  uint16_t http_port() const;
  // The bound console port (0 when off or not started).
  uint16_t console_port() const;

 private:
  struct Impl;
  explicit UpServers(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kappa::app
