// The console's KafkaSource over the log and the Kafka server's administration: the reads
// go straight to the log (no Kafka round trip), the changes that Kafka guards with rules
// (topic configs, partition limits, commits of an active group) go through kafka::KafkaAdmin
// so the console cannot do what a Kafka client could not.
#include "app/console_kafka_source.h"

#include <algorithm>
#include <atomic>
#include <map>

#include "connect/connect.h"
#include "kafka/kafka.h"
#include "log/log.h"

namespace kappa::app {

namespace {

using console::CommittedOffset;
using console::GroupDetail;
using console::GroupSummary;
using console::Message;

class LogKafkaSource final : public console::KafkaSource {
 public:
  LogKafkaSource(log::Log* log, kafka::KafkaAdmin* admin) : log_(log), admin_(admin) {}

  std::vector<std::string> ListTopics() const override { return log_->ListTopics(); }

  Result<console::TopicStat> DescribeTopic(std::string_view topic) const override {
    auto d = log_->DescribeTopic(topic);
    if (!d.ok()) return d.status();
    console::TopicStat t;
    t.name = d->name;
    t.retention_ms = d->config.retention_ms.value_or(-1);
    t.retention_bytes = d->config.retention_bytes.value_or(-1);
    for (const auto& p : d->partitions) {
      t.partitions.push_back({p.partition.value(), p.start_offset.value(), p.end_offset.value(),
                              int64_t(p.bytes), p.segments});
    }
    return t;
  }

  Result<std::vector<console::TopicConfigEntry>> TopicConfigs(
      std::string_view topic) const override {
    std::vector<console::TopicConfigEntry> out;
    if (admin_ != nullptr) {
      auto c = admin_->DescribeTopicConfigs(std::string(topic));
      if (!c.ok()) return c.status();
      for (auto& e : *c) out.push_back({std::move(e.name), std::move(e.value), e.is_default});
      return out;
    }
    // Without the Kafka server: the settings the log itself keeps.
    auto d = log_->DescribeTopic(topic);
    if (!d.ok()) return d.status();
    const auto& c = d->config;
    const auto& o = log_->options();
    auto add = [&](const char* name, std::optional<int64_t> v, int64_t def) {
      out.push_back({name, std::to_string(v.value_or(def)), v.value_or(def) == def});
    };
    add("retention.bytes", c.retention_bytes, o.retention_bytes);
    add("retention.ms", c.retention_ms, o.retention_ms);
    add("segment.bytes", c.segment_bytes, o.segment_bytes);
    add("segment.ms", c.segment_ms, o.segment_ms);
    for (const auto& [k, v] : c.extra) out.push_back({k, v, false});
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
  }

  Status CreateTopic(const std::string& name, int32_t partitions,
                     const std::vector<std::pair<std::string, std::string>>& configs) override {
    if (admin_ != nullptr) return admin_->CreateTopic(name, partitions, configs);
    if (!configs.empty()) {
      return Status::InvalidArgument(
          "topic configs are validated by the Kafka server, whose listener is off "
          "(listeners.kafka); create the topic without configs");
    }
    if (partitions < 1) return Status::InvalidArgument("number of partitions must be at least 1");
    return log_->CreateTopic(name, partitions);
  }

  Status DeleteTopic(std::string_view topic) override {
    // kappa's own topics (`_schemas`, the registry's log) start with '_': deleting one from
    // a web page would lose every schema. Kafka clients can still do it, deliberately.
    if (!topic.empty() && topic[0] == '_') {
      return Status::InvalidArgument("topic '" + std::string(topic) +
                                     "' is internal to kappa and cannot be deleted here");
    }
    return log_->DeleteTopic(topic);
  }

  Result<std::vector<Message>> Read(std::string_view topic, int32_t partition, int64_t from,
                                    size_t max_records, size_t max_bytes) const override {
    auto p = log_->GetPartition(topic, PartitionId(partition));
    if (!p.ok()) return p.status();
    std::vector<Message> out;
    // Retention may raise the start between the two calls: retry from the new start once.
    for (int attempt = 0; attempt < 2; ++attempt) {
      int64_t start = (*p)->StartOffset().value();
      int64_t pos = std::max(from, start);
      if (pos >= (*p)->EndOffset().value() || max_records == 0) return out;
      auto recs = (*p)->ReadRecords(Offset(pos), max_records, max_bytes);
      if (!recs.ok()) {
        if (recs.status().IsOutOfRange() && attempt == 0) continue;
        return recs.status();
      }
      for (auto& r : *recs) {
        Message m;
        m.partition = partition;
        m.offset = r.offset.value();
        m.timestamp_ms = r.record.timestamp.value();
        m.key = std::move(r.record.key);
        m.value = std::move(r.record.value);
        for (auto& h : r.record.headers) m.headers.push_back({std::move(h.key), std::move(h.value)});
        out.push_back(std::move(m));
      }
      return out;
    }
    return out;
  }

