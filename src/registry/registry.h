// kappa's schema registry: Confluent Schema Registry 7.x semantics (subjects, versions,
// global schema ids, compatibility levels, modes, references, soft and permanent deletes)
// over a single-partition log topic `_schemas` (record format: docs/formats/registry-log.md),
// and its REST API (AddRegistryRoutes). Public header of src/registry.
//
//   auto reg = registry::Registry::Open({.log = &runtime.log()});   // replays `_schemas`
//   auto s = (*reg)->Register("users-value", avro_text);            // id, version
//   auto byid = (*reg)->GetSchemaById(s->id);
//   registry::AddRegistryRoutes(*reg, router.get());                // the REST API
//
// Errors: every failure is a Status carrying Confluent's error code as its protocol_code
// (ErrorCode below; e.g. 40401 with "Subject 'x' not found."), which the REST layer turns
// into `{"error_code": ..., "message": ...}` with the HTTP status error_code / 100
// (40401 -> 404, 42201 -> 422, 50001 -> 500; 409 -> 409).
//
// Durability and several writers: a write is acknowledged only after its record is fsynced
// in the log AND applied by this instance's replay of the log in log order; a record that
// lost a race to another writer (the first record in log order claiming an id or a
// subject/version wins, every instance ignores the later one) is retried with fresh numbers.
// So two Registry instances on one log (or several kappa processes on one Kafka cluster)
// never hand out one id to two schemas. src/registry/README.md has the details.
//
// Thread safety: Registry is thread-safe; reads run concurrently, writes are serialized.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace kappa::log {
class Log;
}
namespace kappa::metrics {
class Registry;
}
namespace kappa::http {
class Router;
}

namespace kappa::registry {

// Confluent's error codes (the protocol_code of a returned Status).
enum ErrorCode : int32_t {
  kIncompatibleSchema = 409,
  kSubjectNotFound = 40401,
  kVersionNotFound = 40402,
  kSchemaNotFound = 40403,
  kSubjectSoftDeleted = 40404,
  kSubjectNotSoftDeleted = 40405,
  kSchemaVersionSoftDeleted = 40406,
  kSchemaVersionNotSoftDeleted = 40407,
  kSubjectLevelCompatibilityNotConfigured = 40408,
  kSubjectLevelModeNotConfigured = 40409,
  kInvalidSchema = 42201,
  kInvalidVersion = 42202,
  kInvalidCompatibilityLevel = 42203,
  kInvalidMode = 42204,
  kOperationNotPermitted = 42205,
  kReferenceExists = 42206,
  kIdConflict = 42207,  // IMPORT: the id is taken by another schema
  kStoreError = 50001,
  kOperationTimeout = 50002,
  kForwardingError = 50003,
  kUnknownLeader = 50004,
};

// A schema this one names: Confluent's {"name", "subject", "version"}.
struct SchemaReference {
  std::string name, subject;
  int32_t version = 0;
  bool operator==(const SchemaReference&) const = default;
};

struct RegisteredSchema {
  int32_t id = 0;
  std::string subject;  // empty when looked up by id only
  int32_t version = 0;  // 0 when looked up by id only
  std::string type = "AVRO";  // "AVRO" | "JSON" | "PROTOBUF"
  std::string schema;         // the text as registered (normalized with ?normalize=true)
  std::vector<SchemaReference> references;
  bool deleted = false;  // soft-deleted (only returned when deleted ones were asked for)
};

enum class Compatibility {
  kBackward,
  kBackwardTransitive,
  kForward,
  kForwardTransitive,
  kFull,
  kFullTransitive,
  kNone,
};
std::string_view CompatibilityName(Compatibility c);  // "BACKWARD", ...
std::optional<Compatibility> ParseCompatibility(std::string_view name);  // exact, upper case

enum class Mode { kReadWrite, kReadOnly, kImport };
std::string_view ModeName(Mode m);  // "READWRITE", "READONLY", "IMPORT"
std::optional<Mode> ParseMode(std::string_view name);

// A version number or "latest" (kLatest): the path parameter of /versions/{v}.
inline constexpr int32_t kLatestVersion = -1;
// "latest", "-1" or 1..2^31-1; InvalidArgument (42202, Confluent's message) otherwise.
Result<int32_t> ParseVersion(std::string_view text);

struct RegistryOptions {
  // The embedded log the `_schemas` topic lives in (created if missing: 1 partition,
  // retention unlimited, cleanup.policy=compact kept as a config). Must outlive the Registry.
  // Required unless `kafka_bootstrap` is set.
  log::Log* log = nullptr;
  // An external Kafka cluster (`log: kafka`) instead, when set: bootstrap servers and the
  // user's librdkafka properties. The topic is created there if missing.
  std::string kafka_bootstrap;
  std::map<std::string, std::string> kafka_properties;
  std::string topic = "_schemas";
  // Where the registry's metrics go; nullptr: metrics::Registry::Default().
  metrics::Registry* metrics = nullptr;
  // `log: kafka` only: the Kafka consumer group whose member assigned partition 0 of the
  // topic is the one instance that takes writes (JoinWriterElection; src/registry/README.md
  // "Who writes"), and its session timeout (how long a dead writer keeps the role before
  // another member takes over). Read at JoinWriterElection.
  std::string writer_group = "kappa-schema-registry";
  int writer_session_timeout_ms = 10000;
  // How often a registration that lost a race to another writer is tried (with jittered
  // backoff up to 64 ms between tries) before 50001.
  int max_write_attempts = 30;
};

struct RegisterRequest {
  std::string subject;
  std::string schema;
  std::string type = "AVRO";
  std::vector<SchemaReference> references;
  bool normalize = false;
  // IMPORT mode only (42205 otherwise): the id and version to register under; 0: assign.
  int32_t id = 0;
  int32_t version = 0;
};

// Where a write request that arrived over the REST API is served.
struct WriterRoute {
  enum class Kind {
    kLocal,    // this instance writes (the embedded log, or it won the election)
    kForward,  // another instance was elected: forward to `url`
    kUnknown,  // no writer known yet (an election under way, or this instance's own stale
               // announcement): Confluent's 50004
  };
  Kind kind = Kind::kLocal;
  std::string url;  // kForward: the writer's advertised REST URL
};

class Registry {
 public:
  // Creates the topic if missing and replays it. Errors: the log's (50001 code).
  static Result<std::unique_ptr<Registry>> Open(RegistryOptions options);
  virtual ~Registry() = default;

