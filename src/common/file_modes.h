// kappa's files hold users' data: they are created owner-only (rw-------, directories
// rwx------), whatever the umask. Env (env.h) and the data-dir lock use these; RocksDB creates
// its own files, for which the `kappa` binary sets umask 077 at start (cli/main.cc).
#pragma once

#include <string>

#include "common/status.h"

namespace kappa {

inline constexpr int kFileMode = 0600;
inline constexpr int kDirMode = 0700;

// mkdir -p with kDirMode for every directory it creates (existing ones keep their mode).
// IOError if a component exists and is not a directory.
Status CreateDirsOwnerOnly(const std::string& dir);

}  // namespace kappa
