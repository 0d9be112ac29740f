// The live figures of a running `kappa up`: its /metrics, found through the data directory
// it owns (app::FindRunningUp), for commands that otherwise read only what is committed.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace kappa::cli {

struct LiveJobFigures {
  int64_t pid = 0;
  std::string url;  // the /metrics scraped
  // Metric name without the "kappa_job_" prefix ("records_consumed_total", "lag_records", ...)
  // -> value, for this job.
  std::map<std::string, double> values;
};

// The address to connect to for a listener bound to `host:port` (a wildcard bind is reached
// on loopback): "0.0.0.0:8081" -> "127.0.0.1:8081".
std::string LoopbackFor(const std::string& bound);

// nullopt when no `kappa up` owns `data_dir`, it serves no HTTP, its /metrics cannot be read
// within a second, or it does not run `job`.
std::optional<LiveJobFigures> ReadLiveJobFigures(const std::string& data_dir,
                                                 const std::string& job);

}  // namespace kappa::cli
