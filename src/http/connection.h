// One HTTP client connection: a coroutine on its own strand that reads requests (feeding a
// RequestReader from an InputBuffer), answers them through the listener's Router in order,
// and writes the answers of pipelined requests together. Private to src/http.
//
// Deadlines come from the listener's ConnectionWatch: idle between requests, request_timeout
// from a request's first byte (a slow client gets 408 and the connection closes), idle again
// while the client does not read its answers. Bad requests get their JSON error and the
// connection closes after it (the client may have sent more that cannot be framed).
#pragma once

#include <boost/asio.hpp>

#include <atomic>
#include <memory>
#include <string>

#include "common/listener.h"
#include "common/transport.h"
#include "http/http.h"
#include "http/request_reader.h"
#include "http/response_writer.h"

namespace kappa {
class InputBuffer;
}

namespace kappa::http {

class StreamWriterImpl;

// What the connections of one listener share; lives as long as the server.
struct ListenerContext {
  ListenerOptions options;
  const ServerOptions* server = nullptr;
  ParseLimits parse_limits;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(boost::asio::ip::tcp::socket socket, std::shared_ptr<ConnectionWatch> watch,
             const ListenerContext* ctx);
  // Starts the coroutine. Called on the listener's thread.
  void Start();
  // Graceful close (any thread): an idle connection closes now, a request in progress gets
  // its answer (with "Connection: close") first, a stream ends.
  void Shutdown();
  // Closes the socket now (any thread).
  void Close();

 private:
  boost::asio::awaitable<void> Run();
  // Reads one request into `reader`; false when the connection should end without an answer
  // (the client left, or the server is stopping an idle connection).
  boost::asio::awaitable<bool> ReadRequest(RequestReader& reader);
  boost::asio::awaitable<void> Flush();
  boost::asio::awaitable<void> RunStream(Response& r, const AnswerContext& c);
  // After a final error answer: stop sending, read (and drop) what the client still sends for
  // a moment so that the close does not reset the connection before the client read it.
  boost::asio::awaitable<void> Linger();
  // A TLS listener: the handshake, within the listener's request_timeout. False when the
  // connection should end (a plaintext client got its 400 in plaintext first).
  boost::asio::awaitable<bool> StartTls();
  void OnExpire();
  void CloseSocket();
  void GiveBackBudget();
  void Report(const Request* req, int status, uint64_t request_bytes, uint64_t response_bytes,
              std::chrono::steady_clock::time_point t0);

  Transport transport_;  // plain TCP, or TLS on a listener with a tls context
  std::shared_ptr<ConnectionWatch> watch_;
  const ListenerContext* ctx_;
  InputBuffer* in_ = nullptr;  // the coroutine's, while it runs
  std::string out_;                  // answers not yet written
  uint64_t charged_ = 0;             // request body bytes taken from the listener's budget
  std::atomic<bool> stopping_{false};  // Shutdown() was called
  // On the strand only:
  bool idle_ = false;       // waiting for the first byte of a request, nothing unsent
  bool receiving_ = false;  // waiting for the rest of a started request
  bool timed_out_ = false;  // a deadline passed; the next one closes the socket
  bool closed_ = false;
  std::shared_ptr<StreamWriterImpl> stream_;
};

}  // namespace kappa::http
