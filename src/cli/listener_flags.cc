#include "cli/listener_flags.h"

#include "cli/cli_common.h"
#include "common/units.h"

namespace kappa::cli {

namespace {
// The one duration parser (common/units.h): a bare number is refused, as in every command.
int64_t DurationFlag(const std::string& flag, const std::string& value) {
  return ParseDurationFlag(flag, value);
}
}  // namespace

int64_t SizeFlag(const std::string& flag, const std::string& value) {
  auto v = ParseByteSize(value);
  if (!v.ok()) Fail(flag + ": " + v.status().message(), 2);
  return *v;
}

void AddListenerFlags(CLI::App* cmd, ListenerFlags* f) {
  cmd->add_option("--max-connections", f->max_connections,
                  "Connections served at once; more are accepted and closed at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 1'000'000));
  cmd->add_option("--idle-timeout", f->idle_timeout,
                  "Close a connection idle this long (no request, or answers not read); 0: never")
      ->capture_default_str();
  cmd->add_option("--request-timeout", f->request_timeout,
                  "Close a connection whose request does not arrive whole within this long of "
                  "its first byte; 0: never")
      ->capture_default_str();
  cmd->add_option("--max-output-per-connection", f->max_output,
                  "Unsent answer bytes beyond which a connection's next requests wait")
      ->capture_default_str();
  cmd->add_option("--max-request-bytes-in-flight", f->max_in_flight,
                  "Bytes of requests being received over all connections; beyond, sockets wait")
      ->capture_default_str();
}

ListenerLimits ListenerLimitsFromFlags(const ListenerFlags& f) {
  ListenerLimits l;
  l.max_connections = f.max_connections;
  l.idle_timeout_ms = DurationFlag("--idle-timeout", f.idle_timeout);
  l.request_timeout_ms = DurationFlag("--request-timeout", f.request_timeout);
  l.max_output_bytes = uint64_t(SizeFlag("--max-output-per-connection", f.max_output));
  l.max_inflight_request_bytes = uint64_t(SizeFlag("--max-request-bytes-in-flight", f.max_in_flight));
  Status s = ValidateListenerLimits(l);
  if (!s.ok()) Fail(s);
  return l;
}

}  // namespace kappa::cli
