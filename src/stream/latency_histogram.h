// LatencyHistogram: lock-free log-linear histogram of microsecond latencies (16 linear
// sub-buckets per power of two: <= 6.25% relative error), for produce-to-stored latency.
// Record() is thread-safe and wait-free; Percentile() reads a racy-but-consistent-enough
// snapshot. Private to src/stream.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace kappa::stream {

class LatencyHistogram {
 public:
  void Record(int64_t micros) {
    if (micros < 0) micros = 0;
    buckets_[BucketOf(static_cast<uint64_t>(micros))].fetch_add(1, std::memory_order_relaxed);
  }

  uint64_t Count() const {
    uint64_t n = 0;
    for (const auto& b : buckets_) n += b.load(std::memory_order_relaxed);
    return n;
  }

  // The upper bound (in microseconds) of the bucket holding the q-quantile; 0 if empty.
  int64_t Percentile(double q) const {
    uint64_t total = Count();
    if (total == 0) return 0;
    uint64_t rank = static_cast<uint64_t>(q * static_cast<double>(total - 1)) + 1;
    uint64_t seen = 0;
    for (size_t i = 0; i < kBuckets; ++i) {
      seen += buckets_[i].load(std::memory_order_relaxed);
      if (seen >= rank) return static_cast<int64_t>(UpperBound(i));
    }
    return static_cast<int64_t>(UpperBound(kBuckets - 1));
  }

 private:
  static constexpr int kSubBits = 4;  // 16 sub-buckets
  static constexpr size_t kBuckets = (64 - kSubBits + 1) * (1 << kSubBits);

  static size_t BucketOf(uint64_t v) {
    if (v < (1u << kSubBits)) return static_cast<size_t>(v);
    int msb = 63 - __builtin_clzll(v);
    int shift = msb - kSubBits;
    uint64_t sub = (v >> shift) & ((1u << kSubBits) - 1);
    return static_cast<size_t>((shift + 1) * (1 << kSubBits) + sub);
  }
  static uint64_t UpperBound(size_t bucket) {
    if (bucket < (1u << kSubBits)) return bucket;
    uint64_t shift = bucket / (1 << kSubBits) - 1;
    uint64_t sub = bucket % (1 << kSubBits);
    return (((1ull << kSubBits) | sub) << shift) + ((1ull << shift) - 1);
  }

  std::array<std::atomic<uint64_t>, kBuckets> buckets_{};
};

}  // namespace kappa::stream
