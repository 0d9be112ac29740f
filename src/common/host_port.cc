#include "common/host_port.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <cctype>
#include <charconv>

namespace kappa {
namespace {

bool IsIpv4(const std::string& h) {
  in_addr a{};
  return ::inet_pton(AF_INET, h.c_str(), &a) == 1;
}

bool IsIpv6(const std::string& h) {
  in6_addr a{};
  return ::inet_pton(AF_INET6, h.c_str(), &a) == 1;
}

// RFC 1123 host name: dot-separated labels of letters, digits and '-', not starting or
// ending with '-'; one trailing dot (a fully qualified name) is allowed. '_' is accepted too:
// container names such as kafka_1 resolve in Docker networks.
bool IsHostName(std::string_view h) {
  if (!h.empty() && h.back() == '.') h.remove_suffix(1);
  if (h.empty() || h.size() > 253) return false;
  while (true) {
    size_t dot = h.find('.');
    std::string_view label = h.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
    }
    if (dot == std::string_view::npos) return true;
    h.remove_prefix(dot + 1);
  }
}

}  // namespace

std::string HostPort::ToString() const {
  if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

Result<HostPort> ParseHostPort(std::string_view text, std::optional<uint16_t> default_port) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument(fmt::format("'{}': {}", text, why));
  };
  HostPort out;
  std::string_view host, port;
  bool has_port = false;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) return bad("an IPv6 address needs a closing ']'");
    host = text.substr(1, close - 1);
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return bad("expected ':' and a port after ']'");
      port = rest.substr(1);
      has_port = true;
    }
    if (!IsIpv6(std::string(host))) return bad(fmt::format("'{}' is not an IPv6 address", host));
  } else {
    size_t colon = text.rfind(':');
    if (colon != std::string_view::npos) {
      if (text.find(':') != colon) {
        return bad("write an IPv6 address in brackets, e.g. [::1]:9092");
      }
      host = text.substr(0, colon);
      port = text.substr(colon + 1);
      has_port = true;
    } else {
      host = text;
    }
    if (host.empty()) return bad("the host is missing (e.g. 127.0.0.1:9092)");
    std::string h(host);
    bool numeric = h.find_first_not_of("0123456789.") == std::string::npos;
    if (numeric ? !IsIpv4(h) : !IsHostName(h)) {
      return bad(numeric ? fmt::format("'{}' is not an IPv4 address", h)
                         : fmt::format("'{}' is not a valid host name or address", h));
    }
  }
  out.host = std::string(host);
  if (!has_port) {
    if (!default_port) return bad("expected HOST:PORT (e.g. 127.0.0.1:9092)");
    out.port = *default_port;
    return out;
  }
  unsigned v = 0;
  auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
  if (port.empty() || ec != std::errc() || p != port.data() + port.size() || v > 65535) {
    return bad("the port must be a number 0..65535");
  }
  out.port = static_cast<uint16_t>(v);
  return out;
}

Result<std::vector<HostPort>> ParseHostPortList(std::string_view text) {
  std::vector<HostPort> out;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    std::string_view entry = text.substr(start, comma == std::string_view::npos
                                                    ? std::string_view::npos : comma - start);
    while (!entry.empty() && (entry.front() == ' ' || entry.front() == '\t')) entry.remove_prefix(1);
    while (!entry.empty() && (entry.back() == ' ' || entry.back() == '\t')) entry.remove_suffix(1);
    size_t scheme = entry.find("://");
    if (scheme != std::string_view::npos) entry.remove_prefix(scheme + 3);
    if (entry.empty()) {
      return Status::InvalidArgument(
          fmt::format("'{}': an empty entry (expected host:port[,host:port])", text));
    }
    ASSIGN_OR_RETURN(HostPort hp, ParseHostPort(entry));
    if (hp.port == 0) {
      return Status::InvalidArgument(fmt::format("'{}': the port must be 1..65535", entry));
    }
    out.push_back(std::move(hp));
    if (comma == std::string_view::npos) return out;
    start = comma + 1;
  }
}

std::string ListenAddress::ToString() const {
  return scheme.empty() ? address.ToString() : scheme + "://" + address.ToString();
}

Result<std::vector<ListenAddress>> ParseListenList(std::string_view text,
                                                   std::string_view plain_scheme,
                                                   std::string_view tls_scheme) {
  std::vector<ListenAddress> out;
  if (text.empty() || text == "off") return out;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    std::string_view entry = text.substr(start, comma == std::string_view::npos
                                                    ? std::string_view::npos : comma - start);
    while (!entry.empty() && (entry.front() == ' ' || entry.front() == '\t')) entry.remove_prefix(1);
    while (!entry.empty() && (entry.back() == ' ' || entry.back() == '\t')) entry.remove_suffix(1);
    if (entry.empty()) {
      return Status::InvalidArgument(fmt::format(
          "'{}': an empty entry (expected [{}://|{}://]host:port[,...])", text, plain_scheme,
          tls_scheme));
    }
    ListenAddress a;
    if (size_t sep = entry.find("://"); sep != std::string_view::npos) {
      for (char ch : entry.substr(0, sep)) a.scheme += char(std::tolower((unsigned char)ch));
      if (a.scheme == tls_scheme) {
        a.tls = true;
      } else if (a.scheme != plain_scheme) {
        return Status::InvalidArgument(fmt::format(
            "'{}': unknown scheme '{}' (expected {}:// for TLS, {}:// or none for plain)",
            entry, entry.substr(0, sep), tls_scheme, plain_scheme));
      }
      entry.remove_prefix(sep + 3);
    }
    ASSIGN_OR_RETURN(a.address, ParseHostPort(entry));
    out.push_back(std::move(a));
    if (comma == std::string_view::npos) return out;
    start = comma + 1;
  }
}

bool IsLoopbackHost(std::string_view host) {
  if (host == "localhost" || host == "localhost.") return true;
  std::string h(host);
  in_addr a4{};
  if (::inet_pton(AF_INET, h.c_str(), &a4) == 1) return (ntohl(a4.s_addr) >> 24) == 127;
  in6_addr a6{};
  if (::inet_pton(AF_INET6, h.c_str(), &a6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&a6)) return true;
    // ::ffff:127.x.y.z
    if (IN6_IS_ADDR_V4MAPPED(&a6)) return a6.s6_addr[12] == 127;
  }
  return false;
}

}  // namespace kappa
