// `log:` of kappa.yaml: where the pipeline's topics live, the embedded log or an external
// Kafka cluster (through librdkafka), into stream::LogConfig.
#include <fmt/format.h>

#include <algorithm>

#include "common/host_port.h"
#include "app/config_section.h"

namespace kappa::app {

// log: {type: embedded|kafka, bootstrap: "h:p,h:p", replication_factor, client_id,
//       properties: {librdkafka key: value}}
Status LoadLog(const YamlReader& r_, const YAML::Node& n, PipelineConfig* c) {
  LogConfig* l = &c->log;
  RETURN_IF_ERROR(r_.ExpectMap(n, "log"));
  RETURN_IF_ERROR(r_.CheckKeys(n, {"type", "bootstrap", "replication_factor", "client_id", "properties"}, "log"));
  std::string type = "embedded";
  if (n["type"]) { ASSIGN_OR_RETURN(type, r_.String(n["type"], "log.type")); }
  if (type == "embedded") {
    l->type = LogConfig::Type::kEmbedded;
  } else if (type == "kafka") {
    l->type = LogConfig::Type::kKafka;
  } else {
    return r_.Error(n["type"], fmt::format("log.type must be embedded or kafka, not '{}'", type));
  }
  if (n["bootstrap"]) {
    ASSIGN_OR_RETURN(l->bootstrap, r_.String(n["bootstrap"], "log.bootstrap"));
    auto parsed = ParseHostPortList(l->bootstrap);
    if (!parsed.ok()) {
      return r_.Error(n["bootstrap"], fmt::format("log.bootstrap: {} (a list host:port[,host:port])",
                                                  parsed.status().message()));
    }
  }
  if (l->kafka() && l->bootstrap.empty()) return r_.Error(n, "log: type kafka needs bootstrap: host:port[,host:port]");
  if (!l->kafka() && n["bootstrap"]) return r_.Error(n["bootstrap"], "log.bootstrap only applies to type: kafka");
  if (n["replication_factor"]) {
    ASSIGN_OR_RETURN(int64_t rf, r_.Int(n["replication_factor"], "log.replication_factor", -1, 32));
    if (rf == 0) return r_.Error(n["replication_factor"], "log.replication_factor must be -1 (the broker's default) or 1..32");
    l->replication_factor = static_cast<int32_t>(rf);
  }
  if (n["client_id"]) { ASSIGN_OR_RETURN(l->client_id, r_.String(n["client_id"], "log.client_id")); }
  if (n["properties"]) {
    RETURN_IF_ERROR(r_.ExpectMap(n["properties"], "log.properties"));
    for (auto it = n["properties"].begin(); it != n["properties"].end(); ++it) {
      ASSIGN_OR_RETURN(std::string k, r_.String(it->first, "log.properties key"));
      ASSIGN_OR_RETURN(l->properties[k], r_.String(it->second, "log.properties." + k));
    }
  }
  return Status::OK();
}

}  // namespace kappa::app
