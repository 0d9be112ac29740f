// Shared pieces of the REST API (internal to src/registry): content types, the error body,
// request parsing and the JSON of a schema, and the wrapper every route's handler goes
// through (content-type check, metrics, Status -> Confluent error).
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "http/http.h"
#include "metrics/metrics.h"
#include "registry/registry.h"

namespace kappa::registry {

inline constexpr std::string_view kRegistryContentType = "application/vnd.schemaregistry.v1+json";

class Forwarder;  // rest_forward.cc

struct RestContext {
  std::shared_ptr<Registry> registry;
  metrics::CounterFamily* requests = nullptr;  // kappa_registry_requests_total{operation}
  metrics::CounterFamily* errors = nullptr;    // kappa_registry_errors_total{error_code}
  metrics::Counter cache_hits;                 // kappa_registry_cache_hits_total
  // kappa_registry_forwarded_requests_total{result}: ok, failed, unknown_leader.
  metrics::CounterFamily* forwarded = nullptr;
  std::shared_ptr<Forwarder> forwarder;
  RestOptions options;
};

// Who writes (rest_forward.cc): for a write `operation` on an instance that is not the
// writer, the writer's answer to the forwarded request (or Confluent's 50003 when it cannot
// be reached, 50004 when no writer is known); nullopt when this instance serves it.
std::shared_ptr<Forwarder> NewForwarder();
std::optional<http::Response> ForwardIfFollower(RestContext* ctx, std::string_view operation,
                                                const http::Request& req);

// A handler answering with a Result: a Status error becomes Confluent's error body with the
// HTTP status of its error code.
using RestFn = std::function<Result<http::Response>(http::Request&)>;
http::Handler Wrap(const std::shared_ptr<RestContext>& ctx, std::string_view operation,
                   RestFn fn);

http::Response Json(const nlohmann::json& doc, int status = 200);
http::Response ErrorResponse(const Status& s);

// The body of register, lookup and compatibility requests: {"schema", "schemaType",
// "references", "id", "version"} into *out (subject and normalize from the path and query).
Status ParseSchemaRequest(const http::Request& req, RegisterRequest* out);

// Confluent's JSON of a schema: subject/version/id when set, schemaType unless AVRO,
// references unless empty, then schema.
nlohmann::json SchemaJson(const RegisteredSchema& s, bool with_subject_version);

// The `version` path parameter (42202) and `id` (404 for a non-number).
Result<int32_t> VersionParam(const http::Request& req);
Result<int32_t> IdParam(const http::Request& req);

void AddSubjectRoutes(const std::shared_ptr<RestContext>& ctx, http::Router* router);
void AddSchemaRoutes(const std::shared_ptr<RestContext>& ctx, http::Router* router);
void AddConfigRoutes(const std::shared_ptr<RestContext>& ctx, http::Router* router);

}  // namespace kappa::registry
