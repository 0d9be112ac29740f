// One client connection of the CQL server. It lives on one server thread (server.cc, a
// shard): it reads frames there, runs their handlers there, pipelined statements in bursts,
// and writes the answers there, so a request never changes thread. Each answer carries its
// request's stream id. A long statement (a large unpaged scan) delays the other connections
// of its thread until it finishes; connections are spread over the threads.
#pragma once

#include <boost/asio.hpp>

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "common/listener.h"
#include "common/transport.h"
#include "cql/server/handlers/handlers.h"

namespace kappa::cql {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(boost::asio::ip::tcp::socket socket, ServerContext* ctx,
             std::shared_ptr<ConnectionWatch> watch);

  // Starts the read loop.
  void Start();
  // Thread-safe: closes the socket (the read loop then ends).
  void Close();
  // Thread-safe: sends a SCHEMA_CHANGE event if the client registered for it.
  void SendSchemaEvent(const SchemaChangeResult& change);
  bool closed() const { return closed_; }

 private:
  // A statement request read from the socket, waiting for the rest of its burst.
  struct BurstRequest {
    const HandlerInfo* handler;
    int16_t stream;
    std::string data;  // the frame body; the request starts at `offset`
    size_t offset;
    std::chrono::steady_clock::time_point received;  // for the latency metric
  };
  // Pipelined requests already buffered are run as one burst, up to this many.
  static constexpr size_t kMaxBurst = 32;

  boost::asio::awaitable<void> ReadLoop();
  // Closes the socket and wakes the read loop. On the strand; idempotent.
  void CloseOnStrand();
  // Runs `burst` (and removes what ran): its writes committed together, its answers written
  // at once. Stops early when the unsent answers exceed max_output_bytes, unless `all`.
  void RunBurst(std::vector<BurstRequest>* burst, bool all = false);
  // Encodes a response frame into the output buffer. Must run on the strand.
  void Queue(int16_t stream, const Response& r);
  // Queue, then Flush.
  void Send(int16_t stream, const Response& r);
  // Starts writing the output buffer unless a write is in flight (its completion flushes).
  void Flush();
  // Unsent answer bytes (queued and being written).
  size_t OutputBytes() const { return pending_.size() + writing_.size(); }
  // Waits (without reading requests) until the unsent answers fit under max_output_bytes.
  boost::asio::awaitable<void> WaitForOutputRoom();

  Transport transport_;  // plain TCP, or TLS when the server has a tls context
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  ServerContext* ctx_;
  std::shared_ptr<ConnectionWatch> watch_;
  ConnState state_;
  std::atomic<bool> closed_{false};
  // Write path, strand only: `pending_` collects frames while `writing_` is on the wire.
  std::string pending_;
  std::string writing_;
  bool write_in_flight_ = false;
  bool close_after_write_ = false;
  // Wakes WaitForOutputRoom when a write completes (or the connection closes).
  boost::asio::steady_timer output_room_;
  std::vector<std::pair<int16_t, Response>> responses_;  // RunBurst's, kept for their capacity
};

}  // namespace kappa::cql
