#include "common/fd_limit.h"

#include <dirent.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <mutex>

namespace kappa {

FdLimit CurrentFdLimit() {
  FdLimit l;
  struct rlimit r;
  if (::getrlimit(RLIMIT_NOFILE, &r) == 0) {
    l.before = l.soft = uint64_t(r.rlim_cur);
    l.hard = uint64_t(r.rlim_max);
  }
  return l;
}

FdLimit RaiseFdLimit() {
  static std::once_flag once;
  static FdLimit result;
  std::call_once(once, [] {
    FdLimit l = CurrentFdLimit();
    struct rlimit r;
    if (l.soft < l.hard && ::getrlimit(RLIMIT_NOFILE, &r) == 0) {
      r.rlim_cur = r.rlim_max;
      if (::setrlimit(RLIMIT_NOFILE, &r) == 0) l.soft = l.hard;
    }
    result = l;
  });
  return result;
}

std::string DescribeFdLimit() {
  FdLimit first = RaiseFdLimit();
  FdLimit now = CurrentFdLimit();
  std::string s = "open-file limit " + std::to_string(now.soft);
  if (first.before != now.soft) s += " (raised from " + std::to_string(first.before) + ")";
  else if (now.soft == now.hard) s += " (the hard limit)";
  return s;
}

uint64_t CountOpenFds() {
  DIR* d = ::opendir("/proc/self/fd");
  if (d == nullptr) return 0;
  uint64_t n = 0;
  while (struct dirent* e = ::readdir(d)) {
    if (e->d_name[0] != '.') ++n;
  }
  ::closedir(d);
  return n > 0 ? n - 1 : 0;  // not the directory's own descriptor
}

namespace {
std::string RaiseHint() {
  return "raise the limit (ulimit -n, or LimitNOFILE= in a systemd unit) or use fewer "
         "partitions";
}
}  // namespace

Status CheckFdsAvailable(uint64_t needed, std::string_view what, uint64_t reserve) {
  uint64_t limit = CurrentFdLimit().soft;
  if (limit == 0 || limit == uint64_t(RLIM_INFINITY)) return Status::OK();
  uint64_t open = CountOpenFds();
  if (open + needed + reserve <= limit) return Status::OK();
  return Status::Unavailable(std::string(what) + " needs about " + std::to_string(needed) +
                             " more open files, but " + std::to_string(open) +
                             " of this process's limit of " + std::to_string(limit) +
                             " are in use: " + RaiseHint());
}

bool IsOutOfFds(const Status& s) {
  if (s.ok()) return false;
  const std::string& m = s.message();
  return m.find(std::strerror(EMFILE)) != std::string::npos ||
         m.find(std::strerror(ENFILE)) != std::string::npos;
}

Status ExplainOutOfFds(const Status& s) {
  if (!IsOutOfFds(s)) return s;
  return Status::Unavailable(s.message() + " (out of file descriptors: " + DescribeFdLimit() +
                             ", " + std::to_string(CountOpenFds()) +
                             " open; each partition of the log keeps about 2 open: " +
                             RaiseHint() + ")");
}

}  // namespace kappa
