// History: a ring of the last kHistorySeconds one-second samples per series.
//
// Slot of second s is s % kHistorySeconds. Invariant: a ring's slots hold, for the seconds
// in (last_written - kHistorySeconds, last_written], the value sampled at that second or NaN
// if it was not sampled then (seconds skipped between two writes are cleared by the later
// write), so a read needs only last_written to tell valid slots from stale ones.
#include <algorithm>
#include <cmath>
#include <limits>

#include "metrics/metrics.h"

namespace kappa::metrics {

namespace {

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

// The ring key of a series: name and labels sorted by name, in the exposition's syntax
// (unambiguous: label values are escaped).
std::string SeriesId(std::string_view name, Labels labels) {
  std::sort(labels.begin(), labels.end());
  std::string id(name);
  id.push_back('{');
  for (const auto& [k, v] : labels) {
    id.append(k);
    id.append("=\"");
    for (char c : v) {
      if (c == '\n') {
        id.append("\\n");
        continue;
      }
      if (c == '\\' || c == '"') id.push_back('\\');
      id.push_back(c);
    }
    id.append("\",");
  }
  id.push_back('}');
  return id;
}

}  // namespace

struct History::SeriesRing {
  std::string name;
  Labels labels;
  MetricType type;
  int64_t last_written = 0;
  std::unique_ptr<double[]> slots;

  void Write(int64_t second, double v) {
    if (!slots) {
      slots = std::make_unique<double[]>(kHistorySeconds);
      for (int i = 0; i < kHistorySeconds; ++i) slots[i] = kMissing;
    } else {
      int64_t end = std::min(second, last_written + kHistorySeconds + 1);  // every slot at most once
      for (int64_t s = last_written + 1; s < end; ++s) slots[s % kHistorySeconds] = kMissing;
    }
    slots[second % kHistorySeconds] = v;
    last_written = second;
  }
};

History::History(Registry* registry, HistoryOptions options)
    : registry_(registry), options_(options) {
  collector_ = registry_->AddCollector([this](CollectSink& sink) {
    sink.Gauge("kappa_metrics_history_series",
               "Series whose last 15 minutes are kept in memory (1 s resolution).", {},
               double(size_.load(std::memory_order_relaxed)));
    sink.Counter("kappa_metrics_history_dropped_series_total",
                 "Series not kept in the 15-minute history because it was full (counted per "
                 "tick).",
                 {}, double(dropped_.load(std::memory_order_relaxed)));
  });
}

History::~History() { collector_.Reset(); }

void History::Tick(int64_t now) {
  {
    MutexLock lock(mu_);
    if (now <= last_tick_) return;
  }
  // Collect without the history lock: the history's own collector reads only atomics.
  std::vector<FamilySnapshot> families = registry_->Collect();
  MutexLock lock(mu_);
  if (now <= last_tick_) return;  // a concurrent Tick got there first
  last_tick_ = now;
  uint64_t dropped = 0;
  auto put = [&](const std::string& name, const Labels& labels, MetricType type, double v) {
    mu_.AssertHeld();  // called below, under `lock` (the analysis does not follow lambdas)
    std::string id = SeriesId(name, labels);
    auto it = rings_.find(id);
    if (it == rings_.end()) {
      if (rings_.size() >= options_.max_series) {
        ++dropped;
        return;
      }
      auto ring = std::make_unique<SeriesRing>();
      ring->name = name;
      ring->labels = labels;
      ring->type = type;
      it = rings_.emplace(std::move(id), std::move(ring)).first;
    }
    it->second->Write(now, v);
  };
  for (const FamilySnapshot& f : families) {
    for (const Sample& s : f.samples) put(f.name, s.labels, f.type, s.value);
    if (!f.histograms.empty()) {
      std::string count = f.name + "_count", sum = f.name + "_sum";
      for (const HistogramSample& h : f.histograms) {
        put(count, h.labels, f.type, double(h.cumulative.empty() ? 0 : h.cumulative.back()));
        put(sum, h.labels, f.type, h.sum);
      }
    }
  }
  // Forget series that had no sample for a whole ring.
  for (auto it = rings_.begin(); it != rings_.end();) {
    if (it->second->last_written <= now - kHistorySeconds) {
      it = rings_.erase(it);
    } else {
      ++it;
    }
  }
  dropped_.fetch_add(dropped, std::memory_order_relaxed);
  size_.store(rings_.size(), std::memory_order_relaxed);
}

std::vector<History::SeriesKey> History::ListSeries() const {
  MutexLock lock(mu_);
  std::vector<SeriesKey> keys;
  keys.reserve(rings_.size());
  for (const auto& [id, r] : rings_) keys.push_back({r->name, r->labels, r->type});
  return keys;
}

std::optional<History::Ring> History::Read(std::string_view name, const Labels& labels) const {
  std::string id = SeriesId(name, labels);
  MutexLock lock(mu_);
  auto it = rings_.find(id);
  if (it == rings_.end()) return std::nullopt;
  const SeriesRing& r = *it->second;
  Ring out;
  out.last_second = last_tick_;
  out.values.resize(kHistorySeconds);
  for (int i = 0; i < kHistorySeconds; ++i) {
    int64_t s = last_tick_ - (kHistorySeconds - 1) + i;
    bool valid = s <= r.last_written && s > r.last_written - kHistorySeconds && s >= 0;
    out.values[i] = valid ? r.slots[s % kHistorySeconds] : kMissing;
  }
  return out;
}

int64_t History::last_tick() const {
  MutexLock lock(mu_);
  return last_tick_;
}

size_t History::series() const { return size_.load(std::memory_order_relaxed); }

}  // namespace kappa::metrics
