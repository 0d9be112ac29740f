// HTTP Basic authentication on `kappa up`'s HTTP listener (up_http_auth.h).
//
// What answers a refused request follows the APIs served there: Confluent Schema Registry
// answers 401 with {"error_code": 40101, "message": ...} (its BasicAuthenticationHandler),
// Airflow's basic_auth backend 401 with `WWW-Authenticate: Basic`; both carry the header
// here, so curl -u, requests' HTTPBasicAuth and browsers all know to send credentials.
#include "app/up_http_auth.h"

#include <fmt/format.h>

#include "common/logging.h"

namespace kappa::app {

http::Middleware HttpBasicAuth(std::shared_ptr<const security::UserStore> users,
                               bool metrics_auth,
                               std::shared_ptr<const security::Authorizer> authorizer) {
  auto throttle = std::make_shared<security::LoginThrottle>();
  return [users = std::move(users), metrics_auth, throttle, authorizer = std::move(authorizer)](
             http::Request& req, const http::Handler& next) -> http::Response {
    // Probes stay open: a load balancer or Docker HEALTHCHECK has no password.
    if (req.route == "/health" || req.route == "/ready") return next(req);
    if (req.route == "/metrics" && !metrics_auth) return next(req);
    // No users yet: the listener was allowed to start open (loopback, or --insecure).
    if (!users || users->Empty()) return next(req);
    auto challenge = [](http::Response r) {
      r.headers.Set("WWW-Authenticate", "Basic realm=\"kappa\", charset=\"UTF-8\"");
      return r;
    };
    auto header = req.headers.Get("Authorization");
    if (!header) {
      return challenge(http::Response::Error(
          401, "Unauthorized: this API needs a user and password (HTTP Basic; kappa users add)",
          40101));
    }
    if (!throttle->Allowed(req.peer)) {
      KLOG_WARN("http: request from {} refused: too many failed logins from this address in "
                "the last minute", req.peer);
      http::Response r = http::Response::Error(
          429, "Too many failed logins from this address; try again in a minute", 42901);
      r.headers.Set("Retry-After", "60");
      return r;
    }
    auto creds = security::ParseBasicAuthorization(*header);
    if (!creds || !users->CheckPassword(creds->user, creds->password)) {
      throttle->Failed(req.peer);
      KLOG_WARN("http: failed login of user '{}' from {} ({} {})", creds ? creds->user : "",
                req.peer, req.method, req.path);
      return challenge(
          http::Response::Error(401, "Unauthorized: wrong user name or password", 40101));
    }
    if (authorizer && authorizer->enabled()) {
      const bool read = req.method == "GET" || req.method == "HEAD";
      const auto op = read ? security::AclOperation::kDescribe : security::AclOperation::kAlter;
      std::string host = req.peer.substr(0, req.peer.rfind(':'));
      if (!host.empty() && host.front() == '[') host = host.substr(1, host.size() - 2);
      if (!authorizer->Authorize(security::Principal::User(creds->user), host, op,
                                 security::ResourceType::kCluster,
                                 security::kClusterResourceName)) {
        return http::Response::Error(
            403,
            fmt::format("Forbidden: user {} may not {} here (needs {} on the cluster: kappa "
                        "acls add --allow-principal User:{} --operation {} --cluster)",
                        creds->user, read ? "read" : "change anything",
                        security::Name(op), creds->user, read ? "Describe" : "Alter"),
            40301);
      }
    }
    return next(req);
  };
}

}  // namespace kappa::app
