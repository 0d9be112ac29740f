// The config model of kappa: PipelineConfig, the parsed form of kappa.yaml (reference:
// docs/formats/config.md). Part of the app layer's public header (app/app.h).
//
// Each top-level key of the file is one section with its own loader file in src/app
// (config_section.h has the table of sections, in load order). A section fills the options
// struct of the subsystem it configures: the job's structs are stream's (stream/job_config.h:
// JobConfig, SinkConfig, StartPosition, LogConfig, TopicConfig), connect's source options
// are connect's; the structs below are those only the app layer uses. A new subsystem adds
// its struct, a field here and its section file, without touching the other sections.
//
// LoadConfigFile / LoadConfigText validate everything that can be checked without opening
// the data directory: unknown keys (with a "did you mean" hint), types, ranges, references
// between sections (a job's topic, table and dead-letter topic; a producer's source, mapping
// and topic), and they compile the mappings through connect so a mapping error points at
// its line too. Every error is InvalidArgument with a message "FILE:LINE:COL: problem".
//
// The built-in default (DefaultConfigText) is config/kappa.yaml, embedded at build time, so
// `kappa up` without --config and `kappa up --config config/kappa.yaml` are the same run.
// Every option is fixed for the life of a run (read once at start).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/listener_limits.h"
#include "common/status.h"
#include "common/units.h"
#include "connect/connect.h"
#include "orchestrator/orchestrator.h"
#include "security/security.h"
#include "stream/job_config.h"

