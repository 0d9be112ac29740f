#include "cli/listener_flags.h"

#include "cli/cli_common.h"

namespace kappa::cli {

void AddListenerFlags(CLI::App* cmd, ListenerFlags* f) {
  cmd->add_option("--max-connections", f->max_connections,
                  "Connections served at once; more are accepted and closed at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 1'000'000));
  AddDurationOption(cmd, "--idle-timeout", &f->idle_timeout_ms,
                    "Close a connection idle this long (no request, or answers not read); "
                    "0: never");
  AddDurationOption(cmd, "--request-timeout", &f->request_timeout_ms,
                    "Close a connection whose request does not arrive whole within this long "
                    "of its first byte; 0: never");
  AddSizeOption(cmd, "--max-output-per-connection", &f->max_output_bytes,
                "Unsent answer bytes beyond which a connection's next requests wait");
  AddSizeOption(cmd, "--max-request-bytes-in-flight", &f->max_in_flight_bytes,
                "Bytes of requests being received over all connections; beyond, sockets wait");
}

ListenerLimits ListenerLimitsFromFlags(const ListenerFlags& f) {
  ListenerLimits l;
  l.max_connections = f.max_connections;
  l.idle_timeout_ms = f.idle_timeout_ms;
  l.request_timeout_ms = f.request_timeout_ms;
  l.max_output_bytes = uint64_t(f.max_output_bytes);
  l.max_inflight_request_bytes = uint64_t(f.max_in_flight_bytes);
  Status s = ValidateListenerLimits(l);
  if (!s.ok()) Fail(s);
  return l;
}

}  // namespace kappa::cli
