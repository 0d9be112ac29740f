// ByteBudget: a byte count shared by many connections of one server, such as the bytes of
// requests being received (Kafka's queued.max.request.bytes). A connection takes bytes before
// it reads more of a request into memory; when the budget is spent it waits (it stops reading
// its socket) until other connections give bytes back or its deadline passes.
//
// Thread-safe. Waiters are served first come, first served, so a large request is not starved
// by a stream of small ones. A single take larger than the whole budget is granted when
// nothing else is taken (one oversized request can still pass, alone).
#pragma once

#include <boost/asio.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>

#include "common/mutex.h"

namespace kappa {

class ByteBudget {
 public:
  explicit ByteBudget(uint64_t capacity) : capacity_(capacity) {}
  ByteBudget(const ByteBudget&) = delete;
  ByteBudget& operator=(const ByteBudget&) = delete;

  // Takes n bytes if they are free now and nobody waits.
  bool TryTake(uint64_t n);
  // Takes what is free now of n bytes (0 when none is, or when somebody waits); returns it.
  // For callers that can do with less (a Fetch answer returns fewer records).
  uint64_t TakeUpTo(uint64_t n);
  // Takes n bytes, waiting on the calling coroutine's executor until they are free or until
  // `deadline`. True if taken; false on the deadline (nothing is taken then).
  boost::asio::awaitable<bool> Take(uint64_t n, std::chrono::steady_clock::time_point deadline);
  // Gives n bytes back and wakes the waiters that now fit.
  void Give(uint64_t n);

  uint64_t capacity() const { return capacity_; }
  uint64_t used() const;

 private:
  struct Waiter {
    explicit Waiter(const boost::asio::any_io_executor& ex)
        : timer(ex, std::chrono::steady_clock::time_point::max()) {}
    uint64_t n = 0;
    // Guarded by ByteBudget::mu_ (not expressible on a nested struct's member; the
    // accesses are in ByteBudget's functions that hold it).
    bool granted = false;
    bool gone = false;  // gave up at its deadline
    boost::asio::steady_timer timer;  // on the waiter's executor only
  };
  bool FitsLocked(uint64_t n) const REQUIRES(mu_) { return used_ + n <= capacity_ || used_ == 0; }
  void GrantLocked() REQUIRES(mu_);

  const uint64_t capacity_;
  mutable Mutex mu_;
  uint64_t used_ GUARDED_BY(mu_) = 0;
  std::deque<std::shared_ptr<Waiter>> waiters_ GUARDED_BY(mu_);
};

}  // namespace kappa
