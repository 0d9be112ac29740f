// SASL state of one connection (sasl_session.h), after Kafka's SaslServerAuthenticator:
// ApiVersions and SaslHandshake first, then the mechanism's tokens (in SaslAuthenticate, or
// bare after a v0 handshake), and only then the other APIs. A failed login is answered with
// SASL_AUTHENTICATION_FAILED and its reason after a delay, then the connection is closed.
#include "kafka/sasl_session.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/logging.h"
#include "kafka/api.h"

namespace kappa::kafka {

namespace {
constexpr int64_t kMaxFailureDelayMs = 5000;
}  // namespace

int64_t LoginLimiter::Failed(const std::string& peer) {
  const int failures = throttle_.Failed(peer);
  int64_t delay = std::max<int64_t>(0, options_.failed_authentication_delay_ms);
  for (int i = 1; i < failures && delay < kMaxFailureDelayMs; ++i) delay *= 2;
  return std::min(delay, kMaxFailureDelayMs);
}

SaslSession::SaslSession(const KafkaSaslOptions* options, LoginLimiter* limiter,
                         bool sasl_required, std::string peer)
    : options_(options), limiter_(limiter), required_(sasl_required), peer_(std::move(peer)) {}

bool SaslSession::Allows(int16_t api_key, std::string* why) const {
  if (!required_) return true;
  bool sasl_api = api_key == kApiVersionsKey || api_key == kSaslHandshakeKey ||
                  api_key == kSaslAuthenticateKey;
  if (state_ == State::kAuthenticated) {
    if (std::chrono::steady_clock::now() < expires_ || sasl_api) return true;
    *why = "SASL session expired (re-authenticate before session_lifetime_ms)";
    return false;
  }
  if (sasl_api) return true;
  const ApiSpec* spec = FindApi(api_key);
  *why = fmt::format("Unexpected Kafka request of type {} during SASL handshake",
                     spec ? spec->name : std::to_string(api_key));
  return false;
}

ErrorCode SaslSession::Handshake(std::string_view mechanism, int16_t version) {
  if (!required_) return ErrorCode::kIllegalSaslState;
  bool reauth = state_ == State::kAuthenticated;
  if (state_ != State::kHandshake && !(reauth && version >= 1)) return ErrorCode::kIllegalSaslState;
  const auto& enabled = options_->mechanisms;
  if (std::find(enabled.begin(), enabled.end(), mechanism) == enabled.end()) {
    return ErrorCode::kUnsupportedSaslMechanism;
  }
  // KIP-368: a re-authentication uses the mechanism of the first one.
  if (reauth && mechanism != mechanism_) return ErrorCode::kUnsupportedSaslMechanism;
  auto server = security::SaslServer::Create(mechanism, options_->users);
  if (!server.ok()) return ErrorCode::kUnsupportedSaslMechanism;
  server_ = std::move(server).value();
  mechanism_ = std::string(mechanism);
  raw_ = version == 0;
  state_ = State::kAuthenticate;
  return ErrorCode::kNone;
}

SaslSession::Outcome SaslSession::Authenticate(std::string_view token) {
  Outcome out;
  if (state_ != State::kAuthenticate) {
    out.error = ErrorCode::kIllegalSaslState;
    out.message = "Unexpected SaslAuthenticate request: no SaslHandshake before it";
    out.close = true;
    return out;
  }
  auto fail = [&](std::string message) {
    state_ = State::kFailed;
    out.error = ErrorCode::kSaslAuthenticationFailed;
    out.message = std::move(message);
    out.delay_ms = limiter_->Failed(peer_);
    out.close = true;
    // The peer address and the reason; never a token (PLAIN's holds the password).
    KLOG_WARN("kafka: failed SASL {} login{} from {}: {}", mechanism_,
              server_->user().empty() ? "" : " of user '" + server_->user() + "'", peer_,
              out.message);
    return out;
  };
  if (!limiter_->Allowed(peer_)) {
    return fail(fmt::format("Authentication failed: too many failed logins from {}; try again "
                            "in a minute",
                            peer_));
  }
  auto step = server_->Next(token);
  if (!step.ok()) return fail(step.status().message());
  out.token = std::move(step->challenge);
  if (!step->done) return out;
  const bool reauth = principal_.authenticated;
  if (reauth && principal_.user != server_->user()) {
    return fail("Cannot change principals during re-authentication");
  }
  principal_ = security::Principal::User(server_->user());
  state_ = State::kAuthenticated;
  server_.reset();
  out.session_lifetime_ms = options_->session_lifetime_ms;
  expires_ = options_->session_lifetime_ms > 0
                 ? std::chrono::steady_clock::now() +
                       std::chrono::milliseconds(options_->session_lifetime_ms)
                 : std::chrono::steady_clock::time_point::max();
  if (!reauth) {
    KLOG_INFO("kafka: {} authenticated as {} with SASL {}", peer_, principal_.KafkaName(),
              mechanism_);
  }
  return out;
}

}  // namespace kappa::kafka
