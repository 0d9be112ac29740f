// The CQL server's metrics (names in src/metrics/README.md): a latency histogram per request
// opcode (its _count is the number of requests), ERROR responses by error code, and the
// listener's connections. Internal to the server.
#pragma once

#include <array>
#include <string_view>

#include "common/listener.h"
#include "cql/protocol/frame.h"
#include "metrics/metrics.h"

namespace kappa::cql {

class ServerMetrics {
 public:
  explicit ServerMetrics(metrics::Registry* registry);
  // The histogram of a request opcode (others observe nothing).
  const metrics::Histogram& Latency(Opcode op) const { return latency_[uint8_t(op) & 0x1f]; }
  // Counts an ERROR response by the code at the start of its body.
  void CountError(std::string_view error_body) const;
  // Connections open, accepted and refused, read from `listener` at scrape time until the
  // returned handle is destroyed.
  [[nodiscard]] metrics::CollectorHandle WatchListener(const Listener* listener) const;

 private:
  metrics::Registry* registry_;
  std::array<metrics::Histogram, 32> latency_;  // by opcode
  metrics::CounterFamily* errors_;
};

// The protocol spec's name of an error code ("SYNTAX_ERROR"); "UNKNOWN" for others.
std::string_view CqlErrorName(int32_t code);

}  // namespace kappa::cql
