// BrokerAdmin: KafkaAdmin (kafka/kafka.h) over the Broker the handlers share, so an
// in-process caller (the console) gets the same rules as CreateTopics, DescribeConfigs,
// DescribeGroups and an admin client's OffsetCommit. Private to src/kafka.
#pragma once

#include <string_view>

#include "kafka/broker.h"
#include "kafka/kafka.h"

namespace kappa::kafka {

class BrokerAdmin final : public KafkaAdmin {
 public:
  explicit BrokerAdmin(Broker* broker) : broker_(broker) {}
  std::vector<GroupView> ListGroups() const override;
  std::optional<GroupView> DescribeGroup(const std::string& group) const override;
  Status CommitGroupOffsets(const std::string& group,
                            const std::vector<GroupOffsetUpdate>& offsets) override;
  Status CreateTopic(const std::string& name, int32_t partitions,
                     const std::vector<std::pair<std::string, std::string>>& configs) override;
  Result<std::vector<TopicConfigValue>> DescribeTopicConfigs(
      const std::string& topic) const override;

 private:
  Broker* broker_;
};

// Kafka's ConsumerProtocol assignment (version, [topic, [partition]], user_data) decoded;
// empty if `bytes` is empty or not that format (another protocol type's assignment).
std::vector<std::pair<std::string, std::vector<int32_t>>> DecodeConsumerAssignment(
    std::string_view bytes);

}  // namespace kappa::kafka
