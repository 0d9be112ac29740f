// kappa's one HTTP/1.1 server, for every HTTP feature (the schema registry's REST API,
// /metrics, /health, the console). Boost.Beast parses requests; connections are Boost.Asio
// C++20 coroutines with the listener plumbing the Kafka and CQL servers share
// (common/listener.h: accept backoff, max connections, idle and request timeouts, a byte
// budget for requests in flight).
//
//   auto router = std::make_shared<http::Router>();
//   router->Get("/subjects/{subject}/versions", [](http::Request& req) {
//     return http::Response::Json({{"subject", req.Param("subject")}});
//   });
//   http::ListenerOptions l;           // "http" on 127.0.0.1:8081
//   l.router = router;
//   auto server = http::Server::Start({}, {l});   // Result<std::unique_ptr<Server>>
//
// Behaviour every route gets: keep-alive and pipelining (answers in request order), HEAD
// (answered as GET without the body), 404 for an unknown path, 405 with an Allow header for a
// known path and another method, gzip when the client accepts it, `Expect: 100-continue`,
// chunked request bodies, and JSON errors (`{"error_code": N, "message": "..."}`) for bad
// requests (400), slow clients (408), bodies over the limit (413), headers over the limit
// (431) and handlers that throw (500; the message never carries the exception's text).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/listener_limits.h"
#include "common/status.h"

namespace boost::asio::ssl {
class context;
}

namespace kappa::http {

inline constexpr std::string_view kJson = "application/json";

// Header fields in arrival order; names compare case-insensitively.
class Headers {
 public:
  void Add(std::string name, std::string value);
  // Replaces every field of that name.
  void Set(std::string name, std::string value);
  void Remove(std::string_view name);
  // The first field of that name.
  std::optional<std::string_view> Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }
  const std::vector<std::pair<std::string, std::string>>& all() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

struct Request {
  std::string method;  // as sent ("GET"); a HEAD request is routed as GET, with `head` set
  bool head = false;
  std::string target;  // the request-target as sent: "/subjects/a%2Fb?deleted=true"
  std::string path;    // its path, not decoded: "/subjects/a%2Fb"
  std::string route;   // the pattern that matched: "/subjects/{subject}"
  std::map<std::string, std::string, std::less<>> params;  // path parameters, percent-decoded
  std::vector<std::pair<std::string, std::string>> query;  // decoded ('+' is a space), in order
  Headers headers;
  std::string body;  // de-chunked
  std::string peer;  // "127.0.0.1:53012"
  bool tls = false;  // arrived over HTTPS

  // The path parameter, "" if the route has none of that name.
  std::string_view Param(std::string_view name) const;
  // The first query parameter of that name.
  std::optional<std::string_view> Query(std::string_view name) const;
  // A flag like `?deleted=true`: "true" (any case) or a bare `?deleted` is true; absent is
  // `fallback`; anything else is false.
  bool QueryFlag(std::string_view name, bool fallback = false) const;
};

// The writing end of a streaming response body (server-sent events and the like). Handed to
// Response::stream's start function; any thread may use it, for as long as it likes.
class StreamWriter {
 public:
  virtual ~StreamWriter() = default;
  // Queues a chunk for the client. False once the stream is closed: the client went away,
  // the server is stopping, or the client fell more than the listener's max_output_bytes
  // behind (the stream is then closed for it). Stop producing when it returns false.
  virtual bool Write(std::string chunk) = 0;
  // Ends the body once the queued chunks are out; the connection closes after it.
  virtual void Close() = 0;
  virtual bool closed() const = 0;
  // `fn` runs once when the stream closes for any reason (at once if it already did), on a
  // server thread or the caller's; keep it short (unsubscribe, stop a timer).
  virtual void OnClose(std::function<void()> fn) = 0;
};

struct Response {
  int status = 200;
  std::string content_type{kJson};  // empty: no Content-Type header
  Headers headers;                   // extra fields (Location, Cache-Control, ...)
  std::string body;
  // A streaming body: when set, the server sends the status and headers with chunked
  // encoding (no gzip), then calls `stream` once with the writer, on the connection's
  // thread. `body` is ignored. The stream is the connection's last answer.
  std::function<void(std::shared_ptr<StreamWriter>)> stream;