  // ---- what the pipeline uses ----
  // Registers `schema` under `subject` (compatibility-checked against the subject's level):
  // the existing id and version when the same schema (same canonical form, type and
  // references) is already a live version of the subject; a new version otherwise, with the
  // schema's existing global id if any subject has it, else a new id. Errors: 42201 invalid
  // schema, 409 incompatible, 42205 READONLY/IMPORT rules, 40402 unknown reference, 50001.
  Result<RegisteredSchema> Register(std::string_view subject, std::string_view schema,
                                    std::string_view type = "AVRO",
                                    const std::vector<SchemaReference>& refs = {},
                                    bool normalize = false);
  virtual Result<RegisteredSchema> Register(const RegisterRequest& request) = 0;
  // The schema of that id (subject empty, version 0); soft-deleted ones too. 40403.
  virtual Result<RegisteredSchema> GetSchemaById(int32_t id) const = 0;

  // ---- the rest of the REST API ----
  // POST /subjects/{s}: the live version of `subject` holding this schema. 40401, 40403.
  virtual Result<RegisteredSchema> LookUp(const RegisterRequest& request,
                                          bool include_deleted) const = 0;
  // Sorted. With include_deleted, subjects whose versions are all soft-deleted too.
  virtual std::vector<std::string> ListSubjects(bool include_deleted,
                                                std::string_view prefix = {}) const = 0;
  // Ascending. 40401.
  virtual Result<std::vector<int32_t>> ListVersions(std::string_view subject,
                                                    bool include_deleted) const = 0;
  // `version` a number or kLatestVersion. 40401, 40402.
  virtual Result<RegisteredSchema> GetVersion(std::string_view subject, int32_t version,
                                              bool include_deleted) const = 0;
  // Ids of the live schemas that reference subject/version. 40401, 40402.
  virtual Result<std::vector<int32_t>> ReferencedBy(std::string_view subject,
                                                    int32_t version) const = 0;
  // (subject, version) pairs holding the id, sorted. 40403.
  virtual Result<std::vector<std::pair<std::string, int32_t>>> SubjectVersionsById(
      int32_t id, bool include_deleted) const = 0;
  // Soft: marks the subject's live versions deleted, returns them. Permanent: removes the
  // versions that are already soft-deleted (40405 if any is live), returns them.
  // 40401, 40404 (soft-deleting a soft-deleted subject), 42206 referenced, 42205.
  virtual Result<std::vector<int32_t>> DeleteSubject(std::string_view subject,
                                                     bool permanent) = 0;
  // As DeleteSubject for one version (40406 / 40407). Returns the version number.
  virtual Result<int32_t> DeleteVersion(std::string_view subject, int32_t version,
                                        bool permanent) = 0;
  // Why `request`'s schema cannot join `subject` at the subject's level, checked against
  // `version` (a number or kLatestVersion) or, with nullopt, against every version the level
  // says. Empty: compatible. A subject without versions is compatible with anything.
  // 40401/40402 for an unknown subject/version given explicitly, 42201.
  virtual Result<std::vector<std::string>> CheckCompatibility(
      const RegisterRequest& request, std::optional<int32_t> version) const = 0;

