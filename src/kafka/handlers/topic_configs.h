// Kafka topic config names kappa understands, mapped to log::TopicConfig, shared by
// CreateTopics (set) and DescribeConfigs (report).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "log/log.h"

namespace kappa::kafka {

// Applies one `name=value` to *config. Returns an error message for an unknown name, a value
// kappa cannot honour (cleanup.policy=compact) or a malformed number; nullopt if applied.
std::optional<std::string> ApplyTopicConfig(std::string_view name,
                                            std::optional<std::string_view> value,
                                            log::TopicConfig* config);

// (name, value) of every topic config DescribeConfigs reports for a topic.
std::vector<std::pair<std::string, std::string>> DescribeTopicConfig(
    const log::TopicConfig& resolved);

}  // namespace kappa::kafka
