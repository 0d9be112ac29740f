// Loads kappa.yaml into PipelineConfig: the top level here, each section in its own file
// (config_section.h has the table). Structure and key names: docs/formats/config.md.
// Invariant: a config that loads has every cross-reference resolved (jobs -> topics/tables,
// producers -> sources/mappings/topics) and every mapping compiled, so `kappa up` fails
// before it touches the data directory, never halfway through.
#include <fmt/format.h>

#include <cstdlib>
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

// Config providers, as Kafka's `${file:...}` and Compose's environment: `${env:NAME}` and
// `${file:PATH}` anywhere in a scalar value are replaced by the environment variable, or by
// the file's contents without one trailing newline (a relative PATH is relative to the
// config file's folder). Secrets (passwords, keys' paths) stay out of the file, e.g. in
// Docker secrets under /run/secrets. Other `${...}` text (a command task's shell variables)
// is left as it is. Errors name the place and the variable or file, never a value.
constexpr size_t kMaxProvidedFileBytes = 1 << 20;

Status ResolveScalar(const YamlReader& r, YAML::Node node, const std::filesystem::path& base) {
  const std::string v = node.Scalar();
  if (v.find("${env:") == std::string::npos && v.find("${file:") == std::string::npos) {
    return Status::OK();
  }
  std::string out;
  size_t i = 0;
  while (i < v.size()) {
    size_t env = v.find("${env:", i), file = v.find("${file:", i);
    size_t start = std::min(env, file);
    if (start == std::string::npos) {
      out.append(v, i, std::string::npos);
      break;
    }
    out.append(v, i, start - i);
    const bool is_env = start == env;
    const size_t arg_at = start + (is_env ? 6 : 7);
    const size_t close = v.find('}', arg_at);
    if (close == std::string::npos) {
      return r.Error(node, fmt::format("'{}' is not closed by '}}'", v.substr(start, 7)));
    }
    const std::string arg = v.substr(arg_at, close - arg_at);
    if (arg.empty()) {
      return r.Error(node, is_env ? "${env:} needs a variable name" : "${file:} needs a path");
    }
    if (is_env) {
      const char* value = std::getenv(arg.c_str());
      if (value == nullptr) {
        return r.Error(node, fmt::format("${{env:{}}}: the environment variable {} is not set",
                                         arg, arg));
      }
      out += value;
    } else {
      std::filesystem::path path(arg);
      if (path.is_relative()) path = base / path;
      std::ifstream in(path, std::ios::binary);
      if (!in) {
        return r.Error(node, fmt::format("${{file:{}}}: cannot read {}: {}", arg, path.string(),
                                         std::strerror(errno)));
      }
      std::string text(kMaxProvidedFileBytes + 1, '\0');
      in.read(text.data(), std::streamsize(text.size()));
      text.resize(size_t(in.gcount()));
      if (text.size() > kMaxProvidedFileBytes) {
        return r.Error(node, fmt::format("${{file:{}}}: {} is larger than 1 MiB", arg,
                                         path.string()));
      }
      if (!text.empty() && text.back() == '\n') text.pop_back();
      if (!text.empty() && text.back() == '\r') text.pop_back();
      out += text;
    }
    i = close + 1;
  }
  node = out;  // the node keeps its position for later errors
  return Status::OK();
}

Status ResolveProviders(const YamlReader& r, YAML::Node node, const std::filesystem::path& base) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return ResolveScalar(r, node, base);
    case YAML::NodeType::Sequence:
      for (YAML::Node child : node) RETURN_IF_ERROR(ResolveProviders(r, child, base));
      return Status::OK();
    case YAML::NodeType::Map:
      for (auto it = node.begin(); it != node.end(); ++it) {
        RETURN_IF_ERROR(ResolveProviders(r, it->second, base));
      }
      return Status::OK();
    default:
      return Status::OK();
  }
}

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
    YamlReader reader(file);
    std::filesystem::path base = std::filesystem::path(file).parent_path();
    RETURN_IF_ERROR(ResolveProviders(reader, root, base));
    return Load(reader, root);
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
