// SASL on one Kafka connection (docs/formats/kafka.md, "SASL"): the state machine Kafka's
// SaslServerAuthenticator runs, shared by the SaslHandshake (17) and SaslAuthenticate (36)
// handlers and the server's connection loop (which also carries the raw tokens of a
// SaslHandshake v0 exchange, sent without Kafka request headers). Private to src/kafka.
//
// Threading: one per connection, used on the connection's strand only. LoginLimiter is
// shared by the server's connections and thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "common/mutex.h"
#include "kafka/error_codes.h"
#include "kafka/kafka.h"
#include "security/security.h"

namespace kappa::kafka {

// Failed logins per peer address: the delay before a failure is answered and the per-minute
// cap (KafkaSaslOptions).
class LoginLimiter {
 public:
  explicit LoginLimiter(const KafkaSaslOptions& o)
      : options_(o), throttle_(o.max_failed_logins_per_minute) {}
  // Whether `peer` may try now (false: over the cap for the current minute).
  bool Allowed(const std::string& peer) { return throttle_.Allowed(peer); }
  // Records a failure; returns how long to wait before answering it: the failure delay,
  // doubled per earlier failure of the peer this minute, at most 5 s.
  int64_t Failed(const std::string& peer);

 private:
  const KafkaSaslOptions& options_;
  security::LoginThrottle throttle_;  // the per-address window, shared with CQL and HTTP
};

class SaslSession {
 public:
  // `options` and `limiter` outlive the session; `sasl_required`: the listener is SASL_*.
  SaslSession(const KafkaSaslOptions* options, LoginLimiter* limiter, bool sasl_required,
              std::string peer);

  bool required() const { return required_; }
  // Whether a request with this API key may be served now; false: Kafka closes the
  // connection ("Unexpected Kafka request of type X during SASL handshake"), with *why set.
  bool Allows(int16_t api_key, std::string* why) const;
  // After SaslHandshake v0: the next frame is a bare SASL token, not a Kafka request.
  bool raw_tokens() const { return state_ == State::kAuthenticate && raw_; }

  // SaslHandshake: kNone, kUnsupportedSaslMechanism, kIllegalSaslState.
  ErrorCode Handshake(std::string_view mechanism, int16_t version);
  const std::vector<std::string>& mechanisms() const { return options_->mechanisms; }

  struct Outcome {
    ErrorCode error = ErrorCode::kNone;
    std::string message;      // why it failed (sent to the client: no secret in it)
    std::string token;        // the server's SASL message
    int64_t delay_ms = 0;     // answer a failure after this long
    bool close = false;       // close the connection once answered
    int64_t session_lifetime_ms = 0;  // once authenticated (KIP-368)
  };
  // One client token (SaslAuthenticate's auth_bytes, or a raw frame).
  Outcome Authenticate(std::string_view token);

  // The connection's principal: the SASL user once authenticated, else anonymous.
  const security::Principal& principal() const { return principal_; }

 private:
  enum class State { kHandshake, kAuthenticate, kAuthenticated, kFailed };
  const KafkaSaslOptions* options_;
  LoginLimiter* limiter_;
  const bool required_;
  const std::string peer_;
  State state_ = State::kHandshake;
  bool raw_ = false;
  std::string mechanism_;
  std::unique_ptr<security::SaslServer> server_;
  security::Principal principal_;
  std::chrono::steady_clock::time_point expires_ = std::chrono::steady_clock::time_point::max();
};

}  // namespace kappa::kafka
