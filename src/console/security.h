// Who may use the console and how state changes are protected (private to src/console).
//
// Open mode (no console.users; Start allows it on loopback only): every page and API answers
// without a login, but a request whose Host header is not a loopback name is refused (403),
// so a web page on another site cannot reach the console through DNS rebinding.
// Login mode (console.users): /api/console/* needs a session (401 without), made by
// POST /api/console/login and carried by the cookie `kappa_console_session` (HttpOnly,
// SameSite=Strict, Path=/). Pages and assets are served to anyone: they hold no data.
// Both modes: every request other than GET/HEAD must carry X-CSRF-Token equal to the
// session's token (login mode) or the process's token (open mode), both read from
// GET /api/console/session; 403 with error_code 40301 otherwise. A cross-site page can
// neither read that token nor send the header without a CORS preflight (never granted).
// POST /api/console/login is the one exception and needs Content-Type application/json.
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/mutex.h"
#include "common/thread_annotations.h"
#include "console/console.h"
#include "http/http.h"

namespace kappa::console {

inline constexpr std::string_view kSessionCookie = "kappa_console_session";
inline constexpr int kCsrfErrorCode = 40301;
inline constexpr int kLoginErrorCode = 40101;
// How long a session lasts after its login (the cookie itself ends with the browser).
inline constexpr int64_t kSessionTtlMs = 12 * 3600 * 1000;
inline constexpr size_t kMaxSessions = 1024;

struct Session {
  std::string user;
  std::string csrf;
  int64_t expires_ms = 0;
};

class Security {
 public:
  explicit Security(const ConsoleOptions& options);

  // console.users, or any user of the data directory's UserStore.
  bool auth_required() const;
  // The session this request's cookie names, if it is live.
  std::optional<Session> SessionOf(const http::Request& req) const;
  // The token non-GET requests must carry for this request (its session's, or the open
  // mode's); nullopt in login mode without a session.
  std::optional<std::string> CsrfFor(const http::Request& req) const;

  // Checks the password; on success a new session: (cookie token, session). Unavailable
  // "too many failed logins" after kMaxFailures wrong passwords in a row for a name (for
  // kLockoutMs); InvalidArgument for a wrong name or password (the same message for both).
  Result<std::pair<std::string, Session>> Login(std::string_view user, std::string_view password);
  void Logout(const http::Request& req);

  // The checks above, for http::Router::Use.
  http::Response Guard(http::Request& req, const http::Handler& next) const;

  static constexpr int kMaxFailures = 10;
  static constexpr int64_t kLockoutMs = 60'000;

 private:
  std::optional<std::string> CookieToken(const http::Request& req) const;
  bool HostAllowed(const http::Request& req) const;

  std::map<std::string, std::string, std::less<>> users_;  // name -> password hash
  std::shared_ptr<const security::UserStore> user_store_;  // may be null
  const std::string open_csrf_;                            // open mode's token
  mutable Mutex mu_;
  std::map<std::string, Session, std::less<>> sessions_ GUARDED_BY(mu_);  // by cookie token
  struct Failures {
    int count = 0;
    int64_t locked_until_ms = 0;
  };
  std::map<std::string, Failures, std::less<>> failures_ GUARDED_BY(mu_);
};

// 32 random bytes from OpenSSL's CSPRNG, hex.
std::string RandomToken();

// Adds /api/console/session, /login and /logout (routes_session.cc).
void AddSessionRoutes(http::Router& router, std::shared_ptr<Security> security,
                      const Sources& sources);

}  // namespace kappa::console
