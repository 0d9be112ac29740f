#include "app/yaml_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <vector>

#include "common/units.h"

namespace kappa::app {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string YamlReader::Where(const YAML::Node& node) const {
  YAML::Mark m = node.IsDefined() ? node.Mark() : YAML::Mark::null_mark();
  if (m.is_null() || m.line < 0) return file_;
  return fmt::format("{}:{}:{}", file_, m.line + 1, m.column + 1);
}

Status YamlReader::Error(const YAML::Node& node, std::string_view msg) const {
  return Status::InvalidArgument(fmt::format("{}: {}", Where(node), msg));
}

Status YamlReader::ExpectMap(const YAML::Node& node, std::string_view where) const {
  if (node.IsMap()) return Status::OK();
  if (node.IsNull()) return Error(node, fmt::format("{} is empty; expected a mapping", where));
  return Error(node, fmt::format("{} must be a mapping (key: value lines)", where));
}

Status YamlReader::ExpectSeq(const YAML::Node& node, std::string_view where) const {
  if (node.IsSequence()) return Status::OK();
  return Error(node, fmt::format("{} must be a list (lines starting with '- ')", where));
}

Status YamlReader::CheckKeys(const YAML::Node& node,
                             std::span<const std::string_view> allowed,
                             std::string_view where) const {
  RETURN_IF_ERROR(ExpectMap(node, where));
  std::vector<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) return Error(it->first, fmt::format("a key in {} is not a name", where));
    std::string key = it->first.Scalar();
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      return Error(it->first, fmt::format("duplicate key '{}' in {}", key, where));
    }
    seen.push_back(key);
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string_view best;
    size_t best_d = 3;  // suggest only close matches
    for (std::string_view a : allowed) {
      size_t d = EditDistance(key, a);
      if (d < best_d) {
        best_d = d;
        best = a;
      }
    }
    std::string msg = fmt::format("unknown key '{}' in {}", key, where);
    if (!best.empty()) {
      msg += fmt::format(" (did you mean '{}'?)", best);
    } else {
      std::string list;
      for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      msg += " (known keys: " + list + ")";
    }
    return Error(it->first, msg);
  }
  return Status::OK();
}

Result<std::string> YamlReader::String(const YAML::Node& node, std::string_view what) const {
  if (!node.IsScalar()) return Error(node, fmt::format("{} must be a single value", what));
  return node.Scalar();
}

Result<int64_t> YamlReader::Int(const YAML::Node& node, std::string_view what, int64_t min,
                                int64_t max) const {
  ASSIGN_OR_RETURN(std::string s, String(node, what));
  int64_t v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) {
    return Error(node, fmt::format("{} must be a whole number, not '{}'", what, s));
  }
  if (v < min || v > max) {
    return Error(node, fmt::format("{} must be between {} and {}, not {}", what, min, max, v));
  }
  return v;
}

Result<double> YamlReader::Double(const YAML::Node& node, std::string_view what,
                                  double min) const {
  ASSIGN_OR_RETURN(std::string s, String(node, what));
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !(v >= min) || v > 1e12) {
    return Error(node, fmt::format("{} must be a number >= {}, not '{}'", what, min, s));
  }
  return v;
}

Result<bool> YamlReader::Bool(const YAML::Node& node, std::string_view what) const {
  ASSIGN_OR_RETURN(std::string s, String(node, what));
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  return Error(node, fmt::format("{} must be true or false, not '{}'", what, s));
}

Result<int64_t> YamlReader::ByteSize(const YAML::Node& node, std::string_view what) const {
  ASSIGN_OR_RETURN(std::string s, String(node, what));
  auto v = ParseByteSize(s);
  if (!v.ok()) return Error(node, fmt::format("{}: {}", what, v.status().message()));
  return *v;
}

Result<int64_t> YamlReader::DurationMs(const YAML::Node& node, std::string_view what) const {
  ASSIGN_OR_RETURN(std::string s, String(node, what));
  auto v = ParseDurationMs(s);
  if (!v.ok()) return Error(node, fmt::format("{}: {}", what, v.status().message()));
  return *v;
}

Result<nlohmann::json> YamlReader::Json(const YAML::Node& node, std::string_view what) const {
  if (!node.IsDefined() || node.IsNull()) return nlohmann::json(nullptr);
  if (node.IsMap()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (!it->first.IsScalar()) return Error(it->first, fmt::format("a key in {} is not a name", what));
      std::string key = it->first.Scalar();
      if (out.contains(key)) return Error(it->first, fmt::format("duplicate key '{}' in {}", key, what));
      ASSIGN_OR_RETURN(out[key], Json(it->second, fmt::format("{}.{}", what, key)));
    }
    return out;
  }
  if (node.IsSequence()) {
    nlohmann::json out = nlohmann::json::array();
    for (size_t i = 0; i < node.size(); ++i) {
      ASSIGN_OR_RETURN(nlohmann::json v, Json(node[i], fmt::format("{}[{}]", what, i)));
      out.push_back(std::move(v));
    }
    return out;
  }
  const std::string& s = node.Scalar();
  if (node.Tag() == "!") return nlohmann::json(s);  // quoted: text, whatever it looks like
  if (s == "true" || s == "True" || s == "TRUE") return nlohmann::json(true);
  if (s == "false" || s == "False" || s == "FALSE") return nlohmann::json(false);
  int64_t i = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), i);
  if (!s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size()) return nlohmann::json(i);
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  bool numeric = !s.empty() && end == s.c_str() + s.size() &&
                 s.find_first_not_of("0123456789+-.eE") == std::string::npos;
  if (numeric) return nlohmann::json(d);
  return nlohmann::json(s);
}

}  // namespace kappa::app
