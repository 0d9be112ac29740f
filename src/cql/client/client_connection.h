// One connection of the CQL client: a blocking handshake (version, STARTUP, SASL PLAIN),
// then many concurrent requests, each on its own stream id, answered in any order.
#pragma once

#include <boost/asio.hpp>

#include <atomic>
#include <deque>
#include <optional>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <vector>

#include "common/mutex.h"
#include "common/transport.h"
#include "cql/client.h"
#include "cql/protocol/frame.h"

namespace kappa::cql {

// A response frame (already decompressed).
struct ClientFrame {
  Opcode opcode = Opcode::kError;
  std::string body;
};
using ClientCallback = std::function<void(Result<ClientFrame>)>;

class ClientConnection : public std::enable_shared_from_this<ClientConnection> {
 public:
  // `tls`: the client TLS context of every connection (ClientOptions::tls); null: plain.
  ClientConnection(boost::asio::io_context& ioc, std::shared_ptr<boost::asio::ssl::context> tls)
      : socket_(boost::asio::ip::tcp::socket(ioc), std::move(tls)),
        strand_(ioc.get_executor()),
        watchdog_(strand_) {}
  ~ClientConnection();

  // Connects (within o.connect_timeout_ms) and performs the handshake with protocol
  // `version`. A server that rejects the version yields NotSupported (the caller steps
  // down). Bad credentials: InvalidArgument. Unreachable: Unavailable.
  // Requires the io_context to be running on other threads.
  Status Open(const std::string& host, uint16_t port, uint8_t version, const ClientOptions& o);
  // Starts the asynchronous read loop and the request-timeout watchdog (after Open).
  void StartReading();
  // Thread-safe. Sends a request; `cb` runs on an I/O thread with the response or an error
  // (Unavailable when the connection is lost). When all 32767 streams are busy the request
  // waits for one to free up. A request unanswered for o.request_timeout_ms (0: never)
  // fails the whole connection with TimedOut: its stream ids cannot be reused safely, and a
  // silent server is treated as a dead one (the client reconnects in the background).
  void Send(Opcode op, std::string body, ClientCallback cb);
  bool alive() const { return alive_; }
  uint8_t version() const { return version_; }
  void Close();
  std::string keyspace;  // the keyspace this connection has USE'd (owner's bookkeeping)

 private:
  boost::asio::awaitable<void> ReadLoop();
  boost::asio::awaitable<void> Watchdog();
  void FailAll(const Status& s);
  // Appends the request's frame to the output; the first frame of a batch posts a flush.
  void Transmit(Opcode op, int16_t stream, std::string_view body);
  struct Queued {
    Opcode op;
    std::string body;
    ClientCallback cb;
  };
  Result<ClientFrame> SyncRequest(Opcode op, const std::string& body);
  // Waits for a handshake I/O step at most handshake_timeout_ms_ (then closes the socket).
  Status AwaitIo(std::future<size_t>& op, const char* what);
  int64_t handshake_timeout_ms_ = 0;  // fixed during Open

  Transport socket_;  // plain TCP, or TLS over it
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  uint8_t version_ = 4;
  Compression compression_ = Compression::kNone;
  std::atomic<bool> alive_{false};
  Mutex mu_;
  std::vector<ClientCallback> pending_ GUARDED_BY(mu_);  // indexed by stream id
  std::vector<int16_t> free_streams_ GUARDED_BY(mu_);
  std::vector<int64_t> sent_ms_ GUARDED_BY(mu_);  // steady ms a stream was sent at
  int64_t request_timeout_ms_ = 0;       // fixed after Open
  boost::asio::steady_timer watchdog_;   // strand only
  std::deque<Queued> backlog_ GUARDED_BY(mu_);  // waiting for a free stream
  // Write batching. Requests append their frames to out_ from any thread; one flush on the
  // strand writes everything appended so far, and a flush is posted only when none is
  // pending or in progress (one hand-off to the I/O thread per batch, not per request).
  Mutex out_mu_;
  std::string out_ GUARDED_BY(out_mu_);
  bool flush_pending_ GUARDED_BY(out_mu_) = false;  // a flush or a write will take out_
  std::string writing_;         // strand only: the bytes being written
  bool writing_now_ = false;    // strand only
  void Flush();
};

// The Status of an ERROR body: its class from the code (Unavailable for Overloaded, ...),
// the message as cqlsh prints it ("Error from server: code=2200 [Invalid query] message=..."),
// and the code itself as protocol_code() (see ErrorCodeOf).
Status ErrorFromBody(std::string_view body);
// The statement id of an UNPREPARED (0x2500) ERROR body; empty for any other body.
std::string UnpreparedIdOf(std::string_view body);

}  // namespace kappa::cql
