// PipelineConfig lookups, and the scalar value syntaxes of kappa.yaml: timestamps (sizes and
// durations: common/units.h).
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <string>

#include "common/strings.h"
#include "app/config.h"

namespace kappa::app {
namespace {

}  // namespace

const TopicConfig* PipelineConfig::FindTopic(std::string_view name) const {
  for (const auto& t : topics) if (t.name == name) return &t;
  return nullptr;
}
std::string PipelineConfig::Where(std::string_view key) const {
  auto it = positions.find(std::string(key));
  return it != positions.end() ? it->second : file;
}

const TableConfig* PipelineConfig::FindTable(std::string_view full) const {
  for (const auto& ks : keyspaces)
    for (const auto& t : ks.tables)
      if (full.size() == ks.name.size() + 1 + t.name.size() && full.starts_with(ks.name) &&
          full[ks.name.size()] == '.' && full.substr(ks.name.size() + 1) == t.name)
        return &t;
  return nullptr;
}
const SourceConfig* PipelineConfig::FindSource(std::string_view name) const {
  for (const auto& s : sources) if (s.name == name) return &s;
  return nullptr;
}
const MappingConfig* PipelineConfig::FindMapping(std::string_view name) const {
  for (const auto& m : mappings) if (m.name == name) return &m;
  return nullptr;
}
const ProducerConfig* PipelineConfig::FindProducer(std::string_view name) const {
  for (const auto& p : producers) if (p.name == name) return &p;
  return nullptr;
}
const JobConfig* PipelineConfig::FindJob(std::string_view name) const {
  for (const auto& j : jobs) if (j.name == name) return &j;
  return nullptr;
}

Result<int64_t> ParseTimestampMs(std::string_view text) {
  std::string_view s = TrimSpace(text);
  auto bad = [&] {
    return Status::InvalidArgument("'" + std::string(text) +
                                   "' is not a time (use 2026-01-31T12:00:00Z, optionally "
                                   "with .mmm or a +hh:mm offset, or milliseconds since 1970)");
  };
  if (!s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos) {
    int64_t v = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc()) return bad();
    return v;
  }
  int y, mo, d, h = 0, mi = 0, sec = 0, consumed = 0;
  std::string str(s);
  if (std::sscanf(str.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &consumed) != 3) return bad();
  size_t pos = static_cast<size_t>(consumed);
  if (pos < str.size() && (str[pos] == 'T' || str[pos] == ' ')) {
    int c2 = 0;
    if (std::sscanf(str.c_str() + pos + 1, "%2d:%2d:%2d%n", &h, &mi, &sec, &c2) != 3) {
      return bad();
    }
    pos += 1 + static_cast<size_t>(c2);
  }
  int64_t millis = 0;
  if (pos < str.size() && str[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < str.size() && std::isdigit(static_cast<unsigned char>(str[pos]))) {
      if (digits < 3) millis = millis * 10 + (str[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return bad();
    for (int i = digits; i < 3; ++i) millis *= 10;
  }
  int64_t offset_s = 0;
  if (pos < str.size()) {
    if (str[pos] == 'Z' && pos + 1 == str.size()) {
      ++pos;
    } else if ((str[pos] == '+' || str[pos] == '-') && str.size() - pos == 6 &&
               str[pos + 3] == ':') {
      int oh, om;
      if (std::sscanf(str.c_str() + pos + 1, "%2d:%2d", &oh, &om) != 2) return bad();
      offset_s = (str[pos] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
      pos = str.size();
    } else {
      return bad();
    }
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return bad();
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  int64_t epoch_s = static_cast<int64_t>(timegm(&tm)) - offset_s;
  return epoch_s * 1000 + millis;
}

}  // namespace kappa::app
