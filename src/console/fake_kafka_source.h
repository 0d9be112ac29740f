// An in-memory KafkaSource for the console's gtests: topics of partitions holding messages
// (with a start offset, as after retention), groups with committed offsets and members.
// Test-only; thread-compatible (the tests call it from one thread).
#pragma once

#include <algorithm>
#include <map>

#include "console/console.h"

namespace kappa::console::testing {

class FakeKafkaSource final : public KafkaSource {
 public:
  struct Partition {
    int64_t start = 0;
    std::vector<Message> messages;  // offsets start.. in order
    int64_t end() const { return start + int64_t(messages.size()); }
  };
  struct Group {
    GroupDetail detail;
  };

  // Appends a message; returns its offset.
  int64_t Add(const std::string& topic, int32_t partition, std::optional<std::string> key,
              std::optional<std::string> value, int64_t ts, std::vector<MessageHeader> h = {}) {
    auto& p = topics_[topic].partitions[size_t(partition)];
    Message m{partition, p.end(), ts, std::move(key), std::move(value), std::move(h)};
    p.messages.push_back(std::move(m));
    return p.end() - 1;
  }
  void AddTopic(const std::string& name, int32_t partitions) {
    topics_[name].partitions.resize(size_t(partitions));
  }
  std::map<std::string, Group> groups;

  std::vector<std::string> ListTopics() const override {
    std::vector<std::string> out;
    for (const auto& [n, _] : topics_) out.push_back(n);
    return out;
  }
  Result<TopicStat> DescribeTopic(std::string_view topic) const override {
    auto it = topics_.find(std::string(topic));
    if (it == topics_.end()) return Status::NotFound("unknown topic " + std::string(topic));
    TopicStat t{it->first, {}, it->second.retention_ms, -1};
    for (size_t i = 0; i < it->second.partitions.size(); ++i) {
      const auto& p = it->second.partitions[i];
      t.partitions.push_back({int32_t(i), p.start, p.end(), int64_t(p.messages.size()) * 100, 1});
    }
    return t;
  }
  Result<std::vector<TopicConfigEntry>> TopicConfigs(std::string_view topic) const override {
    auto it = topics_.find(std::string(topic));
    if (it == topics_.end()) return Status::NotFound("unknown topic");
    return std::vector<TopicConfigEntry>{{"retention.ms", std::to_string(it->second.retention_ms), false}};
  }
  Status CreateTopic(const std::string& name, int32_t partitions,
                     const std::vector<std::pair<std::string, std::string>>& configs) override {
    if (topics_.count(name)) return Status::AlreadyExists("topic '" + name + "' already exists");
    if (name.find('<') != std::string::npos || name.empty()) return Status::InvalidArgument("bad name");
    AddTopic(name, partitions);
    for (const auto& [k, v] : configs) {
      if (k != "retention.ms") return Status::InvalidArgument("unknown config " + k);
      topics_[name].retention_ms = std::stoll(v);
    }
    return Status::OK();
  }
  Status DeleteTopic(std::string_view topic) override {
    if (!topics_.erase(std::string(topic))) return Status::NotFound("unknown topic");
    return Status::OK();
  }
  Result<std::vector<Message>> Read(std::string_view topic, int32_t partition, int64_t from,
                                    size_t max_records, size_t) const override {
    ++reads;
    auto it = topics_.find(std::string(topic));
    if (it == topics_.end() || partition < 0 || size_t(partition) >= it->second.partitions.size()) {
      return Status::NotFound("unknown partition");
    }
    const auto& p = it->second.partitions[size_t(partition)];
    std::vector<Message> out;
    for (int64_t o = std::max(from, p.start); o < p.end() && out.size() < max_records; ++o) {
      out.push_back(p.messages[size_t(o - p.start)]);
    }
    return out;
  }
  Result<int64_t> OffsetForTime(std::string_view topic, int32_t partition,
                                int64_t time_ms) const override {
    const auto& p = topics_.at(std::string(topic)).partitions.at(size_t(partition));
    for (const auto& m : p.messages) {
      if (m.timestamp_ms >= time_ms) return m.offset;
    }
    return p.end();
  }
  Result<ProduceResult> Produce(const ProduceRequest& r) override {
    auto it = topics_.find(r.topic);
    if (it == topics_.end()) return Status::NotFound("unknown topic");
    int32_t p = r.partition.value_or(0);
    if (size_t(p) >= it->second.partitions.size()) return Status::InvalidArgument("no partition");
    return ProduceResult{p, Add(r.topic, p, r.key, r.value, 1000, r.headers)};
  }
  std::vector<GroupSummary> ListGroups() const override {
    std::vector<GroupSummary> out;
    for (const auto& [n, g] : groups) {
      out.push_back({n, g.detail.state, int32_t(g.detail.members.size())});
    }
    return out;
  }
  Result<GroupDetail> DescribeGroup(std::string_view group) const override {
    auto it = groups.find(std::string(group));
    if (it == groups.end()) return Status::NotFound("no consumer group '" + std::string(group) + "'");
    return it->second.detail;
  }
  Status CommitOffsets(std::string_view group, const std::vector<CommittedOffset>& offsets) override {
    auto& g = groups[std::string(group)];
    g.detail.name = std::string(group);
    if (!g.detail.members.empty()) return Status::Aborted("group has active members");
    if (g.detail.state.empty()) g.detail.state = "Empty";
    for (const auto& o : offsets) {
      auto it = std::find_if(g.detail.offsets.begin(), g.detail.offsets.end(), [&](const auto& c) {
        return c.topic == o.topic && c.partition == o.partition;
      });
      if (it != g.detail.offsets.end()) it->offset = o.offset;
      else g.detail.offsets.push_back(o);
    }
    return Status::OK();
  }

  mutable int reads = 0;

 private:
  struct Topic {
    std::vector<Partition> partitions;
    int64_t retention_ms = 604800000;
  };
  std::map<std::string, Topic> topics_;

 public:
  // Drops the first n messages of a partition (as retention does).
  void Truncate(const std::string& topic, int32_t partition, size_t n) {
    auto& p = topics_[topic].partitions[size_t(partition)];
    p.messages.erase(p.messages.begin(), p.messages.begin() + long(n));
    p.start += int64_t(n);
  }
};

}  // namespace kappa::console::testing
