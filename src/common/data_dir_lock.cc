#include "common/data_dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "common/file_modes.h"
#include "common/logging.h"

namespace kappa {
namespace {

std::string ReadOwner(int fd) {
  char buf[512];
  ssize_t n = ::pread(fd, buf, sizeof(buf) - 1, 0);
  if (n <= 0) return "another process";
  std::string s(buf, static_cast<size_t>(n));
  while (!s.empty() && (s.back() == '\n' || s.back() == '\0')) s.pop_back();
  return s;
}

// A data directory created by an older kappa (or by hand) may be readable by everyone; its
// files hold users' data. Say so once per open rather than changing modes behind the
// user's back.
void WarnIfOthersCanRead(const std::string& dir) {
  struct stat st{};
  if (::stat(dir.c_str(), &st) != 0 || (st.st_mode & 077) == 0) return;
  KLOG_WARN("data directory {} is accessible to other users (mode {:o}); its files hold your "
            "data: `chmod -R go-rwx {}`", dir, st.st_mode & 0777, dir);
}

}  // namespace

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock
}

Result<std::unique_ptr<DataDirLock>> DataDirLock::Acquire(const std::string& dir,
                                                           const std::string& what) {
  Status made = CreateDirsOwnerOnly(dir);
  if (!made.ok()) return made.WithContext("cannot create data directory " + dir);
  WarnIfOthersCanRead(dir);
  std::string path = dir + "/LOCK";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, kFileMode);
  if (fd < 0) return Status::IOError("open " + path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    std::string owner = ReadOwner(fd);
    ::close(fd);
    return Status::Unavailable("data directory " + dir + " is in use by " + owner +
                               "; stop it first, or use a different --data-dir");
  }
  char when[64];
  std::time_t now = std::time(nullptr);
  std::strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", std::localtime(&now));
  std::string info = "pid " + std::to_string(::getpid()) + " (" + what + ", since " + when + ")\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, info.data(), info.size(), 0) < 0) {
    // The lock is held; failing to describe ourselves is not fatal.
  }
  return std::unique_ptr<DataDirLock>(new DataDirLock(fd));
}

std::string DataDirLock::Owner(const std::string& dir) {
  std::string path = dir + "/LOCK";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  std::string owner;
  if (::flock(fd, LOCK_SH | LOCK_NB) != 0) owner = ReadOwner(fd);
  ::close(fd);
  return owner;
}

}  // namespace kappa