  // Compatibility: the subject's own level (nullopt subject: the global one). A subject
  // without one: 40408 unless default_to_global. The global default is BACKWARD.
  virtual Result<Compatibility> GetCompatibility(std::optional<std::string_view> subject,
                                                 bool default_to_global) const = 0;
  virtual Status SetCompatibility(std::optional<std::string_view> subject, Compatibility c) = 0;
  // Removes the subject's (or resets the global) level; returns the one removed. 40401 for
  // a subject without a level.
  virtual Result<Compatibility> DeleteCompatibility(std::optional<std::string_view> subject) = 0;
  // Mode, as compatibility (40409 for a subject without one; global default READWRITE).
  virtual Result<Mode> GetMode(std::optional<std::string_view> subject,
                               bool default_to_global) const = 0;
  // IMPORT needs an empty registry (or subject) unless `force`: 42205 otherwise.
  virtual Status SetMode(std::optional<std::string_view> subject, Mode m, bool force) = 0;
  virtual Result<Mode> DeleteMode(std::optional<std::string_view> subject) = 0;

  // ---- who writes (several instances on one Kafka cluster) ----
  // `log: kafka`: joins the writer election (group `writer_group`); once elected this
  // instance appends a WRITER record announcing `advertised_url` (where its REST API is
  // reachable) and takes writes; the others forward their REST write requests there. Call
  // once, after the REST API is served. Without it a `log: kafka` instance never writes
  // through REST (it forwards); with the embedded log it does nothing (the one process is
  // the writer). In-process calls (Register, ...) always write directly: the log order keeps
  // them safe (docs/formats/registry-log.md).
  virtual Status JoinWriterElection(std::string advertised_url) = 0;
  virtual WriterRoute Writer() const = 0;

  // Distinct live schema ids.
  virtual int64_t SchemaCount() const = 0;
  // Reads records other writers appended since the last replay (done before every write
  // and by a background tail; for tests).
  virtual Status CatchUp() = 0;
};

// The REST URL an instance announces when elected writer unless told otherwise
// (`registry.advertised_url`): http://HOST:PORT of its HTTP listener (https:// when `tls`),
// with a wildcard host (0.0.0.0, ::, empty) replaced by loopback, which only reaches
// instances on this machine.
std::string DefaultAdvertisedUrl(std::string_view listen_host, uint16_t port, bool tls = false);

// An AVRO schema's text with the named types of its Confluent references written in where
// first used (as registered when it has none), resolved through `registry`: what a codec
// (avro::Codec::Compile) of its values needs.
Result<std::string> SelfContainedAvroSchema(const Registry& registry,
                                            const RegisteredSchema& schema);

// Reads Confluent-framed Protobuf values of one registered schema as JSON: the message
// indexes after the schema id pick the type, the rest is the message (proto3's JSON mapping,
// field names as in the .proto). The schema's references are resolved through the registry
// once, here; ToJson may be called from several threads.
class ProtobufDecoder {
 public:
  static Result<std::shared_ptr<const ProtobufDecoder>> ForSchema(const Registry& registry,
                                                                  const RegisteredSchema& schema);
  ~ProtobufDecoder();
  // `payload`: what follows the magic byte and the schema id. `type` (optional) gets the
  // message's full name. InvalidArgument for bytes that are not such a message.
  Result<std::string> ToJson(std::string_view payload, std::string* type = nullptr) const;

 private:
  ProtobufDecoder();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The supported schema types, by Confluent name (GET /schemas/types).
std::vector<std::string> SupportedSchemaTypes();

// Adds the REST API's routes (GET /, /subjects..., /schemas..., /config..., /mode...,
// /compatibility...) to `router`. `registry` is shared with the handlers; the router may
// outlive the caller's reference. Request/answer content types: application/json,
// application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json and
// application/octet-stream are accepted; answers are application/vnd.schemaregistry.v1+json.
// Requests, errors by error_code and lookups by id served from memory are counted in
// kappa_registry_* metrics.
struct RestOptions {
  // The CAs a follower checks an https:// writer's certificate against when it forwards a
  // write (empty: the system's). The caller's Authorization header is forwarded with it.
  std::string forward_ca_file;
};
void AddRegistryRoutes(std::shared_ptr<Registry> registry, http::Router* router,
                       metrics::Registry* metrics = nullptr, RestOptions options = {});

}  // namespace kappa::registry
