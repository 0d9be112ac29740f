// A job's `sink:` map in kappa.yaml (docs/formats/config.md, "Sinks"): the embedded store or
// an external Cassandra cluster (through kappa's CQL client), into stream::SinkConfig.
#include <fmt/format.h>

#include <algorithm>

#include "app/config_section.h"
#include "common/host_port.h"

namespace kappa::app {

// A job's `sink:` map. Checked here: keys, types, ranges, consistency names; the cluster
// itself is only reached when the job starts.
Status LoadSink(const YamlReader& r_, const YAML::Node& n, const std::string& where,
                       const PipelineConfig& c, JobConfig* j) {
  RETURN_IF_ERROR(r_.ExpectMap(n, where));
  RETURN_IF_ERROR(r_.CheckKeys(n, {"type", "contact_points", "keyspace", "username", "password",
                                   "max_in_flight", "batch_rows", "consistency", "connections_per_host", "local_datacenter",
                                   "retry_for", "request_timeout", "tls"}, where));
  if (!n["type"]) return r_.Error(n, where + " needs a type (embedded or cassandra)");
  ASSIGN_OR_RETURN(std::string type, r_.String(n["type"], where + ".type"));
  if (type == "embedded") {
    if (n.size() > 1) return r_.Error(n, where + ": type embedded takes no other keys");
    j->sink.type = SinkConfig::Type::kEmbedded;
    return Status::OK();
  }
  if (type != "cassandra") return r_.Error(n["type"], where + ".type must be embedded or cassandra");
  j->sink.type = SinkConfig::Type::kCassandra;
  CassandraSinkConfig& s = j->sink.cassandra;
  const YAML::Node& cps = n["contact_points"];
  if (!cps) return r_.Error(n, where + " needs contact_points: [host:port, ...]");
  RETURN_IF_ERROR(r_.ExpectSeq(cps, where + ".contact_points"));
  if (cps.size() == 0) return r_.Error(cps, where + ".contact_points is empty");
  for (size_t i = 0; i < cps.size(); ++i) {
    ASSIGN_OR_RETURN(std::string cp, r_.String(cps[i], fmt::format("{}.contact_points[{}]", where, i)));
    auto hp = ParseHostPort(cp, uint16_t{9042});  // host alone: Cassandra's port
    if (!hp.ok() || hp->port == 0) {
      size_t colon = cp.rfind(':');  // a good host before the last ':': the port is what is bad
      bool port_bad = colon != std::string::npos && ParseHostPort(cp.substr(0, colon), 9042).ok();
      return r_.Error(cps[i], fmt::format("{}.contact_points: {}", where, port_bad
          ? fmt::format("'{}' has a bad port (1..65535)", cp) : hp.status().message()));
    }
    s.contact_points.push_back(std::move(cp));
  }
  const TableConfig* table = c.FindTable(j->table);
  s.keyspace = table->keyspace;
  for (const auto& ks : c.keyspaces) {
    if (ks.name == table->keyspace) s.replication = ks.replication;
  }
  if (n["keyspace"]) {
    ASSIGN_OR_RETURN(s.keyspace, r_.String(n["keyspace"], where + ".keyspace"));
    if (!ValidName(s.keyspace, false) || s.keyspace.find('-') != std::string::npos) {
      return r_.Error(n["keyspace"], where + ".keyspace may only use letters, digits and '_'");
    }
  }
  if (const YAML::Node& t = n["tls"]) {
    if (t.IsMap()) {
      RETURN_IF_ERROR(r_.CheckKeys(t, {"ca", "cert", "key"}, where + ".tls"));
      s.tls = true;
      if (t["ca"]) { ASSIGN_OR_RETURN(s.tls_ca, r_.String(t["ca"], where + ".tls.ca")); }
      if (t["cert"]) { ASSIGN_OR_RETURN(s.tls_cert, r_.String(t["cert"], where + ".tls.cert")); }
      if (t["key"]) { ASSIGN_OR_RETURN(s.tls_key, r_.String(t["key"], where + ".tls.key")); }
      if (s.tls_cert.empty() != s.tls_key.empty()) {
        return r_.Error(t, where + ".tls: cert and key go together");
      }
    } else {
      ASSIGN_OR_RETURN(s.tls, r_.Bool(t, where + ".tls"));
    }
  }
  if (n["username"]) { ASSIGN_OR_RETURN(s.username, r_.String(n["username"], where + ".username")); }
  if (n["password"]) { ASSIGN_OR_RETURN(s.password, r_.String(n["password"], where + ".password")); }
  if (n["password"] && !n["username"]) return r_.Error(n["password"], where + ".password needs a username");
  if (n["max_in_flight"]) {
    ASSIGN_OR_RETURN(int64_t v, r_.Int(n["max_in_flight"], where + ".max_in_flight", 1, 32768));
    s.max_in_flight = static_cast<int32_t>(v);
  }
  if (n["local_datacenter"]) {
    ASSIGN_OR_RETURN(s.local_datacenter, r_.String(n["local_datacenter"], where + ".local_datacenter"));
    if (s.local_datacenter.empty()) return r_.Error(n["local_datacenter"], where + ".local_datacenter is empty");
  }
  if (n["batch_rows"]) {
    ASSIGN_OR_RETURN(int64_t v, r_.Int(n["batch_rows"], where + ".batch_rows", 1, 1000));
    s.batch_rows = static_cast<int32_t>(v);
  }
  if (n["connections_per_host"]) {
    ASSIGN_OR_RETURN(int64_t v, r_.Int(n["connections_per_host"], where + ".connections_per_host", 1, 64));
    s.connections_per_host = static_cast<int32_t>(v);
  }
  if (n["consistency"]) {
    ASSIGN_OR_RETURN(s.consistency, r_.String(n["consistency"], where + ".consistency"));
    static constexpr std::string_view kLevels[] = {"any", "one", "two", "three", "quorum",
                                                   "all", "local_quorum", "each_quorum",
                                                   "local_one"};
    std::string lower = s.consistency;
    for (char& ch : lower) ch = char(std::tolower(static_cast<unsigned char>(ch)));
    if (std::find(std::begin(kLevels), std::end(kLevels), lower) == std::end(kLevels)) {
      return r_.Error(n["consistency"], fmt::format("{}.consistency '{}' is not one of any, one, two, three, quorum, all, local_quorum, each_quorum, local_one", where, s.consistency));
    }
    s.consistency = lower;
  }
  if (n["retry_for"]) {
    ASSIGN_OR_RETURN(s.retry_for_ms, r_.DurationMs(n["retry_for"], where + ".retry_for"));
    if (s.retry_for_ms < 0) return r_.Error(n["retry_for"], where + ".retry_for must not be negative");
  }
  if (n["request_timeout"]) {
    ASSIGN_OR_RETURN(s.request_timeout_ms, r_.DurationMs(n["request_timeout"], where + ".request_timeout"));
    if (s.request_timeout_ms < 100) return r_.Error(n["request_timeout"], where + ".request_timeout must be at least 100ms");
  }
  return Status::OK();
}

}  // namespace kappa::app
