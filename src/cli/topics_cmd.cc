// kappa topics create|list|describe|delete|add-partitions
#include <fmt/format.h>

#include <iostream>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "log/data_dir_log.h"

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

log::DataDirLog OpenOrFail(const std::string& dir, const std::string& what, log::Access a) {
  auto r = log::OpenDataDirLog(dir, what, a);
  if (!r.ok()) Fail(r.status());
  return std::move(r).value();
}

}  // namespace

void RegisterTopicsCommands(CLI::App& app, const Groups& g) {
  // --- create ---
  struct CreateArgs {
    std::string dir, topic;
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
  create->callback([ca] {
    auto dl = OpenOrFail(ca->dir, "kappa topics create", log::Access::kReadWrite);
    log::TopicConfig c;
    if (ca->segment_bytes) c.segment_bytes = ca->segment_bytes;
    if (ca->segment_ms) c.segment_ms = ca->segment_ms;
    if (ca->retention_bytes) c.retention_bytes = ca->retention_bytes;
    if (ca->retention_ms) c.retention_ms = ca->retention_ms;
    Check(dl.log->CreateTopic(ca->topic, ca->partitions, c));
    Check(dl.log->Close());
    std::cout << "created topic " << ca->topic << " with " << ca->partitions << " partition"
              << (ca->partitions == 1 ? "" : "s") << "\n";
  });

  // --- list ---
  struct ListArgs {
    std::string dir;
    bool json = false;
  };
  auto la = std::make_shared<ListArgs>();
  CLI::App* list = g.topics->add_subcommand("list", "List topics (one per line, or JSON objects)");
  list->add_flag("--json", la->json,
                 "One JSON object per topic and line: {\"topic\", \"partitions\": [{\"partition\", "
                 "\"start_offset\", \"end_offset\", \"bytes\"}]}");
  AddDataDirOption(list, &la->dir);
  list->callback([la] {
    auto dl = OpenOrFail(la->dir, "kappa topics list", log::Access::kReadPreferWrite);
    for (const auto& t : dl.log->ListTopics()) {
      if (!la->json) {
        std::cout << t << "\n";
        continue;
      }
      auto d = dl.log->DescribeTopic(t);
      if (d.ok()) std::cout << TopicJson(*d) << "\n";
    }
  });

  // --- describe ---
  struct DescribeArgs {
    std::string dir;
    std::vector<std::string> topics;
    bool json = false;
  };
  auto da = std::make_shared<DescribeArgs>();
  CLI::App* describe = g.topics->add_subcommand(
      "describe", "Show partitions with start/end offsets and bytes (all topics if none named)");
  describe->add_option("topic", da->topics, "Topic name(s)");
  describe->add_flag("--json", da->json, "One JSON object per topic and line (as topics list --json)");
  AddDataDirOption(describe, &da->dir);
  describe->callback([da] {
    auto dl = OpenOrFail(da->dir, "kappa topics describe", log::Access::kReadPreferWrite);
    std::vector<std::string> names = da->topics.empty() ? dl.log->ListTopics() : da->topics;
    for (const auto& t : names) {
      auto d = dl.log->DescribeTopic(t);
      if (!d.ok()) Fail(d.status());
      if (da->json) std::cout << TopicJson(*d) << "\n";
      else PrintHuman(*d);
    }
  });

  // --- delete ---
  struct DeleteArgs {
    std::string dir, topic;
  };
  auto xa = std::make_shared<DeleteArgs>();
  CLI::App* del = g.topics->add_subcommand("delete", "Delete a topic and all its data");
  del->add_option("topic", xa->topic, "Topic name")->required();
  AddDataDirOption(del, &xa->dir);
  del->callback([xa] {
    auto dl = OpenOrFail(xa->dir, "kappa topics delete", log::Access::kReadWrite);
    Check(dl.log->DeleteTopic(xa->topic));
    Check(dl.log->Close());
    std::cout << "deleted topic " << xa->topic << "\n";
  });

  // --- add-partitions ---
  struct AddArgs {
    std::string dir, topic;
    int32_t partitions = 0;
  };
  auto aa = std::make_shared<AddArgs>();
  CLI::App* add = g.topics->add_subcommand("add-partitions", "Grow a topic to N partitions");
  add->add_option("topic", aa->topic, "Topic name")->required();
  add->add_option("--partitions,-p", aa->partitions, "New total number of partitions")->required();
  AddDataDirOption(add, &aa->dir);
  add->callback([aa] {
    auto dl = OpenOrFail(aa->dir, "kappa topics add-partitions", log::Access::kReadWrite);
    Check(dl.log->AddPartitions(aa->topic, aa->partitions));
    Check(dl.log->Close());
    std::cout << "topic " << aa->topic << " now has " << aa->partitions << " partitions\n";
  });
}

}  // namespace kappa::cli
