// Names of compatibility levels and modes, and version parsing (registry/registry.h).
#include <charconv>

#include "registry/registry.h"
#include "registry/registry_errors.h"

namespace kappa::registry {

namespace {
constexpr std::pair<Compatibility, std::string_view> kLevels[] = {
    {Compatibility::kBackward, "BACKWARD"},
    {Compatibility::kBackwardTransitive, "BACKWARD_TRANSITIVE"},
    {Compatibility::kForward, "FORWARD"},
    {Compatibility::kForwardTransitive, "FORWARD_TRANSITIVE"},
    {Compatibility::kFull, "FULL"},
    {Compatibility::kFullTransitive, "FULL_TRANSITIVE"},
    {Compatibility::kNone, "NONE"},
};
constexpr std::pair<Mode, std::string_view> kModes[] = {
    {Mode::kReadWrite, "READWRITE"},
    {Mode::kReadOnly, "READONLY"},
    {Mode::kImport, "IMPORT"},
};
}  // namespace

std::string_view CompatibilityName(Compatibility c) {
  for (const auto& [v, n] : kLevels) {
    if (v == c) return n;
  }
  return "BACKWARD";
}

std::optional<Compatibility> ParseCompatibility(std::string_view name) {
  for (const auto& [v, n] : kLevels) {
    if (n == name) return v;
  }
  return std::nullopt;
}

std::string_view ModeName(Mode m) {
  for (const auto& [v, n] : kModes) {
    if (v == m) return n;
  }
  return "READWRITE";
}

std::optional<Mode> ParseMode(std::string_view name) {
  for (const auto& [v, n] : kModes) {
    if (n == name) return v;
  }
  return std::nullopt;
}

Result<int32_t> ParseVersion(std::string_view text) {
  if (text == "latest") return kLatestVersion;
  int32_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || (v < 1 && v != kLatestVersion)) {
    return InvalidVersion(text);
  }
  return v;
}

}  // namespace kappa::registry
