// ListenerLimits: what one client may cost a server (connections, time, memory). Plain data,
// so config and flag code can hold it without Boost.Asio; enforced by common/listener.h.
#pragma once

#include <cstdint>

#include "common/status.h"

namespace kappa {

// Limits of one listener. Each listener counts its own connections and bytes. Documented for
// users in docs/formats/config.md (`listeners.limits`); fixed once the server started.
struct ListenerLimits {
  // Connections served at once. Default 1024.
  int max_connections = 1024;
  // A connection with no request in progress (or whose answers the client does not read)
  // for this long is closed. 0 = never. Default 10 min (Kafka's connections.max.idle.ms).
  int64_t idle_timeout_ms = 600'000;
  // A request must arrive whole within this long after its first byte. 0 = never.
  // Default 30 s.
  int64_t request_timeout_ms = 30'000;
  // Unsent answer bytes of one connection beyond which its further requests are not read
  // until the client catches up. Default 16 MiB.
  uint64_t max_output_bytes = 16ull << 20;
  // Bytes of requests being received, summed over all connections; when spent, sockets are
  // not read until bytes come back. Default 256 MiB.
  uint64_t max_inflight_request_bytes = 256ull << 20;
};
// InvalidArgument naming the bad field (e.g. max_connections < 1).
Status ValidateListenerLimits(const ListenerLimits& l);

}  // namespace kappa
