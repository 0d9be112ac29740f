// The request-handling contract shared by the server and the per-API handlers.
//
// Every API is one ApiSpec (key, name, supported version range, first flexible version and
// handler), defined in its own file under handlers/ next to the code that decodes and answers
// it. handlers/registry.cc lists them all; ApiVersions is derived from that list, and the
// server dispatches through it. Format details: docs/formats/kafka.md.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kafka/wire.h"
#include "security/security.h"

namespace kappa::kafka {

// API keys the connection layer itself looks at (server.cc, sasl_session.cc); the handlers
// name theirs in their ApiSpec.
inline constexpr int16_t kSaslHandshakeKey = 17;
inline constexpr int16_t kApiVersionsKey = 18;
inline constexpr int16_t kSaslAuthenticateKey = 36;

class Broker;
class SaslSession;

// How a request ends. Exactly one of these is delivered per request.
struct Response {
  enum class Kind { kSend, kNoResponse, kClose };
  Kind kind = Kind::kSend;
  std::string body;  // response body, without size and response header (kSend)
  std::string reason;  // why the connection is closed (kClose, close_after_send), for the log
  ErrorTally errors;   // error codes in `body` (kSend), for the errors metric
  bool close_after_send = false;  // kSend: close the connection once the answer is written
  // Kept until the answer is written or the connection ends (a Fetch answer's share of the
  // broker's fetch budget).
  std::shared_ptr<void> hold = nullptr;
};

// Delivers the outcome of one request; callable from any thread, exactly once.
class Responder {
 public:
  explicit Responder(std::function<void(Response)> fn) : fn_(std::move(fn)) {}
  void Send(std::string body, ErrorTally errors = {}, std::shared_ptr<void> hold = nullptr) {
    Response r{Response::Kind::kSend, std::move(body), {}, std::move(errors)};
    r.hold = std::move(hold);
    Deliver(std::move(r));
  }
  // Sends what `w` wrote, with the error codes it counted.
  void Send(Writer& w) { Send(w.Take(), w.TakeErrors()); }
  // Sends the answer, then closes the connection (a failed SASL login, as Kafka does).
  void SendAndClose(std::string body, std::string reason, ErrorTally errors = {}) {
    Response r{Response::Kind::kSend, std::move(body), std::move(reason), std::move(errors)};
    r.close_after_send = true;
    Deliver(std::move(r));
  }
  void NoResponse() { Deliver({Response::Kind::kNoResponse, {}, {}, {}}); }
  void Close(std::string reason) { Deliver({Response::Kind::kClose, {}, std::move(reason), {}}); }

 private:
  void Deliver(Response r) {
    if (fn_) {
      auto fn = std::move(fn_);
      fn_ = nullptr;
      fn(std::move(r));
    }
  }
  std::function<void(Response)> fn_;
};

// Timers and executor hops for handlers that answer later (Fetch long-poll). Implemented by
// the server on the connection's strand; tests use a manual one.
class Scheduler {
 public:
  virtual ~Scheduler() = default;
  // Runs fn on the connection's executor after delay_ms (>= 0).
  virtual void RunAfter(int64_t delay_ms, std::function<void()> fn) = 0;
  // Runs fn on the connection's executor soon; callable from any thread.
  virtual void Post(std::function<void()> fn) = 0;
};

struct RequestContext {
  int16_t api_key = 0;
  int16_t api_version = 0;
  int32_t correlation_id = 0;
  bool flexible = false;      // this version uses the flexible encoding
  std::string client_id;
  std::string client_host;    // peer address, for DescribeGroups
  Broker* broker = nullptr;
  std::shared_ptr<Scheduler> scheduler;
  // Who sent it: User:ANONYMOUS on a listener without SASL, else the SASL user (set by the
  // connection once SaslAuthenticate succeeded). ACL checks (security::Authorizer) use it.
  security::Principal principal;
  // The connection's SASL state (SaslHandshake, SaslAuthenticate); never null when served by
  // KafkaServer, null in handler tests that do not need it.
  SaslSession* sasl = nullptr;
  // The address of the listener the request came in on, as clients are told to reach it
  // (Metadata, FindCoordinator, DescribeCluster); empty: the broker's configured one.
  std::string advertised_host;
  int32_t advertised_port = 0;
};

// Decodes the request body in `in` (positioned after the request header) and delivers the
// response through `respond`. A body that does not parse is answered with respond.Close().
using Handler = void (*)(RequestContext& ctx, Reader& in, Responder respond);

struct ApiSpec {
  int16_t key;
  const char* name;
  int16_t min_version;
  int16_t max_version;
  int16_t first_flexible_version;  // INT16_MAX if every supported version is non-flexible
  Handler handler;
};

inline constexpr int16_t kNeverFlexible = INT16_MAX;

// Every API kappa serves, ordered by key. Defined in handlers/registry.cc.
const std::vector<const ApiSpec*>& AllApis();
// nullptr if the key is not served.
const ApiSpec* FindApi(int16_t key);

}  // namespace kappa::kafka
