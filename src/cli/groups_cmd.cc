// `kappa groups list|describe G|reset G`: consumer groups (Kafka clients' and kappa's own
// jobs') with members, assignments and lag per partition. Two modes:
//   --bootstrap host:port  through the Kafka protocol (librdkafka), against kappa or Kafka;
//   otherwise              offline on --data-dir (committed offsets and log end offsets;
//                          membership lives only in a running broker).
#include <librdkafka/rdkafka.h>

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
std::unique_ptr<app::Runtime> OpenLog(const std::string& dir, bool write) {
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
  auto rt = OpenLog(a.data_dir, false);
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
  auto rt = OpenLog(a.data_dir, false);
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
  auto rt = OpenLog(a.data_dir, true);
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

// The caller owns the returned client (rd_kafka_destroy).
rd_kafka_t* Client(const GroupsArgs& a, const char* group) {
  KafkaSettings settings;
  if (group) settings = {{"group.id", group}, {"enable.auto.commit", "false"}};
  return NewKafkaClient(RD_KAFKA_CONSUMER, NewKafkaConf(a.bootstrap, settings)).release();
}

void RemoteList(const GroupsArgs& a) {
  rd_kafka_t* rk = Client(a, nullptr);
  const rd_kafka_group_list* list = nullptr;
  rd_kafka_resp_err_t e = rd_kafka_list_groups(rk, nullptr, &list, 10000);
  if (e) Fail(std::string("list groups at ") + a.bootstrap + ": " + rd_kafka_err2str(e));
  for (int i = 0; i < list->group_cnt; ++i) {
    std::printf("%s\n", list->groups[i].group);
  }
  rd_kafka_group_list_destroy(list);
  rd_kafka_destroy(rk);
}

// Committed and end offsets of every partition of every topic the group committed to.
std::vector<Lag> RemoteLag(const GroupsArgs& a, rd_kafka_t* rk, const std::string& only_topic) {
  const rd_kafka_metadata_t* md = nullptr;
  if (rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 1, nullptr, &md, 10000)) {
    Fail(std::string("metadata: ") + rd_kafka_err2str(e));
  }
  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(64);
  for (int t = 0; t < md->topic_cnt; ++t) {
    if (!only_topic.empty() && only_topic != md->topics[t].topic) continue;
    for (int p = 0; p < md->topics[t].partition_cnt; ++p) {
      rd_kafka_topic_partition_list_add(parts, md->topics[t].topic, md->topics[t].partitions[p].id);
    }
  }
  rd_kafka_metadata_destroy(md);
  if (rd_kafka_resp_err_t e = rd_kafka_committed(rk, parts, 10000)) {
    Fail(std::string("committed offsets: ") + rd_kafka_err2str(e));
  }
  std::vector<Lag> rows;
  for (int i = 0; i < parts->cnt; ++i) {
    const auto& p = parts->elems[i];
    if (p.offset < 0 && only_topic.empty()) continue;
    int64_t lo = 0, hi = 0;
    rd_kafka_query_watermark_offsets(rk, p.topic, p.partition, &lo, &hi, 10000);
    rows.push_back({p.topic, p.partition, p.offset, hi});
  }
  rd_kafka_topic_partition_list_destroy(parts);
  return rows;
}

void RemoteDescribe(const GroupsArgs& a) {
  rd_kafka_t* rk = Client(a, a.group.c_str());
  const rd_kafka_group_list* list = nullptr;
  rd_kafka_resp_err_t e = rd_kafka_list_groups(rk, a.group.c_str(), &list, 10000);
  if (e) Fail(std::string("describe group: ") + rd_kafka_err2str(e));
  if (list->group_cnt == 1) {
    const auto& g = list->groups[0];
    std::printf("group %s  state %s  protocol %s/%s  members %d\n", g.group, g.state,
                g.protocol_type, g.protocol, g.member_cnt);
    if (g.member_cnt > 0) {
      std::printf("%-50s %-20s %-16s %s\n", "MEMBER", "CLIENT", "HOST", "ASSIGNMENT");
      for (int m = 0; m < g.member_cnt; ++m) {
        const auto& mi = g.members[m];
        std::printf("%-50s %-20s %-16s %s\n", mi.member_id, mi.client_id, mi.client_host,
                    FormatAssignment(mi.member_assignment, size_t(mi.member_assignment_size))
                        .c_str());
      }
    }
  }
  rd_kafka_group_list_destroy(list);
  PrintLag(RemoteLag(a, rk, ""));
  rd_kafka_destroy(rk);
}

void RemoteReset(const GroupsArgs& a) {
  rd_kafka_t* rk = Client(a, a.group.c_str());
  auto rows = RemoteLag(a, rk, a.topic);
  if (rows.empty()) Fail("nothing to reset: name a --topic (the group has no commits)");
  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(int(rows.size()));
  for (const auto& r : rows) {
    int64_t lo = 0, hi = 0;
    rd_kafka_query_watermark_offsets(rk, r.topic.c_str(), r.partition, &lo, &hi, 10000);
    rd_kafka_topic_partition_list_add(parts, r.topic.c_str(), r.partition)->offset =
        Target(a, lo, hi);
  }
  rd_kafka_resp_err_t e = rd_kafka_commit(rk, parts, 0);
  rd_kafka_topic_partition_list_destroy(parts);
  if (e) {
    Fail(std::string("reset: ") + rd_kafka_err2str(e) +
         " (a group can be reset only while it has no active members)");
  }
  PrintLag(RemoteLag(a, rk, a.topic));
  rd_kafka_destroy(rk);
}

}  // namespace

void RegisterGroupsCommands(CLI::App& app, const Groups& g) {
  auto args = std::make_shared<GroupsArgs>();
  auto common = [args](CLI::App* cmd) {
    AddDataDirOption(cmd, &args->data_dir);
    cmd->add_option("--bootstrap", args->bootstrap,
                    "host:port of a Kafka-protocol broker (kappa or Kafka); without it the "
                    "data directory is read directly");
  };
  CLI::App* list = g.groups->add_subcommand("list", "List consumer groups");
  common(list);
  list->callback([args] { args->bootstrap.empty() ? OfflineList(*args) : RemoteList(*args); });

  CLI::App* describe = g.groups->add_subcommand(
      "describe", "Members, assignments and lag per partition of a consumer group");
  common(describe);
  describe->add_option("group", args->group, "Group id")->required();
  describe->callback(
      [args] { args->bootstrap.empty() ? OfflineDescribe(*args) : RemoteDescribe(*args); });

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