  static Response Json(const nlohmann::json& doc, int status = 200,
                       std::string_view content_type = kJson);
  static Response Text(std::string text, int status = 200,
                       std::string_view content_type = "text/plain; charset=utf-8");
  // {"error_code": error_code (the status if 0), "message": message}, the shape Confluent's
  // REST APIs use.
  static Response Error(int status, std::string_view message, int error_code = 0,
                        std::string_view content_type = kJson);
  // A Status as an error: NotFound 404, InvalidArgument 400, AlreadyExists 409,
  // Unavailable 503, TimedOut 504, NotSupported 501, others 500.
  static Response FromStatus(const Status& s, std::string_view content_type = kJson);
  // `text/event-stream` (Cache-Control: no-cache) whose body `start` writes (see SseEvent).
  static Response EventStream(std::function<void(std::shared_ptr<StreamWriter>)> start);
};

// One server-sent event: "event: NAME\ndata: LINE\n...\n\n" (no event line if `event` is
// empty; each line of `data` becomes a data line).
std::string SseEvent(std::string_view data, std::string_view event = {});

// Parses a request body as JSON into `*doc`. On failure fills `*error` with a 400 saying where
// the JSON is malformed (or that the body is empty) and returns false.
bool ParseJsonBody(const Request& req, nlohmann::json* doc, Response* error,
                   std::string_view content_type = kJson);

// Handlers run on a server thread, one request at a time per connection; they may run
// concurrently for different connections. A handler should not block for long (it holds its
// thread). An exception escaping a handler becomes a 500 JSON answer and is logged.
using Handler = std::function<Response(Request&)>;
// Runs around every matched handler (after routing: req.route and req.params are set): it
// may answer itself (a refused login, a missing CSRF token) or call `next` and adjust its
// answer (security headers). Not called for 404, 405 or a malformed path.
using Middleware = std::function<Response(Request&, const Handler& next)>;

// Method + path pattern -> handler. Patterns are absolute paths whose segments are literals
// or `{name}` (one non-empty segment, percent-decoded into Request::params; a `%2F` in it
// stays inside the segment). A literal segment wins over `{name}` at the same place. A
// trailing slash is ignored. Build the table before the server starts; reads are then
// thread-safe. A malformed or duplicate route is a programming error (KAPPA_CHECK).
class Router {
 public:
  Router();
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;

  Router& Add(std::string_view method, std::string_view pattern, Handler handler);
  Router& Get(std::string_view pattern, Handler h) { return Add("GET", pattern, std::move(h)); }
  Router& Post(std::string_view pattern, Handler h) { return Add("POST", pattern, std::move(h)); }
  Router& Put(std::string_view pattern, Handler h) { return Add("PUT", pattern, std::move(h)); }
  Router& Delete(std::string_view pattern, Handler h) {
    return Add("DELETE", pattern, std::move(h));
  }
  // Wraps every route, added before or after (the console's session and CSRF checks). Several
  // run in the order given, the first outermost.
  Router& Use(Middleware m);

  // Answers a parsed request (fills req.route and req.params): the handler's response, or
  // 404 / 405 (with Allow) / 500. Also how the server calls it; public for tests and fuzzing.
  Response Dispatch(Request& req) const;

  struct Node;  // opaque: the route tree (router.cc)

 private:
  std::unique_ptr<Node> root_;
  std::vector<Middleware> middleware_;
};

// What the server saw of one answered request, for metrics and access logs.
struct RequestRecord {
  std::string_view listener;  // ListenerOptions::name
  std::string_view method;
  std::string_view route;     // the matched pattern; "" when none matched (404, bad request)
  int status = 0;
  int64_t duration_us = 0;    // from the request's last byte to its answer queued
  uint64_t request_bytes = 0;   // body bytes received
  uint64_t response_bytes = 0;  // body bytes sent (after gzip; a stream counts 0 here)
};

// One address the server listens on, with its own route table and limits.
struct ListenerOptions {
  std::string name = "http";      // in log lines and RequestRecord (`http`, `console`)
  std::string host = "127.0.0.1";
  uint16_t port = 8081;           // 0 picks a free port (Server::port reports it)
  std::shared_ptr<const Router> router;  // required
  // Connections, idle timeout (default 10 min), slow-client timeout for one request (default
  // 30 s: 408), unsent bytes per connection, request bytes in flight (common/listener.h).
  ListenerLimits limits;
  // The request line and header fields together, in bytes; more is refused with 431.
  // Default 16 KiB.
  uint32_t max_header_bytes = 16 * 1024;
  // A request body (de-chunked), in bytes; more is refused with 413 (before it is read when
  // Content-Length says so). Default 16 MiB.
  uint64_t max_body_bytes = 16ull << 20;
  // Pipelined requests answered before their answers are written out together. Default 16.
  int max_pipelined = 16;
  // HTTPS: every connection runs this server TLS context (security::MakeServerTlsContext)
  // first; the handshake must finish within limits.request_timeout_ms. A plaintext request
  // on it gets a 400 in plaintext and the connection closes. Null: plain HTTP.
  std::shared_ptr<boost::asio::ssl::context> tls;
};

struct ServerOptions {
  int threads = 1;  // threads running all connections; 0 = one per core
  // gzip a body of at least this many bytes when the request says `Accept-Encoding: gzip`.
  // Default 1 KiB. Compression level 1..9, default 6.
  size_t gzip_min_bytes = 1024;
  int gzip_level = 6;
  // How long Stop waits for requests in progress and open streams to end before it closes
  // their connections. Default 5 s.
  int64_t stop_grace_ms = 5000;
  // Called once per answered request, on the connection's thread; keep it cheap.
  std::function<void(const RequestRecord&)> observer;
};

class Server {
 public:
  // Binds every listener (an error names the one that failed; nothing keeps listening then)
  // and starts serving.
  static Result<std::unique_ptr<Server>> Start(ServerOptions options,
                                               std::vector<ListenerOptions> listeners);
  virtual ~Server() = default;  // Stop()s
  // The bound port of the listener of that name (the chosen one for port 0); 0 if unknown.
  virtual uint16_t port(std::string_view listener = "http") const = 0;
  // Graceful: stops accepting, lets requests in progress finish (up to stop_grace_ms), ends
  // streams, closes idle connections, joins the threads. Idempotent.
  virtual void Stop() = 0;
};

}  // namespace kappa::http
