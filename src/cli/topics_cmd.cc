// kappa topics create|list|describe|delete|add-partitions. Two modes:
//   --bootstrap host:port  through the Kafka protocol (librdkafka admin API and metadata),
//                          against kappa or Kafka; see topics_remote below;
//   otherwise              directly on --data-dir.
#include <fmt/format.h>

#include <cstdlib>
#include <iostream>
#include <memory>

#include "cli/cli_common.h"
#include "common/env.h"
#include "cli/commands.h"
#include "cli/kafka_client.h"

namespace kappa::cli {
namespace {

// Topic names are limited to [a-zA-Z0-9._-] (log::ValidateTopicName): no JSON escaping needed.
std::string TopicJson(const log::TopicDescription& d) {
  std::string s = fmt::format("{{\"topic\": \"{}\", \"partitions\": [", d.name);
  for (size_t i = 0; i < d.partitions.size(); ++i) {
    const auto& p = d.partitions[i];
    s += fmt::format("{}{{\"partition\": {}, \"start_offset\": {}, \"end_offset\": {}, \"bytes\": {}}}",
                     i ? ", " : "", p.partition.value(), p.start_offset.value(),
                     p.end_offset.value(), p.bytes);
  }
  s += "]}";
  return s;
}

void PrintHuman(const log::TopicDescription& d) {
  int64_t records = 0;
  uint64_t bytes = 0;
  for (const auto& p : d.partitions) {
    records += p.end_offset - p.start_offset;
    bytes += p.bytes;
  }
  std::cout << fmt::format("topic {}: {} partitions, {} records, {}\n", d.name, d.partitions.size(),
                           records, HumanBytes(bytes));
  std::cout << fmt::format("  retention: {} per partition, {}; segments roll at {} or {} ms\n",
                           *d.config.retention_bytes > 0 ? HumanBytes(uint64_t(*d.config.retention_bytes))
                                                         : std::string("unlimited bytes"),
                           *d.config.retention_ms > 0 ? fmt::format("{} ms", *d.config.retention_ms)
                                                      : std::string("unlimited age"),
                           HumanBytes(uint64_t(*d.config.segment_bytes)), *d.config.segment_ms);
  std::cout << fmt::format("  {:>9} {:>14} {:>14} {:>12} {:>8}\n", "partition", "start_offset",
                           "end_offset", "bytes", "segments");
  for (const auto& p : d.partitions) {
    std::cout << fmt::format("  {:>9} {:>14} {:>14} {:>12} {:>8}\n", p.partition.value(),
                             p.start_offset.value(), p.end_offset.value(), p.bytes, p.segments);
  }
}

// Reading commands open the log read-only: no lock, no recovery, nothing written into a
// data directory that may belong to someone else (or sit on a full disk).
std::unique_ptr<app::Runtime> OpenOrFail(const std::string& dir, const std::string& what,
                                         Access a) {
  if (a == Access::kReadOnly && !Env::Default()->FileExists(dir)) {
    Fail(fmt::format("data directory {} does not exist (pass --data-dir)", dir));
  }
  auto r = OpenDataDir(dir, what, a, /*log=*/true, /*store=*/false);
  if (!r.ok()) Fail(r.status());
  return std::move(r).value();
}


// ---- through the Kafka protocol ----

KafkaClient AdminClient(const std::string& bootstrap) {
  // A producer handle is the lightest client that can run admin requests.
  return NewKafkaClient(RD_KAFKA_PRODUCER, NewKafkaConf(bootstrap));
}

// The topic as the protocol shows it: partitions with log start and end offsets (sizes in
// bytes are not part of the Kafka protocol's metadata, so they are -1) and its configs.
log::TopicDescription RemoteDescribe(rd_kafka_t* rk, const RemoteTopic& t) {
  log::TopicDescription d;
  d.name = t.name;
  for (int32_t p : t.partitions) {
    auto [lo, hi] = Watermarks(rk, t.name, p);
    log::PartitionInfo pi;
    pi.partition = PartitionId(p);
    pi.start_offset = Offset(lo);
    pi.end_offset = Offset(hi);
    pi.bytes = 0;
    pi.segments = 0;
    d.partitions.push_back(pi);
  }
  return d;
}

// retention.ms etc. of one topic through DescribeConfigs; unset entries keep their defaults.
void RemoteConfigs(rd_kafka_t* rk, const std::string& topic, log::TopicConfig* c) {
  auto configs = rdkafka::DescribeTopicConfigs(rk, topic);
  if (!configs.ok()) Fail("describe configs: " + configs.status().message());
  // A topic whose configs the broker does not describe keeps the defaults: the table still
  // helps.
  for (const auto& [name, v] : configs->values) {
    int64_t x = std::strtoll(v.c_str(), nullptr, 10);
    if (name == "retention.ms") c->retention_ms = x;
    if (name == "retention.bytes") c->retention_bytes = x;
    if (name == "segment.bytes") c->segment_bytes = x;
    if (name == "segment.ms") c->segment_ms = x;
  }
}

void PrintRemote(const log::TopicDescription& d, const RemoteTopic& t) {
  int64_t records = 0;
  for (const auto& p : d.partitions) records += p.end_offset - p.start_offset;
  std::cout << fmt::format("topic {}: {} partitions, {} records\n", d.name, d.partitions.size(),
                           records);
  const auto& c = d.config;
  if (c.retention_bytes && c.retention_ms && c.segment_bytes && c.segment_ms)
    std::cout << fmt::format("  retention: {} per partition, {}; segments roll at {} or {} ms\n",
                           *d.config.retention_bytes > 0 ? HumanBytes(uint64_t(*d.config.retention_bytes))
                                                         : std::string("unlimited bytes"),
                           *d.config.retention_ms > 0 ? fmt::format("{} ms", *d.config.retention_ms)
                                                      : std::string("unlimited age"),
                           HumanBytes(uint64_t(*d.config.segment_bytes)), *d.config.segment_ms);
  std::cout << fmt::format("  {:>9} {:>14} {:>14} {:>8}\n", "partition", "start_offset",
                           "end_offset", "leader");
  for (size_t i = 0; i < d.partitions.size(); ++i) {
    const auto& p = d.partitions[i];
    std::cout << fmt::format("  {:>9} {:>14} {:>14} {:>8}\n", p.partition.value(),
                             p.start_offset.value(), p.end_offset.value(), t.leaders[i]);
  }
}

// As TopicJson, without "bytes" (not known through the protocol).
std::string RemoteTopicJson(const log::TopicDescription& d) {
  std::string s = fmt::format("{{\"topic\": \"{}\", \"partitions\": [", d.name);
  for (size_t i = 0; i < d.partitions.size(); ++i) {
    const auto& p = d.partitions[i];
    s += fmt::format("{}{{\"partition\": {}, \"start_offset\": {}, \"end_offset\": {}}}",
                     i ? ", " : "", p.partition.value(), p.start_offset.value(),
                     p.end_offset.value());
  }
  s += "]}";
  return s;
}

const RemoteTopic& RequireTopic(const std::vector<RemoteTopic>& all, const std::string& name,
                                const std::string& bootstrap) {
  const RemoteTopic* t = FindTopic(all, name);
  if (!t) Fail("topic '" + name + "' does not exist at " + bootstrap);
  return *t;
}

void RemoteList(const std::string& bootstrap, bool json) {
  KafkaClient rk = AdminClient(bootstrap);
  for (const auto& t : ListRemoteTopics(rk.get(), bootstrap)) {
    if (json) std::cout << RemoteTopicJson(RemoteDescribe(rk.get(), t)) << "\n";
    else std::cout << t.name << "\n";
  }
}

void RemoteDescribeCmd(const std::string& bootstrap, const std::vector<std::string>& names,
                       bool json) {
  KafkaClient rk = AdminClient(bootstrap);
  auto all = ListRemoteTopics(rk.get(), bootstrap);
  std::vector<const RemoteTopic*> chosen;
  if (names.empty()) {
    for (const auto& t : all) chosen.push_back(&t);
  }
  for (const auto& n : names) chosen.push_back(&RequireTopic(all, n, bootstrap));
  for (const RemoteTopic* t : chosen) {
    log::TopicDescription d = RemoteDescribe(rk.get(), *t);
    if (json) {
      std::cout << RemoteTopicJson(d) << "\n";
      continue;
    }
    RemoteConfigs(rk.get(), t->name, &d.config);
    PrintRemote(d, *t);
  }
}

// Fails with "<what> <topic>: <message>" for a failed request or topic.
void CheckResults(const Result<std::vector<rdkafka::TopicResult>>& results, const char* what) {
  if (!results.ok()) Fail(std::string(what) + ": " + results.status().message());
  Status st = rdkafka::FirstError(*results);
  if (!st.ok()) Fail(std::string(what) + " " + st.message());
}

void RemoteCreate(const std::string& bootstrap, const std::string& topic, int32_t partitions,
                  const KafkaSettings& configs) {
  KafkaClient rk = AdminClient(bootstrap);
  rdkafka::NewTopic nt{topic, partitions, 1, configs};
  CheckResults(rdkafka::CreateTopics(rk.get(), {nt}), "create topic");
}

void RemoteDelete(const std::string& bootstrap, const std::string& topic) {
  KafkaClient rk = AdminClient(bootstrap);
  CheckResults(rdkafka::DeleteTopics(rk.get(), {topic}), "delete topic");
}

void RemoteAddPartitions(const std::string& bootstrap, const std::string& topic,
                         int32_t partitions) {
  KafkaClient rk = AdminClient(bootstrap);
  CheckResults(rdkafka::CreatePartitions(rk.get(), {{topic, partitions}}), "add partitions to");
}

}  // namespace

void RegisterTopicsCommands(CLI::App& app, const Groups& g) {
  // --- create ---
  struct CreateArgs {
    std::string dir, topic, bootstrap;
    int32_t partitions = 1;
    int64_t segment_bytes = 0, segment_ms = 0, retention_bytes = 0, retention_ms = 0;
  };
  auto ca = std::make_shared<CreateArgs>();
  CLI::App* create = g.topics->add_subcommand("create", "Create a topic with N partitions");
  create->add_option("topic", ca->topic, "Topic name: 1-249 of a-z A-Z 0-9 . _ -")->required();
  create->add_option("--partitions,-p", ca->partitions, "Number of partitions")->capture_default_str();
  create->add_option("--segment-bytes", ca->segment_bytes,
                     "Roll a segment at this size (default 256 MiB)");
  create->add_option("--segment-ms", ca->segment_ms, "Roll a segment at this age (default 7 days)");
  create->add_option("--retention-bytes", ca->retention_bytes,
                     "Delete old segments beyond this many bytes per partition (default: no limit; -1 = no limit)");
  create->add_option("--retention-ms", ca->retention_ms,
                     "Delete segments whose newest record is older (default 7 days; -1 = forever)");
  AddDataDirOption(create, &ca->dir);
  AddBootstrapOption(create, &ca->bootstrap);
  create->callback([ca] {
    if (!ca->bootstrap.empty()) {
      KafkaSettings configs;
      if (ca->segment_bytes) configs.emplace_back("segment.bytes", std::to_string(ca->segment_bytes));
      if (ca->segment_ms) configs.emplace_back("segment.ms", std::to_string(ca->segment_ms));
      if (ca->retention_bytes)
        configs.emplace_back("retention.bytes", std::to_string(ca->retention_bytes));
      if (ca->retention_ms) configs.emplace_back("retention.ms", std::to_string(ca->retention_ms));
      RemoteCreate(ca->bootstrap, ca->topic, ca->partitions, configs);
      std::cout << "created topic " << ca->topic << " with " << ca->partitions << " partition"
                << (ca->partitions == 1 ? "" : "s") << "\n";
      return;
    }
    auto dl = OpenOrFail(ca->dir, "kappa topics create", Access::kOwner);
    log::TopicConfig c;
    if (ca->segment_bytes) c.segment_bytes = ca->segment_bytes;
    if (ca->segment_ms) c.segment_ms = ca->segment_ms;
    if (ca->retention_bytes) c.retention_bytes = ca->retention_bytes;
    if (ca->retention_ms) c.retention_ms = ca->retention_ms;
    Check(dl->log().CreateTopic(ca->topic, ca->partitions, c));
    Check(dl->log().Close());
    std::cout << "created topic " << ca->topic << " with " << ca->partitions << " partition"
              << (ca->partitions == 1 ? "" : "s") << "\n";
  });

  // --- list ---
  struct ListArgs {
    std::string dir, bootstrap;
    bool json = false;
  };
  auto la = std::make_shared<ListArgs>();
  CLI::App* list = g.topics->add_subcommand("list", "List topics (one per line, or JSON objects)");
  list->add_flag("--json", la->json,
                 "One JSON object per topic and line: {\"topic\", \"partitions\": [{\"partition\", "
                 "\"start_offset\", \"end_offset\", \"bytes\"}]}");
  AddDataDirOption(list, &la->dir);
  AddBootstrapOption(list, &la->bootstrap);
  list->callback([la] {
    if (!la->bootstrap.empty()) return RemoteList(la->bootstrap, la->json);
    auto dl = OpenOrFail(la->dir, "kappa topics list", Access::kReadOnly);
    for (const auto& t : dl->log().ListTopics()) {
      if (!la->json) {
        std::cout << t << "\n";
        continue;
      }
      auto d = dl->log().DescribeTopic(t);
      if (d.ok()) std::cout << TopicJson(*d) << "\n";
    }
  });

  // --- describe ---
  struct DescribeArgs {
    std::string dir, bootstrap;
    std::vector<std::string> topics;
    bool json = false;
  };
  auto da = std::make_shared<DescribeArgs>();
  CLI::App* describe = g.topics->add_subcommand(
      "describe", "Show partitions with start/end offsets and bytes (all topics if none named)");
  describe->add_option("topic", da->topics, "Topic name(s)");
  describe->add_flag("--json", da->json, "One JSON object per topic and line (as topics list --json)");
  AddDataDirOption(describe, &da->dir);
  AddBootstrapOption(describe, &da->bootstrap);
  describe->callback([da] {
    if (!da->bootstrap.empty()) return RemoteDescribeCmd(da->bootstrap, da->topics, da->json);
    auto dl = OpenOrFail(da->dir, "kappa topics describe", Access::kReadOnly);
    std::vector<std::string> names = da->topics.empty() ? dl->log().ListTopics() : da->topics;
    for (const auto& t : names) {
      auto d = dl->log().DescribeTopic(t);
      if (!d.ok()) Fail(d.status());
      if (da->json) std::cout << TopicJson(*d) << "\n";
      else PrintHuman(*d);
    }
  });

  // --- delete ---
  struct DeleteArgs {
    std::string dir, topic, bootstrap;
  };
  auto xa = std::make_shared<DeleteArgs>();
  CLI::App* del = g.topics->add_subcommand("delete", "Delete a topic and all its data");
  del->add_option("topic", xa->topic, "Topic name")->required();
  AddDataDirOption(del, &xa->dir);
  AddBootstrapOption(del, &xa->bootstrap);
  del->callback([xa] {
    if (!xa->bootstrap.empty()) {
      RemoteDelete(xa->bootstrap, xa->topic);
      std::cout << "deleted topic " << xa->topic << "\n";
      return;
    }
    auto dl = OpenOrFail(xa->dir, "kappa topics delete", Access::kOwner);
    Check(dl->log().DeleteTopic(xa->topic));
    Check(dl->log().Close());
    std::cout << "deleted topic " << xa->topic << "\n";
  });

  // --- add-partitions ---
  struct AddArgs {
    std::string dir, topic, bootstrap;
    int32_t partitions = 0;
  };
  auto aa = std::make_shared<AddArgs>();
  CLI::App* add = g.topics->add_subcommand("add-partitions", "Grow a topic to N partitions");
  add->add_option("topic", aa->topic, "Topic name")->required();
  add->add_option("--partitions,-p", aa->partitions, "New total number of partitions")->required();
  AddDataDirOption(add, &aa->dir);
  AddBootstrapOption(add, &aa->bootstrap);
  add->callback([aa] {
    if (!aa->bootstrap.empty()) {
      RemoteAddPartitions(aa->bootstrap, aa->topic, aa->partitions);
      std::cout << "topic " << aa->topic << " now has " << aa->partitions << " partitions\n";
      return;
    }
    auto dl = OpenOrFail(aa->dir, "kappa topics add-partitions", Access::kOwner);
    Check(dl->log().AddPartitions(aa->topic, aa->partitions));
    Check(dl->log().Close());
    std::cout << "topic " << aa->topic << " now has " << aa->partitions << " partitions\n";
  });
}

}  // namespace kappa::cli
