// Loads kappa.yaml into PipelineConfig. Structure and key names: docs/formats/config.md.
// Invariant: a config that loads has every cross-reference resolved (jobs -> topics/tables,
// producers -> sources/mappings/topics) and every mapping compiled, so `kappa up` fails
// before it touches the data directory, never halfway through.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "stream/pipeline_config.h"
#include "stream/config_sections.h"
#include "stream/yaml_reader.h"

namespace kappa::stream {
namespace {

constexpr std::string_view kCqlTypes[] = {
    "ascii", "bigint", "blob", "boolean", "counter", "date", "decimal", "double",
    "float", "inet", "int", "smallint", "text", "time", "timestamp", "timeuuid",
    "tinyint", "uuid", "varchar", "varint"};

class Loader {
 public:
  explicit Loader(std::string file) : r_(std::move(file)) {}

  Result<PipelineConfig> Load(const YAML::Node& root) {
    PipelineConfig c;
    c.file = r_.file();
    if (root.IsNull()) return r_.Error(root, "the file is empty; see docs/formats/config.md");
    RETURN_IF_ERROR(r_.CheckKeys(root,
                                 {"data_dir", "durability", "retention", "store", "topics", "keyspaces",
                                  "sources", "mappings", "producers", "jobs", "listeners", "log",
                                  "auth"},
                                 "the top level"));
    if (root["data_dir"]) {
      ASSIGN_OR_RETURN(c.data_dir, r_.String(root["data_dir"], "data_dir"));
      if (c.data_dir.empty()) return r_.Error(root["data_dir"], "data_dir is empty");
      c.positions["data_dir"] = r_.Where(root["data_dir"]);
    }
    if (root["log"]) RETURN_IF_ERROR(LoadLogSection(r_, root["log"], &c.log));
    if (root["durability"]) RETURN_IF_ERROR(Durability(root["durability"], &c.durability));
    if (root["retention"]) RETURN_IF_ERROR(Retention(root["retention"], &c.retention));
    if (root["store"]) RETURN_IF_ERROR(StoreSection(root["store"], &c.store));
    if (root["topics"]) RETURN_IF_ERROR(Topics(root["topics"], &c));
    if (root["keyspaces"]) RETURN_IF_ERROR(Keyspaces(root["keyspaces"], &c));
    if (root["sources"]) RETURN_IF_ERROR(Sources(root["sources"], &c));
    if (root["mappings"]) RETURN_IF_ERROR(Mappings(root["mappings"], &c));
    if (root["producers"]) RETURN_IF_ERROR(Producers(root["producers"], &c));
    if (root["jobs"]) RETURN_IF_ERROR(Jobs(root["jobs"], &c));
    if (root["listeners"]) {
      const YAML::Node& n = root["listeners"];
      RETURN_IF_ERROR(r_.CheckKeys(n, {"kafka", "cql", "kafka_group_initial_rebalance_delay", "limits",
                                       "kafka_limits", "cql_limits"},
                                   "listeners"));
      RETURN_IF_ERROR(LoadListenerLimits(r_, n, &c.listeners));
      if (n["kafka"]) { ASSIGN_OR_RETURN(c.listeners.kafka, r_.String(n["kafka"], "listeners.kafka")); }
      if (n["cql"]) { ASSIGN_OR_RETURN(c.listeners.cql, r_.String(n["cql"], "listeners.cql")); }
      if (n["kafka"]) RETURN_IF_ERROR(CheckListenAddress(r_, n["kafka"], "listeners.kafka", &c));
      if (n["cql"]) RETURN_IF_ERROR(CheckListenAddress(r_, n["cql"], "listeners.cql", &c));
      if (const YAML::Node& d = n["kafka_group_initial_rebalance_delay"]) {
        ASSIGN_OR_RETURN(c.listeners.kafka_group_initial_rebalance_delay_ms,
                         r_.DurationMs(d, "listeners.kafka_group_initial_rebalance_delay"));
        if (c.listeners.kafka_group_initial_rebalance_delay_ms < 0 ||
            c.listeners.kafka_group_initial_rebalance_delay_ms > 300'000) {
          return r_.Error(d, "listeners.kafka_group_initial_rebalance_delay must be between 0 and 5m");
        }
      }
    }
    if (root["auth"]) RETURN_IF_ERROR(LoadAuthSection(r_, root["auth"], &c));
    return c;
  }

