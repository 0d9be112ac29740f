// `topics:` of kappa.yaml: the topics Pipeline::Setup creates (embedded log or Kafka cluster).
#include <fmt/format.h>

#include "app/config_section.h"

namespace kappa::app {

Status LoadTopics(const YamlReader& r_, const YAML::Node& seq, PipelineConfig* c) {
  RETURN_IF_ERROR(r_.ExpectSeq(seq, "topics"));
  for (size_t i = 0; i < seq.size(); ++i) {
    const YAML::Node& n = seq[i];
    std::string where = fmt::format("topics[{}]", i);
    RETURN_IF_ERROR(r_.CheckKeys(n, {"name", "partitions", "retention_bytes", "retention_age"}, where));
    TopicConfig t;
    t.line = n.Mark().line + 1;
    if (!n["name"]) return r_.Error(n, where + " needs a name");
    ASSIGN_OR_RETURN(t.name, r_.String(n["name"], where + ".name"));
    if (!ValidName(t.name, true)) return r_.Error(n["name"], fmt::format("topic name '{}' may only use letters, digits, '.', '_' and '-'", t.name));
    if (c->FindTopic(t.name)) return r_.Error(n["name"], fmt::format("topic '{}' is listed twice", t.name));
    if (n["partitions"]) {
      ASSIGN_OR_RETURN(int64_t p, r_.Int(n["partitions"], where + ".partitions", 1, 1024));
      t.partitions = static_cast<int32_t>(p);
    }
    if (n["retention_bytes"]) { ASSIGN_OR_RETURN(t.retention_bytes, r_.ByteSize(n["retention_bytes"], where + ".retention_bytes")); }
    if (n["retention_age"]) { ASSIGN_OR_RETURN(t.retention_ms, r_.DurationMs(n["retention_age"], where + ".retention_age")); }
    c->topics.push_back(std::move(t));
  }
  return Status::OK();
}

}  // namespace kappa::app
