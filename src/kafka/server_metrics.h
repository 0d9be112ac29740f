// The Kafka server's metrics (names in src/metrics/README.md): a latency histogram per API
// (its _count is the number of requests), error codes answered, and the listener's
// connections. Internal to the server.
#pragma once

#include <vector>

#include "common/listener.h"
#include "kafka/api.h"
#include "metrics/metrics.h"

namespace kappa::kafka {

class ServerMetrics {
 public:
  explicit ServerMetrics(metrics::Registry* registry);
  // The histogram of API `key` (a served API; others observe nothing).
  const metrics::Histogram& Latency(int16_t key) const {
    static const metrics::Histogram kNone;
    return key >= 0 && size_t(key) < latency_.size() ? latency_[size_t(key)] : kNone;
  }
  void CountErrors(const ErrorTally& errors) const;
  // Connections open, accepted and refused, read from `listener` at scrape time until the
  // returned handle is destroyed.
  [[nodiscard]] metrics::CollectorHandle WatchListeners(std::vector<const Listener*> listeners) const;

 private:
  metrics::Registry* registry_;
  std::vector<metrics::Histogram> latency_;  // by API key
  metrics::CounterFamily* errors_;
};

}  // namespace kappa::kafka
