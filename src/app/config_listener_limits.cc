// `listeners.limits`, `listeners.kafka_limits`, `listeners.cql_limits` of kappa.yaml: what one
// client may cost the servers of `kappa up`. Keys and defaults: docs/formats/config.md.
#include <fmt/format.h>

#include "app/config_section.h"

namespace kappa::app {

namespace {
constexpr int64_t kMaxBytes = int64_t(1) << 40;  // 1 TiB: any bigger "limit" is a typo
constexpr int64_t kMaxMs = int64_t(365) * 24 * 3600 * 1000;

Result<int64_t> Bytes(const YamlReader& r, const YAML::Node& n, std::string_view what,
                      int64_t min, int64_t max = kMaxBytes) {
  ASSIGN_OR_RETURN(int64_t v, r.ByteSize(n, what));
  if (v < min || v > max) {
    return r.Error(n, fmt::format("{} must be between {} and {} bytes", what, min, max));
  }
  return v;
}

Result<int64_t> Duration(const YamlReader& r, const YAML::Node& n, std::string_view what) {
  ASSIGN_OR_RETURN(int64_t v, r.DurationMs(n, what));
  if (v < 0 || v > kMaxMs) return r.Error(n, fmt::format("{} must be between 0 and 365d", what));
  return v;
}
}  // namespace

Status LoadListenerLimits(const YamlReader& r, const YAML::Node& listeners, ListenersConfig* l) {
  if (const YAML::Node& n = listeners["limits"]) {
    RETURN_IF_ERROR(r.ExpectMap(n, "listeners.limits"));
    RETURN_IF_ERROR(r.CheckKeys(n,
                                {"max_connections", "idle_timeout", "request_timeout",
                                 "max_output_per_connection", "max_request_bytes_in_flight"},
                                "listeners.limits"));
    ListenerLimits& o = l->limits;
    if (n["max_connections"]) {
      ASSIGN_OR_RETURN(int64_t v, r.Int(n["max_connections"], "listeners.limits.max_connections",
                                        1, 1'000'000));
      o.max_connections = int(v);
    }
    if (n["idle_timeout"]) {
      ASSIGN_OR_RETURN(o.idle_timeout_ms, Duration(r, n["idle_timeout"], "listeners.limits.idle_timeout"));
    }
    if (n["request_timeout"]) {
      ASSIGN_OR_RETURN(o.request_timeout_ms,
                       Duration(r, n["request_timeout"], "listeners.limits.request_timeout"));
    }
    if (n["max_output_per_connection"]) {
      ASSIGN_OR_RETURN(int64_t v, Bytes(r, n["max_output_per_connection"],
                                        "listeners.limits.max_output_per_connection", 1024));
      o.max_output_bytes = uint64_t(v);
    }
    if (n["max_request_bytes_in_flight"]) {
      ASSIGN_OR_RETURN(int64_t v, Bytes(r, n["max_request_bytes_in_flight"],
                                        "listeners.limits.max_request_bytes_in_flight", 64 << 10));
      o.max_inflight_request_bytes = uint64_t(v);
    }
  }
  if (const YAML::Node& n = listeners["kafka_limits"]) {
    RETURN_IF_ERROR(r.ExpectMap(n, "listeners.kafka_limits"));
    RETURN_IF_ERROR(r.CheckKeys(n,
                                {"max_request_size", "max_fetch_size", "max_fetch_bytes_in_flight",
                                 "max_partitions_per_request", "max_partitions"},
                                "listeners.kafka_limits"));
    KafkaListenerLimits& o = l->kafka_limits;
    if (n["max_request_size"]) {
      ASSIGN_OR_RETURN(o.max_request_bytes, Bytes(r, n["max_request_size"],
                                                  "listeners.kafka_limits.max_request_size",
                                                  1024, int64_t(INT32_MAX)));
    }
    if (n["max_fetch_size"]) {
      ASSIGN_OR_RETURN(o.fetch_max_bytes, Bytes(r, n["max_fetch_size"],
                                                "listeners.kafka_limits.max_fetch_size", 1024,
                                                int64_t(INT32_MAX)));
    }
    if (n["max_fetch_bytes_in_flight"]) {
      ASSIGN_OR_RETURN(o.max_fetch_bytes_in_flight,
                       Bytes(r, n["max_fetch_bytes_in_flight"],
                             "listeners.kafka_limits.max_fetch_bytes_in_flight", 64 << 10));
    }
    if (n["max_partitions_per_request"]) {
      ASSIGN_OR_RETURN(int64_t v, r.Int(n["max_partitions_per_request"],
                                        "listeners.kafka_limits.max_partitions_per_request", 1, 1'000'000));
      o.max_partitions_per_request = int32_t(v);
    }
    if (n["max_partitions"]) {
      ASSIGN_OR_RETURN(int64_t v, r.Int(n["max_partitions"], "listeners.kafka_limits.max_partitions",
                                        1, 10'000'000));
      o.max_partitions = int32_t(v);
    }
  }
  if (const YAML::Node& n = listeners["cql_limits"]) {
    RETURN_IF_ERROR(r.ExpectMap(n, "listeners.cql_limits"));
    RETURN_IF_ERROR(r.CheckKeys(n, {"max_frame_size", "max_statement_size", "prepared_cache_size",
                                    "max_result_size"},
                                "listeners.cql_limits"));
    CqlListenerLimits& o = l->cql_limits;
    if (n["max_frame_size"]) {
      ASSIGN_OR_RETURN(o.max_frame_bytes, Bytes(r, n["max_frame_size"], "listeners.cql_limits.max_frame_size",
                                                64 << 10, 256 << 20));
    }
    if (n["max_result_size"]) {
      ASSIGN_OR_RETURN(o.max_result_bytes, Bytes(r, n["max_result_size"],
                                                 "listeners.cql_limits.max_result_size", 1024,
                                                 int64_t(1) << 30));
    }
    if (n["max_statement_size"]) {
      ASSIGN_OR_RETURN(o.max_statement_bytes, Bytes(r, n["max_statement_size"],
                                                    "listeners.cql_limits.max_statement_size", 1024));
    }
    if (n["prepared_cache_size"]) {
      ASSIGN_OR_RETURN(o.prepared_cache_bytes, Bytes(r, n["prepared_cache_size"],
                                                     "listeners.cql_limits.prepared_cache_size", 64 << 10));
    }
  }
  return Status::OK();
}

}  // namespace kappa::app
