// The listener-limit flags `kappa broker` and `kappa cql-server` share (--max-connections,
// --idle-timeout, --request-timeout, --max-output-per-connection,
// --max-request-bytes-in-flight); the same limits as `listeners.limits` in kappa.yaml.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "common/listener_limits.h"

namespace kappa::cli {

struct ListenerFlags {
  int max_connections = ListenerLimits{}.max_connections;
  int64_t idle_timeout_ms = ListenerLimits{}.idle_timeout_ms;
  int64_t request_timeout_ms = ListenerLimits{}.request_timeout_ms;
  int64_t max_output_bytes = int64_t(ListenerLimits{}.max_output_bytes);
  int64_t max_in_flight_bytes = int64_t(ListenerLimits{}.max_inflight_request_bytes);
};

void AddListenerFlags(CLI::App* cmd, ListenerFlags* f);
// The limits the flags give; fails the command (exit 1) naming a bad flag.
ListenerLimits ListenerLimitsFromFlags(const ListenerFlags& f);

}  // namespace kappa::cli
