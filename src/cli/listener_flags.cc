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

void AddServerTlsFlags(CLI::App* cmd, ServerTlsFlags* f, const char* listeners) {
  cmd->add_option("--tls-cert", f->tls.cert_file,
                  std::string("PEM certificate chain of ") + listeners);
  cmd->add_option("--tls-key", f->tls.key_file, "PEM private key of --tls-cert");
  cmd->add_option("--tls-ca", f->tls.ca_file,
                  "PEM CAs whose client certificates are verified (with --tls-client-auth)");
  cmd->add_option("--tls-client-auth", f->client_auth,
                  "Client certificates: none, requested or required (Kafka's ssl.client.auth)")
      ->capture_default_str();
}

std::shared_ptr<boost::asio::ssl::context> ServerTlsFromFlags(const ServerTlsFlags& f) {
  if (f.tls.cert_file.empty() || f.tls.key_file.empty()) {
    Fail("TLS needs both --tls-cert and --tls-key", 2);
  }
  security::TlsOptions t = f.tls;
  auto auth = security::ParseClientAuth(f.client_auth);
  if (!auth.ok()) Fail(auth.status().WithContext("--tls-client-auth"), 2);
  t.client_auth = *auth;
  auto ctx = security::MakeServerTlsContext(t);
  if (!ctx.ok()) Fail(ctx.status().WithContext("--tls-cert/--tls-key"), 2);
  return std::move(ctx).value();
}

}  // namespace kappa::cli
