// Headers, Request accessors and the Response helpers (JSON documents, errors, events).
#include <nlohmann/json.hpp>

#include <algorithm>

#include "http/http.h"

namespace kappa::http {

namespace {

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x >= 'A' && x <= 'Z' ? x + 32 : x) == (y >= 'A' && y <= 'Z' ? y + 32 : y);
         });
}

}  // namespace

// ---- Headers -------------------------------------------------------------------------------

void Headers::Add(std::string name, std::string value) {
  fields_.emplace_back(std::move(name), std::move(value));
}

void Headers::Set(std::string name, std::string value) {
  Remove(name);
  Add(std::move(name), std::move(value));
}

void Headers::Remove(std::string_view name) {
  fields_.erase(std::remove_if(fields_.begin(), fields_.end(),
                               [&](const auto& f) { return IEquals(f.first, name); }),
                fields_.end());
}

std::optional<std::string_view> Headers::Get(std::string_view name) const {
  for (const auto& [n, v] : fields_) {
    if (IEquals(n, name)) return std::string_view(v);
  }
  return std::nullopt;
}

// ---- Request -------------------------------------------------------------------------------

std::string_view Request::Param(std::string_view name) const {
  auto it = params.find(name);
  return it == params.end() ? std::string_view() : std::string_view(it->second);
}

std::optional<std::string_view> Request::Query(std::string_view name) const {
  for (const auto& [n, v] : query) {
    if (n == name) return std::string_view(v);
  }
  return std::nullopt;
}

bool Request::QueryFlag(std::string_view name, bool fallback) const {
  auto v = Query(name);
  if (!v) return fallback;
  return v->empty() || IEquals(*v, "true");
}

// ---- Response ------------------------------------------------------------------------------

Response Response::Json(const nlohmann::json& doc, int status, std::string_view content_type) {
  Response r;
  r.status = status;
  r.content_type = std::string(content_type);
  // Invalid UTF-8 in a string (say a topic name made of raw bytes) is replaced, not thrown.
  r.body = doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response Response::Text(std::string text, int status, std::string_view content_type) {
  Response r;
  r.status = status;
  r.content_type = std::string(content_type);
  r.body = std::move(text);
  return r;
}

Response Response::Error(int status, std::string_view message, int error_code,
                         std::string_view content_type) {
  nlohmann::json doc = {{"error_code", error_code != 0 ? error_code : status},
                        {"message", std::string(message)}};
  return Json(doc, status, content_type);
}

Response Response::FromStatus(const Status& s, std::string_view content_type) {
  int code = 500;
  switch (s.code()) {
    case Status::Code::kOk: code = 200; break;
    case Status::Code::kNotFound: code = 404; break;
    case Status::Code::kInvalidArgument: code = 400; break;
    case Status::Code::kAlreadyExists: code = 409; break;
    case Status::Code::kUnavailable: code = 503; break;
    case Status::Code::kTimedOut: code = 504; break;
    case Status::Code::kNotSupported: code = 501; break;
    default: break;
  }
  return Error(code, s.message(), 0, content_type);
}

Response Response::EventStream(std::function<void(std::shared_ptr<StreamWriter>)> start) {
  Response r;
  r.content_type = "text/event-stream";
  r.headers.Set("Cache-Control", "no-cache");
  r.stream = std::move(start);
  return r;
}

std::string SseEvent(std::string_view data, std::string_view event) {
  std::string out;
  if (!event.empty()) {
    out += "event: ";
    out += event;
    out += '\n';
  }
  for (;;) {
    size_t nl = data.find('\n');
    out += "data: ";
    out += data.substr(0, nl);
    out += '\n';
    if (nl == std::string_view::npos) break;
    data.remove_prefix(nl + 1);
  }
  out += '\n';
  return out;
}

bool ParseJsonBody(const Request& req, nlohmann::json* doc, Response* error,
                   std::string_view content_type) {
  if (req.body.empty()) {
    *error = Response::Error(400, "the request needs a JSON body and it is empty", 0,
                             content_type);
    return false;
  }
  // No exceptions: a malformed document is the client's error, and an exception per bad
  // request would be slow.
  *doc = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (doc->is_discarded()) {
    // Parse again with exceptions to learn where it broke (bad requests only).
    std::string where;
    try {
      nlohmann::json ignored = nlohmann::json::parse(req.body);
    } catch (const nlohmann::json::parse_error& e) {
      where = " at byte " + std::to_string(e.byte);
    }
    *error = Response::Error(400, "malformed JSON in the request body" + where, 0, content_type);
    return false;
  }
  return true;
}

}  // namespace kappa::http
