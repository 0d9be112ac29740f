// What `kappa up` checks before it writes anything: the settings the config loader cannot
// check alone because flags override them (listener addresses, the data directory) and the
// rules between them (a listener other machines can reach needs authentication). Every error
// names the flag or the config line it comes from. `kappa up --check` runs the same checks.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/host_port.h"
#include "common/status.h"
#include "app/app.h"
#include "kafka/kafka.h"

namespace kappa::cli {

// Command-line overrides of the config (empty: not given).
struct UpFlags {
  std::optional<std::string> data_dir;  // --data-dir
  std::string kafka_listen;             // --kafka-listen
  std::string kafka_advertised;         // --kafka-advertised
  std::string cql_listen;               // --cql-listen
  std::string http_listen;              // --http-listen
  std::string console_listen;           // --console-listen
  bool insecure = false;                // --insecure
};

struct UpPlan {
  std::string data_dir;
  std::optional<HostPort> kafka;  // nullopt: off; else the first of kafka_listeners
  // Every Kafka listener (listeners.kafka / --kafka-listen as a list).
  std::vector<kafka::KafkaListenerOptions> kafka_listeners;
  // Listener lists ("127.0.0.1:8081,https://0.0.0.0:8443"; common/host_port.h
  // ParseListenList); empty: off. A TLS entry needs security.tls.
  std::vector<ListenAddress> cql;      // bare = plain, tls://
  std::vector<ListenAddress> http;     // bare or http:// = plain, https://
  std::vector<ListenAddress> console;  // bare or http:// = plain, https://
  // False when listeners.console is the built-in default (neither in the file nor a flag):
  // a busy address then only warns (app/up_servers.h).
  bool console_required = true;
  std::string console_where;
  std::map<std::string, std::string> cql_users;  // auth.cql_users
  std::string kafka_where, cql_where, http_where;           // "--kafka-listen", "kappa.yaml:45:10: listeners.kafka"
};

// Resolves the overrides and checks them; InvalidArgument naming the flag or line.
Result<UpPlan> PlanUp(const app::PipelineConfig& config, const UpFlags& flags);

// Binds each listener address once and releases it (common/host_port.h's ProbeListen), so a
// busy port fails before the data directory is created. Unavailable with what to change.
Status ProbeUpListeners(const UpPlan& plan);

}  // namespace kappa::cli
