// `producers:` of kappa.yaml: connect producer tasks, source -> mapping -> topic.
#include <fmt/format.h>

#include "app/config_section.h"
#include "common/env.h"

namespace kappa::app {

Status LoadProducers(const YamlReader& r_, const YAML::Node& seq, PipelineConfig* c) {
  RETURN_IF_ERROR(r_.ExpectSeq(seq, "producers"));
  for (size_t i = 0; i < seq.size(); ++i) {
    const YAML::Node& n = seq[i];
    std::string where = fmt::format("producers[{}]", i);
    RETURN_IF_ERROR(r_.CheckKeys(n, {"name", "source", "mapping", "topic", "rate", "duration", "count", "format", "subject", "schema_file", "autostart"}, where));
    ProducerConfig p;
    for (auto [key, out] : {std::pair{"name", &p.name}, {"source", &p.source}, {"mapping", &p.mapping}, {"topic", &p.topic}}) {
      if (!n[key]) return r_.Error(n, fmt::format("{} needs a {}", where, key));
      ASSIGN_OR_RETURN(*out, r_.String(n[key], fmt::format("{}.{}", where, key)));
    }
    for (const auto& other : c->producers) {
      if (other.name == p.name) return r_.Error(n["name"], fmt::format("producer '{}' is listed twice", p.name));
    }
    if (!c->FindSource(p.source)) return r_.Error(n["source"], fmt::format("{}.source: no source named '{}' under sources", where, p.source));
    if (!c->FindMapping(p.mapping)) return r_.Error(n["mapping"], fmt::format("{}.mapping: no mapping named '{}' under mappings", where, p.mapping));
    if (!c->FindTopic(p.topic)) return r_.Error(n["topic"], fmt::format("{}.topic: no topic named '{}' under topics", where, p.topic));
    if (n["rate"]) { ASSIGN_OR_RETURN(p.rate, r_.Double(n["rate"], where + ".rate", 0)); }
    if (n["duration"]) { ASSIGN_OR_RETURN(p.duration_ms, r_.DurationMs(n["duration"], where + ".duration")); }
    if (n["count"]) { ASSIGN_OR_RETURN(p.count, r_.Int(n["count"], where + ".count", 0, INT64_MAX)); }
    if (n["autostart"]) { ASSIGN_OR_RETURN(p.autostart, r_.Bool(n["autostart"], where + ".autostart")); }
    if (n["format"]) {
      ASSIGN_OR_RETURN(p.format, r_.String(n["format"], where + ".format"));
      if (p.format != "json" && p.format != "avro") {
        return r_.Error(n["format"], fmt::format("{}.format: '{}' is not a format; use json or avro", where, p.format));
      }
    }
    for (const char* key : {"subject", "schema_file"}) {
      if (n[key] && p.format != "avro") {
        return r_.Error(n[key], fmt::format("{}.{} needs format: avro", where, key));
      }
    }
    p.subject = p.topic + "-value";  // Confluent's TopicNameStrategy
    if (n["subject"]) { ASSIGN_OR_RETURN(p.subject, r_.String(n["subject"], where + ".subject")); }
    if (n["schema_file"]) {
      ASSIGN_OR_RETURN(p.schema_file, r_.String(n["schema_file"], where + ".schema_file"));
      // Relative to the config file's directory, as a reader of the file expects.
      std::string path = p.schema_file;
      const size_t slash = c->file.rfind('/');
      if (!path.empty() && path[0] != '/' && slash != std::string::npos) {
        path = c->file.substr(0, slash + 1) + path;
      }
      auto text = Env::Default()->ReadFile(path);
      if (!text.ok()) {
        return r_.Error(n["schema_file"], fmt::format("{}.schema_file: cannot read {}: {}", where, path, text.status().message()));
      }
      p.schema_text = std::move(text).value();
    }
    c->producers.push_back(std::move(p));
  }
  return Status::OK();
}

}  // namespace kappa::app
