#include "common/listener.h"

#include <algorithm>
#include <cerrno>
#include <vector>

#include "common/fd_limit.h"
#include "common/logging.h"

namespace kappa {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

// Errors that say the process is out of something: accepting again at once fails again.
bool IsResourceError(const boost::system::error_code& ec) {
  int v = ec.value();
  return ec.category() == boost::system::system_category() &&
         (v == EMFILE || v == ENFILE || v == ENOBUFS || v == ENOMEM);
}

}  // namespace

Status ValidateListenerLimits(const ListenerLimits& l) {
  if (l.max_connections < 1) return Status::InvalidArgument("max_connections must be at least 1");
  if (l.idle_timeout_ms < 0) return Status::InvalidArgument("idle_timeout must not be negative");
  if (l.request_timeout_ms < 0)
    return Status::InvalidArgument("request_timeout must not be negative");
  if (l.max_output_bytes < 1024)
    return Status::InvalidArgument("max_output_per_connection must be at least 1KiB");
  if (l.max_inflight_request_bytes < 64 * 1024)
    return Status::InvalidArgument("max_inflight_request_bytes must be at least 64KiB");
  return Status::OK();
}

// ---- ConnectionWatch -----------------------------------------------------------------------

ConnectionWatch::ConnectionWatch(Listener* listener, std::string peer)
    : listener_(listener), peer_(std::move(peer)) {
  listener_->live_.fetch_add(1);
  MutexLock l(listener_->mu_);
  listener_->watches_.insert(this);
}

ConnectionWatch::~ConnectionWatch() {
  {
    MutexLock l(listener_->mu_);
    listener_->watches_.erase(this);
  }
  listener_->live_.fetch_sub(1);
}

void ConnectionWatch::Set(Phase p, int64_t timeout_ms) {
  state_.store(Pack(p, timeout_ms > 0 ? NowNs() + timeout_ms * 1'000'000 : 0),
               std::memory_order_relaxed);
}

void ConnectionWatch::AwaitingRequest() { Set(kAwaitingRequest, limits().idle_timeout_ms); }
void ConnectionWatch::ReceivingRequest() {
  if (PhaseOf(state_.load(std::memory_order_relaxed)) != kAwaitingRequest) return;
  Set(kReceiving, limits().request_timeout_ms);
}
void ConnectionWatch::Working() { Set(kWorking, 0); }
void ConnectionWatch::AwaitingClientRead() { Set(kAwaitingClient, limits().idle_timeout_ms); }

void ConnectionWatch::OnExpire(std::function<void(const std::string&)> close) {
  MutexLock l(listener_->mu_);
  close_ = std::move(close);
}

Clock::time_point ConnectionWatch::deadline() const {
  int64_t ns = DeadlineOf(state_.load(std::memory_order_relaxed));
  if (ns == 0) return Clock::time_point::max();
  return Clock::time_point(std::chrono::nanoseconds(ns));
}

const ListenerLimits& ConnectionWatch::limits() const { return listener_->limits_; }
ByteBudget& ConnectionWatch::request_budget() { return listener_->request_budget_; }

// ---- Listener ------------------------------------------------------------------------------

Listener::Listener(std::string name, ListenerLimits limits)
    : name_(std::move(name)), limits_(limits),
      request_budget_(limits.max_inflight_request_bytes) {}

Listener::~Listener() = default;

void Listener::Start(tcp::acceptor* acceptor, PickExecutor pick, OnAccept on_accept) {
  acceptor_ = acceptor;
  pick_ = std::move(pick);
  on_accept_ = std::move(on_accept);
  // The acceptor, the timers and Stop's closing run on one strand (the acceptor's executor
  // may have many threads). The timers live in the coroutines' frames, which the io_context
  // destroys with its other handlers, while the Listener still exists.
  strand_ = asio::make_strand(acceptor_->get_executor());
  asio::co_spawn(*strand_, AcceptLoop(), asio::detached);
  if (limits_.idle_timeout_ms > 0 || limits_.request_timeout_ms > 0) {
    asio::co_spawn(*strand_, SweepLoop(), asio::detached);
  }
}

void Listener::Stop() {
  if (stopped_.exchange(true) || acceptor_ == nullptr) return;
  asio::post(*strand_, [this] {
    boost::system::error_code ec;
    acceptor_->close(ec);
    if (sweep_timer_) sweep_timer_->cancel();
    if (backoff_timer_) backoff_timer_->cancel();
  });
}

void Listener::Detach() { strand_.reset(); }

