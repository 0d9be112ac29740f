// `listeners:` of kappa.yaml: where the servers of `kappa up` listen (app/up_servers.h) and
// the Kafka group start delay; the limits are in config_listener_limits.cc.
#include <fmt/format.h>

#include "app/config_section.h"
#include "common/host_port.h"
#include "kafka/kafka.h"

namespace kappa::app {
namespace {

// A listener list of the CQL, HTTP or console listener: "off" or comma-separated
// [SCHEME://]HOST:PORT entries (common/host_port.h ParseListenList); TLS entries need
// security.tls, checked by PlanUp once flags are applied.
Status CheckListenList(const YamlReader& r_, const YAML::Node& n, std::string_view key,
                       std::string_view plain_scheme, std::string_view tls_scheme,
                       PipelineConfig* c) {
  ASSIGN_OR_RETURN(std::string text, r_.String(n, key));
  auto list = ParseListenList(text, plain_scheme, tls_scheme);
  if (!list.ok()) {
    return r_.Error(n, fmt::format("{}: {} (or off)", key, list.status().message()));
  }
  c->positions[std::string(key)] = r_.Where(n);
  return Status::OK();
}

}  // namespace

Status LoadListeners(const YamlReader& r_, const YAML::Node& n, PipelineConfig* c) {
  RETURN_IF_ERROR(r_.CheckKeys(n, {"kafka", "kafka_advertised", "cql", "http", "console",
                                   "kafka_group_initial_rebalance_delay", "limits",
                                   "kafka_limits", "cql_limits"},
                               "listeners"));
  RETURN_IF_ERROR(LoadListenerLimits(r_, n, &c->listeners));
  if (n["kafka"]) { ASSIGN_OR_RETURN(c->listeners.kafka, r_.String(n["kafka"], "listeners.kafka")); }
  if (n["cql"]) { ASSIGN_OR_RETURN(c->listeners.cql, r_.String(n["cql"], "listeners.cql")); }
  if (n["kafka_advertised"]) {
    ASSIGN_OR_RETURN(c->listeners.kafka_advertised,
                     r_.String(n["kafka_advertised"], "listeners.kafka_advertised"));
    auto listeners = kafka::ParseKafkaListeners(c->listeners.kafka);
    if (listeners.ok()) {
      Status s = kafka::ApplyAdvertisedListeners(c->listeners.kafka_advertised, &*listeners);
      if (!s.ok()) return r_.Error(n["kafka_advertised"], "listeners.kafka_advertised: " + s.message());
    }
    c->positions["listeners.kafka_advertised"] = r_.Where(n["kafka_advertised"]);
  }
  if (n["http"]) { ASSIGN_OR_RETURN(c->listeners.http, r_.String(n["http"], "listeners.http")); }
  if (n["kafka"] && c->listeners.kafka != "off") {
    // A list of Kafka listeners: "SASL_PLAINTEXT://0.0.0.0:9094,127.0.0.1:9092".
    auto l = kafka::ParseKafkaListeners(c->listeners.kafka);
    if (!l.ok()) {
      return r_.Error(n["kafka"], fmt::format("listeners.kafka: {} (or off)", l.status().message()));
    }
    c->positions["listeners.kafka"] = r_.Where(n["kafka"]);
  }
  if (n["http"]) {
    RETURN_IF_ERROR(CheckListenList(r_, n["http"], "listeners.http", "http", "https", c));
  }
  if (n["console"]) {
    ASSIGN_OR_RETURN(c->listeners.console, r_.String(n["console"], "listeners.console"));
    RETURN_IF_ERROR(
        CheckListenList(r_, n["console"], "listeners.console", "http", "https", c));
  }
  if (n["cql"]) RETURN_IF_ERROR(CheckListenList(r_, n["cql"], "listeners.cql", "tcp", "tls", c));
  if (const YAML::Node& d = n["kafka_group_initial_rebalance_delay"]) {
    ASSIGN_OR_RETURN(c->listeners.kafka_group_initial_rebalance_delay_ms,
                     r_.DurationMs(d, "listeners.kafka_group_initial_rebalance_delay"));
    if (c->listeners.kafka_group_initial_rebalance_delay_ms < 0 ||
        c->listeners.kafka_group_initial_rebalance_delay_ms > 300'000) {
      return r_.Error(d, "listeners.kafka_group_initial_rebalance_delay must be between 0 and 5m");
    }
  }
  return Status::OK();
}

}  // namespace kappa::app
