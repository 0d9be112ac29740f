// Private to the config loader: the sections of kappa.yaml that are loaded in their own
// files, and the name rule they share. Structure and key names: docs/formats/config.md.
#pragma once

#include <cctype>
#include <string>
#include <string_view>

#include "common/status.h"
#include "stream/pipeline_config.h"
#include "stream/yaml_reader.h"

namespace kappa::stream {

// Topic, keyspace, table, job names: letters, digits, '_', '-' (and '.' when allowed).
inline bool ValidName(std::string_view s, bool allow_dot) {
  if (s.empty() || s.size() > 200) return false;
  for (char c : s) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
              (allow_dot && c == '.');
    if (!ok) return false;
  }
  return true;
}

// `log:` (embedded or an external Kafka cluster). config_external.cc.
Status LoadLogSection(const YamlReader& r_, const YAML::Node& n, LogConfig* l);

// `listeners.limits`, `listeners.kafka_limits`, `listeners.cql_limits` (the addresses are
// read by the loader). config_listeners.cc.
Status LoadListenerLimits(const YamlReader& r_, const YAML::Node& listeners, ListenersConfig* l);

// A job's `sink:` map (embedded or an external Cassandra cluster); c has the job's table.
// Checked here: keys, types, ranges, consistency names; the cluster itself is only reached
// when the job starts. config_external.cc.
Status LoadSinkSection(const YamlReader& r_, const YAML::Node& n, const std::string& where,
                       const PipelineConfig& c, JobConfig* j);

// `auth:` (CQL users, the Kafka escape hatch) into c->auth. config_auth.cc.
Status LoadAuthSection(const YamlReader& r_, const YAML::Node& n, PipelineConfig* c);

// A `listeners:` address: "off" or HOST:PORT through the one parser (common/host_port.h),
// so 127.0.0.1:70000 fails here with its line; records the key's position. config_auth.cc.
Status CheckListenAddress(const YamlReader& r_, const YAML::Node& n, std::string_view key,
                          PipelineConfig* c);

}  // namespace kappa::stream
