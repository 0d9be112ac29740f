// `kappa bench pipeline --console HOST:PORT`: the web console over the benchmarked pipeline
// (its metrics History ticked each second, as in kappa up), so a client can poll the overview
// while the throughput is measured (docs/benchmarks/console.md).
#pragma once

#include <memory>
#include <string>

#include "common/host_port.h"

namespace kappa::cli {

class BenchConsole {
 public:
  virtual ~BenchConsole() = default;
  // Starts the console on `listen` (port 0: a free one, printed to stderr) over the process's
  // metrics; fails the command on error.
  static std::unique_ptr<BenchConsole> Start(const HostPort& listen, const std::string& label);
};

}  // namespace kappa::cli
