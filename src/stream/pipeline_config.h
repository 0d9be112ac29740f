// PipelineConfig: the parsed form of kappa.yaml (reference: docs/formats/config.md).
//
// LoadConfigFile / LoadConfigText validate everything that can be checked without opening
// the data directory: unknown keys (with a "did you mean" hint), types, ranges, references
// between sections (a job's topic, table and dead-letter topic; a producer's source, mapping
// and topic), and they compile the mappings through connect so a mapping error points at
// its line too. Every error is InvalidArgument with a message "FILE:LINE:COL: problem".
//
// The built-in default (DefaultConfigText) is config/kappa.yaml, embedded at build time, so
// `kappa up` without --config and `kappa up --config config/kappa.yaml` are the same run.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/listener_limits.h"
#include "common/status.h"
#include "common/units.h"
#include "connect/connect.h"

namespace kappa::stream {

enum class LogFlush { kEveryAppend, kInterval, kOs };

struct DurabilityConfig {
  LogFlush log_flush = LogFlush::kInterval;
  int64_t log_flush_interval_ms = 200;
  bool store_sync = false;
};

// The table store (RocksDB). Its block cache holds table data blocks for reads; writes (the
// job's commits) never fill it, so an idle or write-only store uses little of it.
struct StoreConfig {
  int64_t block_cache_bytes = int64_t{256} << 20;  // 256 MiB
};

struct RetentionConfig {
  int64_t bytes_per_partition = int64_t{1} << 30;  // 1 GiB; 0 = unlimited
  int64_t age_ms = 7LL * 24 * 3600 * 1000;          // 7 days; 0 = unlimited
};

struct TopicConfig {
  std::string name;
  int32_t partitions = 1;
  int64_t retention_bytes = -1;  // -1: the global retention.bytes_per_partition
  int64_t retention_ms = -1;     // -1: the global retention.age
  int line = 0;                  // 1-based line in the config file (for later messages)
};

struct ColumnConfig {
  std::string name;
  std::string type;  // CQL type name as written (uuid, text, int, bigint, ...), lower case
};

struct TableConfig {
  std::string keyspace;
  std::string name;
  std::vector<ColumnConfig> columns;      // in file order
  std::vector<std::string> partition_key;  // primary_key[0] (one column or a list)
  std::vector<std::string> clustering;     // primary_key[1..]
  std::string FullName() const { return keyspace + "." + name; }
};

struct KeyspaceConfig {
  std::string name;
  std::map<std::string, std::string> replication;
  std::vector<TableConfig> tables;
};

// A source: the options of connect's synthetic or HTTP source.
struct SourceConfig {
  enum class Type { kRandomUser, kHttp } type = Type::kRandomUser;
  std::string name;
  connect::RandomUserOptions randomuser;  // type == kRandomUser
  connect::HttpSourceOptions http;        // type == kHttp
};

// A mapping is kept as its YAML node (connect's mapping language); the loader has compiled
// it once to validate it, and compiles it again where it runs.

struct MappingConfig {
  std::string name;
  YAML::Node node;
};

struct ProducerConfig {
  std::string name;
  std::string source;
  std::string mapping;
  std::string topic;
  double rate = 0;           // users per second; 0 = unthrottled
  int64_t duration_ms = 0;   // 0 = until stopped
  int64_t count = 0;         // 0 = unlimited
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

// Limits of the Kafka listener only (`listeners.kafka_limits`); defaults as KafkaServerOptions.
struct KafkaListenerLimits {
  int64_t max_request_bytes = 100ll << 20;
  int32_t max_partitions_per_request = 1000;
  int32_t max_partitions = 10000;
};

// Limits of the CQL listener only (`listeners.cql_limits`); defaults as cql::ServerOptions.
struct CqlListenerLimits {
  int64_t max_frame_bytes = 16ll << 20;
  int64_t max_statement_bytes = 1ll << 20;
  int64_t prepared_cache_bytes = 64ll << 20;
};

struct ListenersConfig {
  std::string kafka = "127.0.0.1:9092";
  std::string cql = "127.0.0.1:9042";
  // The Kafka server's group.initial.rebalance.delay.ms (`kafka_group_initial_rebalance_delay`):
  // how long the first rebalance of an empty consumer group waits for more members. Default
  // 3 s, as Kafka; 0: no wait. Fixed at start.
  int64_t kafka_group_initial_rebalance_delay_ms = 3000;
  ListenerLimits limits;  // `listeners.limits`: each listener, counted on its own
  KafkaListenerLimits kafka_limits;
  CqlListenerLimits cql_limits;
};

// `auth:`: who may use the network listeners of `kappa up` (docs/formats/config.md, "auth").
// Fixed for the life of a run.
struct AuthConfig {
  // name -> password of the users the CQL listener accepts (PasswordAuthenticator, as
  // `kappa cql-server --user`). Needed when listeners.cql is not a loopback address; with
  // users the CQL listener asks every client to log in, on loopback too.
  std::map<std::string, std::string> cql_users;
  // kappa has no Kafka authentication yet: a Kafka listener on a non-loopback address is
  // refused unless this is true (or `kappa up --insecure`). Default false.
  bool insecure_kafka = false;
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

struct PipelineConfig {
  std::string file;  // the name errors use ("kappa.yaml", "<built-in>/kappa.yaml")
  std::string data_dir = "./kappa-data";
  DurabilityConfig durability;
  RetentionConfig retention;
  StoreConfig store;
  std::vector<TopicConfig> topics;
  std::vector<KeyspaceConfig> keyspaces;
  std::vector<SourceConfig> sources;
  std::vector<MappingConfig> mappings;
  std::vector<ProducerConfig> producers;
  std::vector<JobConfig> jobs;
  ListenersConfig listeners;
  AuthConfig auth;
  LogConfig log;
  // "FILE:LINE:COL" of keys checked after loading ("data_dir", "listeners.kafka",
  // "listeners.cql", "auth", "auth.cql_users"), so those errors point at the line too.
  std::map<std::string, std::string> positions;
  // The position of `key`, or the file name if the key is not in the file.
  std::string Where(std::string_view key) const;

  const TopicConfig* FindTopic(std::string_view name) const;
  const TableConfig* FindTable(std::string_view keyspace_dot_table) const;
  const SourceConfig* FindSource(std::string_view name) const;
  const MappingConfig* FindMapping(std::string_view name) const;
  const JobConfig* FindJob(std::string_view name) const;
};

// The text of config/kappa.yaml as it was at build time.
std::string_view DefaultConfigText();
// The name errors in the built-in default use.
inline constexpr std::string_view kDefaultConfigName = "<built-in>/kappa.yaml";

// Parses and validates; `file_name` is used in error messages.
Result<PipelineConfig> LoadConfigText(std::string_view text, std::string_view file_name);
// Reads `path` and parses it; NotFound/IOError name the path.
Result<PipelineConfig> LoadConfigFile(const std::string& path);
// The built-in default.
Result<PipelineConfig> LoadDefaultConfig();

// Sizes and durations: kappa::ParseByteSize, kappa::ParseDurationMs (common/units.h).
// Parses an ISO-8601 UTC time "2026-01-01T00:00:00Z" (optional .mmm, or a +hh:mm offset)
// or a number of milliseconds since the epoch.
Result<int64_t> ParseTimestampMs(std::string_view s);

}  // namespace kappa::stream
