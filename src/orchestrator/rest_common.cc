// The REST API's shared plumbing (problem+json errors, bodies, lookups) and AddAirflowRoutes.
#include "orchestrator/rest_common.h"

#include <fmt/format.h>

#include <algorithm>

#include "metrics/metrics.h"

namespace kappa::orchestrator {

namespace rest {

namespace {

// Airflow's EXCEPTIONS_LINK_MAP (api_connexion/exceptions.py): one documentation anchor per
// status; connexion's own validation errors say "about:blank".
std::string ProblemType(int status) {
  std::string_view anchor;
  switch (status) {
    case 400:
      anchor = "BadRequest";
      break;
    case 401:
      anchor = "Unauthenticated";
      break;
    case 403:
      anchor = "PermissionDenied";
      break;
    case 404:
      anchor = "NotFound";
      break;
    case 405:
      anchor = "MethodNotAllowed";
      break;
    case 406:
      anchor = "NotAcceptable";
      break;
    case 409:
      anchor = "AlreadyExists";
      break;
    case 500:
      anchor = "Unknown";
      break;
    default:
      return "about:blank";
  }
  return fmt::format(
      "https://airflow.apache.org/docs/apache-airflow/{}/stable-rest-api-ref.html"
      "#section/Errors/{}",
      kAirflowApiVersion, anchor);
}

// The default titles of Airflow's ProblemException subclasses.
std::string_view TitleFor(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 409:
      return "Conflict";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Internal Server Error";
  }
}

}  // namespace

http::Response Problem(int status, std::string_view title, std::string_view detail) {
  nlohmann::json doc = {{"detail", std::string(detail)},
                        {"status", status},
                        {"title", std::string(title)},
                        {"type", ProblemType(status)}};
  return http::Response::Json(doc, status, kProblemJson);
}

http::Response ProblemFrom(const Status& s) {
  int status = 500;
  switch (s.code()) {
    case Status::Code::kNotFound:
      status = 404;
      break;
    case Status::Code::kInvalidArgument:
      status = 400;
      break;
    case Status::Code::kOutOfRange:
      status = 400;
      break;
    case Status::Code::kAlreadyExists:
      status = 409;
      break;
    case Status::Code::kNotSupported:
      status = 501;
      break;
    case Status::Code::kUnavailable:
      status = 503;
      break;
    case Status::Code::kTimedOut:
      status = 504;
      break;
    default:
      break;
  }
  return Problem(status, TitleFor(status), s.message());
}

http::Response JsonOk(const nlohmann::json& doc, int status) {
  return http::Response::Json(doc, status);
}

http::Handler Wrap(std::string_view operation, RestFn fn) {
  static metrics::CounterFamily& requests = metrics::Registry::Default().GetCounterFamily(
      "kappa_orchestrator_api_requests_total",
      "Airflow REST API requests answered, by operation (Airflow's operationId) and HTTP status",
      {"operation", "status"});
  return [op = std::string(operation), fn = std::move(fn)](http::Request& req) {
    Res r = fn(req);
    http::Response out = r.ok() ? std::move(r).value() : ProblemFrom(r.status());
    requests.With({op, std::to_string(out.status)}).Add(1);
    return out;
  };
}

Result<nlohmann::json> ParseBodyObject(const Req& req) {
  nlohmann::json doc;
  http::Response err;
  if (!http::ParseJsonBody(req, &doc, &err)) {
    // The shared parser says where the JSON broke; keep its words as the detail.
    auto e = nlohmann::json::parse(err.body, nullptr, false);
    std::string msg = e.is_object() ? e.value("message", "malformed JSON") : "malformed JSON";
    return Status::InvalidArgument(msg);
  }
  if (!doc.is_object()) {
    return Status::InvalidArgument(
        fmt::format("the request body must be a JSON object, not {}", doc.type_name()));
  }
  return doc;
}

Status CheckKnownFields(const nlohmann::json& body, const std::vector<std::string_view>& allowed) {
  std::vector<std::string> unknown;
  for (const auto& [key, value] : body.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) unknown.push_back(key);
  }
  if (unknown.empty()) return Status::OK();
  // marshmallow's ValidationError.messages, as Airflow puts them in the detail.
  std::string detail = "{";
  for (size_t i = 0; i < unknown.size(); ++i) {
    detail += fmt::format("{}'{}': ['Unknown field.']", i ? ", " : "", unknown[i]);
  }
  detail += "}";
  return Status::InvalidArgument(detail);
}

Result<std::optional<bool>> BodyBool(const nlohmann::json& body, std::string_view name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::optional<bool>();
  if (!it->is_boolean()) {
    return Status::InvalidArgument(fmt::format("{{'{}': ['Not a valid boolean.']}}", name));
  }
  return std::optional<bool>(it->get<bool>());
}

Result<std::optional<std::string>> BodyString(const nlohmann::json& body, std::string_view name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) {
    return Status::InvalidArgument(fmt::format("{{'{}': ['Not a valid string.']}}", name));
  }
  return std::optional<std::string>(it->get<std::string>());
}

Result<std::optional<TimeMs>> BodyTime(const nlohmann::json& body, std::string_view name) {
  ASSIGN_OR_RETURN(std::optional<std::string> text, BodyString(body, name));
  if (!text) return std::optional<TimeMs>();
  Result<TimeMs> t = ParseApiTime(*text, /*naive_is_utc=*/false);
  if (!t.ok()) {
    return Status::InvalidArgument(fmt::format("{{'{}': ['{}']}}", name, t.status().message()));
  }
  return std::optional<TimeMs>(*t);
}

namespace {
constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
}  // namespace

std::string Base64Url(std::string_view bytes) {
  std::string out;
  uint32_t buf = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buf = (buf << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kBase64Url[(buf >> bits) & 63];
    }
  }
  if (bits > 0) out += kBase64Url[(buf << (6 - bits)) & 63];
  return out;
}

std::optional<std::string> FromBase64Url(std::string_view text) {
  std::string out;
  uint32_t buf = 0;
  int bits = 0;
  for (char c : text) {
    const char* p = std::char_traits<char>::find(kBase64Url, 64, c);
    if (!p) return std::nullopt;
    buf = (buf << 6) | uint32_t(p - kBase64Url);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += char((buf >> bits) & 0xff);
    }
  }
  return out;
}

Result<DagInfo> FindDag(const Orchestrator& o, std::string_view dag_id) {
  Result<DagInfo> d = o.GetDag(dag_id);
  if (!d.ok() && d.status().IsNotFound()) {
    return Status::NotFound(fmt::format("The DAG with dag_id: {} was not found", dag_id));
  }
  return d;
}

Result<DagRun> FindRun(const Orchestrator& o, std::string_view dag_id, std::string_view run_id) {
  Result<DagRun> r = o.GetRun(dag_id, run_id);
  if (!r.ok() && r.status().IsNotFound()) {
    return Status::NotFound(
        fmt::format("DAGRun with DAG ID: '{}' and DagRun ID: '{}' not found", dag_id, run_id));
  }
  return r;
}

}  // namespace rest

void AddAirflowRoutes(Orchestrator* o, http::Router* router) {
  rest::AddDagRoutes(o, router);
  rest::AddDagRunRoutes(o, router);
  rest::AddTaskInstanceRoutes(o, router);
  rest::AddLogRoutes(o, router);
  rest::AddBackfillRoutes(o, router);
  rest::AddMonitorRoutes(o, router);
}

}  // namespace kappa::orchestrator
