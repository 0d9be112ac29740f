#include "cli/cli_common.h"

#include <cstdio>
#include <iostream>

#include "common/units.h"

namespace kappa::cli {

void AddDataDirOption(CLI::App* cmd, std::string* dir) {
  *dir = "./kappa-data";
  cmd->add_option("--data-dir", *dir, "Data directory (topics, tables, offsets)")
      ->capture_default_str();
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

int64_t ParseDurationFlag(const std::string& flag, const std::string& text) {
  auto ms = ParseDurationMs(text);
  if (!ms.ok()) Fail(flag + ": " + ms.status().message(), 2);
  return *ms;
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
