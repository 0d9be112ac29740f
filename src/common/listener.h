// The plumbing every TCP server of kappa shares (Kafka, CQL, and any later HTTP server): the
// accept loop and the limits that keep one client from exhausting the process.
//
//   - Accepting backs off when the process is out of descriptors (EMFILE/ENFILE) or memory,
//     instead of spinning: 10 ms doubling to 1 s, one log line when the episode starts and one
//     when it ends.
//   - At most `max_connections` connections are served at once; one more is accepted and
//     closed at once (the client sees the connection close, not a hang in the backlog).
//   - A connection idle for `idle_timeout_ms` (no request in progress, or its answers not read
//     by the client) is closed; a request must arrive whole within `request_timeout_ms` of
//     its first byte (slowloris). A sweep of the listener's connections enforces both, so the
//     per-request cost is one atomic store.
//   - `request_budget()`: bytes of requests being received in all connections of this
//     listener (see ByteBudget and InputBuffer); `max_output_bytes` is what a connection may
//     hold of unsent answers before it stops reading requests (enforced by each server).
//
// Lifetime: the Listener must outlive the io_contexts its acceptor and connections run on
// (declare it before them in the owning server). Thread-safe unless noted.
#pragma once

#include <boost/asio.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "common/byte_budget.h"
#include "common/listener_limits.h"
#include "common/mutex.h"
#include "common/status.h"

namespace kappa {

class Listener;

// The listener's view of one connection: its place in the max_connections count and its
// deadline. The connection holds it (shared_ptr) for as long as it lives and reports what it
// is doing; when the deadline passes the listener calls the close function it was given.
class ConnectionWatch {
 public:
  ConnectionWatch(Listener* listener, std::string peer);
  ~ConnectionWatch();  // leaves the listener's count
  ConnectionWatch(const ConnectionWatch&) = delete;
  ConnectionWatch& operator=(const ConnectionWatch&) = delete;

  // What the connection waits for, which sets its deadline:
  void AwaitingRequest();    // the next request: idle_timeout_ms
  void ReceivingRequest();   // the rest of a started request: request_timeout_ms (set once
                             // per request; no-op unless AwaitingRequest was the last call)
  void Working();            // the server itself (a handler, a long poll): none
  void AwaitingClientRead(); // the client to read its answers: idle_timeout_ms

  // `close` is called from a listener thread when the deadline passes, outside the
  // listener's lock. It should only post the close to the connection's executor: a reference
  // to the connection taken on the listener's thread may turn out to be the last one (the
  // connection can end on its own thread meanwhile), and the connection would then be
  // destroyed there. Called once per expired deadline: again only if the connection armed a
  // new deadline (e.g. its read loop went on before the close took effect) that expired too,
  // so closing must be idempotent.
  void OnExpire(std::function<void(const std::string& why)> close);

  // The deadline of the request in progress (for waits that must not outlive it).
  std::chrono::steady_clock::time_point deadline() const;
  const std::string& peer() const { return peer_; }
  const ListenerLimits& limits() const;
  ByteBudget& request_budget();

 private:
  friend class Listener;
  enum Phase : int64_t { kAwaitingRequest, kReceiving, kWorking, kAwaitingClient };
  // The phase and its deadline in one word, so that the sweep reads a consistent pair and
  // clears exactly the deadline it saw (compare-and-exchange): deadline_ns * 4 + phase,
  // deadline_ns on steady_clock, 0 = none.
  static constexpr int64_t kPhaseBits = 2;
  static int64_t Pack(Phase p, int64_t deadline_ns) { return (deadline_ns << kPhaseBits) | p; }
  static Phase PhaseOf(int64_t state) { return Phase(state & ((1 << kPhaseBits) - 1)); }
  static int64_t DeadlineOf(int64_t state) { return state >> kPhaseBits; }
  void Set(Phase p, int64_t timeout_ms);

  Listener* listener_;
  const std::string peer_;
  std::atomic<int64_t> state_{Pack(kWorking, 0)};
  // Guarded by listener_->mu_. Not annotated: Listener is incomplete here, and the sweep
  // reaches it through another object's pointer the analysis cannot equate with its own.
  std::function<void(const std::string&)> close_;
};

class Listener {
 public:
  // Gives an accepted connection to the server, on the acceptor's thread. The watch is the
  // connection's; it must call watch->OnExpire before it waits for anything.
  using OnAccept = std::function<void(boost::asio::ip::tcp::socket,
                                      std::shared_ptr<ConnectionWatch>)>;
  // Where the next connection will live (an io_context, a strand).
  using PickExecutor = std::function<boost::asio::any_io_executor()>;

  // `name` prefixes log lines ("kafka", "cql").
  Listener(std::string name, ListenerLimits limits);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Starts accepting on `acceptor` (bound and listening; owned by the caller, which keeps it
  // until Stop) and sweeping deadlines, on the acceptor's executor.
  void Start(boost::asio::ip::tcp::acceptor* acceptor, PickExecutor pick, OnAccept on_accept);
  // Closes the acceptor and stops the sweep (asynchronously, on the acceptor's executor);
  // connections are the server's to close. Idempotent.
  void Stop();
  // Call once the io_context(s) stopped running (threads joined) and before they are
  // destroyed: drops the listener's strand, whose implementation belongs to the acceptor's
  // io_context (destroying it after that io_context is a use-after-free). Idempotent.
  void Detach();

  const std::string& name() const { return name_; }
  const ListenerLimits& limits() const { return limits_; }
  ByteBudget& request_budget() { return request_budget_; }
  int connections() const { return live_.load(); }
  // Since Start: connections handed to the server, and connections closed at once because
  // max_connections were open (for the servers' metrics).
  uint64_t accepted() const { return accepted_.load(std::memory_order_relaxed); }
  uint64_t refused() const { return refused_.load(std::memory_order_relaxed); }

 private:
  friend class ConnectionWatch;
  boost::asio::awaitable<void> AcceptLoop();
  boost::asio::awaitable<void> SweepLoop();
  void Sweep();

  const std::string name_;
  const ListenerLimits limits_;
  ByteBudget request_budget_;
  boost::asio::ip::tcp::acceptor* acceptor_ = nullptr;
  PickExecutor pick_;
  OnAccept on_accept_;
  // On strand_ only. The timers are the coroutines' own (null once they ended).
  std::optional<boost::asio::strand<boost::asio::any_io_executor>> strand_;
  boost::asio::steady_timer* sweep_timer_ = nullptr;
  boost::asio::steady_timer* backoff_timer_ = nullptr;
  std::atomic<int> live_{0};
  std::atomic<uint64_t> accepted_{0};
  std::atomic<uint64_t> refused_{0};
  std::atomic<bool> stopped_{false};
  Mutex mu_;
  std::set<ConnectionWatch*> watches_ GUARDED_BY(mu_);
};

}  // namespace kappa
