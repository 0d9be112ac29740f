// ParseDateTime: the dates a config or an API call gives (start_date, a backfill's range, a
// wait sensor's `until`), in a zone or with an explicit offset.
#include <date/date.h>
#include <fmt/format.h>

#include <cctype>

#include "orchestrator/cron.h"
#include "orchestrator/orchestrator.h"

namespace kappa::orchestrator {

namespace {

// Reads exactly `n` digits at `*pos`.
bool Digits(std::string_view s, size_t* pos, size_t n, int* out) {
  if (*pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[*pos + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

}  // namespace

Result<TimeMs> ParseDateTime(std::string_view text, std::string_view timezone) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument(fmt::format(
        "bad date '{}': {} (expected YYYY-MM-DD, optionally followed by [T ]HH:MM[:SS[.fff]] "
        "and Z or +HH:MM)",
        text, why));
  };
  size_t p = 0;
  int year, month, day, hour = 0, minute = 0, second = 0, millis = 0;
  if (!Digits(text, &p, 4, &year) || p >= text.size() || text[p++] != '-' ||
      !Digits(text, &p, 2, &month) || p >= text.size() || text[p++] != '-' ||
      !Digits(text, &p, 2, &day)) {
    return bad("not a date");
  }
  auto ymd = date::year(year) / date::month(month) / date::day(day);
  if (!ymd.ok()) return bad("no such day");
  if (p < text.size() && (text[p] == 'T' || text[p] == 't' || text[p] == ' ')) {
    ++p;
    if (!Digits(text, &p, 2, &hour) || p >= text.size() || text[p++] != ':' ||
        !Digits(text, &p, 2, &minute)) {
      return bad("bad time of day");
    }
    if (p < text.size() && text[p] == ':') {
      ++p;
      if (!Digits(text, &p, 2, &second)) return bad("bad seconds");
      if (p < text.size() && text[p] == '.') {
        ++p;
        size_t start = p;
        int scale = 100;
        while (p < text.size() && std::isdigit(static_cast<unsigned char>(text[p]))) {
          millis += (text[p] - '0') * scale;
          scale /= 10;
          ++p;
        }
        if (p == start) return bad("bad fraction of a second");
      }
    }
    if (hour > 23 || minute > 59 || second > 59) return bad("time of day out of range");
  }
  int64_t local_ms = (date::sys_days(ymd).time_since_epoch().count() * 86'400LL + hour * 3600 +
                      minute * 60 + second) *
                         1000 +
                     millis;
  if (p == text.size()) {
    const date::time_zone* zone = FindZone(timezone.empty() ? "UTC" : timezone);
    if (zone == nullptr) return CheckTimeZone(timezone);
    return FromLocalMs(zone, local_ms);
  }
  // An explicit offset: the zone does not matter.
  if (text[p] == 'Z' || text[p] == 'z') {
    if (p + 1 != text.size()) return bad("text after the offset");
    return local_ms;
  }
  if (text[p] != '+' && text[p] != '-') return bad("unexpected text after the time");
  int sign = text[p++] == '-' ? -1 : 1, oh, om = 0;
  if (!Digits(text, &p, 2, &oh)) return bad("bad offset");
  if (p < text.size() && text[p] == ':') ++p;
  if (p < text.size() && !Digits(text, &p, 2, &om)) return bad("bad offset");
  if (p != text.size() || oh > 23 || om > 59) return bad("bad offset");
  return local_ms - sign * (oh * 3600 + om * 60) * 1000LL;
}

}  // namespace kappa::orchestrator
