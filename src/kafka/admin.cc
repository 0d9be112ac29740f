// BrokerAdmin: the in-process administration of the broker. Each call applies the rule of
// the Kafka request it mirrors, so the console cannot do what a Kafka client could not.
#include "kafka/admin.h"

#include <algorithm>

#include "common/coding.h"
#include "kafka/handlers/handlers.h"
#include "kafka/handlers/topic_configs.h"

namespace kappa::kafka {

std::vector<std::pair<std::string, std::vector<int32_t>>> DecodeConsumerAssignment(
    std::string_view bytes) {
  std::vector<std::pair<std::string, std::vector<int32_t>>> out;
  const char* p = bytes.data();
  const char* end = p + bytes.size();
  auto need = [&](size_t n) { return size_t(end - p) >= n; };
  // int16 version, int32 topic count; each topic: int16 length + name, int32 count + int32s.
  if (!need(6)) return out;
  p += 2;
  int32_t ntopics = int32_t(coding::GetBE32(p));
  p += 4;
  if (ntopics < 0) return {};
  for (int32_t t = 0; t < ntopics; ++t) {
    if (!need(2)) return {};
    int16_t len = int16_t(coding::GetBE16(p));
    p += 2;
    if (len < 0 || !need(size_t(len) + 4)) return {};
    std::string topic(p, size_t(len));
    p += len;
    int32_t np = int32_t(coding::GetBE32(p));
    p += 4;
    // A count the bytes cannot hold is not this format: refuse it rather than reserve it.
    if (np < 0 || !need(size_t(np) * 4)) return {};
    std::vector<int32_t> parts;
    parts.reserve(size_t(np));
    for (int32_t i = 0; i < np; ++i, p += 4) parts.push_back(int32_t(coding::GetBE32(p)));
    out.emplace_back(std::move(topic), std::move(parts));
  }
  return out;
}

namespace {
GroupView ToView(const GroupDescription& d) {
  GroupView v{d.group_id, d.state, d.protocol_type, d.protocol_name, d.generation_id, {}};
  for (const auto& m : d.members) {
    GroupMemberView mv{m.member_id, m.group_instance_id, m.client_id, m.client_host, {}};
    if (d.protocol_type == "consumer") mv.assignment = DecodeConsumerAssignment(m.assignment);
    v.members.push_back(std::move(mv));
  }
  return v;
}
}  // namespace

std::vector<GroupView> BrokerAdmin::ListGroups() const {
  std::vector<GroupView> out;
  for (const auto& d : broker_->groups().ListGroups()) out.push_back(ToView(d));
  std::sort(out.begin(), out.end(),
            [](const GroupView& a, const GroupView& b) { return a.group_id < b.group_id; });
  return out;
}

std::optional<GroupView> BrokerAdmin::DescribeGroup(const std::string& group) const {
  auto d = broker_->groups().Describe(group);
  if (!d) return std::nullopt;
  return ToView(*d);
}

Status BrokerAdmin::CommitGroupOffsets(const std::string& group,
                                       const std::vector<GroupOffsetUpdate>& offsets) {
  if (group.empty()) return Status::InvalidArgument("a group id must not be empty");
  std::map<log::OffsetKey, log::CommittedOffset> batch;
  for (const auto& o : offsets) {
    if (o.offset < 0) {
      return Status::InvalidArgument("offset " + std::to_string(o.offset) + " of " + o.topic +
                                     "/" + std::to_string(o.partition) + " is negative");
    }
    auto p = broker_->log().GetPartition(o.topic, PartitionId(o.partition));
    if (!p.ok()) return p.status();
    batch[{o.topic, PartitionId(o.partition)}] = {Offset(o.offset), "",
                                                   TimestampMs(broker_->clock()->NowMs())};
  }
  // The admin client's commit: generation -1, no member. The coordinator allows it only for
  // an Empty (or unknown) group, as Kafka's validateOffsetCommit does.
  ErrorCode e = broker_->groups().ValidateCommit(group, -1, "");
  if (e != ErrorCode::kNone) {
    auto d = broker_->groups().Describe(group);
    size_t members = d ? d->members.size() : 0;
    return Status::Aborted("group '" + group + "' has " + std::to_string(members) +
                           " active member(s) (state " + (d ? d->state : "?") +
                           "); stop its consumers first");
  }
  if (batch.empty()) return Status::OK();
  return broker_->log().offsets().Commit(group, batch);
}

Status BrokerAdmin::CreateTopic(const std::string& name, int32_t partitions,
                                const std::vector<std::pair<std::string, std::string>>& configs) {
  RETURN_IF_ERROR(log::ValidateTopicName(name));
  if (partitions < 1) return Status::InvalidArgument("number of partitions must be at least 1");
  if (partitions > kMaxPartitionsPerTopic) {
    return Status::InvalidArgument("at most " + std::to_string(kMaxPartitionsPerTopic) +
                                   " partitions per topic");
  }
  log::TopicConfig config;
  for (const auto& [key, value] : configs) {
    if (auto err = ApplyTopicConfig(key, value, &config)) {
      return Status::InvalidArgument("config " + key + ": " + *err);
    }
  }
  if (broker_->log().TopicExists(name)) {
    return Status::AlreadyExists("topic '" + name + "' already exists");
  }
  PartitionQuota quota;
  std::string why;
  if (broker_->ReservePartitions(partitions, &quota, &why) != ErrorCode::kNone) {
    return Status::InvalidArgument(why);
  }
  return broker_->log().CreateTopic(name, partitions, config);
}

Result<std::vector<TopicConfigValue>> BrokerAdmin::DescribeTopicConfigs(
    const std::string& topic) const {
  auto d = broker_->log().DescribeTopic(topic);
  if (!d.ok()) return d.status();
  std::vector<TopicConfigValue> out;
  for (auto& c : DescribeTopicConfig(d->config, broker_->log().options())) {
    out.push_back({std::move(c.name), std::move(c.value), c.is_default});
  }
  return out;
}

}  // namespace kappa::kafka
