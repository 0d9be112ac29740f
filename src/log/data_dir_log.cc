#include "log/data_dir_log.h"

namespace kappa::log {

Result<DataDirLog> OpenDataDirLog(const std::string& data_dir, const std::string& what,
                                  Access access, LogOptions base) {
  DataDirLog out;
  base.dir = JoinPath(data_dir, "log");
  auto lock = access == Access::kReadOnly
                  ? Result<std::unique_ptr<DataDirLock>>(Status::Unavailable("read-only"))
                  : DataDirLock::Acquire(data_dir, what);
  if (!lock.ok()) {
    if (!lock.status().IsUnavailable() || access == Access::kReadWrite) return lock.status();
    base.read_only = true;
    out.read_only = true;
  } else {
    out.lock = std::move(lock).value();
    base.read_only = false;
  }
  auto log = Log::Open(base);
  if (!log.ok()) return log.status();
  out.log = std::move(log).value();
  return out;
}

}  // namespace kappa::log
