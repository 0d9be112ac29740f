// 5-field cron: parsing and next/previous matching minute on naive wall-clock time, with
// croniter's reading of the fields (Airflow 2 matches cron through croniter).
#include "orchestrator/cron.h"

#include <date/date.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace kappa::orchestrator {

namespace {

constexpr int64_t kMinutesPerDay = 1440;
constexpr int kMaxYears = 50;  // croniter's default max_years_between_matches

struct FieldDef {
  const char* name;
  int lo, hi;  // croniter's RANGES; day of week goes to 7 (= Sunday)
  int count;   // values that mean "every one" (croniter's LEN_MEANS_ALL)
};
constexpr std::array<FieldDef, 5> kFields = {{
    {"minute", 0, 59, 60},
    {"hour", 0, 23, 24},
    {"day of month", 1, 31, 31},
    {"month", 1, 12, 12},
    {"day of week", 0, 7, 7},
}};
constexpr std::array<const char*, 12> kMonthNames = {"jan", "feb", "mar", "apr", "may", "jun",
                                                     "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<const char*, 7> kDayNames = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

// One field's values, and whether croniter would see it as '*'.
struct Field {
  std::vector<bool> values;     // indexed by value, lo..hi (dow 7 folded into 0)
  bool star = false;            // every value matches (a '*' element, or all values listed)
  bool normalized_all = false;  // croniter's expanded[i] == ['*']
};

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(c); });
}

// A number or (month, day of week) a name; -1 if neither.
int ParseValue(std::string_view s, size_t field) {
  if (AllDigits(s)) return s.size() > 3 ? 1000 : std::stoi(std::string(s));
  if (field == 3) {
    for (size_t i = 0; i < kMonthNames.size(); ++i) {
      if (s == kMonthNames[i]) return static_cast<int>(i) + 1;
    }
  }
  if (field == 4) {
    for (size_t i = 0; i < kDayNames.size(); ++i) {
      if (s == kDayNames[i]) return static_cast<int>(i);
    }
  }
  return -1;
}

Result<Field> ParseField(std::string_view text, size_t i, std::string_view expr) {
  const FieldDef& def = kFields[i];
  auto bad = [&](std::string_view what) {
    return Status::InvalidArgument(
        fmt::format("cron '{}': {} field '{}': {}", expr, def.name, text, what));
  };
  Field f;
  f.values.assign(def.hi + 1, false);
  int distinct = 0;
  auto add = [&](int v) -> Status {
    if (i == 4 && v == 7) v = 0;  // 7 is Sunday too
    if (v < def.lo || v > def.hi) {
      return bad(fmt::format("{} is out of range {}-{}", v, def.lo, i == 4 ? 6 : def.hi));
    }
    if (!f.values[v]) ++distinct;
    f.values[v] = true;
    return Status::OK();
  };
  size_t pos = 0;
  while (true) {
    size_t comma = text.find(',', pos);
    std::string_view e =
        text.substr(pos, comma == std::string_view::npos ? text.npos : comma - pos);
    if (e.empty()) return bad("empty list element");
    if (e == "*") {
      f.star = true;
    } else {
      // Split "a-b/s": "*/s" is lo-hi/s and "a/s" is a-hi/s, as croniter.
      std::string_view range = e, step_text;
      if (size_t slash = e.find('/'); slash != e.npos) {
        range = e.substr(0, slash);
        step_text = e.substr(slash + 1);
        if (!AllDigits(step_text) || step_text.size() > 3) {
          return bad(fmt::format("bad step '{}'", step_text));
        }
      }
      int low, high, step = step_text.empty() ? 1 : std::stoi(std::string(step_text));
      if (!step_text.empty() && step == 0) return bad("a step of 0");
      if (range == "*") {
        low = def.lo;
        high = def.hi;
      } else if (size_t dash = range.find('-'); dash != range.npos) {
        if (dash == 0) return bad("negative numbers are not allowed");
        low = ParseValue(range.substr(0, dash), i);
        high = ParseValue(range.substr(dash + 1), i);
        if (low < 0 || high < 0) return bad(fmt::format("bad range '{}'", range));
        if (low > high) {
          if (i == 4 && high == 0) {
            high = 7;  // "fri-sun": to the Sunday that ends the week
          } else {
            return bad(fmt::format("range '{}' runs backwards", range));
          }
        }
        if (high > def.hi)
          return bad(fmt::format("{} is out of range {}-{}", high, def.lo, def.hi));
      } else {
        low = ParseValue(range, i);
        if (low < 0) return bad(fmt::format("unknown value '{}'", range));
        high = step_text.empty() ? low : def.hi;
      }
      for (int v = low; v <= high; v += step) RETURN_IF_ERROR(add(v));
    }
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  // croniter keeps '*' as a list member next to numbers; only a lone '*' or a complete list
  // becomes ['*'] (which is what Airflow's every-hour test compares with).
  int size = distinct + (f.star ? 1 : 0);
  f.normalized_all = size == def.count || (f.star && distinct == 0);
  if (f.normalized_all || f.star) {
    f.star = true;
    std::fill(f.values.begin(), f.values.end(), true);
  }
  return f;
}

unsigned DaysInMonth(int year, unsigned month) {
  return static_cast<unsigned>((date::year(year) / date::month(month) / date::last).day());
}

int64_t CronFloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

struct Civil {
  int64_t day;  // days since 1970-01-01
  int year;
  unsigned month, mday;
  int hour, minute;
};

Civil ToCivil(int64_t minutes) {
  Civil c;
  c.day = CronFloorDiv(minutes, kMinutesPerDay);
  date::year_month_day ymd{date::sys_days{date::days{c.day}}};
  c.year = static_cast<int>(ymd.year());
  c.month = static_cast<unsigned>(ymd.month());
  c.mday = static_cast<unsigned>(ymd.day());
  int64_t mod = minutes - c.day * kMinutesPerDay;
  c.hour = static_cast<int>(mod / 60);
  c.minute = static_cast<int>(mod % 60);
  return c;
}

int64_t DayNumber(int year, unsigned month, unsigned day) {
  return date::sys_days{date::year(year) / date::month(month) / date::day(day)}
      .time_since_epoch()
      .count();
}

}  // namespace

