// Opening the log of a data directory the way the `kappa` commands do: take the data-dir
// lock and open <data_dir>/log read-write; if another process owns the directory and the
// caller only reads, fall back to a read-only open (no lock, no writes) instead of failing.
#pragma once

#include <memory>
#include <string>

#include "common/data_dir_lock.h"
#include "log/log.h"

namespace kappa::log {

struct DataDirLog {
  std::unique_ptr<DataDirLock> lock;  // null when opened read-only
  std::unique_ptr<Log> log;
  bool read_only = false;
};

enum class Access { kReadWrite, kReadPreferWrite, kReadOnly };

// kReadWrite: Unavailable (naming the owner) if the lock is taken.
// kReadPreferWrite: read-only open if the lock is taken; NotFound if there is no log yet.
// kReadOnly: never takes the lock (long-running readers that must not block writers).
// `what` names this process in the lock file ("kappa produce").
Result<DataDirLog> OpenDataDirLog(const std::string& data_dir, const std::string& what,
                                  Access access, LogOptions base = {});

}  // namespace kappa::log
