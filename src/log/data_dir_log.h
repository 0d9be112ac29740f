// Opening the log of a data directory the way the `kappa` commands do: writers take the
// data-dir lock and open <data_dir>/log read-write; readers open it read-only (no lock, no
// recovery, nothing written), whether or not another process owns the directory.
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

enum class Access { kReadWrite, kReadOnly };

// kReadWrite: Unavailable (naming the owner) if the lock is taken.
// kReadOnly: never takes the lock and writes nothing; NotFound if there is no log yet.
// `what` names this process in the lock file ("kappa produce").
Result<DataDirLog> OpenDataDirLog(const std::string& data_dir, const std::string& what,
                                  Access access, LogOptions base = {});

}  // namespace kappa::log