 private:
  Status Durability(const YAML::Node& n, DurabilityConfig* d) {
    RETURN_IF_ERROR(r_.CheckKeys(n, {"log_flush", "log_flush_interval", "store_sync"}, "durability"));
    if (n["log_flush"]) {
      ASSIGN_OR_RETURN(std::string f, r_.String(n["log_flush"], "durability.log_flush"));
      if (f == "every_append") d->log_flush = LogFlush::kEveryAppend;
      else if (f == "interval") d->log_flush = LogFlush::kInterval;
      else if (f == "os") d->log_flush = LogFlush::kOs;
      else return r_.Error(n["log_flush"], fmt::format("durability.log_flush must be every_append, interval or os, not '{}'", f));
    }
    if (n["log_flush_interval"]) {
      ASSIGN_OR_RETURN(d->log_flush_interval_ms, r_.DurationMs(n["log_flush_interval"], "durability.log_flush_interval"));
      if (d->log_flush_interval_ms <= 0) return r_.Error(n["log_flush_interval"], "durability.log_flush_interval must be positive");
    }
    if (n["store_sync"]) { ASSIGN_OR_RETURN(d->store_sync, r_.Bool(n["store_sync"], "durability.store_sync")); }
    return Status::OK();
  }

  Status Retention(const YAML::Node& n, RetentionConfig* rc) {
    RETURN_IF_ERROR(r_.CheckKeys(n, {"bytes_per_partition", "age"}, "retention"));
    if (n["bytes_per_partition"]) { ASSIGN_OR_RETURN(rc->bytes_per_partition, r_.ByteSize(n["bytes_per_partition"], "retention.bytes_per_partition")); }
    if (n["age"]) { ASSIGN_OR_RETURN(rc->age_ms, r_.DurationMs(n["age"], "retention.age")); }
    return Status::OK();
  }

  Status StoreSection(const YAML::Node& n, StoreConfig* sc) {
    RETURN_IF_ERROR(r_.CheckKeys(n, {"block_cache"}, "store"));
    if (n["block_cache"]) {
      ASSIGN_OR_RETURN(sc->block_cache_bytes, r_.ByteSize(n["block_cache"], "store.block_cache"));
      if (sc->block_cache_bytes < (int64_t{1} << 20)) {
        return r_.Error(n["block_cache"], "store.block_cache must be at least 1MiB");
      }
    }
    return Status::OK();
  }

