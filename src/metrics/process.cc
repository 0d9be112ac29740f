// The process_* metrics every Prometheus client library exports, with their standard names,
// read from /proc at each scrape (Linux).
#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "metrics/metrics.h"

namespace kappa::metrics {

namespace {

struct ProcStat {
  double cpu_seconds = 0;
  double start_ticks = 0;  // since boot
  double virtual_bytes = 0;
  double resident_bytes = 0;
  bool ok = false;
};

ProcStat ReadProcStat() {
  ProcStat st;
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (!std::getline(in, line)) return st;
  // The command name (field 2) is in parentheses and may hold spaces: parse after the last ')'.
  size_t close = line.rfind(')');
  if (close == std::string::npos) return st;
  std::istringstream fields(line.substr(close + 2));
  std::vector<std::string> f;
  for (std::string x; fields >> x;) f.push_back(x);
  // f[0] is field 3 (state): field N is f[N - 3].
  if (f.size() < 22) return st;
  const double ticks = double(sysconf(_SC_CLK_TCK));
  const double page = double(sysconf(_SC_PAGESIZE));
  st.cpu_seconds = (std::stod(f[14 - 3]) + std::stod(f[15 - 3])) / ticks;  // utime + stime
  st.start_ticks = std::stod(f[22 - 3]) / ticks;
  st.virtual_bytes = std::stod(f[23 - 3]);
  st.resident_bytes = std::stod(f[24 - 3]) * page;
  st.ok = true;
  return st;
}

double BootTime() {
  std::ifstream in("/proc/stat");
  std::string key;
  double value;
  while (in >> key) {
    if (key == "btime" && in >> value) return value;
    in.ignore(1 << 20, '\n');
  }
  return 0;
}

int OpenFds() {
  DIR* d = opendir("/proc/self/fd");
  if (d == nullptr) return -1;
  int n = 0;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] != '.') ++n;
  }
  closedir(d);
  return n - 1;  // the directory stream's own descriptor
}

}  // namespace

CollectorHandle Registry::AddProcessCollector() {
  const double boot = BootTime();
  return AddCollector([boot](CollectSink& sink) {
    ProcStat st = ReadProcStat();
    if (st.ok) {
      sink.Counter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                   {}, st.cpu_seconds);
      sink.Gauge("process_resident_memory_bytes", "Resident memory size in bytes.", {},
                 st.resident_bytes);
      sink.Gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", {},
                 st.virtual_bytes);
      if (boot > 0) {
        sink.Gauge("process_start_time_seconds",
                   "Start time of the process since unix epoch in seconds.", {},
                   boot + st.start_ticks);
      }
    }
    int fds = OpenFds();
    if (fds >= 0) sink.Gauge("process_open_fds", "Number of open file descriptors.", {}, fds);
    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
      sink.Gauge("process_max_fds", "Maximum number of open file descriptors.", {},
                 rl.rlim_cur == RLIM_INFINITY ? -1 : double(rl.rlim_cur));
    }
  });
}

}  // namespace kappa::metrics
