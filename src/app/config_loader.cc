// Loads kappa.yaml into PipelineConfig: the top level here, each section in its own file
// (config_section.h has the table). Structure and key names: docs/formats/config.md.
// Invariant: a config that loads has every cross-reference resolved (jobs -> topics/tables,
// producers -> sources/mappings/topics) and every mapping compiled, so `kappa up` fails
// before it touches the data directory, never halfway through.
#include <fmt/format.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "app/config.h"
#include "app/config_section.h"
#include "app/yaml_reader.h"

namespace kappa::app {
namespace {

Result<PipelineConfig> Load(const YamlReader& r, const YAML::Node& root) {
  PipelineConfig c;
  c.file = r.file();
  if (root.IsNull()) return r.Error(root, "the file is empty; see docs/formats/config.md");
  std::vector<std::string_view> keys;
  for (const ConfigSection& s : ConfigSections()) keys.push_back(s.key);
  RETURN_IF_ERROR(r.CheckKeys(root, keys, "the top level"));
  for (const ConfigSection& s : ConfigSections()) {
    if (const YAML::Node& n = root[std::string(s.key)]) RETURN_IF_ERROR(s.load(r, n, &c));
  }
  for (const ConfigSection& s : ConfigSections()) {
    if (s.validate) RETURN_IF_ERROR(s.validate(c));
  }
  return c;
}

}  // namespace

Result<PipelineConfig> LoadConfigText(std::string_view text, std::string_view file_name) {
  std::string file(file_name);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    if (e.mark.is_null()) return Status::InvalidArgument(fmt::format("{}: {}", file, e.msg));
    return Status::InvalidArgument(fmt::format("{}:{}:{}: {}", file, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  try {
    return Load(YamlReader(file), root);
  } catch (const YAML::Exception& e) {
    // Node access on a malformed document; report where yaml-cpp says.
    return Status::InvalidArgument(fmt::format("{}:{}:{}: {}", file, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
}

Result<PipelineConfig> LoadConfigFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Status::InvalidArgument(fmt::format(
        "config file {} is a directory; pass the YAML file (e.g. {}/kappa.yaml)", path,
        path.size() > 1 && path.back() == '/' ? path.substr(0, path.size() - 1) : path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::NotFound(fmt::format("cannot read config file {}: {} (the default is config/kappa.yaml)", path, std::strerror(errno)));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return LoadConfigText(ss.str(), path);
}

Result<PipelineConfig> LoadDefaultConfig() {
  return LoadConfigText(DefaultConfigText(), kDefaultConfigName);
}

}  // namespace kappa::app
