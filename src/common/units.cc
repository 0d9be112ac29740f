#include "common/strings.h"
#include "common/units.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string>
#include <utility>

namespace kappa {
namespace {

// Splits "1.5GiB" into 1.5 and "GiB". False if there is no leading non-negative number.
bool SplitNumberUnit(std::string_view s, double* number, std::string_view* number_text,
                     std::string_view* unit) {
  s = TrimSpace(s);
  size_t i = 0;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
  if (i == 0) return false;
  std::string num(s.substr(0, i));
  char* end = nullptr;
  *number = std::strtod(num.c_str(), &end);
  if (end != num.c_str() + num.size() || !std::isfinite(*number)) return false;
  *number_text = s.substr(0, i);
  *unit = TrimSpace(s.substr(i));
  return true;
}

struct Unit {
  std::string_view name;
  double factor;
};

}  // namespace

Result<int64_t> ParseDurationMs(std::string_view text) {
  double n;
  std::string_view num, unit;
  if (!SplitNumberUnit(text, &n, &num, &unit)) {
    return Status::InvalidArgument(
        fmt::format("'{}' is not a duration (examples: 500ms, 10s, 2m, 1h, 7d)", text));
  }
  if (unit.empty()) {
    if (n == 0) return int64_t{0};
    return Status::InvalidArgument(
        fmt::format("'{0}' has no unit: write {0}s, {0}ms, {0}m, {0}h or {0}d", num));
  }
  static constexpr Unit kUnits[] = {{"ms", 1},       {"s", 1e3},     {"m", 60e3},
                                    {"min", 60e3},   {"h", 3600e3},  {"d", 86400e3}};
  for (const Unit& u : kUnits) {
    if (unit != u.name) continue;
    double v = n * u.factor;
    if (v > 9.0e18) {
      return Status::InvalidArgument(fmt::format("duration '{}' is too large", text));
    }
    return static_cast<int64_t>(std::llround(v));
  }
  return Status::InvalidArgument(
      fmt::format("unknown duration unit '{}' in '{}' (use ms, s, m, h or d)", unit, text));
}

Result<int64_t> ParseByteSize(std::string_view text) {
  double n;
  std::string_view num, unit;
  if (!SplitNumberUnit(text, &n, &num, &unit)) {
    return Status::InvalidArgument(
        fmt::format("'{}' is not a size (examples: 4096, 64MiB, 1GiB)", text));
  }
  static constexpr Unit kUnits[] = {
      {"", 1},          {"B", 1},
      {"KiB", 1024.0},  {"MiB", 1024.0 * 1024}, {"GiB", 1024.0 * 1024 * 1024},
      {"TiB", 1024.0 * 1024 * 1024 * 1024},
      {"KB", 1e3},      {"MB", 1e6},            {"GB", 1e9}, {"TB", 1e12},
  };
  for (const Unit& u : kUnits) {
    if (unit != u.name) continue;
    double v = n * u.factor;
    if (v > 9.0e18) return Status::InvalidArgument(fmt::format("size '{}' is too large", text));
    return static_cast<int64_t>(v);
  }
  return Status::InvalidArgument(fmt::format(
      "unknown size unit '{}' in '{}' (use B, KiB, MiB, GiB, TiB, KB, MB, GB, TB)", unit, text));
}

std::string FormatDurationMs(int64_t ms) {
  if (ms == 0) return "0";
  static constexpr std::pair<int64_t, std::string_view> kUnits[] = {
      {86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1'000, "s"}};
  for (const auto& [factor, name] : kUnits) {
    if (ms % factor == 0) return fmt::format("{}{}", ms / factor, name);
  }
  return fmt::format("{}ms", ms);
}

std::string FormatByteSize(int64_t bytes) {
  if (bytes == 0) return "0";
  static constexpr std::pair<int64_t, std::string_view> kUnits[] = {
      {int64_t{1} << 40, "TiB"}, {int64_t{1} << 30, "GiB"}, {int64_t{1} << 20, "MiB"},
      {int64_t{1} << 10, "KiB"}};
  for (const auto& [factor, name] : kUnits) {
    if (bytes % factor == 0) return fmt::format("{}{}", bytes / factor, name);
  }
  return std::to_string(bytes);
}

}  // namespace kappa
