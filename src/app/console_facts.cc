// What the console's overview shows about this `kappa up` besides metrics (console::Facts):
// its listeners, start time and the disk its data directory's log and store use.
#include "app/console_facts.h"

#include <chrono>
#include <filesystem>
#include <memory>

#include "common/mutex.h"
#include "common/thread_annotations.h"

namespace kappa::app {
namespace {

// Bytes of the regular files under `dir` (0 if it does not exist). Errors (a file removed
// by retention meanwhile) skip that file.
int64_t DirBytes(const std::filesystem::path& dir) {
  std::error_code ec;
  int64_t total = 0;
  for (auto it = std::filesystem::recursive_directory_iterator(
           dir, std::filesystem::directory_options::skip_permission_denied, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code fec;
    if (it->is_regular_file(fec)) {
      auto n = it->file_size(fec);
      if (!fec) total += int64_t(n);
    }
  }
  return total;
}

// A directory's size, walked at most every 5 s however often the overview asks (its live
// feed asks every second; a walk of thousands of segment files is not free).
std::function<int64_t()> CachedDirBytes(std::filesystem::path dir) {
  struct Cache {
    Mutex mu;
    std::chrono::steady_clock::time_point at GUARDED_BY(mu);
    int64_t bytes GUARDED_BY(mu) = -1;
  };
  auto cache = std::make_shared<Cache>();
  return [cache, dir = std::move(dir)] {
    MutexLock lock(cache->mu);
    auto now = std::chrono::steady_clock::now();
    if (cache->bytes < 0 || now - cache->at > std::chrono::seconds(5)) {
      cache->bytes = DirBytes(dir);
      cache->at = now;
    }
    return cache->bytes;
  };
}

}  // namespace

console::Facts ConsoleFacts(const std::string& data_dir, std::string version,
                            std::vector<std::pair<std::string, std::string>> listeners) {
  console::Facts f;
  f.version = std::move(version);
  f.started_unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  f.listeners = std::move(listeners);
  f.log_bytes = CachedDirBytes(std::filesystem::path(data_dir) / "log");
  f.store_bytes = CachedDirBytes(std::filesystem::path(data_dir) / "store");
  return f;
}

}  // namespace kappa::app