  Status Topics(const YAML::Node& seq, PipelineConfig* c) {
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

  Status PrimaryKey(const YAML::Node& n, const std::string& where, TableConfig* t) {
    auto names = [&](const YAML::Node& x, std::vector<std::string>* out) -> Status {
      if (x.IsScalar()) {
        out->push_back(x.Scalar());
        return Status::OK();
      }
      if (!x.IsSequence() || x.size() == 0) return r_.Error(x, where + ".primary_key components must be column names or lists of them");
      for (const auto& e : x) { ASSIGN_OR_RETURN(out->emplace_back(), r_.String(e, where + ".primary_key")); }
      return Status::OK();
    };
    if (n.IsScalar()) return names(n, &t->partition_key);
    if (!n.IsSequence() || n.size() == 0) return r_.Error(n, where + ".primary_key must be a column or a list like [id] or [[a, b], c]");
    RETURN_IF_ERROR(names(n[0], &t->partition_key));
    for (size_t i = 1; i < n.size(); ++i) {
      ASSIGN_OR_RETURN(t->clustering.emplace_back(), r_.String(n[i], where + ".primary_key clustering column"));
    }
    return Status::OK();
  }

  Status Table(const YAML::Node& n, const std::string& where, KeyspaceConfig* ks) {
    RETURN_IF_ERROR(r_.CheckKeys(n, {"name", "columns", "primary_key"}, where));
    TableConfig t;
    t.keyspace = ks->name;
    if (!n["name"]) return r_.Error(n, where + " needs a name");
    ASSIGN_OR_RETURN(t.name, r_.String(n["name"], where + ".name"));
    if (!ValidName(t.name, false)) return r_.Error(n["name"], fmt::format("table name '{}' may only use letters, digits and '_'", t.name));
    for (const auto& other : ks->tables) {
      if (other.name == t.name) return r_.Error(n["name"], fmt::format("table '{}.{}' is listed twice", ks->name, t.name));
    }
    if (!n["columns"]) return r_.Error(n, where + " needs columns (name: type lines)");
    RETURN_IF_ERROR(r_.ExpectMap(n["columns"], where + ".columns"));
    std::set<std::string> seen;
    for (auto it = n["columns"].begin(); it != n["columns"].end(); ++it) {
      ColumnConfig col;
      ASSIGN_OR_RETURN(col.name, r_.String(it->first, where + ".columns key"));
      if (!ValidName(col.name, false)) return r_.Error(it->first, fmt::format("column name '{}' may only use letters, digits and '_'", col.name));
      if (!seen.insert(col.name).second) return r_.Error(it->first, fmt::format("column '{}' is listed twice", col.name));
      ASSIGN_OR_RETURN(col.type, r_.String(it->second, where + ".columns." + col.name));
      std::transform(col.type.begin(), col.type.end(), col.type.begin(), ::tolower);
      if (std::find(std::begin(kCqlTypes), std::end(kCqlTypes), col.type) == std::end(kCqlTypes)) {
        return r_.Error(it->second, fmt::format("unknown column type '{}' for {}.{} (use a CQL type: text, uuid, int, bigint, double, boolean, timestamp, ...)", col.type, t.name, col.name));
      }
      t.columns.push_back(std::move(col));
    }
    if (!n["primary_key"]) return r_.Error(n, where + " needs primary_key (e.g. primary_key: [id])");
    RETURN_IF_ERROR(PrimaryKey(n["primary_key"], where, &t));
    for (const auto* part : {&t.partition_key, &t.clustering}) {
      for (const std::string& k : *part) {
        if (!seen.count(k)) return r_.Error(n["primary_key"], fmt::format("primary key column '{}' is not among the columns of {}", k, t.name));
      }
    }
    ks->tables.push_back(std::move(t));
    return Status::OK();
  }

  Status Keyspaces(const YAML::Node& seq, PipelineConfig* c) {
    RETURN_IF_ERROR(r_.ExpectSeq(seq, "keyspaces"));
    for (size_t i = 0; i < seq.size(); ++i) {
      const YAML::Node& n = seq[i];
      std::string where = fmt::format("keyspaces[{}]", i);
      RETURN_IF_ERROR(r_.CheckKeys(n, {"name", "replication", "tables"}, where));
      KeyspaceConfig ks;
      if (!n["name"]) return r_.Error(n, where + " needs a name");
      ASSIGN_OR_RETURN(ks.name, r_.String(n["name"], where + ".name"));
      if (!ValidName(ks.name, false)) return r_.Error(n["name"], fmt::format("keyspace name '{}' may only use letters, digits and '_'", ks.name));
      for (const auto& other : c->keyspaces) {
        if (other.name == ks.name) return r_.Error(n["name"], fmt::format("keyspace '{}' is listed twice", ks.name));
      }
      if (n["replication"]) {
        RETURN_IF_ERROR(r_.ExpectMap(n["replication"], where + ".replication"));
        for (auto it = n["replication"].begin(); it != n["replication"].end(); ++it) {
          ASSIGN_OR_RETURN(std::string k, r_.String(it->first, where + ".replication key"));
          ASSIGN_OR_RETURN(ks.replication[k], r_.String(it->second, where + ".replication." + k));
        }
      } else {
        ks.replication = {{"class", "SimpleStrategy"}, {"replication_factor", "1"}};
      }
      if (n["tables"]) {
        RETURN_IF_ERROR(r_.ExpectSeq(n["tables"], where + ".tables"));
        for (size_t j = 0; j < n["tables"].size(); ++j) {
          RETURN_IF_ERROR(Table(n["tables"][j], fmt::format("{}.tables[{}]", where, j), &ks));
        }
      }
      c->keyspaces.push_back(std::move(ks));
    }
    return Status::OK();
  }

  Status RandomUser(const YAML::Node& n, const std::string& where, connect::RandomUserOptions* o) {
    RETURN_IF_ERROR(r_.CheckKeys(n, {"type", "seed", "results_per_page", "nationalities"}, where));
    if (n["seed"]) { ASSIGN_OR_RETURN(o->seed, r_.String(n["seed"], where + ".seed")); }
    if (n["results_per_page"]) {
      ASSIGN_OR_RETURN(int64_t v, r_.Int(n["results_per_page"], where + ".results_per_page", 1, 5000));
      o->results = static_cast<uint32_t>(v);
    }
    if (n["nationalities"]) {
      RETURN_IF_ERROR(r_.ExpectSeq(n["nationalities"], where + ".nationalities"));
      std::vector<std::string> known = connect::SupportedNationalities();
      for (const auto& e : n["nationalities"]) {
        ASSIGN_OR_RETURN(std::string nat, r_.String(e, where + ".nationalities"));
        std::transform(nat.begin(), nat.end(), nat.begin(), ::toupper);
        if (std::find(known.begin(), known.end(), nat) == known.end()) {
          std::string list;
          for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
          return r_.Error(e, fmt::format("unknown nationality '{}' (supported: {})", nat, list));
        }
        o->nationalities.push_back(nat);
      }
    }
    return Status::OK();
  }

  Status Http(const YAML::Node& n, const std::string& where, connect::HttpSourceOptions* o) {
    RETURN_IF_ERROR(r_.CheckKeys(n, {"type", "url", "rate", "concurrency", "timeout", "connect_timeout", "max_retries", "backoff_initial", "backoff_max"}, where));
    if (n["url"]) {
      ASSIGN_OR_RETURN(o->url, r_.String(n["url"], where + ".url"));
      if (!o->url.starts_with("http://") && !o->url.starts_with("https://")) {
        return r_.Error(n["url"], where + ".url must start with http:// or https://");
      }
    }
    if (n["rate"]) { ASSIGN_OR_RETURN(o->requests_per_sec, r_.Double(n["rate"], where + ".rate", 0)); }
    if (n["concurrency"]) {
      ASSIGN_OR_RETURN(int64_t v, r_.Int(n["concurrency"], where + ".concurrency", 1, 64));
      o->concurrency = static_cast<uint32_t>(v);
    }
    if (n["max_retries"]) {
      ASSIGN_OR_RETURN(int64_t v, r_.Int(n["max_retries"], where + ".max_retries", 0, 1000));
      o->max_retries = static_cast<uint32_t>(v);
    }
    for (auto [key, out] : {std::pair{"timeout", &o->timeout}, {"connect_timeout", &o->connect_timeout},
                            {"backoff_initial", &o->backoff_initial}, {"backoff_max", &o->backoff_max}}) {
      if (!n[key]) continue;
      ASSIGN_OR_RETURN(int64_t ms, r_.DurationMs(n[key], fmt::format("{}.{}", where, key)));
      if (ms <= 0) return r_.Error(n[key], fmt::format("{}.{} must be positive", where, key));
      *out = std::chrono::milliseconds(ms);
    }
    return Status::OK();
  }

  Status Sources(const YAML::Node& map, PipelineConfig* c) {
    RETURN_IF_ERROR(r_.ExpectMap(map, "sources"));
    for (auto it = map.begin(); it != map.end(); ++it) {
      SourceConfig s;
      ASSIGN_OR_RETURN(s.name, r_.String(it->first, "a source name"));
      if (c->FindSource(s.name)) return r_.Error(it->first, fmt::format("source '{}' is defined twice", s.name));
      std::string where = "sources." + s.name;
      RETURN_IF_ERROR(r_.ExpectMap(it->second, where));
      if (!it->second["type"]) return r_.Error(it->second, where + " needs a type (randomuser or http)");
      ASSIGN_OR_RETURN(std::string type, r_.String(it->second["type"], where + ".type"));
      if (type == "randomuser") {
        s.type = SourceConfig::Type::kRandomUser;
        RETURN_IF_ERROR(RandomUser(it->second, where, &s.randomuser));
      } else if (type == "http") {
        s.type = SourceConfig::Type::kHttp;
        RETURN_IF_ERROR(Http(it->second, where, &s.http));
      } else {
        return r_.Error(it->second["type"], fmt::format("{}.type must be randomuser or http, not '{}'", where, type));
      }
      c->sources.push_back(std::move(s));
    }
    return Status::OK();
  }

  Status Mappings(const YAML::Node& map, PipelineConfig* c) {
    RETURN_IF_ERROR(r_.ExpectMap(map, "mappings"));
    for (auto it = map.begin(); it != map.end(); ++it) {
      MappingConfig m;
      ASSIGN_OR_RETURN(m.name, r_.String(it->first, "a mapping name"));
      if (c->FindMapping(m.name)) return r_.Error(it->first, fmt::format("mapping '{}' is defined twice", m.name));
      m.node = it->second;
      RETURN_IF_ERROR(connect::Mapping::Compile(m.node, m.name, r_.file()).status());
      c->mappings.push_back(std::move(m));
    }
    return Status::OK();
  }

  Status Producers(const YAML::Node& seq, PipelineConfig* c) {
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

  Status Jobs(const YAML::Node& seq, PipelineConfig* c) {
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
      if (n["sink"]) RETURN_IF_ERROR(LoadSinkSection(r_, n["sink"], where + ".sink", *c, &j));
      c->jobs.push_back(std::move(j));
    }
    return Status::OK();
  }

  YamlReader r_;
};

}  // namespace

const TopicConfig* PipelineConfig::FindTopic(std::string_view name) const {
  for (const auto& t : topics) if (t.name == name) return &t;
  return nullptr;
}
std::string PipelineConfig::Where(std::string_view key) const {
  auto it = positions.find(std::string(key));
  return it != positions.end() ? it->second : file;
}

const TableConfig* PipelineConfig::FindTable(std::string_view full) const {
  for (const auto& ks : keyspaces)
    for (const auto& t : ks.tables)
      if (full.size() == ks.name.size() + 1 + t.name.size() && full.starts_with(ks.name) &&
          full[ks.name.size()] == '.' && full.substr(ks.name.size() + 1) == t.name)
        return &t;
  return nullptr;
}
const SourceConfig* PipelineConfig::FindSource(std::string_view name) const {
  for (const auto& s : sources) if (s.name == name) return &s;
  return nullptr;
}
const MappingConfig* PipelineConfig::FindMapping(std::string_view name) const {
  for (const auto& m : mappings) if (m.name == name) return &m;
  return nullptr;
}
const JobConfig* PipelineConfig::FindJob(std::string_view name) const {
  for (const auto& j : jobs) if (j.name == name) return &j;
  return nullptr;
}

Result<PipelineConfig> LoadConfigText(std::string_view text, std::string_view file_name) {
  std::string file(file_name);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    if (e.mark.is_null()) return Status::InvalidArgument(fmt::format("{}: {}", file, e.msg));
    return Status::InvalidArgument(fmt::format("{}:{}:{}: {}", file, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  try {
    return Loader(file).Load(root);
  } catch (const YAML::Exception& e) {
    // Node access on a malformed document; report where yaml-cpp says.
    return Status::InvalidArgument(fmt::format("{}:{}:{}: {}", file, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
}

Result<PipelineConfig> LoadConfigFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Status::InvalidArgument(fmt::format(
        "config file {} is a directory; pass the YAML file (e.g. {}/kappa.yaml)", path,
        path.size() > 1 && path.back() == '/' ? path.substr(0, path.size() - 1) : path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::NotFound(fmt::format("cannot read config file {}: {} (the default is config/kappa.yaml)", path, std::strerror(errno)));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return LoadConfigText(ss.str(), path);
}

Result<PipelineConfig> LoadDefaultConfig() {
  return LoadConfigText(DefaultConfigText(), kDefaultConfigName);
}

}  // namespace kappa::stream
