// Private to the config loader: the sections of kappa.yaml and the table that lists them.
// Structure and key names: docs/formats/config.md.
//
// A section is one top-level key of the file, loaded by its own file (config_<key>.cc) into
// the field of PipelineConfig that holds its subsystem's options. The loader (config_loader.cc)
// checks the top-level keys against the table (an unknown key gets "did you mean" with its
// FILE:LINE:COL), then loads the sections present, in table order, then runs each section's
// validate step. A new subsystem adds its section file and one line to the table
// (config_sections.cc); the other sections stay as they are.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <span>
#include <string>
#include <string_view>

#include "app/config.h"
#include "app/yaml_reader.h"
#include "common/status.h"

namespace kappa::app {

struct ConfigSection {
  std::string_view key;  // the top-level key
  // Parses the section's node (present in the file) into `c`. Sections load in table order,
  // so a section may look up what an earlier one declared (a job's topic and table, a
  // producer's source and mapping): errors then point at the referring line.
  Status (*load)(const YamlReader& r, const YAML::Node& node, PipelineConfig* c);
  // Checks that need every section loaded, run whether or not the key is in the file (null:
  // none). Errors name the position recorded in c.positions (PipelineConfig::Where).
  Status (*validate)(const PipelineConfig& c) = nullptr;
};

// The sections of kappa.yaml in load order (config_sections.cc).
std::span<const ConfigSection> ConfigSections();

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

// ---- the section loaders, one file each ----------------------------------------------------

// `data_dir`, `durability:`, `retention:`, `store:`: how the data directory is opened.
// config_storage.cc.
Status LoadDataDir(const YamlReader& r, const YAML::Node& n, PipelineConfig* c);
Status LoadDurability(const YamlReader& r, const YAML::Node& n, PipelineConfig* c);
Status LoadRetention(const YamlReader& r, const YAML::Node& n, PipelineConfig* c);
Status LoadStore(const YamlReader& r, const YAML::Node& n, PipelineConfig* c);

// `log:` (embedded or an external Kafka cluster). config_log.cc.
Status LoadLog(const YamlReader& r, const YAML::Node& n, PipelineConfig* c);

// `topics:`. config_topics.cc.
Status LoadTopics(const YamlReader& r, const YAML::Node& n, PipelineConfig* c);

// `keyspaces:` and their tables. config_keyspaces.cc.
Status LoadKeyspaces(const YamlReader& r, const YAML::Node& n, PipelineConfig* c);

// `sources:` (connect's randomuser and HTTP sources). config_sources.cc.
Status LoadSources(const YamlReader& r, const YAML::Node& n, PipelineConfig* c);

// `mappings:`, compiled through connect. config_mappings.cc.
Status LoadMappings(const YamlReader& r, const YAML::Node& n, PipelineConfig* c);

// `producers:` (needs sources, mappings, topics). config_producers.cc.
Status LoadProducers(const YamlReader& r, const YAML::Node& n, PipelineConfig* c);

// `jobs:` (needs topics and keyspaces). config_jobs.cc; a job's `sink:` map (embedded or an
// external Cassandra cluster; checked: keys, types, ranges, consistency names; the cluster
// itself is only reached when the job starts) in config_sink.cc.
Status LoadJobs(const YamlReader& r, const YAML::Node& n, PipelineConfig* c);
Status LoadSink(const YamlReader& r, const YAML::Node& n, const std::string& where,
                const PipelineConfig& c, JobConfig* j);

// `listeners:` (addresses, limits). config_listeners.cc; the limits in
// config_listener_limits.cc.
Status LoadListeners(const YamlReader& r, const YAML::Node& n, PipelineConfig* c);
Status LoadListenerLimits(const YamlReader& r, const YAML::Node& listeners, ListenersConfig* l);

// `auth:` (CQL users, the Kafka escape hatch). config_auth.cc.
Status LoadAuth(const YamlReader& r, const YAML::Node& n, PipelineConfig* c);
// config_security.cc
Status LoadSecurity(const YamlReader& r, const YAML::Node& n, PipelineConfig* c);
// `security.tls`, `security.metrics_auth` (config_security_tls.cc), called by LoadSecurity
// with the security: node.
Status LoadSecurityTls(const YamlReader& r, const YAML::Node& n, PipelineConfig* c);
// `security.acls` (config_security_acl.cc), called by LoadSecurity.
Status LoadSecurityAcl(const YamlReader& r, const YAML::Node& n, PipelineConfig* c);
// security.sasl_mechanisms, security.sasl_session_lifetime (Kafka SASL). config_security_kafka.cc.
Status LoadSecurityKafka(const YamlReader& r, const YAML::Node& n, PipelineConfig* c);

// `registry:` (the schema registry's writer election under log: kafka). config_registry.cc.
Status LoadRegistry(const YamlReader& r, const YAML::Node& n, PipelineConfig* c);

// `console:` (the web console's users). config_console.cc.
Status LoadConsole(const YamlReader& r, const YAML::Node& n, PipelineConfig* c);

// `orchestrator:` (commands allowed, parallelism). config_orchestrator.cc.
Status LoadOrchestrator(const YamlReader& r, const YAML::Node& n, PipelineConfig* c);

// `dags:` (needs orchestrator, producers, topics, jobs, keyspaces: the task types check
// their arguments against them). config_dags.cc; a DAG's `tasks:` in config_dag_tasks.cc.
Status LoadDags(const YamlReader& r, const YAML::Node& n, PipelineConfig* c);
Status LoadDagTasks(const YamlReader& r, const YAML::Node& seq, const std::string& where,
                    const orchestrator::TaskTypes& types, orchestrator::DagSpec* dag);

}  // namespace kappa::app
