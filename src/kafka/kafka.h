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
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/listener_limits.h"
#include "common/status.h"
#include "security/security.h"

namespace kappa::log {
class Log;
}
namespace kappa::security {
class UserStore;
}
namespace boost::asio::ssl {
class context;
}
namespace kappa::metrics {
class Registry;
}

namespace kappa::kafka {

// A listener's security protocol, named as Kafka names them (listener.security.protocol.map):
// PLAINTEXT, SASL_PLAINTEXT (SASL over plain TCP), SSL, SASL_SSL.
enum class SecurityProtocol { kPlaintext, kSaslPlaintext, kSsl, kSaslSsl };
const char* SecurityProtocolName(SecurityProtocol p);
inline bool UsesSasl(SecurityProtocol p) {
  return p == SecurityProtocol::kSaslPlaintext || p == SecurityProtocol::kSaslSsl;
}
inline bool UsesTls(SecurityProtocol p) {
  return p == SecurityProtocol::kSsl || p == SecurityProtocol::kSaslSsl;
}

// One address the server listens on.
struct KafkaListenerOptions {
  SecurityProtocol protocol = SecurityProtocol::kPlaintext;
  std::string host = "127.0.0.1";
  uint16_t port = 9092;  // 0: a free ephemeral port (KafkaServer::listener_port)
  // What Metadata/FindCoordinator/DescribeCluster tell a client that came in on this
  // listener. Empty host: the listen host (127.0.0.1 for 0.0.0.0/::); port 0: the bound port.
  std::string advertised_host;
  uint16_t advertised_port = 0;
};

// Parses `listeners.kafka` / `kappa broker --listen`: a comma-separated list of
// "PROTOCOL://HOST:PORT" (PROTOCOL one of the four above) or bare "HOST:PORT" (PLAINTEXT),
// e.g. "SASL_PLAINTEXT://0.0.0.0:9094,127.0.0.1:9092". InvalidArgument naming the bad entry.
Result<std::vector<KafkaListenerOptions>> ParseKafkaListeners(std::string_view text);

// Kafka's advertised.listeners: sets each listener's advertised_host/port from `text`, a
// comma-separated list of [PROTOCOL://]HOST:PORT with one entry per listener, in their order
// (a PROTOCOL, when given, must be that listener's). InvalidArgument naming the bad entry.
Status ApplyAdvertisedListeners(std::string_view text, std::vector<KafkaListenerOptions>* listeners);

// SASL on the SASL_PLAINTEXT / SASL_SSL listeners (docs/formats/kafka.md, "SASL").
struct KafkaSaslOptions {
  // Who may log in; required (non-null) when a listener uses SASL. Read at every login, so
  // users added or deleted while the server runs count from their next login.
  std::shared_ptr<const security::UserStore> users;
  // Enabled mechanisms (Kafka's sasl.enabled.mechanisms); a subset of PLAIN, SCRAM-SHA-256,
  // SCRAM-SHA-512. Default all three.
  std::vector<std::string> mechanisms = {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"};
  // A failed login is answered after this delay (Kafka's
  // connection.failed.authentication.delay.ms, default 100), doubled per recent failure of
  // the same peer address up to 5 s.
  int64_t failed_authentication_delay_ms = 100;
  // Failed logins one peer address may make per minute; beyond that its logins are refused
  // without checking until the minute is over. Default 30.
  int max_failed_logins_per_minute = 30;
  // KIP-368's connections.max.reauth.ms: an authenticated session lasts this long
  // (SaslAuthenticate v1+ tells the client, which re-authenticates on the same connection);
  // a request after expiry closes the connection. 0 (default): sessions do not expire.
  int64_t session_lifetime_ms = 0;
};

struct KafkaServerOptions {
  // Where to listen. Port 0 picks a free ephemeral port (see KafkaServer::port()).
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 9092;
  // Address clients are told to connect to (Metadata, FindCoordinator). Empty host: the
  // listen host; port 0: the bound port.
  std::string advertised_host;
  uint16_t advertised_port = 0;
  // Several listeners (each its own port and security protocol). Empty: one PLAINTEXT
  // listener on listen_host:listen_port advertised as advertised_host:advertised_port.
  std::vector<KafkaListenerOptions> listeners;
  KafkaSaslOptions sasl;
  // The TLS context of the SSL and SASL_SSL listeners (security::MakeServerTlsContext);
  // required when one is listed.
  std::shared_ptr<boost::asio::ssl::context> tls;
  // Create a topic with `default_partitions` partitions on first Metadata or Produce naming
  // it (Kafka's auto.create.topics.enable). Default on.
  bool auto_create_topics = true;
  int32_t default_partitions = 1;
  // Largest request frame accepted (Kafka's socket.request.max.bytes); a bigger size prefix
  // closes the connection. Default 100 MiB.
  size_t max_request_bytes = 100u << 20;
  // Record bytes one Fetch answer holds at most, whatever the client asks (Kafka's broker
  // fetch.max.bytes, default 55 MiB); the first batch is returned whole even if larger, so a
  // consumer always moves on. Answers are built in memory, so this bounds what one
  // connection's fetch costs.
  uint64_t fetch_max_bytes = 55u << 20;
  // Record bytes of Fetch answers built and not yet written, over all connections. A Fetch
  // returns only what is left of it (at least one batch), so many consumers asking for
  // everything at once, or not reading their answers, cannot run the server out of memory.
  // Default 256 MiB.
  uint64_t max_fetch_bytes_in_flight = 256u << 20;
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
  // Who may do what (security.acls; Kafka's ACLs, checked in every handler as Kafka's
  // KafkaApis does, answering TOPIC/GROUP/CLUSTER_AUTHORIZATION_FAILED). nullptr or a
  // disabled Authorizer: every request is allowed. Shared with the CQL server and the CLI.
  std::shared_ptr<security::Authorizer> authorizer;
};

// A consumer-group member as the coordinator knows it now.
struct GroupMemberView {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  // The leader's assignment decoded as Kafka's ConsumerProtocol (topic -> partitions, in the
  // order the leader wrote them); empty until the group synced, or for another protocol.
  std::vector<std::pair<std::string, std::vector<int32_t>>> assignment;
};

// A consumer group's live state (membership lives only in the running server; committed
// offsets are in the log's OffsetStore).
struct GroupView {
  std::string group_id;
  std::string state;  // "Empty", "PreparingRebalance", "CompletingRebalance", "Stable"
  std::string protocol_type;
  std::string protocol_name;
  int32_t generation_id = 0;
  std::vector<GroupMemberView> members;
};

struct GroupOffsetUpdate {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
};

struct TopicConfigValue {
  std::string name;
  std::string value;
  bool is_default = true;  // Kafka's DEFAULT_CONFIG, else DYNAMIC_TOPIC_CONFIG
};

// The server's administration seen in-process (the console), with the same rules as the
// matching Kafka requests. Thread-safe; valid as long as its KafkaServer (also after Stop).
class KafkaAdmin {
 public:
  virtual ~KafkaAdmin() = default;
  // Groups the coordinator knows, sorted by id (groups known only from committed offsets
  // are not here: log::OffsetStore::ListGroups has them).
  virtual std::vector<GroupView> ListGroups() const = 0;
  // nullopt if the coordinator does not know the group.
  virtual std::optional<GroupView> DescribeGroup(const std::string& group) const = 0;
  // Commits offsets for a group as an admin client does (OffsetCommit with generation -1,
  // Kafka's AdminClient.alterConsumerGroupOffsets): Aborted when the group has active
  // members (Kafka answers UNKNOWN_MEMBER_ID then), InvalidArgument for a negative offset,
  // NotFound for an unknown partition. A member may join right after the check, as in
  // Kafka; its next commit wins.
  virtual Status CommitGroupOffsets(const std::string& group,
                                    const std::vector<GroupOffsetUpdate>& offsets) = 0;
  // Creates a topic as CreateTopics does: the name rule, partitions within the server's
  // limits, every Kafka topic config validated as Kafka validates it (InvalidArgument with
  // the reason), AlreadyExists.
  virtual Status CreateTopic(const std::string& name, int32_t partitions,
                             const std::vector<std::pair<std::string, std::string>>& configs) = 0;
  // Every Kafka topic config with its value, sorted by name (DescribeConfigs). NotFound.
  virtual Result<std::vector<TopicConfigValue>> DescribeTopicConfigs(
      const std::string& topic) const = 0;
};

class KafkaServer {
 public:
  virtual ~KafkaServer() = default;
  // Binds, then serves on background threads until Stop(). Unavailable if the address
  // cannot be bound (the message names it).
  static Result<std::unique_ptr<KafkaServer>> Start(log::Log* log,
                                                    const KafkaServerOptions& options);
  // The bound port (useful with listen_port 0) of the first listener.
  virtual uint16_t port() const = 0;
  // The bound port of listener `i` (in the order of KafkaServerOptions::listeners).
  virtual uint16_t listener_port(size_t i) const = 0;
  // Closes the listener and every connection and joins the I/O threads. Idempotent.
  virtual void Stop() = 0;
  // Groups, offsets and topics administered in-process (see KafkaAdmin).
  virtual KafkaAdmin& admin() = 0;
};

}  // namespace kappa::kafka
