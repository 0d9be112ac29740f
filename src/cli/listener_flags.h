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
  std::string idle_timeout = "10m";
  std::string request_timeout = "30s";
  std::string max_output = "16MiB";
  std::string max_in_flight = "256MiB";
};

void AddListenerFlags(CLI::App* cmd, ListenerFlags* f);
// The limits the flags give; fails the command (exit 1) naming a bad flag.
ListenerLimits ListenerLimitsFromFlags(const ListenerFlags& f);
// A size flag ("16MiB", "1048576") in bytes; fails the command naming `flag`.
int64_t SizeFlag(const std::string& flag, const std::string& value);

}  // namespace kappa::cli
