// One client connection of the CQL server: reads frames, dispatches them to the handlers
// (inline on the connection's strand, or on the server's pool for statements), and writes
// responses as they complete. Responses may leave in a different order than requests
// arrived; each carries its request's stream id.
#pragma once

#include <boost/asio.hpp>

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "cql/handlers/handlers.h"

namespace kappa::cql {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(boost::asio::ip::tcp::socket socket, ServerContext* ctx);

  // Starts the read loop.
  void Start();
  // Thread-safe: closes the socket (the read loop then ends).
  void Close();
  // Thread-safe: sends a SCHEMA_CHANGE event if the client registered for it.
  void SendSchemaEvent(const SchemaChangeResult& change);
  bool closed() const { return closed_; }

 private:
  // A statement request read from the socket, waiting to run on the pool.
  struct PoolRequest {
    const HandlerInfo* handler;
    int16_t stream;
    std::string data;  // the frame body; the request starts at `offset`
    size_t offset;
  };
  // Requests dispatched to the pool as one task: pipelined requests already buffered are
  // gathered up to this many.
  static constexpr size_t kMaxBurst = 32;

  boost::asio::awaitable<void> ReadLoop();
  // Posts `burst` (and clears it) to the pool; responses return to the strand together.
  void DispatchBurst(std::vector<PoolRequest>* burst);
  // Encodes and queues a response frame. Must run on the strand.
  void Send(int16_t stream, const Response& r);
  void Flush();

  boost::asio::ip::tcp::socket socket_;
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  ServerContext* ctx_;
  ConnState state_;
  std::atomic<bool> closed_{false};
  // Write path, strand only: `pending_` collects frames while `writing_` is on the wire.
  std::string pending_;
  std::string writing_;
  bool write_in_flight_ = false;
  bool close_after_write_ = false;
};

}  // namespace kappa::cql
