// The options of a streaming job and of the inputs and outputs it runs on: a job
// (JobConfig: topic -> table), where it starts (StartPosition), where its rows go (SinkConfig:
// the embedded store or an external Cassandra cluster), and where its topics live (LogConfig:
// the embedded log or an external Kafka cluster). Part of stream's public header (stream.h).
//
// Plain structs: stream knows no config file format. The app layer (src/app) fills them from
// kappa.yaml (reference: docs/formats/config.md, "jobs", "log", "Sinks"), with each field's
// default as written here; all are fixed for the life of a job run.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kappa::stream {

// A topic the pipeline uses (`topics:`), as created on the embedded log or the Kafka cluster.
struct TopicConfig {
  std::string name;
  int32_t partitions = 1;
  int64_t retention_bytes = -1;  // -1: the global retention.bytes_per_partition
  int64_t retention_ms = -1;     // -1: the global retention.age
  int line = 0;                  // 1-based line in the config file (for later messages)
};

// Where the pipeline's topics live (`log:` at the top of kappa.yaml).
//   embedded  the data directory's own log (default).
//   kafka     an external Kafka cluster (or another kappa) through librdkafka: the producers
//             write to it, the jobs consume from it in their consumer group, the topics of the
//             config are created on it when missing. The embedded log is not used for them.
struct LogConfig {
  enum class Type { kEmbedded, kKafka } type = Type::kEmbedded;
  std::string bootstrap;          // "host:port[,host:port]" (kafka; required)
  int32_t replication_factor = -1;  // for topics kappa creates; -1 = the broker's default
  std::string client_id = "kappa";
  // Extra librdkafka properties for every client ("security.protocol", "sasl.*", ...).
  std::map<std::string, std::string> properties;
  bool kafka() const { return type == Type::kKafka; }
};

// Where a job with no committed offsets starts.
struct StartPosition {
  enum class Kind { kEarliest, kLatest, kTimestamp } kind = Kind::kEarliest;
  int64_t timestamp_ms = 0;  // for kTimestamp
};

// A job's `sink:` (docs/formats/config.md, "Sinks"). Fixed for the life of a job run.
struct CassandraSinkConfig {
  std::vector<std::string> contact_points;  // host or host:port (port 9042 by default)
  std::string keyspace;                     // remote keyspace; default: the table's keyspace
  std::string username;                     // SASL PLAIN, when the cluster asks
  std::string password;
  int32_t max_in_flight = 256;              // concurrent requests of the job (all partitions)
  int32_t batch_rows = 32;  // rows of one partition per UNLOGGED BATCH (1: no batches)
  std::string consistency = "local_one";    // any, one, ..., local_quorum, local_one
  int32_t connections_per_host = 1;
  std::string local_datacenter;  // hosts used; default: the contact point's data center
  int64_t retry_for_ms = 30000;  // how long a batch is retried before the job stops
  int64_t request_timeout_ms = 12000;  // an INSERT unanswered this long fails its connection
  // The replication of the table's keyspace in the config, for CREATE KEYSPACE IF NOT EXISTS.
  std::map<std::string, std::string> replication;
  // `tls: true` or `tls: {ca, cert, key}`: connect with TLS, the cluster's certificate
  // checked against `ca` (PEM; default the system's CAs) and the host; `cert`/`key` a
  // client certificate for clusters that require one.
  bool tls = false;
  std::string tls_ca, tls_cert, tls_key;
};

struct SinkConfig {
  // kEmbedded: rows and offsets in one store write (exactly once). kCassandra: rows to an
  // external cluster, offsets committed after every write is acknowledged (at least once).
  enum class Type { kEmbedded, kCassandra } type = Type::kEmbedded;
  CassandraSinkConfig cassandra;  // type == kCassandra
};

struct JobConfig {
  std::string name;
  std::string topic;
  std::string table;  // keyspace.table
  std::string group;  // default: the job name
  StartPosition start;
  int32_t batch_size = 4000;
  std::string dead_letter_topic;  // default: "<topic>.dlq"
  int64_t max_consecutive_failures = 1000;  // 0 = unlimited
  int64_t ttl_seconds = 0;                  // 0 = rows never expire
  SinkConfig sink;
};

}  // namespace kappa::stream
