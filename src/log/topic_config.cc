// Topic names, topic.conf encoding and config resolution.
#include <algorithm>
#include <charconv>
#include <iterator>

#include "log/log_impl.h"

namespace kappa::log {

std::string_view FlushPolicyName(FlushPolicy p) {
  switch (p) {
    case FlushPolicy::kEveryAppend: return "every-append";
    case FlushPolicy::kInterval: return "interval";
    case FlushPolicy::kOs: return "os";
  }
  return "unknown";
}

std::optional<FlushPolicy> ParseFlushPolicy(std::string_view name) {
  for (auto p : {FlushPolicy::kEveryAppend, FlushPolicy::kInterval, FlushPolicy::kOs}) {
    if (FlushPolicyName(p) == name) return p;
  }
  return std::nullopt;
}

Status ValidateTopicName(std::string_view name) {
  if (name.empty()) return Status::InvalidArgument("topic name must not be empty");
  if (name.size() > 249)
    return Status::InvalidArgument("topic name is longer than 249 characters");
  if (name == "." || name == "..")
    return Status::InvalidArgument("topic name cannot be '.' or '..'");
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) {
      return Status::InvalidArgument("topic name '" + std::string(name) +
                                     "' has an illegal character; use only a-z, A-Z, 0-9, "
                                     "'.', '_' and '-'");
    }
  }
  return Status::OK();
}

std::string EncodeTopicMeta(const TopicMeta& m) {
  std::string s = "# kappa topic settings (docs/formats/log.md)\n";
  s += "partitions=" + std::to_string(m.partitions) + "\n";
  s += "segment_bytes=" + std::to_string(m.config.segment_bytes.value_or(0)) + "\n";
  s += "segment_ms=" + std::to_string(m.config.segment_ms.value_or(0)) + "\n";
  s += "retention_bytes=" + std::to_string(m.config.retention_bytes.value_or(-1)) + "\n";
  s += "retention_ms=" + std::to_string(m.config.retention_ms.value_or(-1)) + "\n";
  for (const auto& [k, v] : m.config.extra) s += "extra." + k + "=" + v + "\n";
  return s;
}

Result<TopicMeta> DecodeTopicMeta(std::string_view text) {
  TopicMeta m;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.empty() || line[0] == '#') continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) return Status::Corruption("bad line in topic.conf");
    std::string_view k = line.substr(0, eq), v = line.substr(eq + 1);
    if (k.substr(0, 6) == "extra.") {
      m.config.extra[std::string(k.substr(6))] = std::string(v);
      continue;
    }
    static constexpr std::string_view kNumeric[] = {"partitions", "segment_bytes", "segment_ms",
                                                    "retention_bytes", "retention_ms"};
    if (std::find(std::begin(kNumeric), std::end(kNumeric), k) == std::end(kNumeric)) {
      continue;  // unknown keys are ignored (written by a newer version)
    }
    int64_t n = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || p != v.data() + v.size())
      return Status::Corruption("bad number in topic.conf: " + std::string(line));
    if (k == "partitions") m.partitions = int32_t(n);
    else if (k == "segment_bytes") m.config.segment_bytes = n;
    else if (k == "segment_ms") m.config.segment_ms = n;
    else if (k == "retention_bytes") m.config.retention_bytes = n;
    else if (k == "retention_ms") m.config.retention_ms = n;
  }
  if (m.partitions < 1) return Status::Corruption("topic.conf has no valid partition count");
  return m;
}

Result<TopicConfig> ResolveTopicConfig(const TopicConfig& c, const LogOptions& o) {
  TopicConfig r;
  r.segment_bytes = c.segment_bytes.value_or(o.segment_bytes);
  r.segment_ms = c.segment_ms.value_or(o.segment_ms);
  r.retention_bytes = c.retention_bytes.value_or(o.retention_bytes);
  r.retention_ms = c.retention_ms.value_or(o.retention_ms);
  r.extra = c.extra;
  for (const auto& [k, v] : r.extra) {
    if (k.empty() || k.find_first_of("=\n\r") != std::string::npos ||
        v.find_first_of("\n\r") != std::string::npos) {
      return Status::InvalidArgument("topic setting '" + k + "' has a name or value that cannot be stored");
    }
  }
  // Index positions are 32-bit.
  if (*r.segment_bytes < 1024 || *r.segment_bytes > (int64_t(1) << 31) - 1)
    return Status::InvalidArgument("segment_bytes must be between 1024 and 2147483647");
  if (*r.segment_ms < 1) return Status::InvalidArgument("segment_ms must be >= 1");
  return r;
}

}  // namespace kappa::log
