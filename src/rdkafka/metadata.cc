// Metadata, watermarks, offsets for a time, and consumer groups (see rdkafka.h).
#include <fmt/format.h>

#include <algorithm>

#include "rdkafka/rdkafka.h"

namespace kappa::rdkafka {

Result<std::vector<TopicMetadata>> ListTopics(rd_kafka_t* rk, std::chrono::milliseconds timeout) {
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk, /*all_topics=*/1, nullptr, &md,
                                              int(timeout.count()));
  if (err) return ToStatus(err, "metadata");
  std::vector<TopicMetadata> out;
  for (int t = 0; t < md->topic_cnt; ++t) {
    const rd_kafka_metadata_topic_t& mt = md->topics[t];
    if (mt.err) continue;
    std::vector<std::pair<int32_t, int32_t>> parts;
    for (int p = 0; p < mt.partition_cnt; ++p) {
      parts.emplace_back(mt.partitions[p].id, mt.partitions[p].leader);
    }
    std::sort(parts.begin(), parts.end());
    TopicMetadata tm{mt.topic, {}, {}};
    for (auto [id, leader] : parts) {
      tm.partitions.push_back(id);
      tm.leaders.push_back(leader);
    }
    out.push_back(std::move(tm));
  }
  rd_kafka_metadata_destroy(md);
  std::sort(out.begin(), out.end(),
            [](const TopicMetadata& a, const TopicMetadata& b) { return a.name < b.name; });
  return out;
}

const TopicMetadata* FindTopic(const std::vector<TopicMetadata>& topics, std::string_view name) {
  for (const TopicMetadata& t : topics) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

Result<Watermarks> QueryWatermarks(rd_kafka_t* rk, const std::string& topic, int32_t partition,
                                   std::chrono::milliseconds timeout) {
  Watermarks w;
  rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(rk, topic.c_str(), partition, &w.low,
                                                             &w.high, int(timeout.count()));
  if (err) return ToStatus(err, fmt::format("offsets of {}/{}", topic, partition));
  return w;
}

PartitionListPtr MakePartitionList(const std::string& topic,
                                   const std::map<int32_t, int64_t>& offsets) {
  PartitionListPtr l(rd_kafka_topic_partition_list_new(int(offsets.size())));
  for (const auto& [p, o] : offsets) {
    rd_kafka_topic_partition_list_add(l.get(), topic.c_str(), p)->offset = o;
  }
  return l;
}

Result<std::map<int32_t, int64_t>> OffsetsForTime(rd_kafka_t* rk, const std::string& topic,
                                                  const std::vector<int32_t>& partitions,
                                                  int64_t timestamp_ms,
                                                  std::chrono::milliseconds timeout) {
  std::map<int32_t, int64_t> query;
  for (int32_t p : partitions) query[p] = timestamp_ms;  // the "offset" field carries the time
  PartitionListPtr l = MakePartitionList(topic, query);
  if (rd_kafka_resp_err_t err = rd_kafka_offsets_for_times(rk, l.get(), int(timeout.count()))) {
    return ToStatus(err, fmt::format("offsets for a time of {}", topic));
  }
  std::map<int32_t, int64_t> out;
  for (int i = 0; i < l->cnt; ++i) out[l->elems[i].partition] = l->elems[i].offset;
  return out;
}

Result<std::vector<GroupInfo>> ListGroups(rd_kafka_t* rk, const std::string& group,
                                          std::chrono::milliseconds timeout) {
  const rd_kafka_group_list* list = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_list_groups(rk, group.empty() ? nullptr : group.c_str(),
                                                 &list, int(timeout.count()));
  if (err) return ToStatus(err, group.empty() ? "list groups" : "describe group " + group);
  std::vector<GroupInfo> out;
  for (int i = 0; i < list->group_cnt; ++i) {
    const rd_kafka_group_info& g = list->groups[i];
    GroupInfo info{g.group, g.state ? g.state : "", g.protocol_type ? g.protocol_type : "",
                   g.protocol ? g.protocol : "", {}};
    for (int m = 0; m < g.member_cnt; ++m) {
      const rd_kafka_group_member_info& mi = g.members[m];
      GroupMember member{mi.member_id, mi.client_id, mi.client_host, {}};
      if (mi.member_assignment != nullptr) {
        member.assignment.assign(static_cast<const char*>(mi.member_assignment),
                                 size_t(mi.member_assignment_size));
      }
      info.members.push_back(std::move(member));
    }
    out.push_back(std::move(info));
  }
  rd_kafka_group_list_destroy(list);
  return out;
}

}  // namespace kappa::rdkafka
