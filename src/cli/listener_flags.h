// The listener flags `kappa broker` and `kappa cql-server` share: the limits
// (--max-connections, --idle-timeout, --request-timeout, --max-output-per-connection,
// --max-request-bytes-in-flight; the same limits as `listeners.limits` in kappa.yaml) and
// the server TLS flags (security.tls in kappa.yaml).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "common/listener_limits.h"
#include "security/security.h"

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

// The server TLS flags both share: --tls-cert, --tls-key, --tls-ca, --tls-client-auth.
struct ServerTlsFlags {
  security::TlsOptions tls;
  std::string client_auth = "none";
  bool given() const { return !tls.cert_file.empty() || !tls.key_file.empty(); }
};
// `listeners` says which listeners the certificate serves, in --tls-cert's help.
void AddServerTlsFlags(CLI::App* cmd, ServerTlsFlags* f, const char* listeners);
// The server context of the flags; fails the command (exit 2) naming the bad flag or file.
std::shared_ptr<boost::asio::ssl::context> ServerTlsFromFlags(const ServerTlsFlags& f);

}  // namespace kappa::cli