  Result<int64_t> OffsetForTime(std::string_view topic, int32_t partition,
                                int64_t time_ms) const override {
    auto p = log_->GetPartition(topic, PartitionId(partition));
    if (!p.ok()) return p.status();
    auto found = (*p)->OffsetForTimestamp(TimestampMs(time_ms));
    if (!found.ok()) return found.status();
    if (!*found) return (*p)->EndOffset().value();
    // The log answers per batch (its max timestamp): step to the first record at or after
    // the time inside that batch, as Kafka's ListOffsets does.
    int64_t at = found->value().value();
    int64_t answer = at;
    auto st = (*p)->VisitRecords(Offset(at), 100000, [&](const log::RecordView& r) {
      answer = r.offset.value();
      return r.timestamp.value() < time_ms;
    });
    if (!st.ok()) return at;
    return answer;
  }

  Result<console::ProduceResult> Produce(const console::ProduceRequest& req) override {
    auto d = log_->DescribeTopic(req.topic);
    if (!d.ok()) return d.status();
    int32_t n = int32_t(d->partitions.size());
    int32_t partition;
    if (req.partition) {
      partition = *req.partition;
      if (partition < 0 || partition >= n) {
        return Status::InvalidArgument("topic " + req.topic + " has partitions 0.." +
                                       std::to_string(n - 1) + ", not " +
                                       std::to_string(partition));
      }
    } else if (req.key) {
      partition = connect::PartitionForKey(*req.key, n);  // as the Java client's partitioner
    } else {
      partition = int32_t(next_partition_.fetch_add(1) % uint32_t(n));
    }
    auto p = log_->GetPartition(req.topic, PartitionId(partition));
    if (!p.ok()) return p.status();
    log::Record r;
    r.key = req.key;
    r.value = req.value;
    for (const auto& h : req.headers) r.headers.push_back({h.key, h.value});
    auto a = (*p)->Append(std::span<const log::Record>(&r, 1));
    if (!a.ok()) return a.status();
    return console::ProduceResult{partition, a->base_offset.value()};
  }

  std::vector<GroupSummary> ListGroups() const override {
    std::map<std::string, GroupSummary> all;
    for (const auto& g : log_->offsets().ListGroups()) all[g] = {g, "Empty", 0};
    if (admin_ != nullptr) {
      for (const auto& g : admin_->ListGroups()) {
        all[g.group_id] = {g.group_id, g.state, int32_t(g.members.size())};
      }
    }
    std::vector<GroupSummary> out;
    for (auto& [_, g] : all) out.push_back(std::move(g));
    return out;
  }

  Result<GroupDetail> DescribeGroup(std::string_view group) const override {
    GroupDetail d;
    d.name = std::string(group);
    std::optional<kafka::GroupView> live;
    if (admin_ != nullptr) live = admin_->DescribeGroup(d.name);
    for (const auto& [key, c] : log_->offsets().FetchGroup(group)) {
      d.offsets.push_back({key.topic, key.partition.value(), c.offset.value()});
    }
    if (!live && d.offsets.empty()) {
      return Status::NotFound("no consumer group '" + d.name + "'");
    }
    if (live) {
      d.state = live->state;
      d.protocol_type = live->protocol_type;
      d.protocol = live->protocol_name;
      d.generation = live->generation_id;
      for (auto& m : live->members) {
        d.members.push_back({std::move(m.member_id), std::move(m.group_instance_id),
                             std::move(m.client_id), std::move(m.client_host),
                             std::move(m.assignment)});
      }
    } else {
      d.state = "Empty";
      d.protocol_type = "consumer";
    }
    return d;
  }

  Status CommitOffsets(std::string_view group,
                       const std::vector<CommittedOffset>& offsets) override {
    if (admin_ != nullptr) {
      std::vector<kafka::GroupOffsetUpdate> u;
      for (const auto& o : offsets) u.push_back({o.topic, o.partition, o.offset});
      return admin_->CommitGroupOffsets(std::string(group), u);
    }
    // No Kafka listener: no client can be a member, so the group is inactive.
    std::map<log::OffsetKey, log::CommittedOffset> batch;
    for (const auto& o : offsets) {
      if (o.offset < 0) return Status::InvalidArgument("negative offset");
      auto p = log_->GetPartition(o.topic, PartitionId(o.partition));
      if (!p.ok()) return p.status();
      batch[{o.topic, PartitionId(o.partition)}] = {Offset(o.offset), "", TimestampMs(0)};
    }
    if (batch.empty()) return Status::OK();
    return log_->offsets().Commit(group, batch);
  }

 private:
  log::Log* log_;
  kafka::KafkaAdmin* admin_;
  mutable std::atomic<uint32_t> next_partition_{0};
};

}  // namespace

std::unique_ptr<console::KafkaSource> NewConsoleKafkaSource(log::Log* log,
                                                            kafka::KafkaAdmin* admin) {
  return std::make_unique<LogKafkaSource>(log, admin);
}

}  // namespace kappa::app
