// DATA_DIR/up.json: where the `kappa up` owning a data directory serves (app.h).
#include <unistd.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <regex>

#include "app/app.h"
#include "common/data_dir_lock.h"
#include "common/env.h"

namespace kappa::app {
namespace {

std::string PathOf(const std::string& data_dir) { return data_dir + "/up.json"; }

// The pid in DataDirLock::Owner's text ("pid 4242 (kappa up, since ...)"), 0 if none.
int64_t OwnerPid(const std::string& data_dir) {
  static const std::regex kPid(R"(^pid (\d+))");
  std::string owner = DataDirLock::Owner(data_dir);
  std::smatch m;
  if (!std::regex_search(owner, m, kPid)) return 0;
  return std::stoll(m[1].str());
}

}  // namespace

Status WriteUpEndpoints(const std::string& data_dir, const UpEndpoints& e) {
  nlohmann::json doc = {{"pid", e.pid}, {"kafka", e.kafka}, {"cql", e.cql}, {"http", e.http},
                          {"console", e.console}};
  return Env::Default()->WriteFileAtomic(PathOf(data_dir), doc.dump() + "\n");
}

void RemoveUpEndpoints(const std::string& data_dir) {
  std::remove(PathOf(data_dir).c_str());  // best effort: a stale file is ignored anyway
}

std::optional<UpEndpoints> FindRunningUp(const std::string& data_dir) {
  auto text = Env::Default()->ReadFile(PathOf(data_dir));
  if (!text.ok()) return std::nullopt;
  auto doc = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return std::nullopt;
  UpEndpoints e;
  e.pid = doc.value("pid", int64_t(0));
  e.kafka = doc.value("kafka", "");
  e.cql = doc.value("cql", "");
  e.http = doc.value("http", "");
  e.console = doc.value("console", "");
  // Only the process holding the directory's lock now; not a file a killed one left behind.
  if (e.pid <= 0 || e.pid != OwnerPid(data_dir)) return std::nullopt;
  return e;
}

}  // namespace kappa::app
