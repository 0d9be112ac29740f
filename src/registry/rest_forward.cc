// Forwarding write requests to the elected writer (src/registry/README.md "Who writes"):
// a follower sends each REST write (register, deletes, config and mode changes) to the
// writer's advertised URL with the registry client (libcurl, src/registry/client) and
// answers with the writer's answer. Reads, lookups and compatibility checks are served
// locally, as Confluent does.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "common/logging.h"
#include "registry/client.h"
#include "registry/registry_errors.h"
#include "registry/rest_common.h"

namespace kappa::registry {

namespace {

// Marks a forwarded request, so the instance it reaches serves it rather than forwarding it
// again (two instances whose replays lag differently could otherwise bounce it). The routes
// ignore query parameters they do not know.
constexpr std::string_view kForwardedParam = "kappa.forwarded";

bool IsWrite(std::string_view operation) {
  static const std::set<std::string_view> kWrites = {
      "register", "delete_subject", "delete_version", "put_config",
      "delete_config", "put_mode", "delete_mode"};
  return kWrites.count(operation) > 0;
}

// What Confluent's messages call each write ("Error while forwarding register schema request
// to the leader").
std::string_view Describe(std::string_view operation) {
  if (operation == "register") return "register schema";
  if (operation == "delete_subject") return "delete subject";
  if (operation == "delete_version") return "delete schema version";
  if (operation == "put_config" || operation == "delete_config") return "update config";
  return "update mode";
}

}  // namespace

// One client per concurrent forwarded request (a Client is one keep-alive connection, one
// request at a time, with one login), kept for the next request to the same writer with the
// same login. The caller's Authorization header goes with the request: the writer checks
// the same user's permissions as the follower did (the users are shared by every instance).
class Forwarder {
 public:
  Result<std::string> Call(const std::string& url, std::string_view method,
                           std::string_view target, std::string_view body,
                           const std::string& authorization, const std::string& ca_file) {
    std::unique_ptr<client::Client> c;
    {
      std::lock_guard l(mu_);
      if (url != url_) {
        idle_.clear();
        idle_count_ = 0;
        url_ = url;
      }
      if (auto it = idle_.find(authorization); it != idle_.end()) {
        c = std::move(it->second.back());
        it->second.pop_back();
        --idle_count_;
        if (it->second.empty()) idle_.erase(it);
      }
    }
    if (!c) {
      client::ClientOptions o;
      o.url = url;
      o.connect_timeout_ms = 2000;
      o.authorization = authorization;
      o.ca_file = ca_file;
      ASSIGN_OR_RETURN(c, client::Client::Create(o));
    }
    auto r = c->Call(method, target, body);
    if (r.ok() || r.status().protocol_code()) {  // an answer: keep the connection
      std::lock_guard l(mu_);
      // At most kMaxIdle idle connections in all (each holds a socket), whatever the number
      // of logins: callers choose the Authorization value.
      if (url == url_ && idle_count_ < kMaxIdle) {
        idle_[authorization].push_back(std::move(c));
        ++idle_count_;
      }
    }
    return r;
  }

 private:
  static constexpr size_t kMaxIdle = 8;
  std::mutex mu_;
  std::string url_;
  std::map<std::string, std::vector<std::unique_ptr<client::Client>>> idle_;  // by login
  size_t idle_count_ = 0;
};

std::shared_ptr<Forwarder> NewForwarder() { return std::make_shared<Forwarder>(); }

std::optional<http::Response> ForwardIfFollower(RestContext* ctx, std::string_view operation,
                                                const http::Request& req) {
  if (!IsWrite(operation) || req.Query(kForwardedParam)) return std::nullopt;
  WriterRoute w = ctx->registry->Writer();
  if (w.kind == WriterRoute::Kind::kLocal) return std::nullopt;
  if (w.kind == WriterRoute::Kind::kUnknown) {
    ctx->forwarded->With({"unknown_leader"}).Add(1);
    return ErrorResponse(RegistryError(
        kUnknownLeader,
        operation == "register" ? "Register schema request failed since leader is unknown"
                                : "Request failed since leader is unknown"));
  }
  std::string target = req.target;
  target += target.find('?') == std::string::npos ? '?' : '&';
  target += std::string(kForwardedParam) + "=true";
  // The caller's login, as it came; a value with control characters (which could end the
  // header line in the forwarded request) is not passed on: the writer then answers 401.
  std::string authorization(req.headers.Get("authorization").value_or(""));
  if (std::any_of(authorization.begin(), authorization.end(),
                  [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
    authorization.clear();
  }
  auto r = ctx->forwarder->Call(w.url, req.method, target, req.body, authorization,
                                ctx->options.forward_ca_file);
  if (r.ok()) {
    ctx->forwarded->With({"ok"}).Add(1);
    return http::Response::Text(std::move(r).value(), 200, kRegistryContentType);
  }
  std::optional<int32_t> code = r.status().protocol_code();
  if (!code) {
    // No answer: the writer is gone or unreachable (a new one is being elected).
    ctx->forwarded->With({"failed"}).Add(1);
    KLOG_WARN("registry: forwarding {} {} to the writer at {}: {}", req.method, req.path, w.url,
              r.status().ToString());
    return ErrorResponse(RegistryError(
        kForwardingError,
        fmt::format("Error while forwarding {} request to the leader", Describe(operation))));
  }
  // The writer's own error (409, 42201, ...): the same code and message.
  ctx->forwarded->With({"ok"}).Add(1);
  return http::Response::Error(HttpStatusFor(*code), r.status().message(), *code,
                               kRegistryContentType);
}

}  // namespace kappa::registry
