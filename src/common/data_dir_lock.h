// DataDirLock: one process owns a data directory at a time. The owner holds an exclusive
// flock(2) on DIR/LOCK, which also names it (pid, command, start time). The kernel drops the
// lock when the process dies, including on kill -9, so a stale LOCK file never blocks.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"

namespace kappa {

class DataDirLock {
 public:
  ~DataDirLock();
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

  // Creates `dir` if needed and takes the lock. If another process holds it, returns
  // Unavailable with a message naming that process, e.g.
  // "data directory ./kappa-data is in use by pid 4242 (kappa up, since 2026-11-22 10:00:01)".
  // `what` describes this process for the next one that finds the lock taken.
  static Result<std::unique_ptr<DataDirLock>> Acquire(const std::string& dir,
                                                       const std::string& what);
  // Who holds the lock on `dir`, or an empty string if nobody does.
  static std::string Owner(const std::string& dir);

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace kappa
