// Every topic config Kafka defines (TopicConfig / LogConfig), mapped to log::TopicConfig:
// shared by CreateTopics (set), AlterConfigs / IncrementalAlterConfigs (change) and
// DescribeConfigs (report). kappa applies segment.bytes, segment.ms, retention.bytes and
// retention.ms; every other Kafka topic config is validated as Kafka validates it, kept with
// the topic (log::TopicConfig::extra) and described, but has no effect. Unknown names, values
// Kafka would refuse, and the two values kappa cannot honour (cleanup.policy with compact,
// message.timestamp.type=LogAppendTime) are refused with a message. docs/formats/kafka.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "log/log.h"

namespace kappa::kafka {

// Applies one `name=value` to *config; a null value resets the config to its default.
// Returns an error message (for INVALID_CONFIG) or nullopt if applied.
std::optional<std::string> ApplyTopicConfig(std::string_view name,
                                            std::optional<std::string_view> value,
                                            log::TopicConfig* config);

// Kafka's list-typed topic configs (IncrementalAlterConfigs APPEND / SUBTRACT apply to them).
bool IsListTopicConfig(std::string_view name);

// The settings of a topic as explicitly set (to start an incremental change from): the
// implemented ones that differ from the log defaults, and every kept one.
log::TopicConfig ExplicitTopicConfig(const log::TopicConfig& resolved,
                                     const log::LogOptions& defaults);

struct DescribedConfig {
  std::string name;
  std::string value;
  bool is_default;  // DEFAULT_CONFIG, else DYNAMIC_TOPIC_CONFIG
};
// Every topic config with its current value, sorted by name.
std::vector<DescribedConfig> DescribeTopicConfig(const log::TopicConfig& resolved,
                                                 const log::LogOptions& defaults);

}  // namespace kappa::kafka