asio::awaitable<void> Listener::AcceptLoop() {
  asio::steady_timer backoff(*strand_);
  backoff_timer_ = &backoff;
  // One episode of failing accepts: when it began, how many failed, the current pause.
  uint64_t failures = 0;
  Clock::time_point failing_since;
  int64_t backoff_ms = 0;
  bool over_limit = false;  // refusing connections for max_connections
  uint64_t refused = 0;
  for (;;) {
    auto [ec, sock] = co_await acceptor_->async_accept(pick_(), asio::as_tuple(asio::use_awaitable));
    if (stopped_.load() || !acceptor_->is_open() || ec == asio::error::operation_aborted) {
      backoff_timer_ = nullptr;
      co_return;
    }
    if (ec) {
      // Out of descriptors (or memory), the pending connection stays in the backlog and the
      // next accept fails at once: pause, longer each time, and say so once.
      if (failures++ == 0) {
        failing_since = Clock::now();
        KLOG_WARN("{}: accept failed: {} ({} connections open, {}); pausing accepts and "
                  "retrying with backoff until it works again",
                  name_, ec.message(), live_.load(), DescribeFdLimit());
      }
      backoff_ms = IsResourceError(ec) ? std::min<int64_t>(backoff_ms ? backoff_ms * 2 : 10, 1000)
                                       : std::min<int64_t>(backoff_ms + 1, 10);
      backoff.expires_after(std::chrono::milliseconds(backoff_ms));
      (void)co_await backoff.async_wait(asio::as_tuple(asio::use_awaitable));
      if (stopped_.load()) {
        backoff_timer_ = nullptr;
        co_return;
      }
      continue;
    }
    if (failures > 0) {
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - failing_since);
      KLOG_WARN("{}: accepting again after {} failed accept(s) over {} ms", name_, failures,
                ms.count());
      failures = 0;
      backoff_ms = 0;
    }
    if (live_.load() >= limits_.max_connections) {
      // Accept and close: the client learns at once, and the descriptor is free again.
      if (!over_limit) {
        KLOG_WARN("{}: {} connections open (max_connections {}); closing new connections "
                  "until some close",
                  name_, live_.load(), limits_.max_connections);
        over_limit = true;
      }
      ++refused;
      refused_.fetch_add(1, std::memory_order_relaxed);
      boost::system::error_code ignored;
      sock.close(ignored);
      continue;
    }
    if (over_limit) {
      KLOG_WARN("{}: accepting connections again ({} refused at the max_connections limit)",
                name_, refused);
      over_limit = false;
      refused = 0;
    }
    boost::system::error_code pec;
    auto ep = sock.remote_endpoint(pec);
    std::string peer = pec ? "?" : ep.address().to_string() + ":" + std::to_string(ep.port());
    auto watch = std::make_shared<ConnectionWatch>(this, std::move(peer));
    watch->AwaitingRequest();
    accepted_.fetch_add(1, std::memory_order_relaxed);
    on_accept_(std::move(sock), std::move(watch));
  }
}

asio::awaitable<void> Listener::SweepLoop() {
  // The sweep runs often enough that a deadline is late by at most a quarter of the shortest
  // timeout (and at most 1 s).
  int64_t shortest = INT64_MAX;
  if (limits_.idle_timeout_ms > 0) shortest = std::min(shortest, limits_.idle_timeout_ms);
  if (limits_.request_timeout_ms > 0) shortest = std::min(shortest, limits_.request_timeout_ms);
  auto period = std::chrono::milliseconds(std::clamp<int64_t>(shortest / 4, 10, 1000));
  asio::steady_timer timer(*strand_);
  sweep_timer_ = &timer;
  for (;;) {
    timer.expires_after(period);
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec || stopped_.load()) {
      sweep_timer_ = nullptr;
      co_return;
    }
    Sweep();
  }
}

void Listener::Sweep() {
  // The closes run after the lock is released: a close function may hold the last reference
  // to its connection for a moment (the connection's thread can end it meanwhile), and the
  // connection's destructor destroys its watch, which takes mu_ to leave watches_. Called
  // under the lock, that was a self-deadlock of the sweep's thread, and with it of every
  // connection on that thread and of all later closes.
  struct Expired {
    std::function<void(const std::string&)> close;
    std::string why;
  };
  std::vector<Expired> expired;
  int64_t now = NowNs();
  {
    MutexLock l(mu_);
    for (ConnectionWatch* w : watches_) {
      int64_t state = w->state_.load(std::memory_order_relaxed);
      int64_t d = ConnectionWatch::DeadlineOf(state);
      if (d == 0 || d > now || !w->close_) continue;
      ConnectionWatch::Phase phase = ConnectionWatch::PhaseOf(state);
      // Clears exactly the deadline seen (once per deadline): if the connection moved on
      // meanwhile (a request arrived, a new deadline was armed), its new state stands and
      // the next sweep judges it.
      if (!w->state_.compare_exchange_strong(state, ConnectionWatch::Pack(phase, 0),
                                             std::memory_order_relaxed)) {
        continue;
      }
      std::string why =
          phase == ConnectionWatch::kReceiving
              ? "a request was not received whole within request_timeout (" +
                    std::to_string(limits_.request_timeout_ms) + " ms)"
          : phase == ConnectionWatch::kAwaitingClient
              ? "the client did not read its answers within idle_timeout (" +
                    std::to_string(limits_.idle_timeout_ms) + " ms)"
              : "idle for idle_timeout (" + std::to_string(limits_.idle_timeout_ms) + " ms)";
      if (phase == ConnectionWatch::kAwaitingRequest) {
        KLOG_DEBUG("{}: closing connection from {}: {}", name_, w->peer(), why);
      } else {
        KLOG_INFO("{}: closing connection from {}: {}", name_, w->peer(), why);
      }
      expired.push_back(Expired{w->close_, std::move(why)});
    }
  }
  for (Expired& e : expired) e.close(e.why);
}

}  // namespace kappa
