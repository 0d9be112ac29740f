// `producers:` of kappa.yaml: connect producer tasks, source -> mapping -> topic.
#include <fmt/format.h>

#include "app/config_section.h"

namespace kappa::app {

Status LoadProducers(const YamlReader& r_, const YAML::Node& seq, PipelineConfig* c) {
  RETURN_IF_ERROR(r_.ExpectSeq(seq, "producers"));
  for (size_t i = 0; i < seq.size(); ++i) {
    const YAML::Node& n = seq[i];
    std::string where = fmt::format("producers[{}]", i);
    RETURN_IF_ERROR(r_.CheckKeys(n, {"name", "source", "mapping", "topic", "rate", "duration", "count"}, where));
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
    c->producers.push_back(std::move(p));
  }
  return Status::OK();
}

}  // namespace kappa::app
