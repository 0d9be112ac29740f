// Kafka listener names and the one parser of listener lists (kafka.h).
#include <fmt/format.h>

#include "common/host_port.h"
#include "kafka/kafka.h"

namespace kappa::kafka {

const char* SecurityProtocolName(SecurityProtocol p) {
  switch (p) {
    case SecurityProtocol::kPlaintext: return "PLAINTEXT";
    case SecurityProtocol::kSaslPlaintext: return "SASL_PLAINTEXT";
    case SecurityProtocol::kSsl: return "SSL";
    case SecurityProtocol::kSaslSsl: return "SASL_SSL";
  }
  return "?";
}

Result<std::vector<KafkaListenerOptions>> ParseKafkaListeners(std::string_view text) {
  std::vector<KafkaListenerOptions> out;
  size_t pos = 0;
  for (;;) {
    size_t comma = text.find(',', pos);
    std::string_view entry = text.substr(pos, comma == text.npos ? text.npos : comma - pos);
    while (!entry.empty() && entry.front() == ' ') entry.remove_prefix(1);
    while (!entry.empty() && entry.back() == ' ') entry.remove_suffix(1);
    if (entry.empty()) {
      return Status::InvalidArgument(fmt::format("'{}': empty listener in the list", text));
    }
    KafkaListenerOptions l;
    std::string_view addr = entry;
    if (size_t sep = entry.find("://"); sep != entry.npos) {
      std::string_view name = entry.substr(0, sep);
      addr = entry.substr(sep + 3);
      bool found = false;
      for (auto p : {SecurityProtocol::kPlaintext, SecurityProtocol::kSaslPlaintext,
                     SecurityProtocol::kSsl, SecurityProtocol::kSaslSsl}) {
        if (name == SecurityProtocolName(p)) {
          l.protocol = p;
          found = true;
        }
      }
      if (!found) {
        return Status::InvalidArgument(fmt::format(
            "'{}': unknown security protocol '{}' (PLAINTEXT, SASL_PLAINTEXT, SSL or SASL_SSL)",
            entry, name));
      }
    }
    auto hp = ParseHostPort(addr);
    if (!hp.ok()) return hp.status();
    l.host = hp->host;
    l.port = hp->port;
    for (const auto& o : out) {
      if (o.port != 0 && o.port == l.port && o.host == l.host) {
        return Status::InvalidArgument(fmt::format("'{}': listed twice", entry));
      }
    }
    out.push_back(std::move(l));
    if (comma == text.npos) break;
    pos = comma + 1;
  }
  return out;
}

Status ApplyAdvertisedListeners(std::string_view text,
                                std::vector<KafkaListenerOptions>* listeners) {
  ASSIGN_OR_RETURN(std::vector<KafkaListenerOptions> adv, ParseKafkaListeners(text));
  if (adv.size() != listeners->size()) {
    return Status::InvalidArgument(fmt::format(
        "'{}': {} advertised address(es) for {} listener(s); give one per listener, in order",
        text, adv.size(), listeners->size()));
  }
  size_t pos = 0;
  for (size_t i = 0; i < adv.size(); ++i) {
    size_t comma = text.find(',', pos);
    std::string_view entry = text.substr(pos, comma == text.npos ? text.npos : comma - pos);
    pos = comma == text.npos ? text.size() : comma + 1;
    KafkaListenerOptions& l = (*listeners)[i];
    if (entry.find("://") != entry.npos && adv[i].protocol != l.protocol) {
      return Status::InvalidArgument(fmt::format(
          "'{}': advertised as {} for listener {} ({}://{}:{}); the protocols must match",
          entry, SecurityProtocolName(adv[i].protocol), i + 1, SecurityProtocolName(l.protocol),
          l.host, l.port));
    }
    if (adv[i].port == 0 || adv[i].host == "0.0.0.0" || adv[i].host == "::") {
      return Status::InvalidArgument(fmt::format(
          "'{}': an advertised address is where clients connect: a host name or address and a "
          "port, not a wildcard or port 0",
          entry));
    }
    l.advertised_host = adv[i].host;
    l.advertised_port = adv[i].port;
  }
  return Status::OK();
}

}  // namespace kappa::kafka
