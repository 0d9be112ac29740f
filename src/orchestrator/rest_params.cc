// Query parameters as Airflow's API reads them: paging (parameters.check_limit), booleans and
// numbers (connexion's validation), dates (parameters.format_datetime), order_by
// (parameters.apply_sorting); and RFC 3339 date-times.
#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cstdlib>

#include "common/strings.h"
#include "orchestrator/rest_common.h"

namespace kappa::orchestrator::rest {

namespace {

bool ParseInt64(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (Howard Hinnant's
// days_from_civil), so no time zone database is needed for UTC offsets.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// Reads exactly `n` digits at `*pos`.
bool ParseDigits(std::string_view s, size_t* pos, size_t n, int* out) {
  if (*pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

}  // namespace

Result<TimeMs> ParseApiTime(std::string_view text, bool naive_is_utc) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument(fmt::format("'{}' is not an ISO 8601 date-time: {}", text, why));
  };
  size_t p = 0;
  int year, month, day, hour = 0, minute = 0, second = 0;
  if (!ParseDigits(text, &p, 4, &year) || p >= text.size() || text[p++] != '-' ||
      !ParseDigits(text, &p, 2, &month) || p >= text.size() || text[p++] != '-' ||
      !ParseDigits(text, &p, 2, &day)) {
    return bad("expected YYYY-MM-DD");
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return bad("month out of range");
  int mdays = kDays[month - 1] + (month == 2 && IsLeap(year) ? 1 : 0);
  if (day < 1 || day > mdays) return bad("day out of range");
  int64_t frac_ms = 0;
  bool has_time = false;
  if (p < text.size() && (text[p] == 'T' || text[p] == 't' || text[p] == ' ')) {
    ++p;
    has_time = true;
    if (!ParseDigits(text, &p, 2, &hour) || p >= text.size() || text[p++] != ':' ||
        !ParseDigits(text, &p, 2, &minute)) {
      return bad("expected hh:mm after the date");
    }
    if (p < text.size() && text[p] == ':') {
      ++p;
      if (!ParseDigits(text, &p, 2, &second)) return bad("expected seconds");
      if (p < text.size() && (text[p] == '.' || text[p] == ',')) {
        ++p;
        size_t start = p;
        int64_t scale = 100;
        while (p < text.size() && std::isdigit(static_cast<unsigned char>(text[p]))) {
          frac_ms += (text[p] - '0') * scale;  // digits past milliseconds are dropped
          scale /= 10;
          ++p;
        }
        if (p == start) return bad("expected digits after the decimal point");
      }
    }
    if (hour > 23 || minute > 59 || second > 59) return bad("time out of range");
  }
  int64_t offset_min = 0;
  bool has_offset = false;
  if (p < text.size()) {
    if (!has_time) return bad("unexpected text after the date");
    char c = text[p];
    if (c == 'Z' || c == 'z') {
      ++p;
      has_offset = true;
    } else if (c == '+' || c == '-') {
      ++p;
      int oh = 0, om = 0;
      if (!ParseDigits(text, &p, 2, &oh)) return bad("expected an offset +hh:mm");
      if (p < text.size() && text[p] == ':') ++p;
      if (p < text.size() && !ParseDigits(text, &p, 2, &om)) return bad("expected an offset +hh:mm");
      if (oh > 23 || om > 59) return bad("offset out of range");
      offset_min = (oh * 60 + om) * (c == '-' ? -1 : 1);
      has_offset = true;
    }
    if (p != text.size()) return bad("unexpected text after the time");
  }
  if (!has_offset && !naive_is_utc) {
    return Status::InvalidArgument(
        fmt::format("Naive datetime is disallowed: '{}' needs an offset such as +00:00", text));
  }
  int64_t days = DaysFromCivil(year, unsigned(month), unsigned(day));
  int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_min * 60;
  return secs * 1000 + frac_ms;
}

Result<Page> ParsePage(const Req& req) {
  Page page;
  if (auto v = req.Query("limit")) {
    int64_t n;
    if (!ParseInt64(*v, &n)) {
      return Status::InvalidArgument(fmt::format("'{}' is not of type 'integer' - 'limit'", *v));
    }
    if (n < 0) return Status::InvalidArgument("Page limit must be a positive integer");
    // check_limit: 0 means the fallback page size, more than the maximum is capped.
    page.limit = n == 0 ? kMaxPageLimit : std::min(n, kMaxPageLimit);
  }
  if (auto v = req.Query("offset")) {
    int64_t n;
    if (!ParseInt64(*v, &n)) {
      return Status::InvalidArgument(fmt::format("'{}' is not of type 'integer' - 'offset'", *v));
    }
    if (n < 0) {
      return Status::InvalidArgument(fmt::format("{} is less than the minimum of 0 - 'offset'", n));
    }
    page.offset = n;
  }
  return page;
}

std::vector<std::string> QueryAll(const Req& req, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [n, v] : req.query) {
    if (n == name) out.push_back(v);
  }
  return out;
}

Result<std::optional<bool>> QueryBool(const Req& req, std::string_view name) {
  auto v = req.Query(name);
  if (!v) return std::optional<bool>();
  std::string l = AsciiLower(*v);
  if (l == "true" || l == "1") return std::optional<bool>(true);
  if (l == "false" || l == "0") return std::optional<bool>(false);
  return Status::InvalidArgument(fmt::format("'{}' is not of type 'boolean' - '{}'", *v, name));
}

Result<std::optional<double>> QueryNumber(const Req& req, std::string_view name) {
  auto v = req.Query(name);
  if (!v) return std::optional<double>();
  std::string s(*v);
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size()) {
    return Status::InvalidArgument(fmt::format("'{}' is not of type 'number' - '{}'", s, name));
  }
  return std::optional<double>(d);
}

Result<std::optional<TimeMs>> QueryTime(const Req& req, std::string_view name) {
  auto v = req.Query(name);
  if (!v) return std::optional<TimeMs>();
  std::string s(*v);
  for (char& c : s) {
    if (c == ' ') c = '+';
  }
  // After the '+' swap a date-time's separator may be '+' too ("2023-09-03+10:00:00"): only
  // the first character after the date can be that separator.
  if (s.size() > 10 && s[10] == '+') s[10] = 'T';
  Result<TimeMs> t = ParseApiTime(s, /*naive_is_utc=*/true);
  if (!t.ok()) {
    return Status::InvalidArgument(
        fmt::format("Incorrect datetime argument for '{}': {}", name, t.status().message()));
  }
  return std::optional<TimeMs>(*t);
}

Result<OrderBy> ParseOrderBy(const Req& req, std::string_view fallback,
                             const std::vector<std::string_view>& allowed) {
  std::string_view v = req.Query("order_by").value_or(fallback);
  if (v.empty()) v = fallback;
  OrderBy o;
  if (v.front() == '-') {
    o.descending = true;
    v.remove_prefix(1);
  }
  o.field = std::string(v);
  for (auto a : allowed) {
    if (a == v) return o;
  }
  return Status::InvalidArgument(fmt::format(
      "Ordering with '{}' is disallowed or the attribute does not exist on the model", v));
}

}  // namespace kappa::orchestrator::rest
