#include "cli/cli_common.h"

#include <fmt/format.h>

#include <cstdio>
#include <iostream>

#include "common/host_port.h"
#include "common/units.h"
#include "security/security.h"

namespace kappa::cli {

void AddDataDirOption(CLI::App* cmd, std::string* dir) {
  *dir = "./kappa-data";
  cmd->add_option("--data-dir", *dir, "Data directory (topics, tables, offsets)")
      ->capture_default_str();
}

void AddSecurityDirOptions(CLI::App* cmd, SecurityDirArgs* a, const char* what) {
  cmd->add_option("--data-dir", a->data_dir,
                  fmt::format("Data directory whose {} to use (overrides data_dir of --config)",
                              what))
      ->capture_default_str();
  cmd->add_option("--config", a->config_file, "Config file whose data_dir to use");
}

std::string SecurityDirOf(const CLI::App* cmd, const SecurityDirArgs& a) {
  std::string dir = a.data_dir;
  if (cmd->count("--data-dir") == 0 && !a.config_file.empty()) {
    auto config = app::LoadConfigFile(a.config_file);
    if (!config.ok()) Fail(config.status(), 2);
    dir = config->data_dir;
  }
  return security::SecurityDir(dir);
}

Result<std::unique_ptr<app::Runtime>> OpenDataDir(const std::string& dir, const std::string& what,
                                                  Access access, bool log, bool store,
                                                  log::LogOptions log_options) {
  app::RuntimeOptions o;
  o.data_dir = dir;
  o.owner = what;
  o.access = access;
  o.open_log = log;
  o.open_store = store;
  o.log = std::move(log_options);
  return app::Runtime::Open(o);
}

void Fail(const Status& s, int code) {
  std::cerr << "error: " << s.ToString() << "\n";
  throw CLI::RuntimeError(code);
}

void Fail(const std::string& message, int code) {
  std::cerr << "error: " << message << "\n";
  throw CLI::RuntimeError(code);
}

namespace {

// `name` is CLI11's spelling, possibly with aliases ("-t,--timeout"): messages use the last.
std::string FlagName(const std::string& name) {
  size_t comma = name.rfind(',');
  return comma == std::string::npos ? name : name.substr(comma + 1);
}

}  // namespace

CLI::Option* AddDurationOption(CLI::App* cmd, const std::string& name, int64_t* ms,
                               const std::string& help, bool show_default) {
  const std::string flag = FlagName(name);
  CLI::Option* o = cmd->add_option_function<std::string>(
      name,
      [ms, flag](const std::string& text) {
        auto v = ParseDurationMs(text);
        if (!v.ok()) Fail(flag + ": " + v.status().message(), 2);
        *ms = *v;
      },
      help);
  o->type_name("DURATION");
  if (show_default) o->default_str(FormatDurationMs(*ms));
  return o;
}

CLI::Option* AddSizeOption(CLI::App* cmd, const std::string& name, int64_t* bytes,
                           const std::string& help, bool show_default) {
  const std::string flag = FlagName(name);
  CLI::Option* o = cmd->add_option_function<std::string>(
      name,
      [bytes, flag](const std::string& text) {
        auto v = ParseByteSize(text);
        if (!v.ok()) Fail(flag + ": " + v.status().message(), 2);
        *bytes = *v;
      },
      help);
  o->type_name("SIZE");
  if (show_default) o->default_str(FormatByteSize(*bytes));
  return o;
}

CLI::Option* CheckHostPortList(CLI::Option* option) {
  const std::string flag = FlagName(option->get_name());
  return option->check([flag](const std::string& text) {
    auto list = ParseHostPortList(text);
    if (!list.ok()) Fail(flag + ": " + list.status().message(), 2);
    return std::string();
  });
}

std::string EscapeLine(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (unsigned char c : v) {
    switch (c) {
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\\': out += "\\\\"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char b[5];
          std::snprintf(b, sizeof(b), "\\x%02x", c);
          out += b;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

std::string HumanBytes(uint64_t n) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char b[32];
  std::snprintf(b, sizeof(b), u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return b;
}

}  // namespace kappa::cli
