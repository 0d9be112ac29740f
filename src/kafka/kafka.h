// The Kafka wire-protocol server: kappa's log served to every Kafka client (kcat, librdkafka,
// confluent-kafka, kafka-python, KafkaJS). Public facade of src/kafka; other subsystems and
// the CLI include only this header. Protocol coverage, versions, limits and deviations:
// docs/formats/kafka.md.
//
// Ownership: the server serves an already-open log::Log owned by the caller, which must
// outlive the server (Stop() or destroy the server first). The server never takes the
// data-dir lock; the process that opened the log owns it.
//
// Threading: Start() spawns `threads` I/O threads running one Boost.Asio io_context with a
// strand per connection; requests on one connection are handled one at a time and answered
// in order, as Kafka requires. Start/Stop/port are thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "common/clock.h"
#include "common/listener_limits.h"
#include "common/status.h"

namespace kappa::log {
class Log;
}
namespace kappa::metrics {
class Registry;
}

namespace kappa::kafka {

struct KafkaServerOptions {
  // Where to listen. Port 0 picks a free ephemeral port (see KafkaServer::port()).
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 9092;
  // Address clients are told to connect to (Metadata, FindCoordinator). Empty host: the
  // listen host; port 0: the bound port.
  std::string advertised_host;
  uint16_t advertised_port = 0;
  // Create a topic with `default_partitions` partitions on first Metadata or Produce naming
  // it (Kafka's auto.create.topics.enable). Default on.
  bool auto_create_topics = true;
  int32_t default_partitions = 1;
  // Largest request frame accepted (Kafka's socket.request.max.bytes); a bigger size prefix
  // closes the connection. Default 100 MiB.
  size_t max_request_bytes = 100u << 20;
  // Connections, timeouts and memory of the listener (common/listener.h): max_connections,
  // idle_timeout_ms, request_timeout_ms, max_output_bytes (a connection holds at most one
  // unsent answer anyway), max_inflight_request_bytes (Kafka's queued.max.request.bytes).
  ListenerLimits limits;
  // Partitions one request may create (CreateTopics, CreatePartitions, topics auto-created by
  // one Metadata request), and partitions the log may hold in all after a create; beyond
  // either the create is refused with POLICY_VIOLATION. Defaults 1000 and 10000. Each
  // partition keeps about two files open.
  int32_t max_partitions_per_request = 1000;
  int32_t max_partitions = 10000;
  // I/O threads. Default 1 (the log's appends dominate; see docs/benchmarks/kafka.md).
  int threads = 1;
  int32_t node_id = 0;
  std::string cluster_id = "kappa-cluster";
  // Kafka's group.initial.rebalance.delay.ms: the first rebalance of an empty consumer group
  // waits this long for more members to join (so a group that starts together gets one
  // rebalance, not one per member). Default 3000, as Kafka; 0 = no wait (tests).
  int32_t group_initial_rebalance_delay_ms = 3000;
  Clock* clock = Clock::Real();  // group session timeouts, producer ids
  // Where the server's metrics go (kappa_kafka_*: request latency by API, errors by code,
  // connections; src/metrics/README.md). nullptr: metrics::Registry::Default(). Must outlive
  // the server.
  metrics::Registry* metrics = nullptr;
};

class KafkaServer {
 public:
  virtual ~KafkaServer() = default;
  // Binds, then serves on background threads until Stop(). Unavailable if the address
  // cannot be bound (the message names it).
  static Result<std::unique_ptr<KafkaServer>> Start(log::Log* log,
                                                    const KafkaServerOptions& options);
  // The bound port (useful with listen_port 0).
  virtual uint16_t port() const = 0;
  // Closes the listener and every connection and joins the I/O threads. Idempotent.
  virtual void Stop() = 0;
};

}  // namespace kappa::kafka
