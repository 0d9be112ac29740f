#include "kafka/handlers/topic_configs.h"

#include <charconv>

#include "log/record_batch.h"

namespace kappa::kafka {

namespace {
std::optional<int64_t> ParseInt(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}
}  // namespace

std::optional<std::string> ApplyTopicConfig(std::string_view name,
                                            std::optional<std::string_view> value,
                                            log::TopicConfig* config) {
  std::optional<int64_t>* slot = nullptr;
  if (name == "retention.ms") slot = &config->retention_ms;
  if (name == "retention.bytes") slot = &config->retention_bytes;
  if (name == "segment.bytes") slot = &config->segment_bytes;
  if (name == "segment.ms") slot = &config->segment_ms;
  if (slot != nullptr) {
    if (!value) return std::nullopt;  // null = default
    auto v = ParseInt(*value);
    if (!v) return std::string("config ") + std::string(name) + " needs an integer, got '" +
                   std::string(*value) + "'";
    *slot = *v;
    return std::nullopt;
  }
  if (name == "cleanup.policy") {
    if (value && *value != "delete") {
      return "cleanup.policy=" + std::string(*value) + " is not supported (only delete)";
    }
    return std::nullopt;
  }
  // Accepted and ignored: meaningful only for replicated or compacting clusters, or fixed.
  static const char* kIgnored[] = {"min.insync.replicas", "compression.type",
                                   "message.timestamp.type", "max.message.bytes",
                                   "unclean.leader.election.enable", "flush.messages",
                                   "flush.ms", "message.downconversion.enable"};
  for (const char* n : kIgnored) {
    if (name == n) return std::nullopt;
  }
  return "unknown topic config " + std::string(name);
}

std::vector<std::pair<std::string, std::string>> DescribeTopicConfig(
    const log::TopicConfig& c) {
  auto s = [](const std::optional<int64_t>& v) { return std::to_string(v.value_or(-1)); };
  return {
      {"cleanup.policy", "delete"},
      {"compression.type", "producer"},
      {"max.message.bytes", std::to_string(log::kMaxBatchBytes)},
      {"message.timestamp.type", "CreateTime"},
      {"min.insync.replicas", "1"},
      {"retention.bytes", s(c.retention_bytes)},
      {"retention.ms", s(c.retention_ms)},
      {"segment.bytes", s(c.segment_bytes)},
      {"segment.ms", s(c.segment_ms)},
  };
}

}  // namespace kappa::kafka