bool CronFields::DayMatches(int year, unsigned m, unsigned d) const {
  bool dom_ok = dom[d];
  unsigned wd = date::weekday{date::year(year) / date::month(m) / date::day(d)}.c_encoding();
  bool dow_ok = dow[wd];
  if (dom_all) return dow_all || dow_ok;
  if (dow_all) return dom_ok;
  return dom_ok || dow_ok;
}

Result<CronFields> ParseCron(std::string_view expr) {
  std::string lower;
  for (char c : expr) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::vector<std::string_view> parts;
  std::string_view rest = lower;
  while (true) {
    size_t b = rest.find_first_not_of(" \t");
    if (b == rest.npos) break;
    size_t e = rest.find_first_of(" \t", b);
    parts.push_back(rest.substr(b, e == rest.npos ? rest.npos : e - b));
    if (e == rest.npos) break;
    rest = rest.substr(e);
  }
  if (parts.size() != 5) {
    return Status::InvalidArgument(fmt::format(
        "cron needs 5 fields (minute hour day-of-month month day-of-week), got {}: '{}'",
        parts.size(), expr));
  }
  std::array<Field, 5> f;
  for (size_t i = 0; i < 5; ++i) {
    ASSIGN_OR_RETURN(f[i], ParseField(parts[i], i, expr));
  }
  CronFields c;
  for (int v = 0; v < 60; ++v) c.minute[v] = f[0].values[v];
  for (int v = 0; v < 24; ++v) c.hour[v] = f[1].values[v];
  for (int v = 1; v <= 31; ++v) c.dom[v] = f[2].values[v];
  for (int v = 1; v <= 12; ++v) c.month[v] = f[3].values[v];
  for (int v = 0; v < 7; ++v) c.dow[v] = f[4].values[v];
  c.hour_all = f[1].normalized_all;
  c.dom_all = f[2].star;
  c.dow_all = f[4].star;
  if (!c.dom_all && c.dow_all) {
    // Days of month only: some listed month must have some listed day (Feb counts 29).
    bool possible = false;
    for (unsigned m = 1; m <= 12 && !possible; ++m) {
      if (!c.month[m]) continue;
      for (unsigned d = 1; d <= DaysInMonth(2024, m); ++d) possible |= c.dom[d];
    }
    if (!possible) return Status::InvalidArgument(fmt::format("cron '{}' never fires", expr));
  }
  return c;
}

std::optional<int64_t> CronNextLocal(const CronFields& c, int64_t local_ms) {
  int64_t m = CronFloorDiv(local_ms, 60'000) + 1;
  const int start_year = ToCivil(m).year;
  while (true) {
    Civil t = ToCivil(m);
    if (t.year - start_year > kMaxYears) return std::nullopt;
    if (!c.month[t.month]) {  // the first day of the next month
      auto next =
          date::year_month_day{date::year(t.year) / date::month(t.month) / 1} + date::months(1);
      m = DayNumber(static_cast<int>(next.year()), static_cast<unsigned>(next.month()), 1) *
          kMinutesPerDay;
      continue;
    }
    if (!c.DayMatches(t.year, t.month, t.mday)) {
      m = (t.day + 1) * kMinutesPerDay;
      continue;
    }
    if (!c.hour[t.hour]) {
      int h = t.hour + 1;
      while (h < 24 && !c.hour[h]) ++h;
      m = t.day * kMinutesPerDay + h * 60;  // h == 24 rolls into the next day
      continue;
    }
    if (!c.minute[t.minute]) {
      int mi = t.minute + 1;
      while (mi < 60 && !c.minute[mi]) ++mi;
      m = t.day * kMinutesPerDay + t.hour * 60 + mi;
      continue;
    }
    return m * 60'000;
  }
}

std::optional<int64_t> CronPrevLocal(const CronFields& c, int64_t local_ms) {
  int64_t m = -CronFloorDiv(-local_ms, 60'000) - 1;  // ceil to a minute, then one back
  const int start_year = ToCivil(m).year;
  while (true) {
    Civil t = ToCivil(m);
    if (start_year - t.year > kMaxYears) return std::nullopt;
    if (!c.month[t.month]) {  // the last minute of the previous month
      m = DayNumber(t.year, t.month, 1) * kMinutesPerDay - 1;
      continue;
    }
    if (!c.DayMatches(t.year, t.month, t.mday)) {
      m = t.day * kMinutesPerDay - 1;
      continue;
    }
    if (!c.hour[t.hour]) {
      int h = t.hour - 1;
      while (h >= 0 && !c.hour[h]) --h;
      m = t.day * kMinutesPerDay + h * 60 + 59;  // h == -1: the previous day's last minute
      continue;
    }
    if (!c.minute[t.minute]) {
      int mi = t.minute - 1;
      while (mi >= 0 && !c.minute[mi]) --mi;
      m = t.day * kMinutesPerDay + t.hour * 60 + mi;
      continue;
    }
    return m * 60'000;
  }
}

}  // namespace kappa::orchestrator
