#include "common/data_dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>

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

}  // namespace

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock
}

Result<std::unique_ptr<DataDirLock>> DataDirLock::Acquire(const std::string& dir,
                                                           const std::string& what) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create data directory " + dir + ": " + ec.message());
  std::string path = dir + "/LOCK";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
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
