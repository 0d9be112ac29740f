// The REST API's shared plumbing, and AddRegistryRoutes.
#include "registry/rest_common.h"

#include <charconv>

#include "registry/registry_errors.h"

namespace kappa::registry {

namespace {

// Confluent accepts its own media types, plain JSON and (for clients that send none that
// matters) octet-stream; a body of any other type is refused as Jersey does.
bool AcceptedContentType(std::string_view ct) {
  size_t semi = ct.find(';');
  if (semi != std::string_view::npos) ct = ct.substr(0, semi);
  while (!ct.empty() && ct.back() == ' ') ct.remove_suffix(1);
  std::string lower(ct);
  for (char& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
  return lower.empty() || lower == "application/vnd.schemaregistry.v1+json" ||
         lower == "application/vnd.schemaregistry+json" || lower == "application/json" ||
         lower == "application/octet-stream";
}

Status BadField(std::string_view what) {
  return RegistryError(ErrorCode(422), std::string("Unprocessable entity: ") + std::string(what));
}

}  // namespace

http::Response Json(const nlohmann::json& doc, int status) {
  return http::Response::Json(doc, status, kRegistryContentType);
}

http::Response ErrorResponse(const Status& s) {
  int32_t code = s.protocol_code().value_or(kStoreError);
  std::string message = s.protocol_code() ? s.message() : "Error in the backend data store";
  return http::Response::Error(HttpStatusFor(code), message, code, kRegistryContentType);
}

http::Handler Wrap(const std::shared_ptr<RestContext>& ctx, std::string_view operation,
                   RestFn fn) {
  metrics::Counter requests = ctx->requests->With({operation});
  return [ctx, requests, op = std::string(operation),
          fn = std::move(fn)](http::Request& req) -> http::Response {
    requests.Add(1);
    if (!req.body.empty()) {
      auto ct = req.headers.Get("Content-Type");
      if (ct && !AcceptedContentType(*ct)) {
        ctx->errors->With({"415"}).Add(1);
        return http::Response::Error(415, "HTTP 415 Unsupported Media Type", 415,
                                     kRegistryContentType);
      }
    }
    if (auto forwarded = ForwardIfFollower(ctx.get(), op, req)) return std::move(*forwarded);
    Result<http::Response> r = fn(req);
    if (r.ok()) return std::move(r).value();
    http::Response e = ErrorResponse(r.status());
    ctx->errors->With({std::to_string(r.status().protocol_code().value_or(kStoreError))}).Add(1);
    return e;
  };
}

Status ParseSchemaRequest(const http::Request& req, RegisterRequest* out) {
  nlohmann::json doc;
  http::Response err;
  if (!http::ParseJsonBody(req, &doc, &err, kRegistryContentType)) {
    auto j = nlohmann::json::parse(err.body, nullptr, false);
    std::string msg = j.is_object() ? j.value("message", "malformed JSON") : "malformed JSON";
    return RegistryError(ErrorCode(400), msg);
  }
  if (!doc.is_object()) return BadField("the body must be a JSON object");
  auto schema = doc.find("schema");
  if (schema == doc.end() || schema->is_null()) {
    return RegistryError(kInvalidSchema, "Empty schema");
  }
  if (!schema->is_string()) return BadField("schema must be a string");
  out->schema = schema->get<std::string>();
  auto type = doc.find("schemaType");
  if (type != doc.end() && !type->is_null()) {
    if (!type->is_string()) return BadField("schemaType must be a string");
    out->type = type->get<std::string>();
  }
  auto refs = doc.find("references");
  if (refs != doc.end() && !refs->is_null()) {
    if (!refs->is_array()) return BadField("references must be an array");
    for (const auto& r : *refs) {
      if (!r.is_object() || !r.contains("name") || !r["name"].is_string() ||
          !r.contains("subject") || !r["subject"].is_string() || !r.contains("version") ||
          !r["version"].is_number_integer()) {
        return BadField("each reference needs a string name and subject and an integer version");
      }
      int64_t v = r["version"].get<int64_t>();
      if (v != kLatestVersion && (v < 1 || v > INT32_MAX)) {
        return InvalidVersion(std::to_string(v));
      }
      out->references.push_back(
          {r["name"].get<std::string>(), r["subject"].get<std::string>(), int32_t(v)});
    }
  }
  for (const char* field : {"id", "version"}) {
    auto f = doc.find(field);
    if (f == doc.end() || f->is_null()) continue;
    if (!f->is_number_integer() || f->get<int64_t>() < 0 || f->get<int64_t>() > INT32_MAX) {
      return BadField(std::string(field) + " must be a positive integer");
    }
    (std::string_view(field) == "id" ? out->id : out->version) = f->get<int32_t>();
  }
  out->normalize = req.QueryFlag("normalize");
  return Status::OK();
}

nlohmann::json SchemaJson(const RegisteredSchema& s, bool with_subject_version) {
  nlohmann::json j = nlohmann::json::object();
  if (with_subject_version) {
    j["subject"] = s.subject;
    j["version"] = s.version;
  }
  j["id"] = s.id;
  if (s.type != "AVRO") j["schemaType"] = s.type;
  if (!s.references.empty()) {
    nlohmann::json refs = nlohmann::json::array();
    for (const auto& r : s.references) {
      refs.push_back({{"name", r.name}, {"subject", r.subject}, {"version", r.version}});
    }
    j["references"] = std::move(refs);
  }
  j["schema"] = s.schema;
  return j;
}

Result<int32_t> VersionParam(const http::Request& req) { return ParseVersion(req.Param("version")); }

Result<int32_t> IdParam(const http::Request& req) {
  std::string_view text = req.Param("id");
  int32_t id = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || p != text.data() + text.size()) {
    return RegistryError(ErrorCode(404), "HTTP 404 Not Found");
  }
  return id;
}

void AddRegistryRoutes(std::shared_ptr<Registry> registry, http::Router* router,
                       metrics::Registry* metrics, RestOptions options) {
  auto& m = metrics ? *metrics : metrics::Registry::Default();
  auto ctx = std::make_shared<RestContext>();
  ctx->registry = std::move(registry);
  ctx->requests = &m.GetCounterFamily("kappa_registry_requests_total",
                                      "Schema registry REST requests, by operation",
                                      {"operation"});
  ctx->errors = &m.GetCounterFamily("kappa_registry_errors_total",
                                    "Schema registry REST errors, by Confluent error code",
                                    {"error_code"});
  ctx->cache_hits = m.GetCounter("kappa_registry_cache_hits_total",
                                 "Schemas looked up by id and served from memory");
  ctx->forwarded = &m.GetCounterFamily(
      "kappa_registry_forwarded_requests_total",
      "REST write requests a follower forwarded to the elected writer, by result (ok, failed, "
      "unknown_leader)",
      {"result"});
  ctx->forwarder = NewForwarder();
  ctx->options = std::move(options);
  router->Get("/", Wrap(ctx, "root", [](http::Request&) -> Result<http::Response> {
    return Json(nlohmann::json::object());
  }));
  AddSubjectRoutes(ctx, router);
  AddSchemaRoutes(ctx, router);
  AddConfigRoutes(ctx, router);
}

}  // namespace kappa::registry
