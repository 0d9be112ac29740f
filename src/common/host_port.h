// The one parser of "host:port" addresses (listeners, --bootstrap, contact points), so every
// command and config key accepts and refuses the same text with the same message.
//
//   127.0.0.1:9092   example.com:9092   [::1]:9092   localhost:0
//
// The host is an IPv4 literal, a bracketed IPv6 literal, or a DNS name (letters, digits,
// '-', '_' and '.', labels of 1..63 characters); the port is a decimal 0..65535. An IPv6 literal
// must be bracketed, since its colons would otherwise be ambiguous with the port's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace kappa {

struct HostPort {
  std::string host;  // without brackets: "::1"
  uint16_t port = 0;
  // "host:port", with brackets around an IPv6 host.
  std::string ToString() const;
};

// Parses `text`. Without `default_port` the port is required; with it "host" alone is
// accepted. InvalidArgument "'127.0.0.1:70000': the port must be 0..65535" and the like.
Result<HostPort> ParseHostPort(std::string_view text,
                               std::optional<uint16_t> default_port = std::nullopt);

// A Kafka bootstrap list, "host:port[,host:port...]" as librdkafka's bootstrap.servers takes
// it: blanks around entries are ignored and an entry may carry a "SCHEME://" prefix
// (PLAINTEXT://host:9092). Every entry goes through ParseHostPort and must have a port of
// 1..65535 (a broker cannot be reached at port 0). InvalidArgument naming the bad entry.
Result<std::vector<HostPort>> ParseHostPortList(std::string_view text);

// One address of a server's listener list: listeners.http "127.0.0.1:8081,https://0.0.0.0:8443",
// listeners.cql "tls://0.0.0.0:9142".
struct ListenAddress {
  HostPort address;
  bool tls = false;
  std::string scheme;  // as the list names it, lower case ("https", "tls"); "" when bare
  // "https://0.0.0.0:8443", or "host:port" when bare.
  std::string ToString() const;
};

// A listener list: "off" (or empty) is none; else entries "HOST:PORT" (plain) or
// "SCHEME://HOST:PORT", comma-separated, blanks around entries ignored. `plain_scheme`
// ("http") and `tls_scheme` ("https", "tls") are the schemes accepted (case-insensitive);
// ports 0..65535 (0 picks one). InvalidArgument naming the bad entry and the schemes.
Result<std::vector<ListenAddress>> ParseListenList(std::string_view text,
                                                   std::string_view plain_scheme,
                                                   std::string_view tls_scheme);

// True for 127.0.0.0/8, ::1 and "localhost": addresses only this machine can reach.
// 0.0.0.0, :: and every name other than localhost are not loopback (a name may resolve to
// anything).
bool IsLoopbackHost(std::string_view host);

}  // namespace kappa
