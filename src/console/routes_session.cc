// GET /api/console/session, POST /api/console/login, POST /api/console/logout (security.h).
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "console/security.h"

namespace kappa::console {

void AddSessionRoutes(http::Router& router, std::shared_ptr<Security> security,
                      const Sources& sources) {
  const std::string version = sources.facts.version;
  router.Get("/api/console/session", [security, version](http::Request& req) {
    auto s = security->SessionOf(req);
    auto csrf = security->CsrfFor(req);
    return http::Response::Json({{"auth_required", security->auth_required()},
                                 {"user", s ? nlohmann::json(s->user) : nlohmann::json()},
                                 {"csrf_token", csrf ? nlohmann::json(*csrf) : nlohmann::json()},
                                 {"version", version}});
  });
  router.Post("/api/console/login", [security](http::Request& req) {
    if (!security->auth_required()) {
      return http::Response::Error(409, "this console has no users (console.users): no login needed");
    }
    nlohmann::json body;
    http::Response error;
    if (!http::ParseJsonBody(req, &body, &error)) return error;
    if (!body.is_object() || !body.contains("user") || !body["user"].is_string() ||
        !body.contains("password") || !body["password"].is_string()) {
      return http::Response::Error(400, "the body must be {\"user\": \"...\", \"password\": \"...\"}");
    }
    auto r = security->Login(body["user"].get<std::string>(), body["password"].get<std::string>());
    if (!r.ok()) {
      if (r.status().code() == Status::Code::kUnavailable) {
        return http::Response::Error(429, r.status().message());
      }
      return http::Response::Error(401, r.status().message(), kLoginErrorCode);
    }
    const auto& [token, session] = *r;
    http::Response ok = http::Response::Json({{"user", session.user}, {"csrf_token", session.csrf}});
    // No Max-Age: the cookie ends with the browser; the server ends the session after
    // kSessionTtlMs anyway. Secure over HTTPS (listeners.console "https://"), so the browser
    // never sends the session over a plain connection.
    ok.headers.Add("Set-Cookie", fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict{}",
                                             kSessionCookie, token,
                                             req.tls ? "; Secure" : ""));
    return ok;
  });
  router.Post("/api/console/logout", [security](http::Request& req) {
    security->Logout(req);
    http::Response ok = http::Response::Json({{"user", nullptr}});
    ok.headers.Add("Set-Cookie", fmt::format("{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
                                             kSessionCookie));
    return ok;
  });
}

}  // namespace kappa::console
