// Chart series from the metrics History (routes.h): the console's charts read the same
// 15-minute rings as /metrics' series, never a second bookkeeping.
#include <algorithm>
#include <cmath>
#include <map>

#include "console/routes.h"
#include "metrics/metrics.h"

namespace kappa::console {
namespace {

bool Matches(const metrics::Labels& labels, const metrics::Labels& match) {
  for (const auto& m : match) {
    if (std::find(labels.begin(), labels.end(), m) == labels.end()) return false;
  }
  return true;
}

// Sums, per second, `per_series(ring, i)` over the matching series; null where no series
// had a value.
template <class Fn>
nlohmann::json Sum(const metrics::History* history, std::string_view name,
                   const LabelFilter& match, int seconds, Fn per_series) {
  nlohmann::json out = nlohmann::json::array();
  if (history == nullptr) return out;
  seconds = std::clamp(seconds, 1, metrics::kHistorySeconds - 1);
  std::vector<double> sum(size_t(seconds), 0.0);
  std::vector<bool> seen(size_t(seconds), false);
  int64_t last = 0;
  for (const auto& key : history->ListSeries()) {
    if (key.name != name || (match && !match(key.labels))) continue;
    auto ring = history->Read(key.name, key.labels);
    if (!ring) continue;
    last = std::max(last, ring->last_second);
    const size_t n = ring->values.size();
    for (int k = 0; k < seconds; ++k) {
      size_t i = n - size_t(seconds) + size_t(k);
      double v = per_series(ring->values, i);
      if (std::isnan(v)) continue;
      sum[size_t(k)] += v;
      seen[size_t(k)] = true;
    }
  }
  if (last == 0) last = history->last_tick();
  if (last == 0) return out;
  for (int k = 0; k < seconds; ++k) {
    int64_t t = last - seconds + 1 + k;
    out.push_back({t, seen[size_t(k)] ? nlohmann::json(sum[size_t(k)]) : nlohmann::json()});
  }
  return out;
}

}  // namespace

LabelFilter HasLabels(metrics::Labels match) {
  if (match.empty()) return nullptr;
  return [match = std::move(match)](const metrics::Labels& l) { return Matches(l, match); };
}

nlohmann::json CounterRate(const metrics::History* history, std::string_view name,
                           const metrics::Labels& match, int seconds) {
  return CounterRateIf(history, name, HasLabels(match), seconds);
}

nlohmann::json CounterRateIf(const metrics::History* history, std::string_view name,
                             const LabelFilter& match, int seconds) {
  return Sum(history, name, match, seconds, [](const std::vector<double>& v, size_t i) {
    if (i == 0) return std::nan("");
    double d = v[i] - v[i - 1];
    // A reset (a restarted job's counter) is a gap, not a negative rate.
    return std::isnan(d) || d < 0 ? std::nan("") : d;
  });
}

nlohmann::json GaugeSeries(const metrics::History* history, std::string_view name,
                           const metrics::Labels& match, int seconds) {
  return Sum(history, name, HasLabels(match), seconds,
             [](const std::vector<double>& v, size_t i) { return v[i]; });
}

nlohmann::json MeanSeries(const metrics::History* history, std::string_view histogram,
                          int seconds) {
  nlohmann::json sums = CounterRate(history, std::string(histogram) + "_sum", {}, seconds);
  nlohmann::json counts = CounterRate(history, std::string(histogram) + "_count", {}, seconds);
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = 0; i < sums.size() && i < counts.size(); ++i) {
    const auto& s = sums[i][1];
    const auto& c = counts[i][1];
    bool ok = s.is_number() && c.is_number() && c.get<double>() > 0;
    out.push_back({sums[i][0], ok ? nlohmann::json(s.get<double>() / c.get<double>())
                                  : nlohmann::json()});
  }
  return out;
}

}  // namespace kappa::console
