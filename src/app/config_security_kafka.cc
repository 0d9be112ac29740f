// security.sasl_mechanisms and security.sasl_session_lifetime: SASL of the Kafka listeners
// (docs/formats/config.md, "security"; the listeners' protocols are in listeners.kafka).
#include <fmt/format.h>

#include <algorithm>

#include "app/config_section.h"
#include "security/security.h"

namespace kappa::app {

Status LoadSecurityKafka(const YamlReader& r_, const YAML::Node& n, PipelineConfig* c) {
  if (const YAML::Node& m = n["sasl_mechanisms"]) {
    std::vector<std::string> names;
    if (m.IsSequence()) {
      for (const auto& item : m) {
        ASSIGN_OR_RETURN(std::string s, r_.String(item, "security.sasl_mechanisms"));
        names.push_back(s);
      }
    } else {
      ASSIGN_OR_RETURN(std::string text, r_.String(m, "security.sasl_mechanisms"));
      size_t pos = 0;
      for (;;) {
        size_t comma = text.find(',', pos);
        std::string name = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        name.erase(0, name.find_first_not_of(' '));
        name.erase(name.find_last_not_of(' ') + 1);
        names.push_back(name);
        if (comma == std::string::npos) break;
        pos = comma + 1;
      }
    }
    const auto& known = security::SaslServer::Mechanisms();
    for (const auto& name : names) {
      if (std::find(known.begin(), known.end(), name) == known.end()) {
        return r_.Error(m, fmt::format("security.sasl_mechanisms: unknown mechanism '{}' "
                                       "(PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)",
                                       name));
      }
    }
    if (names.empty()) return r_.Error(m, "security.sasl_mechanisms: name at least one mechanism");
    c->security.sasl_mechanisms = names;
  }
  if (const YAML::Node& d = n["sasl_session_lifetime"]) {
    ASSIGN_OR_RETURN(c->security.sasl_session_lifetime_ms,
                     r_.DurationMs(d, "security.sasl_session_lifetime"));
    if (c->security.sasl_session_lifetime_ms < 0) {
      return r_.Error(d, "security.sasl_session_lifetime must not be negative");
    }
  }
  return Status::OK();
}

}  // namespace kappa::app
