// Clock: wall and monotonic time behind an interface so tests control time (segment roll by
// age, retention by age, TTL expiry, session timeouts). Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace kappa {

class Clock {
 public:
  virtual ~Clock() = default;
  // The process-wide real clock. Never deleted.
  static Clock* Real();
  // Wall-clock milliseconds since the Unix epoch.
  virtual int64_t NowMs() const = 0;
  // Wall-clock microseconds since the Unix epoch (CQL write timestamps).
  virtual int64_t NowMicros() const = 0;
  // Monotonic nanoseconds, for durations and timeouts.
  virtual int64_t MonotonicNanos() const = 0;
};

// A clock that only moves when told to. Starts at `start_ms`.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms = 1'700'000'000'000) : us_(start_ms * 1000) {}
  int64_t NowMs() const override { return us_.load() / 1000; }
  int64_t NowMicros() const override { return us_.load(); }
  int64_t MonotonicNanos() const override { return us_.load() * 1000; }
  void AdvanceMs(int64_t ms) { us_ += ms * 1000; }
  void SetMs(int64_t ms) { us_ = ms * 1000; }

 private:
  std::atomic<int64_t> us_;
};

}  // namespace kappa
