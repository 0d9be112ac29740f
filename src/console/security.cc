// The console's login, session and CSRF checks (security.h).
#include "console/security.h"
#include "security/security.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <array>
#include <chrono>

#include "common/host_port.h"
#include "common/logging.h"

namespace kappa::console {
namespace {

int64_t SessionNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool SameToken(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// The host of a Host header value: "127.0.0.1:9021" -> "127.0.0.1", "[::1]:9021" -> "::1".
std::string_view HostOf(std::string_view v) {
  if (!v.empty() && v.front() == '[') {
    size_t close = v.find(']');
    return close == std::string_view::npos ? v : v.substr(1, close - 1);
  }
  size_t colon = v.rfind(':');
  return colon == std::string_view::npos ? v : v.substr(0, colon);
}

bool StateChanging(std::string_view method) { return method != "GET" && method != "HEAD"; }

}  // namespace

std::string RandomToken() {
  std::array<unsigned char, 32> b{};
  // A CSPRNG failure leaves no safe way to make sessions: stop (an invariant of the process).
  KAPPA_CHECK(RAND_bytes(b.data(), int(b.size())) == 1);
  std::string out;
  for (unsigned char c : b) out += fmt::format("{:02x}", c);
  return out;
}

bool Security::auth_required() const {
  return !users_.empty() || (user_store_ && !user_store_->Empty());
}

Security::Security(const ConsoleOptions& options)
    : user_store_(options.user_store), open_csrf_(RandomToken()) {
  for (const User& u : options.users) users_[u.name] = u.password_hash;
}

std::optional<std::string> Security::CookieToken(const http::Request& req) const {
  // Cookie: a=b; kappa_console_session=TOKEN; c=d (every Cookie field, if several).
  for (const auto& [name, value] : req.headers.all()) {
    if (name.size() != 6 || strncasecmp(name.c_str(), "cookie", 6) != 0) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      size_t semi = rest.find(';');
      std::string_view pair = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      size_t eq = pair.find('=');
      if (eq != std::string_view::npos && pair.substr(0, eq) == kSessionCookie) {
        return std::string(pair.substr(eq + 1));
      }
    }
  }
  return std::nullopt;
}

std::optional<Session> Security::SessionOf(const http::Request& req) const {
  if (!auth_required()) return std::nullopt;
  auto token = CookieToken(req);
  if (!token) return std::nullopt;
  MutexLock lock(mu_);
  auto it = sessions_.find(*token);
  if (it == sessions_.end() || it->second.expires_ms <= SessionNowMs()) return std::nullopt;
  return it->second;
}

std::optional<std::string> Security::CsrfFor(const http::Request& req) const {
  if (!auth_required()) return open_csrf_;
  auto s = SessionOf(req);
  if (!s) return std::nullopt;
  return s->csrf;
}

Result<std::pair<std::string, Session>> Security::Login(std::string_view user,
                                                        std::string_view password) {
  const int64_t now = SessionNowMs();
  {
    MutexLock lock(mu_);
    auto f = failures_.find(user);
    if (f != failures_.end() && f->second.locked_until_ms > now) {
      return Status::Unavailable(fmt::format(
          "too many failed logins for this user; try again in {} s",
          (f->second.locked_until_ms - now + 999) / 1000));
    }
  }
  auto u = users_.find(user);
  // Verify even for an unknown name (against the name's own text as a hash fails fast, so
  // use a real hash's cost): the answer's timing does not tell which names exist.
  bool ok = false;
  if (u != users_.end()) {
    ok = VerifyPassword(password, u->second);
  } else if (user_store_ && user_store_->Exists(user)) {
    // The data directory's users: their SCRAM credential, checked in constant time.
    ok = user_store_->CheckPassword(user, password);
  } else if (!users_.empty()) {
    (void)VerifyPassword(password, users_.begin()->second);
  } else if (user_store_) {
    (void)user_store_->CheckPassword(user, password);
  }
  const bool known = u != users_.end() || (user_store_ && user_store_->Exists(user));
  MutexLock lock(mu_);
  if (!ok) {
    if (known) {
      Failures& f = failures_[std::string(user)];
      if (++f.count >= kMaxFailures) {
        f.count = 0;
        f.locked_until_ms = now + kLockoutMs;
        KLOG_WARN("console: {} failed logins in a row for user '{}'; locked for {} s",
                  kMaxFailures, user, kLockoutMs / 1000);
      }
    }
    return Status::InvalidArgument("wrong user name or password");
  }
  failures_.erase(std::string(user));
  // Drop expired sessions; past the cap, the one closest to expiry goes.
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    it = it->second.expires_ms <= now ? sessions_.erase(it) : std::next(it);
  }
  if (sessions_.size() >= kMaxSessions) {
    auto oldest = sessions_.begin();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      if (it->second.expires_ms < oldest->second.expires_ms) oldest = it;
    }
    sessions_.erase(oldest);
  }
  Session s{std::string(user), RandomToken(), now + kSessionTtlMs};
  std::string token = RandomToken();
  sessions_[token] = s;
  return std::make_pair(token, s);
}

void Security::Logout(const http::Request& req) {
  auto token = CookieToken(req);
  if (!token) return;
  MutexLock lock(mu_);
  sessions_.erase(*token);
}

bool Security::HostAllowed(const http::Request& req) const {
  auto host = req.headers.Get("Host");
  // HTTP/1.1 requires Host; an HTTP/1.0 client without one is not a browser being rebound.
  if (!host) return true;
  return IsLoopbackHost(HostOf(*host));
}

http::Response Security::Guard(http::Request& req, const http::Handler& next) const {
  const bool api = req.path.starts_with("/api/");
  http::Response r;
  if (!auth_required() && !HostAllowed(req)) {
    r = http::Response::Error(
        403, "the console without users answers only to a loopback Host (127.0.0.1, localhost, "
             "[::1]); configure console.users to serve other names");
  } else if (auth_required() && api && req.route != "/api/console/session" &&
             req.route != "/api/console/login" && !SessionOf(req)) {
    r = http::Response::Error(401, "log in first (POST /api/console/login)", kLoginErrorCode);
  } else if (StateChanging(req.method) && req.route == "/api/console/login") {
    auto ct = req.headers.Get("Content-Type");
    if (!ct || !ct->starts_with("application/json")) {
      r = http::Response::Error(415, "the login takes a JSON body (Content-Type: application/json)");
    } else {
      r = next(req);
    }
  } else if (StateChanging(req.method)) {
    auto want = CsrfFor(req);
    auto got = req.headers.Get("X-CSRF-Token");
    if (!want || !got || !SameToken(*want, *got)) {
      r = http::Response::Error(
          403, "missing or stale X-CSRF-Token header (read it from GET /api/console/session)",
          kCsrfErrorCode);
    } else {
      r = next(req);
    }
  } else {
    r = next(req);
  }
  // For every answer: no sniffing, no framing (clickjacking), no referrers leaking names,
  // and scripts, styles and connections from this origin only.
  r.headers.Set("X-Content-Type-Options", "nosniff");
  r.headers.Set("X-Frame-Options", "DENY");
  r.headers.Set("Referrer-Policy", "no-referrer");
  r.headers.Set("Content-Security-Policy",
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                "frame-ancestors 'none'");
  if (api && !r.headers.Has("Cache-Control")) r.headers.Set("Cache-Control", "no-store");
  return r;
}

}  // namespace kappa::console
