// A client for the REST API of Confluent Schema Registry (and of kappa's registry, which
// speaks the same API): subjects, versions, register, lookup, schemas by id, compatibility
// checks, config, mode and deletes. libcurl underneath (src/registry/client/).
//
//   registry::client::ClientOptions o;
//   o.url = "http://127.0.0.1:8081";
//   auto c = registry::client::Client::Create(o);                 // Result<std::unique_ptr<Client>>
//   auto id = (*c)->Register("users-value", definition);        // Result<int32_t>
//
// Errors. A registry's error answer ({"error_code": 40401, "message": "..."}) becomes a Status
// whose message is the registry's and whose protocol_code() is its error_code (Confluent
// compares codes, not messages):
//   404 (40401 subject, 40402 version, 40403 schema, 40404..40407 soft-delete states,
//        40408/40409 no subject-level config/mode)            NotFound
//   409 (incompatible schema), 422 (42201 invalid schema, 42202 invalid version,
//        42203 invalid compatibility level, 42204 invalid mode, 42205 not permitted in this
//        mode, 42206 referenced by another schema), other 4xx    InvalidArgument
//   50002 timeout                                              TimedOut
//   other 5xx (50001 store error, 50003 forwarding failed)     Unavailable
// An answer without a Confluent error body keeps the HTTP status as protocol_code(). No
// answer at all (connection refused, timeout) is Unavailable / TimedOut without a code, and
// its message names the URL.
//
// Its types live in registry::client, apart from the server's types of similar names in
// registry/registry.h: the client depends on nothing of the registry but its REST API.
//
// Thread safety: a Client is thread-compatible (one request at a time). It keeps one libcurl
// handle and so one keep-alive connection; use one Client per thread for parallel requests.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace kappa::registry::client {

struct ClientOptions {
  // Base URL of the registry; a path prefix is kept ("http://h:8081/registry").
  std::string url = "http://127.0.0.1:8081";
  // Connection establishment, and one whole request (sending, waiting, reading). Defaults
  // 5 s and 30 s.
  int64_t connect_timeout_ms = 5000;
  int64_t request_timeout_ms = 30000;
  // "user:password" for HTTP basic authentication; empty: none.
  std::string basic_auth;
  // An Authorization header sent as is ("Basic dXNlcjpwdw=="), in place of basic_auth: a
  // registry forwarding a write passes its caller's login on. Empty: none.
  std::string authorization;
  // https:// URLs: the PEM file of the CAs the registry's certificate is checked against
  // (its host name too). Empty: the system's CAs.
  std::string ca_file;
};

// {"name": "com.acme.Address", "subject": "address-value", "version": 1}
struct SchemaReference {
  std::string name;
  std::string subject;
  int32_t version = 0;
};

// What a schema is, as sent to register, lookup and compatibility checks.
struct SchemaDefinition {
  std::string schema;               // the schema text (Avro JSON, JSON Schema, .proto)
  std::string schema_type = "AVRO";  // AVRO, JSON or PROTOBUF; AVRO is not sent (the default)
  std::vector<SchemaReference> references;
};

// A registered schema, as the registry answers it. subject/version are empty/0 for a schema
// fetched by id.
struct RegisteredSchema {
  std::string subject;
  int32_t version = 0;
  int32_t id = 0;
  SchemaDefinition definition;
};

struct CompatibilityResult {
  bool compatible = false;
  // Why not (the registry's verbose messages); empty when compatible or not verbose.
  std::vector<std::string> messages;
};

class Client {
 public:
  static Result<std::unique_ptr<Client>> Create(ClientOptions options);
  virtual ~Client() = default;

  virtual const ClientOptions& options() const = 0;

  // GET /subjects[?deleted=true]
  virtual Result<std::vector<std::string>> Subjects(bool include_deleted = false) = 0;
  // GET /subjects/{subject}/versions[?deleted=true]
  virtual Result<std::vector<int32_t>> Versions(std::string_view subject,
                                                bool include_deleted = false) = 0;
  // GET /subjects/{subject}/versions/{version}; version is a number or "latest".
  virtual Result<RegisteredSchema> GetVersion(std::string_view subject,
                                              std::string_view version,
                                              bool include_deleted = false) = 0;
  // GET /schemas/ids/{id}
  virtual Result<RegisteredSchema> GetById(int32_t id) = 0;
  // GET /schemas/ids/{id}/subjects
  virtual Result<std::vector<std::string>> SubjectsOfId(int32_t id) = 0;
  // GET /schemas/types
  virtual Result<std::vector<std::string>> SchemaTypes() = 0;

  // POST /subjects/{subject}/versions[?normalize=true]: the schema's global id (an existing
  // one when the same schema is registered already).
  virtual Result<int32_t> Register(std::string_view subject, const SchemaDefinition& schema,
                                   bool normalize = false) = 0;
  // POST /subjects/{subject}: the version of `subject` holding this schema.
  virtual Result<RegisteredSchema> Lookup(std::string_view subject,
                                          const SchemaDefinition& schema,
                                          bool include_deleted = false) = 0;
  // POST /compatibility/subjects/{subject}/versions/{version}?verbose=true; version is a
  // number or "latest".
  virtual Result<CompatibilityResult> CheckCompatibility(std::string_view subject,
                                                         std::string_view version,
                                                         const SchemaDefinition& schema) = 0;

  // GET /config or /config/{subject}[?defaultToGlobal=true]: the compatibility level.
  // An empty subject means the global level.
  virtual Result<std::string> GetCompatibility(std::string_view subject,
                                               bool default_to_global = false) = 0;
  // PUT /config or /config/{subject}: the level now in force (as the registry echoes it).
  virtual Result<std::string> SetCompatibility(std::string_view subject,
                                               std::string_view level) = 0;
  // DELETE /config/{subject}: the subject falls back to the global level; returns the level
  // it had.
  virtual Result<std::string> DeleteCompatibility(std::string_view subject) = 0;
  // GET /mode or /mode/{subject}.
  virtual Result<std::string> GetMode(std::string_view subject) = 0;
  // PUT /mode or /mode/{subject}: READWRITE, READONLY or IMPORT.
  virtual Result<std::string> SetMode(std::string_view subject, std::string_view mode) = 0;

  // DELETE /subjects/{subject}[?permanent=true]: the versions deleted. A permanent delete
  // needs a soft delete first (Confluent's rule; 40405 otherwise).
  virtual Result<std::vector<int32_t>> DeleteSubject(std::string_view subject,
                                                     bool permanent = false) = 0;
  // DELETE /subjects/{subject}/versions/{version}[?permanent=true]: the version deleted.
  virtual Result<int32_t> DeleteVersion(std::string_view subject, std::string_view version,
                                        bool permanent = false) = 0;

  // Any call: method and path (already URL-encoded, with its query) relative to the base
  // URL, an optional JSON body. The answer's body on 2xx; an error Status as above otherwise.
  virtual Result<std::string> Call(std::string_view method, std::string_view path_and_query,
                                   std::string_view body = {}) = 0;
};

// A path segment made safe for the URL: everything but unreserved characters is
// percent-encoded, so "a/b" becomes "a%2Fb" and UTF-8 bytes become %XX.
std::string EncodePathSegment(std::string_view segment);

}  // namespace kappa::registry::client
