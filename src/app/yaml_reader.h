// YamlReader: typed, position-aware access to a yaml-cpp document for the config loader.
// Every error is InvalidArgument "FILE:LINE:COL: problem", with a "did you mean" hint for
// misspelt keys. Private to src/app (the only
// code that knows the config file format).
#pragma once

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

#include "common/status.h"

namespace kappa::app {

class YamlReader {
 public:
  explicit YamlReader(std::string file) : file_(std::move(file)) {}
  const std::string& file() const { return file_; }

  // "FILE:LINE:COL: msg" at `node` (or just "FILE: msg" when the node has no position).
  Status Error(const YAML::Node& node, std::string_view msg) const;

  // "FILE:LINE:COL" of `node` (just "FILE" when it has no position), for checks made after
  // loading that must still point at the line.
  std::string Where(const YAML::Node& node) const;

  // Fails on the first key of map `node` not in `allowed`: "unknown key 'patitions' in
  // topics[0] (did you mean 'partitions'?)". `where` names the map for the message.
  Status CheckKeys(const YAML::Node& node, std::span<const std::string_view> allowed,
                   std::string_view where) const;
  Status CheckKeys(const YAML::Node& node, std::initializer_list<std::string_view> allowed,
                   std::string_view where) const {
    return CheckKeys(node, std::span<const std::string_view>(allowed.begin(), allowed.size()),
                     where);
  }
  // Fails unless `node` is a map / a sequence.
  Status ExpectMap(const YAML::Node& node, std::string_view where) const;
  Status ExpectSeq(const YAML::Node& node, std::string_view where) const;

  // Scalar getters: `node` must be a scalar of the right shape; `what` names the field.
  Result<std::string> String(const YAML::Node& node, std::string_view what) const;
  Result<int64_t> Int(const YAML::Node& node, std::string_view what, int64_t min,
                      int64_t max) const;
  Result<double> Double(const YAML::Node& node, std::string_view what, double min) const;
  Result<bool> Bool(const YAML::Node& node, std::string_view what) const;
  Result<int64_t> ByteSize(const YAML::Node& node, std::string_view what) const;
  Result<int64_t> DurationMs(const YAML::Node& node, std::string_view what) const;
  // Any node as JSON (task arguments, DAG params): maps, lists, and scalars typed as YAML 1.2's
  // core schema reads plain ones (null/~, true/false, integers, decimals; anything else a
  // string). A quoted scalar is always a string ("42" stays text).
  Result<nlohmann::json> Json(const YAML::Node& node, std::string_view what) const;

 private:
  std::string file_;
};

// Levenshtein distance, for suggestions.
size_t EditDistance(std::string_view a, std::string_view b);

}  // namespace kappa::app
