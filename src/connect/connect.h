// kappa::connect — sources of users, the declarative mapping language, and the producer task
// that runs source -> mapping -> topic. This is the subsystem's only public header.
//
//   Source       a stream of randomuser.me-shaped JSON pages ({"results":[...],"info":{...}}):
//                NewRandomUserSource (synthetic, offline, deterministic) or NewHttpSource
//                (polls a URL with libcurl; rate, concurrency, timeouts, retries).
//   Mapping      a compiled YAML mapping (docs/formats/mapping.md) from one raw user object to
//                one flat JSON record; immutable, shareable across threads.
//   Mapper       per-thread evaluator of a Mapping (owns a simdjson parser and scratch).
//   RecordSink   where produced records go: the embedded log (NewLogSink) or an external
//                Kafka cluster through librdkafka (NewKafkaSink).
//   ProducerTask source -> mapping -> sink, batched, keyed, rate-limited, stoppable, counted.
//
// Errors are Status/Result (common/status.h); nothing here throws across this header.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace YAML {
class Node;
}
namespace kappa {
class Clock;
}
namespace kappa::log {
class Log;
enum class Compression : int8_t;  // log/record_batch.h
}
namespace kappa::avro {
class Codec;  // avro/avro.h
}

namespace kappa::connect {

// ---------------------------------------------------------------------------------------------
// Sources

// Counters of a source; a snapshot, safe to read from any thread.
struct SourceStats {
  uint64_t pages = 0;           // pages handed out by NextPage
  uint64_t users = 0;           // users in those pages
  uint64_t requests = 0;        // HTTP requests sent (0 for synthetic)
  uint64_t retries = 0;         // HTTP requests retried (errors, 429, 5xx, timeouts)
  uint64_t bad_responses = 0;   // 2xx answers that were not a randomuser-shaped JSON page
  uint64_t errors = 0;          // failed attempts of any kind (transport, status, bad body)
};

class StructuredSource;  // randomuser_generator.h: pages with their users as fields

// A stream of pages. NextPage blocks until a page is ready; Stop() may be called from any
// thread and makes a blocked or later NextPage return Aborted. Not otherwise thread-safe:
// one consumer thread calls NextPage.
class Source {
 public:
  virtual ~Source() = default;
  // Capability: the source can also hand out each page's users as fields (the synthetic
  // source), which lets the producer map them without parsing the page's JSON. nullptr
  // (the default) when it cannot. The pointer is this source's and lives as long as it.
  virtual StructuredSource* AsStructured() { return nullptr; }
  // Replaces *page with the next page: JSON text of the shape of
  // https://randomuser.me/api/?results=N (v1.4). Errors: Aborted after Stop(); Unavailable
  // when a source gave up (e.g. retries exhausted; the caller may call again to keep trying).
  virtual Status NextPage(std::string* page) = 0;
  virtual void Stop() = 0;
  virtual SourceStats stats() const = 0;
  virtual std::string Describe() const = 0;  // "randomuser(seed=kappa, results=500)"
};

// The synthetic randomuser source. Deterministic: the same seed, page number and options give
// the same bytes. Fast: generates straight into the output buffer.
struct RandomUserOptions {
  std::string seed = "kappa";           // any string, like the real API's ?seed=
  uint32_t results = 500;               // users per page (1..5000, like the real API)
  uint64_t first_page = 1;              // page numbers start at 1, like the real API
  std::vector<std::string> nationalities;  // e.g. {"US","GB"}; empty = all supported
};
Result<std::unique_ptr<Source>> NewRandomUserSource(const RandomUserOptions& opts);

// Generates page `page` into *out (replacing it). Same determinism as the source. Returns the
// number of users written, or InvalidArgument for bad options (unknown nationality, results 0).
Result<uint32_t> GenerateRandomUserPage(const RandomUserOptions& opts, uint64_t page,
                                        std::string* out);

// The nationalities the synthetic source supports ("AU", "BR", ...), sorted.
std::vector<std::string> SupportedNationalities();

// The HTTP source: `concurrency` workers poll `url` at most `requests_per_sec` (shared
// token bucket), each request with a total timeout. Failures (transport errors, timeouts,
// 429, 5xx) are retried with exponential backoff and full jitter, capped at backoff_max;
// a Retry-After header (delta-seconds or HTTP-date) on 429/503 sets the minimum wait.
// 4xx other than 408/429 are not retried (counted, logged, then the next request is tried
// after backoff). A 2xx body that is not a JSON object with a `results` array is counted as
// a bad response and logged with a sample of its first bytes; never a crash.
struct HttpSourceOptions {
  std::string url = "https://randomuser.me/api/?results=100";
  double requests_per_sec = 1.0;        // 0 = unlimited
  uint32_t concurrency = 1;             // parallel requests (1..64)
  std::chrono::milliseconds timeout{10'000};         // whole request
  std::chrono::milliseconds connect_timeout{5'000};
  uint32_t max_retries = 8;             // per page; then NextPage returns Unavailable
  std::chrono::milliseconds backoff_initial{200};
  std::chrono::milliseconds backoff_max{30'000};
  size_t max_queued_pages = 16;         // fetched pages waiting for NextPage
  std::string user_agent = "kappa-connect/0.1";
};
Result<std::unique_ptr<Source>> NewHttpSource(const HttpSourceOptions& opts);

// ---------------------------------------------------------------------------------------------
// The mapping language (docs/formats/mapping.md)

// The seed pipeline's format_data as a mapping: YAML text of one mapping named
// `users_to_created_users` under a top-level `mappings:` key. Embeddable in kappa.yaml.
extern const std::string_view kSeedMappingYaml;
inline constexpr std::string_view kSeedMappingName = "users_to_created_users";

class MappingProgram;  // private

// A compiled mapping. Cheap to copy (shared, immutable); thread-safe to share.
class Mapping {
 public:
  // Compiles the node of one mapping (the value under `mappings.<name>`, a map with a
  // `fields:` map and optional `key:`, `on_missing:`). `file` and `name` only label errors:
  // InvalidArgument "kappa.yaml:12:14: unknown function 'uuidd' in mapping NAME.fields.id".
  static Result<Mapping> Compile(const YAML::Node& node, std::string_view name,
                                 std::string_view file);
  // Compiles every mapping under a `mappings:` node (a map name -> mapping).
  static Result<std::map<std::string, Mapping>> CompileAll(const YAML::Node& mappings,
                                                           std::string_view file);
  // Parses YAML text holding a top-level `mappings:` key and compiles mapping `name` (empty
  // = the only one). Errors name `file`, line and column.
  static Result<Mapping> FromYaml(std::string_view yaml_text, std::string_view name,
                                  std::string_view file);

  const std::string& name() const;
  // Output field names in output order.
  const std::vector<std::string>& fields() const;
  // The field whose value keys the record (default "id" when present), or empty for none.
  const std::string& key_field() const;

 private:
  friend class Mapper;
  friend struct MappingAccess;
  explicit Mapping(std::shared_ptr<const MappingProgram> p) : p_(std::move(p)) {}
  std::shared_ptr<const MappingProgram> p_;
};

// Records produced by mapping a page: keys and values are views into `buf`.
struct MappedRecord {
  std::string_view key;    // the key field's value as text; empty if the mapping has no key
  std::string_view value;  // one JSON object, fields in mapping order
};
struct MappingError {
  size_t index;          // position of the user in the page's results[]
  std::string message;   // "field 'address': path 'location.city' not found"
  std::string raw;       // the user's JSON text (for a dead-letter topic)
};
struct MappedPage {
  std::vector<MappedRecord> records;
  std::vector<MappingError> errors;
  size_t users = 0;        // users seen in results[]
  std::string buf;         // backing storage of records (do not modify while using records)
  void Clear() { records.clear(); errors.clear(); users = 0; buf.clear(); }
};

// Evaluates a Mapping. One per thread (owns a simdjson parser and scratch buffers).
class Mapper {
 public:
  explicit Mapper(Mapping mapping);
  ~Mapper();
  Mapper(Mapper&&) noexcept;
  Mapper& operator=(Mapper&&) noexcept;

  // Maps every element of the page's `results` array, appending to *out (call out->Clear()
  // first to reuse it). A user that cannot be mapped (missing field under on_missing: error,
  // failed cast) becomes a MappingError and the rest continue. Returns InvalidArgument if the
  // page is not JSON or has no `results` array (nothing appended).
  Status MapPage(std::string_view page_json, MappedPage* out);
  // Maps a single user object (or, if the text is a page, each of its results).
  Status MapUser(std::string_view user_json, MappedPage* out);

  const Mapping& mapping() const;

 private:
  friend struct MapperAccess;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// ---------------------------------------------------------------------------------------------
// Sinks

struct SinkHeader {
  std::string_view key;
  std::string_view value;
};
struct SinkRecord {
  std::string_view key;    // empty = null key (unless empty_key)
  std::string_view value;
  int64_t timestamp_ms = 0;  // 0 = sink assigns now
  std::span<const SinkHeader> headers = {};  // e.g. the error of a dead letter
  // The partition to write to; -1 lets the sink choose by key (see RecordSink).
  int32_t partition = -1;
  // With an empty `key`: the key is the empty string, not null (`kappa produce` keeps a
  // line's empty key as one).
  bool empty_key = false;
};

// Where records go: the embedded log or an external Kafka cluster, for the connect
// producers, the jobs' dead letters and `kappa produce`. AppendBatch is durable per the
// sink's own policy when it returns OK (for the embedded log: written to the OS, fsync by
// the log's flush policy). Implementations must be safe to call from one thread at a time
// per instance.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  // Appends records to `topic`, each to its `partition` if set, otherwise partitioned by
  // key (Kafka's murmur2 of the key, modulo the partition count; null keys round-robin).
  // NotFound if the topic does not exist; InvalidArgument for a partition it does not have.
  virtual Status AppendBatch(std::string_view topic, std::span<const SinkRecord> records) = 0;
};

struct LogSinkOptions {
  // Codec of the RecordBatches written (log::Compression; the default value is kNone).
  log::Compression compression{};
};
// A sink over the embedded log: one RecordBatch per partition per AppendBatch. `log` must
// outlive the sink.
std::unique_ptr<RecordSink> NewLogSink(kappa::log::Log* log, LogSinkOptions options = {});

// A sink over an external Kafka cluster (librdkafka): an idempotent producer
// (enable.idempotence=true, acks=all) partitioning like the Java client (murmur2 of the key;
// null keys spread). AppendBatch returns OK only once every record of the batch was
// acknowledged by the cluster; otherwise the first failure with the broker's message
// (NotFound for an unknown topic, Unavailable otherwise, TimedOut after delivery_timeout).
// A failed batch may be partly written: the caller retries it (at-least-once).
struct KafkaSinkOptions {
  std::string bootstrap;              // "host:port[,host:port]"
  std::string client_id = "kappa";
  std::map<std::string, std::string> properties;  // extra librdkafka properties
  std::chrono::milliseconds delivery_timeout{30'000};  // message.timeout.ms
  // Fill batches for at most this long (linger.ms); AppendBatch waits for delivery anyway.
  std::chrono::milliseconds linger{5};
};
// InvalidArgument for a property librdkafka rejects.
Result<std::unique_ptr<RecordSink>> NewKafkaSink(const KafkaSinkOptions& options);

// Kafka's default partitioner hash (murmur2, as in the Java client), for keyed records.
uint32_t KafkaMurmur2(std::string_view key);
// partition = (murmur2(key) & 0x7fffffff) % partitions.
int32_t PartitionForKey(std::string_view key, int32_t partitions);

// ---------------------------------------------------------------------------------------------
// Schemas (the Confluent wire format: magic byte 0, 4-byte schema id, payload)

// A registered schema as producers and jobs need it.
struct ResolvedSchema {
  int32_t id = 0;
  std::string type = "AVRO";  // "AVRO", "JSON" or "PROTOBUF"
  std::string schema;         // the schema's text
};

// What producers writing and jobs reading the wire format need of a schema registry. The app
// layer implements it over the in-process registry (registry/registry.h); connect and stream
// see only this, so the registry never depends on them. Implementations are thread-safe.
class SchemaResolver {
 public:
  virtual ~SchemaResolver() = default;
  // Registers `schema` under `subject` (or finds it there) and returns its global id. Errors
  // as the registry's (InvalidArgument for an invalid schema, an incompatible one, ...).
  virtual Result<int32_t> Register(std::string_view subject, std::string_view schema,
                                   std::string_view type = "AVRO") = 0;
  // The schema with that id. NotFound when no schema has it; Unavailable when the registry
  // cannot be asked.
  virtual Result<ResolvedSchema> Lookup(int32_t id) = 0;
};

// A registry in memory, for tests and benchmarks: ids from 1, the same (type, text) gets the
// same id under every subject; no compatibility checks.
std::unique_ptr<SchemaResolver> NewMemorySchemaResolver();

// ---------------------------------------------------------------------------------------------
// Producer task

struct ProducerOptions {
  std::string topic = "users_created";
  // Stop after this many records produced (0 = no limit).
  uint64_t max_records = 0;
  // Stop after this long (zero = no limit).
  std::chrono::milliseconds duration{0};
  // Records per second, token bucket with a one-second burst (0 = as fast as possible).
  double records_per_sec = 0;
  // Records per AppendBatch at most (a page may be split into several batches).
  size_t max_batch_records = 1000;
  // If non-empty, users that fail the mapping are appended here (value = the raw user JSON,
  // key = null). Otherwise they are only counted and a sample is logged.
  std::string dead_letter_topic;
  // Stop with an error after this many consecutive source failures (Unavailable) (0 = never).
  uint32_t max_consecutive_source_failures = 0;
  Clock* clock = nullptr;  // null = Clock::Real()
  // The records' value format: the mapped JSON text (default), or Avro in the Confluent wire
  // format (magic byte 0, `schema_id` big-endian, the record encoded with `avro_codec`). A
  // mapped record the schema cannot encode is a mapping error (counted, dead-lettered).
  enum class Format { kJson, kAvro } format = Format::kJson;
  std::shared_ptr<const avro::Codec> avro_codec;  // format kAvro
  int32_t schema_id = 0;                          // format kAvro
};

// Counters for the live status line; a snapshot.
struct ProducerStats {
  uint64_t produced = 0;        // records appended to the topic
  uint64_t bytes = 0;           // key + value bytes appended
  uint64_t mapping_errors = 0;  // users that failed the mapping
  uint64_t dead_letters = 0;    // of which appended to dead_letter_topic
  uint64_t source_errors = 0;   // NextPage failures (after the source's own retries)
  uint64_t batches = 0;         // AppendBatch calls
  bool running = false;
};

// Runs source -> mapping -> sink. Start() runs it on its own thread; Run() on the caller's.
// Stop() is thread-safe and prompt (stops the source too); the records of a batch either are
// all acknowledged by the sink or counted as not produced. Ends OK when a limit is reached or
// Stop() was called; with an error when the sink fails or a limit on failures is hit.
class ProducerTask {
 public:
  ProducerTask(std::unique_ptr<Source> source, Mapping mapping, RecordSink* sink,
               ProducerOptions opts);
  ~ProducerTask();  // stops and joins
  ProducerTask(const ProducerTask&) = delete;
  ProducerTask& operator=(const ProducerTask&) = delete;

  Status Run();            // blocks until done
  void Start();            // Run() on a new thread
  void Stop();             // request stop; returns at once
  Status Wait();           // joins the Start() thread; returns Run()'s status
  ProducerStats stats() const;
  SourceStats source_stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kappa::connect