namespace kappa::app {

// The options of the streaming jobs, which stream owns (stream/job_config.h).
using stream::CassandraSinkConfig;
using stream::JobConfig;
using stream::LogConfig;
using stream::SinkConfig;
using stream::StartPosition;
using stream::TopicConfig;

// `durability:`, `retention:`, `store:` and `data_dir` (config_storage.cc): how the data
// directory's log and store are opened (app::Runtime).
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

// `keyspaces:` (config_keyspaces.cc): the tables Pipeline::Setup creates in the store.
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

// `sources:` (config_sources.cc). A source: the options of connect's synthetic or HTTP source.
struct SourceConfig {
  enum class Type { kRandomUser, kHttp } type = Type::kRandomUser;
  std::string name;
  connect::RandomUserOptions randomuser;  // type == kRandomUser
  connect::HttpSourceOptions http;        // type == kHttp
};

// A mapping (connect's mapping language), compiled by the loader: a compiled connect::Mapping
// is immutable and cheap to copy, so the config carries it and no YAML node leaves the loader.
struct MappingConfig {
  std::string name;
  connect::Mapping mapping;
};

// `producers:` (config_producers.cc): a connect producer task, source -> mapping -> topic.
struct ProducerConfig {
  std::string name;
  std::string source;
  std::string mapping;
  std::string topic;
  double rate = 0;           // users per second; 0 = unthrottled
  // The records' value format: "json" (default: the mapped JSON text) or "avro" (the
  // Confluent wire format: magic byte 0, the schema id, Avro binary).
  std::string format = "json";
  // avro: the subject the schema is registered under on start (default "<topic>-value",
  // Confluent's TopicNameStrategy), and the schema: the text of `schema_file` (read when the
  // config loads; relative to the config file's directory) or, without one, built from the
  // mapping's fields and the column types of the table the topic's job fills.
  std::string subject;
  std::string schema_file;
  std::string schema_text;
  int64_t duration_ms = 0;   // 0 = until stopped
  int64_t count = 0;         // 0 = unlimited
  // true (default): `kappa up` runs it from the start. false: it runs only when a DAG's
  // `produce` task names it (the seed's producer: the user_automation DAG runs it for 60 s).
  bool autostart = true;
};

// `listeners:` (config_listeners.cc): the servers `kappa up` runs (app/up_servers.h).
// Limits of the Kafka listener only (`listeners.kafka_limits`); defaults as KafkaServerOptions.
struct KafkaListenerLimits {
  int64_t max_request_bytes = 100ll << 20;
  int64_t fetch_max_bytes = 55ll << 20;
  int64_t max_fetch_bytes_in_flight = 256ll << 20;
  int32_t max_partitions_per_request = 1000;
  int32_t max_partitions = 10000;
};

// Limits of the CQL listener only (`listeners.cql_limits`); defaults as cql::ServerOptions.
struct CqlListenerLimits {
  int64_t max_frame_bytes = 16ll << 20;
  int64_t max_statement_bytes = 1ll << 20;
  int64_t prepared_cache_bytes = 64ll << 20;
  int64_t max_result_bytes = 64ll << 20;
};

struct ListenersConfig {
  std::string kafka = "127.0.0.1:9092";
  // Kafka's advertised.listeners (`kafka_advertised`): what Metadata and FindCoordinator tell
  // clients to connect to, one [PROTOCOL://]HOST:PORT per entry of `kafka`, in its order.
  // Empty: each listener's own address (loopback for a 0.0.0.0 or :: listener).
  std::string kafka_advertised;
  std::string cql = "127.0.0.1:9042";
  // HTTP: /health, /ready, /metrics (app/up_servers.h); "off" disables.
  std::string http = "127.0.0.1:8081";
  // The web console (src/console): pages and their JSON API; "off" disables it. Off loopback
  // it needs console.users. When left at this default (neither in the file nor a flag), a
  // busy port only warns and `kappa up` runs without a console, so a second instance on the
  // machine still starts.
  std::string console = "127.0.0.1:9021";
  // The Kafka server's group.initial.rebalance.delay.ms (`kafka_group_initial_rebalance_delay`):
  // how long the first rebalance of an empty consumer group waits for more members. Default
  // 3 s, as Kafka; 0: no wait. Fixed at start.
  int64_t kafka_group_initial_rebalance_delay_ms = 3000;
  ListenerLimits limits;  // `listeners.limits`: each listener, counted on its own
  KafkaListenerLimits kafka_limits;
  CqlListenerLimits cql_limits;
};

// `auth:` (config_auth.cc): who may use the network listeners of `kappa up` (docs/formats/config.md, "auth").
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

// `security:` (config_security.cc; docs/formats/config.md, "security"): TLS, SASL, users
// and ACLs of every listener of `kappa up`. Fixed for the life of a run. Each part of issue
// 24 adds its fields here and its key to LoadSecurity.
struct SecurityConfig {
  // `insecure: true` (or `kappa up --insecure`): start listeners off loopback without
  // authentication, with a warning. Default false.
  bool insecure = false;
  // `tls: {cert, key, ca, client_auth}` (config_security_tls.cc): the certificate and key of
  // every TLS listener (listeners.* "https://", "tls://", Kafka "SSL://"/"SASL_SSL://"),
  // and the CA and client_auth (none | requested | required; default none) for client
  // certificates. PEM file paths, relative to kappa's working directory; read at start.
  // Unset: no listener may use TLS.
  std::optional<security::TlsOptions> tls;
  // `metrics_auth: true`: /metrics of listeners.http needs HTTP Basic like the APIs once
  // the data directory has users (Prometheus' basic_auth). Default false: /metrics stays
  // open (it carries no secrets) while the APIs need a login.
  bool metrics_auth = false;
  // `security.acls` (config_security_acl.cc): who may do what, Kafka's and Cassandra's way.
  // enabled (default false: everyone may do everything), super_users (default none),
  // allow_if_no_acl (default false). Fixed for the life of a run; the ACLs themselves live
  // in DATA_DIR/security/acls and may change at runtime.
  security::AuthorizerOptions acls;
  // `sasl_mechanisms`: the SASL mechanisms of the SASL_PLAINTEXT / SASL_SSL Kafka listeners
  // (Kafka's sasl.enabled.mechanisms), a list or a comma-separated string of PLAIN,
  // SCRAM-SHA-256, SCRAM-SHA-512. Default all three. Users: `kappa users`.
  std::vector<std::string> sasl_mechanisms = {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"};
  // `sasl_session_lifetime`: KIP-368's connections.max.reauth.ms, a duration; 0 (default):
  // SASL sessions do not expire.
  int64_t sasl_session_lifetime_ms = 0;
};

// `registry:` (config_registry.cc): the schema registry on listeners.http. Its options only
// matter with `log: kafka`, where every kappa up on the cluster serves one registry and one
// of them, elected, takes the writes (src/registry/README.md "Who writes"). Read at start.
struct RegistryConfig {
  // Where the other instances forward writes when this one is elected; default
  // http://HOST:PORT of listeners.http (loopback for 0.0.0.0): set it when the instances
  // run on different machines.
  std::string advertised_url;
  std::string writer_group = "kappa-schema-registry";  // the consumer group electing it
  int64_t writer_session_timeout_ms = 10000;  // how long a dead writer keeps the role
};

// `console:` (config_console.cc): who may log in to the web console on listeners.console.
// Fixed for the life of a run.
struct ConsoleConfig {
  struct User {
    std::string name;
    // "pbkdf2-sha512$ITERATIONS$SALT$HASH" from `kappa console hash-password`; never the
    // password itself. Checked at load (console::CheckPasswordHash).
    std::string password_hash;
  };
  // Empty (default): the console is open, and allowed on loopback only. Any user: every
  // page's data needs a login.
  std::vector<User> users;
};

// `orchestrator:` (config_orchestrator.cc): the scheduler `kappa up` runs for `dags:`.
// Fixed for the life of a run.
struct OrchestratorConfig {
  // `command` tasks run shell commands: refused at load unless this is true. Default false.
  bool allow_commands = false;
  // Task tries that may run at once, over every DAG (Airflow's core.parallelism). Default 32.
  int parallelism = 32;
  // `task_log_max_bytes`: the most one try's log keeps (a size: 10MiB, 64KiB); later lines
  // are dropped after one "[log truncated ...]" line. Default 10 MiB.
  int64_t task_log_max_bytes = int64_t(10) << 20;
  // `history_retention: {max_age: 30d, max_runs_per_dag: 10000}`: finished runs older than
  // max_age, or past the newest max_runs_per_dag of their DAG, are pruned with their task
  // instances and logs (as `airflow db clean`; orchestrator::HistoryRetention). 0 (either)
  // keeps them. Defaults 30 days and 10,000 runs.
  int64_t history_max_age_ms = int64_t(30) * 24 * 3600 * 1000;
  int64_t history_max_runs_per_dag = 10000;
};

// The whole file: one field per section (the table in config_section.h fills them).
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
  SecurityConfig security;
  LogConfig log;
  RegistryConfig registry;
  OrchestratorConfig orchestrator;
  ConsoleConfig console;
  // `dags:` (config_dags.cc): validated at load (schedules, zones, cycles, task types, their
  // arguments and templates), run by the orchestrator's Scheduler in `kappa up`.
  std::vector<orchestrator::DagSpec> dags;
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
  const ProducerConfig* FindProducer(std::string_view name) const;
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

}  // namespace kappa::app
