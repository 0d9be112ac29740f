// The overview's figures: every number comes from the metrics History (the series /metrics
// exposes) or from Facts the app hands over; nothing is counted twice.
#include "console/overview.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>

#include "console/routes.h"
#include "metrics/metrics.h"

namespace kappa::console {
namespace {

constexpr std::string_view kAppended = "kappa_log_appended_records_total";
constexpr std::string_view kStored = "kappa_job_rows_stored_total";
constexpr std::string_view kDead = "kappa_job_dead_letters_total";
constexpr std::string_view kLag = "kappa_job_lag_records";
constexpr std::string_view kLatency = "kappa_job_end_to_end_latency_seconds";

int64_t UnixNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The mean of the non-null values of a series' last `n` points (null if none).
nlohmann::json RecentMean(const nlohmann::json& series, size_t n) {
  double sum = 0;
  size_t count = 0;
  for (size_t i = series.size() > n ? series.size() - n : 0; i < series.size(); ++i) {
    if (series[i][1].is_number()) {
      sum += series[i][1].get<double>();
      ++count;
    }
  }
  return count == 0 ? nlohmann::json() : nlohmann::json(sum / double(count));
}

nlohmann::json LastValue(const nlohmann::json& series) {
  for (size_t i = series.size(); i > 0; --i) {
    if (series[i - 1][1].is_number()) return series[i - 1][1];
  }
  return nullptr;
}

std::string LabelValue(const metrics::Labels& labels, std::string_view name) {
  for (const auto& [k, v] : labels) {
    if (k == name) return v;
  }
  return {};
}

}  // namespace

LabelFilter ProducedTopics(const Facts& facts) {
  return [dlq = facts.dead_letter_topics](const metrics::Labels& labels) {
    std::string topic = LabelValue(labels, "topic");
    return !topic.empty() && topic.front() != '_' &&
           std::find(dlq.begin(), dlq.end(), topic) == dlq.end();
  };
}

int64_t ResidentBytes() {
  std::ifstream in("/proc/self/statm");
  int64_t size = 0, resident = 0;
  if (!(in >> size >> resident)) return 0;
  return resident * int64_t(::sysconf(_SC_PAGESIZE));
}

nlohmann::json OverviewSeries(const Sources& s, int seconds) {
  const metrics::History* h = s.history;
  return {{"produced", CounterRateIf(h, kAppended, ProducedTopics(s.facts), seconds)},
          {"stored", CounterRate(h, kStored, {}, seconds)},
          {"dead_lettered", CounterRate(h, kDead, {}, seconds)},
          {"lag", GaugeSeries(h, kLag, {}, seconds)},
          {"latency", MeanSeries(h, kLatency, seconds)}};
}

nlohmann::json OverviewFigures(const Sources& s) {
  const int64_t now = UnixNowMs();
  nlohmann::json listeners = nlohmann::json::array();
  for (const auto& [name, address] : s.facts.listeners) {
    listeners.push_back({{"name", name}, {"address", address}});
  }
  if (s.facts.console_address) {
    if (std::string self = s.facts.console_address(); !self.empty()) {
      listeners.push_back({{"name", "console"}, {"address", self}});
    }
  }
  // Per job: its lag now and its rates over the last 10 s.
  nlohmann::json jobs = nlohmann::json::array();
  if (s.history != nullptr) {
    std::map<std::string, metrics::Labels> names;
    for (const auto& key : s.history->ListSeries()) {
      if (key.name == kLag) names[LabelValue(key.labels, "job")] = key.labels;
    }
    for (const auto& [job, labels] : names) {
      metrics::Labels match{{"job", job}};
      jobs.push_back({{"job", job},
                      {"lag", LastValue(GaugeSeries(s.history, kLag, match, 5))},
                      {"stored_per_second", RecentMean(CounterRate(s.history, kStored, match, 11), 10)},
                      {"dead_letters_per_second",
                       RecentMean(CounterRate(s.history, kDead, match, 11), 10)}});
    }
  }
  nlohmann::json series = OverviewSeries(s, 61);
  nlohmann::json rates = {{"produced_per_second", RecentMean(series["produced"], 10)},
                          {"stored_per_second", RecentMean(series["stored"], 10)},
                          {"dead_lettered_per_second", RecentMean(series["dead_lettered"], 10)},
                          {"lag", LastValue(series["lag"])},
                          {"latency_seconds", RecentMean(series["latency"], 60)}};
  auto bytes = [](const std::function<int64_t()>& f) {
    return f ? nlohmann::json(f()) : nlohmann::json();
  };
  return {{"version", s.facts.version},
          {"now_unix_ms", now},
          {"started_unix_ms", s.facts.started_unix_ms},
          {"uptime_seconds", s.facts.started_unix_ms > 0 ? (now - s.facts.started_unix_ms) / 1000 : 0},
          {"rss_bytes", ResidentBytes()},
          {"disk", {{"log_bytes", bytes(s.facts.log_bytes)}, {"store_bytes", bytes(s.facts.store_bytes)}}},
          {"listeners", listeners},
          {"jobs", jobs},
          {"rates", rates},
          {"history", s.history != nullptr}};
}

}  // namespace kappa::console
