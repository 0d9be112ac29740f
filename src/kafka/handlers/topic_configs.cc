// The catalogue of Kafka topic configs (names, types, validators and defaults as in Kafka's
// TopicConfig and LogConfig, including the deprecated ones older clients still send).
#include "common/strings.h"
#include "kafka/handlers/topic_configs.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <limits>
#include <map>

#include "log/record_batch.h"

namespace kappa::kafka {

namespace {

enum class Type { kLong, kInt, kDouble, kBool, kEnum, kPolicy, kVersion, kThrottled };

struct Def {
  const char* name;
  Type type;
  int64_t min = 0;
  int64_t max = 0;
  std::vector<std::string_view> allowed = {};  // kEnum
  const char* default_value = "";
  // The log field this config is applied to; nullptr: kept and described only.
  std::optional<int64_t> log::TopicConfig::*field = nullptr;
};

constexpr int64_t kLongMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kLongMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kIntMax = std::numeric_limits<int32_t>::max();
const std::string kLongMaxStr = std::to_string(kLongMax);

const std::vector<Def>& Catalogue() {
  static const std::vector<Def> kDefs = [] {
    std::vector<Def> d = {
        {"cleanup.policy", Type::kPolicy, 0, 0, {}, "delete"},
        {"compression.gzip.level", Type::kInt, -1, 9, {}, "-1"},
        {"compression.lz4.level", Type::kInt, 1, 17, {}, "9"},
        {"compression.type", Type::kEnum, 0, 0,
         {"uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"}, "producer"},
        {"compression.zstd.level", Type::kInt, -131072, 22, {}, "3"},
        {"delete.retention.ms", Type::kLong, 0, kLongMax, {}, "86400000"},
        {"file.delete.delay.ms", Type::kLong, 0, kLongMax, {}, "60000"},
        {"flush.messages", Type::kLong, 1, kLongMax, {}, kLongMaxStr.c_str()},
        {"flush.ms", Type::kLong, 0, kLongMax, {}, kLongMaxStr.c_str()},
        {"follower.replication.throttled.replicas", Type::kThrottled, 0, 0, {}, ""},
        {"index.interval.bytes", Type::kInt, 0, kIntMax, {}, "4096"},
        {"leader.replication.throttled.replicas", Type::kThrottled, 0, 0, {}, ""},
        {"local.retention.bytes", Type::kLong, -2, kLongMax, {}, "-2"},
        {"local.retention.ms", Type::kLong, -2, kLongMax, {}, "-2"},
        {"max.compaction.lag.ms", Type::kLong, 1, kLongMax, {}, kLongMaxStr.c_str()},
        {"max.message.bytes", Type::kInt, 0, kIntMax, {}, ""},  // kappa's batch limit
        {"message.downconversion.enable", Type::kBool, 0, 0, {}, "true"},
        {"message.format.version", Type::kVersion, 0, 0, {}, "3.0-IV1"},
        {"message.timestamp.after.max.ms", Type::kLong, 0, kLongMax, {}, kLongMaxStr.c_str()},
        {"message.timestamp.before.max.ms", Type::kLong, 0, kLongMax, {}, kLongMaxStr.c_str()},
        {"message.timestamp.difference.max.ms", Type::kLong, 0, kLongMax, {},
         kLongMaxStr.c_str()},
        {"message.timestamp.type", Type::kEnum, 0, 0, {"CreateTime", "LogAppendTime"},
         "CreateTime"},
        {"min.cleanable.dirty.ratio", Type::kDouble, 0, 1, {}, "0.5"},
        {"min.compaction.lag.ms", Type::kLong, 0, kLongMax, {}, "0"},
        {"min.insync.replicas", Type::kInt, 1, kIntMax, {}, "1"},
        {"preallocate", Type::kBool, 0, 0, {}, "false"},
        {"remote.log.copy.disable", Type::kBool, 0, 0, {}, "false"},
        {"remote.log.delete.on.disable", Type::kBool, 0, 0, {}, "false"},
        {"remote.storage.enable", Type::kBool, 0, 0, {}, "false"},
        {"retention.bytes", Type::kLong, kLongMin, kLongMax, {}, "", &log::TopicConfig::retention_bytes},
        {"retention.ms", Type::kLong, -1, kLongMax, {}, "", &log::TopicConfig::retention_ms},
        // kappa's index positions are 32-bit and a segment holds at least one batch header.
        {"segment.bytes", Type::kInt, 1024, kIntMax, {}, "", &log::TopicConfig::segment_bytes},
        {"segment.index.bytes", Type::kInt, 4, kIntMax, {}, "10485760"},
        {"segment.jitter.ms", Type::kLong, 0, kLongMax, {}, "0"},
        {"segment.ms", Type::kLong, 1, kLongMax, {}, "", &log::TopicConfig::segment_ms},
        {"unclean.leader.election.enable", Type::kBool, 0, 0, {}, "false"},
    };
    std::sort(d.begin(), d.end(),
              [](const Def& a, const Def& b) { return std::string_view(a.name) < b.name; });
    return d;
  }();
  return kDefs;
}

const Def* Find(std::string_view name) {
  for (const Def& d : Catalogue()) {
    if (name == d.name) return &d;
  }
  return nullptr;
}

std::optional<int64_t> ParseInt(std::string_view s) {
  s = TrimSpace(s);
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::vector<std::string_view> SplitList(std::string_view s) {
  std::vector<std::string_view> out;
  s = TrimSpace(s);
  if (s.empty()) return out;
  while (true) {
    size_t c = s.find(',');
    out.push_back(TrimSpace(s.substr(0, c)));
    if (c == std::string_view::npos) break;
    s = s.substr(c + 1);
  }
  return out;
}

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// nullopt if `value` is valid for d, else why not (for INVALID_CONFIG).
std::optional<std::string> Validate(const Def& d, std::string_view value) {
  std::string what = "invalid value '" + std::string(value) + "' for " + d.name + ": ";
  switch (d.type) {
    case Type::kLong:
    case Type::kInt: {
      auto v = ParseInt(value);
      if (!v) return what + "not an integer";
      if (*v < d.min || *v > d.max) {
        return what + "must be between " + std::to_string(d.min) + " and " + std::to_string(d.max);
      }
      return std::nullopt;
    }
    case Type::kDouble: {
      std::string t(TrimSpace(value));
      char* end = nullptr;
      double v = std::strtod(t.c_str(), &end);
      if (t.empty() || end != t.c_str() + t.size()) return what + "not a number";
      if (!(v >= double(d.min) && v <= double(d.max))) return what + "must be between 0 and 1";
      return std::nullopt;
    }
    case Type::kBool: {
      std::string t(TrimSpace(value));
      std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
      if (t != "true" && t != "false") return what + "must be true or false";
      return std::nullopt;
    }
    case Type::kEnum: {
      std::string_view t = TrimSpace(value);
      if (std::find(d.allowed.begin(), d.allowed.end(), t) == d.allowed.end()) {
        std::string list;
        for (auto a : d.allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        return what + "must be one of " + list;
      }
      if (t == "LogAppendTime") {
        return what + "kappa keeps the producer's timestamps (CreateTime only)";
      }
      return std::nullopt;
    }
    case Type::kPolicy: {
      auto items = SplitList(value);
      if (items.empty()) return what + "kappa needs the delete policy";
      for (auto i : items) {
        if (i != "delete" && i != "compact") return what + "must be delete and/or compact";
      }
      for (auto i : items) {
        if (i == "compact") return what + "kappa does not compact topics (only delete)";
      }
      return std::nullopt;
    }
    case Type::kVersion: {
      // Kafka's message format / metadata versions: "0.10.2", "2.8", "3.0-IV1".
      std::string_view t = TrimSpace(value);
      std::string_view base = t.substr(0, t.find('-'));
      if (t.size() > base.size()) {
        std::string_view iv = t.substr(base.size() + 1);
        if (iv.size() < 3 || iv.substr(0, 2) != "IV" || !IsDigits(iv.substr(2))) {
          return what + "not a Kafka version";
        }
      }
      int dots = 0;
      std::string_view rest = base;
      while (true) {
        size_t p = rest.find('.');
        if (!IsDigits(rest.substr(0, p))) return what + "not a Kafka version";
        if (p == std::string_view::npos) break;
        ++dots;
        rest = rest.substr(p + 1);
      }
      if (dots < 1 || dots > 3) return what + "not a Kafka version";
      return std::nullopt;
    }
    case Type::kThrottled: {
      // "*" or partition:broker pairs (Kafka's ThrottledReplicaListValidator).
      auto items = SplitList(value);
      if (items.size() == 1 && items[0] == "*") return std::nullopt;
      for (auto i : items) {
        size_t c = i.find(':');
        if (c == std::string_view::npos || !IsDigits(TrimSpace(i.substr(0, c))) ||
            !IsDigits(TrimSpace(i.substr(c + 1)))) {
          return what + "must be * or a list of partition:broker";
        }
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> ApplyTopicConfig(std::string_view name,
                                            std::optional<std::string_view> value,
                                            log::TopicConfig* config) {
  const Def* d = Find(name);
  if (d == nullptr) return "unknown topic config " + std::string(name);
  if (!value) {  // back to the default
    if (d->field != nullptr) (config->*(d->field)).reset();
    config->extra.erase(std::string(name));
    return std::nullopt;
  }
  if (value->find_first_of("\n\r") != std::string_view::npos) {
    return "invalid value for " + std::string(name) + ": line breaks are not allowed";
  }
  if (auto err = Validate(*d, *value)) return err;
  if (d->field != nullptr) {
    config->*(d->field) = *ParseInt(*value);
  } else {
    config->extra[std::string(name)] = std::string(TrimSpace(*value));
  }
  return std::nullopt;
}

bool IsListTopicConfig(std::string_view name) {
  const Def* d = Find(name);
  return d != nullptr && (d->type == Type::kPolicy || d->type == Type::kThrottled);
}

log::TopicConfig ExplicitTopicConfig(const log::TopicConfig& resolved,
                                     const log::LogOptions& defaults) {
  log::TopicConfig c;
  c.extra = resolved.extra;
  auto keep = [](const std::optional<int64_t>& v, int64_t def) {
    return v && *v != def ? v : std::nullopt;
  };
  c.segment_bytes = keep(resolved.segment_bytes, defaults.segment_bytes);
  c.segment_ms = keep(resolved.segment_ms, defaults.segment_ms);
  c.retention_bytes = keep(resolved.retention_bytes, defaults.retention_bytes);
  c.retention_ms = keep(resolved.retention_ms, defaults.retention_ms);
  return c;
}

std::vector<DescribedConfig> DescribeTopicConfig(const log::TopicConfig& resolved,
                                                 const log::LogOptions& defaults) {
  log::TopicConfig explicit_config = ExplicitTopicConfig(resolved, defaults);
  std::vector<DescribedConfig> out;
  for (const Def& d : Catalogue()) {
    DescribedConfig c{d.name, d.default_value, true};
    if (d.field != nullptr) {
      c.value = std::to_string((resolved.*(d.field)).value_or(-1));
      c.is_default = !(explicit_config.*(d.field)).has_value();
    } else if (auto it = resolved.extra.find(d.name); it != resolved.extra.end()) {
      c.value = it->second;
      c.is_default = false;
    } else if (std::string_view(d.name) == "max.message.bytes") {
      c.value = std::to_string(log::kMaxBatchBytes);
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace kappa::kafka
