// `kappa groups list|describe G|reset G`: consumer groups (Kafka clients' and kappa's own
// jobs') with members, assignments and lag per partition. Two modes:
//   --bootstrap host:port  through the Kafka protocol (librdkafka), against kappa or Kafka;
//   otherwise              offline on --data-dir (committed offsets and log end offsets;
//                          membership lives only in a running broker).
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>

#include "cli/cli_common.h"
#include "common/env.h"
#include "cli/commands.h"
#include "cli/kafka_client.h"
#include "common/coding.h"
#include "log/log.h"

namespace kappa::cli {

namespace {

struct GroupsArgs {
  std::string data_dir;
  std::string bootstrap;
  std::string group;
  std::string topic;  // reset: limit to one topic
  bool to_earliest = false, to_latest = false;
  std::optional<int64_t> to_offset;
};

struct Lag {
  std::string topic;
  int32_t partition;
  int64_t committed;
  int64_t end;
};

void PrintLag(const std::vector<Lag>& rows) {
  std::printf("%-30s %9s %12s %12s %10s\n", "TOPIC", "PARTITION", "COMMITTED", "END", "LAG");
  for (const auto& r : rows) {
    std::printf("%-30s %9d %12lld %12lld %10lld\n", r.topic.c_str(), r.partition,
                (long long)r.committed, (long long)r.end,
                (long long)(r.committed >= 0 ? r.end - r.committed : r.end));
  }
}

// Decodes a ConsumerProtocol assignment (version, [topic, [partition]], user_data) into
// "topic:0,1 other:3"; "-" if empty or not the consumer protocol.
std::string FormatAssignment(const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  const char* end = p + size;
  auto need = [&](size_t n) { return size_t(end - p) >= n; };
  if (!data || !need(6)) return "-";
  p += 2;
  int32_t ntopics = int32_t(coding::GetBE32(p));
  p += 4;
  std::string out;
  for (int32_t t = 0; t < ntopics; ++t) {
    if (!need(2)) return out.empty() ? "-" : out;
    int16_t len = int16_t(coding::GetBE16(p));
    p += 2;
    if (len < 0 || !need(size_t(len) + 4)) return "?";
    std::string topic(p, size_t(len));
    p += len;
    int32_t np = int32_t(coding::GetBE32(p));
    p += 4;
    if (!out.empty()) out += " ";
    out += topic + ":";
    for (int32_t i = 0; i < np && need(4); ++i) {
      out += (i ? "," : "") + std::to_string(int32_t(coding::GetBE32(p)));
      p += 4;
    }
  }
  return out.empty() ? "-" : out;
}

// ---- offline (data dir) ----

// list/describe open the log read-only (no lock, nothing written: the directory may be
// another user's, or a running kappa's); reset takes the lock.
std::unique_ptr<app::Runtime> OpenGroupsLog(const std::string& dir, bool write) {
  if (!write && !Env::Default()->FileExists(dir)) {
    Fail("data directory " + dir + " does not exist (pass --data-dir)");
  }
  log::LogOptions o;
  o.retention_check_ms = 0;
  auto rt = OpenDataDir(dir, "kappa groups", write ? Access::kOwner : Access::kReadOnly,
                        /*log=*/true, /*store=*/false, o);
  if (!rt.ok()) {
    if (write && rt.status().IsUnavailable()) {
      Fail(rt.status().WithContext("reset needs the data directory (stop its owner or use "
                                   "--bootstrap)"));
    }
    Fail(rt.status());
  }
  return std::move(rt).value();
}

void OfflineList(const GroupsArgs& a) {
  auto rt = OpenGroupsLog(a.data_dir, false);
  log::Log* log = &rt->log();
  for (const auto& g : log->offsets().ListGroups()) std::printf("%s\n", g.c_str());
}

std::vector<Lag> OfflineLag(log::Log& log, const std::string& group) {
  std::vector<Lag> rows;
  for (const auto& [key, c] : log.offsets().FetchGroup(group)) {
    auto p = log.GetPartition(key.topic, key.partition);
    rows.push_back({key.topic, key.partition.value(), c.offset.value(),
                    p.ok() ? (*p)->EndOffset().value() : -1});
  }
  return rows;
}

void OfflineDescribe(const GroupsArgs& a) {
  auto rt = OpenGroupsLog(a.data_dir, false);
  log::Log* log = &rt->log();
  auto rows = OfflineLag(*log, a.group);
  if (rows.empty()) Fail("group '" + a.group + "' has no committed offsets in " + a.data_dir);
  std::printf("group %s (offline: members are known only to a running broker; use "
              "--bootstrap)\n", a.group.c_str());
  PrintLag(rows);
}

int64_t Target(const GroupsArgs& a, int64_t start, int64_t end) {
  if (a.to_earliest) return start;
  if (a.to_latest) return end;
  return std::clamp<int64_t>(*a.to_offset, start, end);
}

void OfflineReset(const GroupsArgs& a) {
  auto rt = OpenGroupsLog(a.data_dir, true);
  log::Log* log = &rt->log();
  std::map<log::OffsetKey, log::CommittedOffset> batch;
  std::vector<std::string> topics;
  if (!a.topic.empty()) {
    topics.push_back(a.topic);
  } else {
    for (const auto& [key, c] : log->offsets().FetchGroup(a.group)) topics.push_back(key.topic);
  }
  for (const auto& t : topics) {
    auto d = log->DescribeTopic(t);
    if (!d.ok()) Fail(d.status().WithContext("topic " + t));
    for (const auto& p : d->partitions) {
      batch[{t, p.partition}] = {Offset(Target(a, p.start_offset.value(), p.end_offset.value())),
                                 "", TimestampMs(0)};
    }
  }
  if (batch.empty()) Fail("nothing to reset: name a --topic (the group has no commits)");
  Check(log->offsets().Commit(a.group, batch));
  PrintLag(OfflineLag(*log, a.group));
}

// ---- through the Kafka protocol ----

constexpr std::chrono::milliseconds kTimeout{10'000};

// A consumer client: in `group` (for commits and committed offsets) unless it is null.
KafkaClient GroupsClient(const GroupsArgs& a, const char* group) {
  KafkaSettings settings;
  if (group) settings = {{"group.id", group}, {"enable.auto.commit", "false"}};
  return NewKafkaClient(RD_KAFKA_CONSUMER, NewKafkaConf(a.bootstrap, settings));
}

void RemoteListGroups(const GroupsArgs& a) {
  KafkaClient rk = GroupsClient(a, nullptr);
  auto groups = rdkafka::ListGroups(rk.get(), "", kTimeout);
  if (!groups.ok()) Fail(groups.status().message() + " (broker " + a.bootstrap + ")");
  for (const auto& g : *groups) std::printf("%s\n", g.group.c_str());
}

// Committed and end offsets of every partition of every topic the group committed to.
std::vector<Lag> RemoteLag(const GroupsArgs& a, rd_kafka_t* rk, const std::string& only_topic) {
  auto topics = rdkafka::ListTopics(rk, kTimeout);
  if (!topics.ok()) Fail(topics.status().message());
  rdkafka::PartitionListPtr parts(rd_kafka_topic_partition_list_new(64));
  for (const auto& t : *topics) {
    if (!only_topic.empty() && only_topic != t.name) continue;
    for (int32_t p : t.partitions) rd_kafka_topic_partition_list_add(parts.get(), t.name.c_str(), p);
  }
  Status st = rdkafka::ToStatus(rd_kafka_committed(rk, parts.get(), int(kTimeout.count())),
                                "committed offsets");
  if (!st.ok()) Fail(st.message());
  std::vector<Lag> rows;
  for (int i = 0; i < parts->cnt; ++i) {
    const auto& p = parts->elems[i];
    if (p.offset < 0 && only_topic.empty()) continue;
    auto w = rdkafka::QueryWatermarks(rk, p.topic, p.partition, kTimeout);
    rows.push_back({p.topic, p.partition, p.offset, w.ok() ? w->high : 0});
  }
  return rows;
}

void RemoteDescribeGroups(const GroupsArgs& a) {
  KafkaClient rk = GroupsClient(a, a.group.c_str());
  auto groups = rdkafka::ListGroups(rk.get(), a.group, kTimeout);
  if (!groups.ok()) Fail(groups.status().message());
  if (groups->size() == 1) {
    const auto& g = groups->front();
    std::printf("group %s  state %s  protocol %s/%s  members %d\n", g.group.c_str(),
                g.state.c_str(), g.protocol_type.c_str(), g.protocol.c_str(),
                int(g.members.size()));
    if (!g.members.empty()) {
      std::printf("%-50s %-20s %-16s %s\n", "MEMBER", "CLIENT", "HOST", "ASSIGNMENT");
      for (const auto& m : g.members) {
        std::printf("%-50s %-20s %-16s %s\n", m.member_id.c_str(), m.client_id.c_str(),
                    m.client_host.c_str(),
                    FormatAssignment(m.assignment.data(), m.assignment.size()).c_str());
      }
    }
  }
  PrintLag(RemoteLag(a, rk.get(), ""));
}

void RemoteReset(const GroupsArgs& a) {
  KafkaClient rk = GroupsClient(a, a.group.c_str());
  auto rows = RemoteLag(a, rk.get(), a.topic);
  if (rows.empty()) Fail("nothing to reset: name a --topic (the group has no commits)");
  rdkafka::PartitionListPtr parts(rd_kafka_topic_partition_list_new(int(rows.size())));
  for (const auto& r : rows) {
    auto w = rdkafka::QueryWatermarks(rk.get(), r.topic, r.partition, kTimeout);
    rdkafka::Watermarks marks = w.ok() ? *w : rdkafka::Watermarks{};
    rd_kafka_topic_partition_list_add(parts.get(), r.topic.c_str(), r.partition)->offset =
        Target(a, marks.low, marks.high);
  }
  Status st = rdkafka::ToStatus(rd_kafka_commit(rk.get(), parts.get(), /*async=*/0), "reset");
  if (!st.ok()) {
    Fail(st.message() + " (a group can be reset only while it has no active members)");
  }
  PrintLag(RemoteLag(a, rk.get(), a.topic));
}

}  // namespace

void RegisterGroupsCommands(CLI::App& app, const Groups& g) {
  auto args = std::make_shared<GroupsArgs>();
  auto common = [args](CLI::App* cmd) {
    AddDataDirOption(cmd, &args->data_dir);
    AddBootstrapOption(cmd, &args->bootstrap);  // with --command-config
  };
  CLI::App* list = g.groups->add_subcommand("list", "List consumer groups");
  common(list);
  list->callback([args] { args->bootstrap.empty() ? OfflineList(*args) : RemoteListGroups(*args); });

  CLI::App* describe = g.groups->add_subcommand(
      "describe", "Members, assignments and lag per partition of a consumer group");
  common(describe);
  describe->add_option("group", args->group, "Group id")->required();
  describe->callback(
      [args] { args->bootstrap.empty() ? OfflineDescribe(*args) : RemoteDescribeGroups(*args); });

  CLI::App* reset = g.groups->add_subcommand(
      "reset", "Move a group's committed offsets (the group must have no active members)");
  common(reset);
  reset->add_option("group", args->group, "Group id")->required();
  reset->add_option("--topic", args->topic, "Only this topic (default: every committed topic)");
  auto* e = reset->add_flag("--to-earliest", args->to_earliest, "To the log start");
  auto* l = reset->add_flag("--to-latest", args->to_latest, "To the log end (skip everything)");
  auto* o = reset->add_option("--to-offset", args->to_offset,
                              "To this offset (clamped to each partition's range)");
  e->excludes(l)->excludes(o);
  l->excludes(o);
  reset->callback([args] {
    if (!args->to_earliest && !args->to_latest && !args->to_offset) {
      Fail("choose --to-earliest, --to-latest or --to-offset N");
    }
    args->bootstrap.empty() ? OfflineReset(*args) : RemoteReset(*args);
  });
}

}  // namespace kappa::cli
