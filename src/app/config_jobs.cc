// `jobs:` of kappa.yaml: the streaming jobs (stream::JobConfig), topic -> table; a job's
// `sink:` is in config_sink.cc.
#include <fmt/format.h>

#include "app/config_section.h"

namespace kappa::app {

Status LoadJobs(const YamlReader& r_, const YAML::Node& seq, PipelineConfig* c) {
  RETURN_IF_ERROR(r_.ExpectSeq(seq, "jobs"));
  for (size_t i = 0; i < seq.size(); ++i) {
    const YAML::Node& n = seq[i];
    std::string where = fmt::format("jobs[{}]", i);
    RETURN_IF_ERROR(r_.CheckKeys(n, {"name", "topic", "table", "group", "start", "batch_size", "dead_letter_topic", "max_consecutive_failures", "ttl", "sink"}, where));
    JobConfig j;
    for (auto [key, out] : {std::pair{"name", &j.name}, {"topic", &j.topic}, {"table", &j.table}}) {
      if (!n[key]) return r_.Error(n, fmt::format("{} needs a {}", where, key));
      ASSIGN_OR_RETURN(*out, r_.String(n[key], fmt::format("{}.{}", where, key)));
    }
    if (!ValidName(j.name, false)) return r_.Error(n["name"], fmt::format("job name '{}' may only use letters, digits, '_' and '-'", j.name));
    if (c->FindJob(j.name)) return r_.Error(n["name"], fmt::format("job '{}' is listed twice", j.name));
    if (!c->FindTopic(j.topic)) return r_.Error(n["topic"], fmt::format("{}.topic: no topic named '{}' under topics", where, j.topic));
    if (!c->FindTable(j.table)) return r_.Error(n["table"], fmt::format("{}.table: no table '{}' under keyspaces (write it as keyspace.table)", where, j.table));
    j.group = j.name;
    if (n["group"]) { ASSIGN_OR_RETURN(j.group, r_.String(n["group"], where + ".group")); }
    if (n["start"]) {
      ASSIGN_OR_RETURN(std::string s, r_.String(n["start"], where + ".start"));
      if (s == "earliest") {
        j.start.kind = StartPosition::Kind::kEarliest;
      } else if (s == "latest") {
        j.start.kind = StartPosition::Kind::kLatest;
      } else {
        auto ts = ParseTimestampMs(s);
        if (!ts.ok()) return r_.Error(n["start"], fmt::format("{}.start must be earliest, latest or a time: {}", where, ts.status().message()));
        j.start = {StartPosition::Kind::kTimestamp, *ts};
      }
    }
    if (n["batch_size"]) {
      ASSIGN_OR_RETURN(int64_t b, r_.Int(n["batch_size"], where + ".batch_size", 1, 1000000));
      j.batch_size = static_cast<int32_t>(b);
    }
    j.dead_letter_topic = j.topic + ".dlq";
    if (n["dead_letter_topic"]) { ASSIGN_OR_RETURN(j.dead_letter_topic, r_.String(n["dead_letter_topic"], where + ".dead_letter_topic")); }
    if (!c->FindTopic(j.dead_letter_topic)) {
      return r_.Error(n["dead_letter_topic"] ? n["dead_letter_topic"] : n, fmt::format("{}: dead-letter topic '{}' is not under topics; add it (partitions: 1 is enough)", where, j.dead_letter_topic));
    }
    if (j.dead_letter_topic == j.topic) return r_.Error(n["dead_letter_topic"], where + ".dead_letter_topic must differ from the job's topic");
    if (n["max_consecutive_failures"]) { ASSIGN_OR_RETURN(j.max_consecutive_failures, r_.Int(n["max_consecutive_failures"], where + ".max_consecutive_failures", 0, INT64_MAX)); }
    if (n["ttl"]) {
      ASSIGN_OR_RETURN(int64_t ms, r_.DurationMs(n["ttl"], where + ".ttl"));
      if (ms != 0 && ms < 1000) return r_.Error(n["ttl"], where + ".ttl must be 0 (never) or at least 1s");
      if (ms / 1000 > INT32_MAX) return r_.Error(n["ttl"], where + ".ttl is too long (at most ~68 years)");
      j.ttl_seconds = ms / 1000;
    }
    if (n["sink"]) RETURN_IF_ERROR(LoadSink(r_, n["sink"], where + ".sink", *c, &j));
    c->jobs.push_back(std::move(j));
  }
  return Status::OK();
}

}  // namespace kappa::app
