// In-process metrics: a registry of counters, gauges and histograms, rendered in the
// Prometheus text exposition format 0.0.4, and the last 15 minutes of every series at 1 s
// resolution (History) for the console's charts. Public header of src/metrics.
//
// Hot path: a Counter/Histogram handle points at its series' cells; Add/Observe is one
// relaxed atomic add on one of kStripes cache-line-padded stripes chosen per thread (no lock,
// no map lookup, no allocation). Stripes are summed when a scrape reads them. Callers look a
// series up once (Family::With) and keep the handle; handles stay valid as long as their
// Registry. Add per batch, not per record, where the caller has a batch.
//
// Labels: a family declares its label names; each distinct set of values is one series.
// A family holds at most `max_series` series (Registry::Options, default 1000); With() beyond
// that returns the family's overflow series, whose label values are all "(overflow)", and
// counts the call in kappa_metrics_label_overflow_total{metric="<family>"}. Samples a
// collector emits beyond that cap are dropped and counted the same way.
//
// Collectors: callbacks run at each scrape (Collect/Render/History::Tick) that emit samples
// computed then (per-partition end offsets, RocksDB properties, /proc). AddCollector returns
// an RAII handle; after it is destroyed the callback is not running and never runs again.
// Collectors run one at a time under the registry's collector lock: do not destroy a
// CollectorHandle while holding a lock the callback takes, and do not add or remove
// collectors from inside a callback. Samples of one family emitted by several collectors are
// merged under one HELP/TYPE; a label set emitted twice keeps its first value.
//
// Names: metric names match [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]*
// and do not start with "__"; counters end in "_total"; values in base units (seconds,
// bytes). A bad name, or registering one name twice with a different type, labels or
// buckets, is a programming error (KAPPA_CHECK). Registering the same family again returns
// the existing one, so several instances (two Logs in a test) share it.
//
// Thread safety: everything here is thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <bit>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/mutex.h"
#include "common/thread_annotations.h"

namespace kappa::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;  // name, value

enum class MetricType { kCounter, kGauge, kHistogram };
std::string_view TypeName(MetricType t);  // "counter", "gauge", "histogram"

namespace detail {
inline constexpr size_t kStripes = 8;  // power of two
inline constexpr size_t kCacheLine = 64;
// The calling thread's stripe, assigned round-robin at its first use.
size_t NewStripeIndex();
inline size_t StripeIndex() {
  static thread_local const size_t index = NewStripeIndex() & (kStripes - 1);
  return index;
}
struct alignas(kCacheLine) PaddedCount {
  std::atomic<uint64_t> v{0};
};
struct CounterCell {
  std::array<PaddedCount, kStripes> stripes;
  uint64_t Sum() const;
};
struct GaugeCell {
  std::atomic<double> v{0};
};
// Per stripe: slot 0 holds the sum (a double's bits), slots 1..n+1 the bucket counts (not
// cumulative; the last is +Inf). Stripes are `stride` slots apart, a multiple of a line.
struct HistogramCell {
  explicit HistogramCell(const std::vector<double>* bounds);
  ~HistogramCell();
  const std::vector<double>* bounds;
  size_t stride;
  std::atomic<uint64_t>* slots;
  void Observe(double v);
};
}  // namespace detail

// A monotonically increasing integer. A default-constructed handle discards what it is given.
class Counter {
 public:
  Counter() = default;
  explicit Counter(detail::CounterCell* cell) : cell_(cell) {}
  void Add(uint64_t n = 1) const {
    if (cell_ != nullptr) {
      cell_->stripes[detail::StripeIndex()].v.fetch_add(n, std::memory_order_relaxed);
    }
  }
  uint64_t Value() const { return cell_ != nullptr ? cell_->Sum() : 0; }

 private:
  detail::CounterCell* cell_ = nullptr;
};

// A value that goes up and down. Not striped: meant for values set now and then (or use a
// collector for values that already live elsewhere).
class Gauge {
 public:
  Gauge() = default;
  explicit Gauge(detail::GaugeCell* cell) : cell_(cell) {}
  void Set(double v) const {
    if (cell_ != nullptr) cell_->v.store(v, std::memory_order_relaxed);
  }
  void Add(double d) const {
    if (cell_ != nullptr) cell_->v.fetch_add(d, std::memory_order_relaxed);
  }
  double Value() const { return cell_ != nullptr ? cell_->v.load(std::memory_order_relaxed) : 0; }

 private:
  detail::GaugeCell* cell_ = nullptr;
};

// Observations counted into fixed buckets (upper bounds inclusive, as Prometheus' `le`).
class Histogram {
 public:
  Histogram() = default;
  explicit Histogram(detail::HistogramCell* cell) : cell_(cell) {}
  void Observe(double v) const {
    if (cell_ != nullptr) cell_->Observe(v);
  }
  // Observes a duration in seconds.
  template <class Rep, class Period>
  void ObserveDuration(std::chrono::duration<Rep, Period> d) const {
    Observe(std::chrono::duration<double>(d).count());
  }

 private:
  detail::HistogramCell* cell_ = nullptr;
};

// Bucket bounds in seconds for request latencies: 50 us .. 10 s.
const std::vector<double>& LatencyBuckets();

class Registry;

// A family of series sharing a name and label names. Owned by its Registry.
class Family {
 public:
  const std::string& name() const { return name_; }
  MetricType type() const { return type_; }

  // Made by Registry only (Get*Family).
  Family(Registry* r, std::string name, std::string help, MetricType type,
         std::vector<std::string> label_names, std::vector<double> bounds, size_t max_series);
  virtual ~Family();
  Family(const Family&) = delete;
  Family& operator=(const Family&) = delete;

 protected:
  friend class Registry;
  // The cell of these label values (created if new, or the overflow cell past the cap).
  void* Cell(std::span<const std::string_view> values);

 private:
  struct Series;
  Registry* registry_;
  std::string name_;
  std::string help_;
  MetricType type_;
  std::vector<std::string> label_names_;
  std::vector<double> bounds_;  // histograms
  size_t max_series_;
  mutable Mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<Series>> series_ GUARDED_BY(mu_);
  std::unique_ptr<Series> overflow_ GUARDED_BY(mu_);
};

class CounterFamily : public Family {
 public:
  Counter With(std::initializer_list<std::string_view> values) {
    return With(std::span<const std::string_view>(values.begin(), values.size()));
  }
  Counter With(std::span<const std::string_view> values) {
    return Counter(static_cast<detail::CounterCell*>(Cell(values)));
  }
  using Family::Family;
};
class GaugeFamily : public Family {
 public:
  Gauge With(std::initializer_list<std::string_view> values) {
    return With(std::span<const std::string_view>(values.begin(), values.size()));
  }
  Gauge With(std::span<const std::string_view> values) {
    return Gauge(static_cast<detail::GaugeCell*>(Cell(values)));
  }
  using Family::Family;
};
class HistogramFamily : public Family {
 public:
  Histogram With(std::initializer_list<std::string_view> values) {
    return With(std::span<const std::string_view>(values.begin(), values.size()));
  }
  Histogram With(std::span<const std::string_view> values) {
    return Histogram(static_cast<detail::HistogramCell*>(Cell(values)));
  }
  using Family::Family;
};

// Where a collector puts the samples it computes.
class CollectSink {
 public:
  virtual ~CollectSink() = default;
  virtual void Counter(std::string_view name, std::string_view help, Labels labels,
                       double value) = 0;
  virtual void Gauge(std::string_view name, std::string_view help, Labels labels,
                     double value) = 0;
};
using CollectFn = std::function<void(CollectSink&)>;

// Unregisters its collector when destroyed (or on Reset). Movable.
class CollectorHandle {
 public:
  CollectorHandle() = default;
  CollectorHandle(CollectorHandle&& o) noexcept { *this = std::move(o); }
  CollectorHandle& operator=(CollectorHandle&& o) noexcept;
  ~CollectorHandle() { Reset(); }
  void Reset();

 private:
  friend class Registry;
  CollectorHandle(Registry* r, uint64_t id) : registry_(r), id_(id) {}
  Registry* registry_ = nullptr;
  uint64_t id_ = 0;
};

// What a scrape read: one entry per family, sorted by name; series sorted by labels.
struct Sample {
  Labels labels;
  double value = 0;
};
struct HistogramSample {
  Labels labels;
  std::vector<uint64_t> cumulative;  // per bound, then +Inf (== count)
  double sum = 0;
};
struct FamilySnapshot {
  std::string name;
  std::string help;
  MetricType type = MetricType::kCounter;
  std::vector<Sample> samples;            // counters and gauges
  std::vector<double> bounds;             // histograms
  std::vector<HistogramSample> histograms;
};

class Registry {
 public:
  struct Options {
    size_t max_series_per_family = 1000;
  };
  Registry() : Registry(Options{}) {}
  explicit Registry(Options options);
  ~Registry();  // collector handles and metric handles must not outlive it
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The process-wide registry (never destroyed), with the process_* metrics of /proc.
  static Registry& Default();

  // `max_series` 0: the registry's max_series_per_family.
  CounterFamily& GetCounterFamily(std::string_view name, std::string_view help,
                                  std::vector<std::string> label_names = {},
                                  size_t max_series = 0);
  GaugeFamily& GetGaugeFamily(std::string_view name, std::string_view help,
                              std::vector<std::string> label_names = {}, size_t max_series = 0);
  // `bounds`: strictly increasing finite upper bounds (+Inf is implicit).
  HistogramFamily& GetHistogramFamily(std::string_view name, std::string_view help,
                                      std::vector<std::string> label_names,
                                      std::vector<double> bounds, size_t max_series = 0);
  // Unlabelled shorthands.
  Counter GetCounter(std::string_view name, std::string_view help) {
    return GetCounterFamily(name, help).With({});
  }
  Gauge GetGauge(std::string_view name, std::string_view help) {
    return GetGaugeFamily(name, help).With({});
  }

  [[nodiscard]] CollectorHandle AddCollector(CollectFn fn);
  // The process_* metrics (RSS, CPU, descriptors, start time) from /proc; Default() has them.
  [[nodiscard]] CollectorHandle AddProcessCollector();

  // Reads every family and runs the collectors.
  std::vector<FamilySnapshot> Collect() const;
  // Collect() in the Prometheus text format 0.0.4 (Content-Type
  // "text/plain; version=0.0.4; charset=utf-8").
  std::string Render() const;

  const Options& options() const { return options_; }

 private:
  friend class Family;
  friend class CollectorHandle;
  Family& GetFamily(std::string_view name, std::string_view help, MetricType type,
                    std::vector<std::string> label_names, std::vector<double> bounds,
                    size_t max_series);
  void RemoveCollector(uint64_t id);
  void CountOverflow(const std::string& family) const;

  const Options options_;
  mutable Mutex families_mu_;
  std::map<std::string, std::unique_ptr<Family>, std::less<>> families_ GUARDED_BY(families_mu_);
  // Held while collectors run, so RemoveCollector waits for a running callback.
  mutable Mutex collectors_mu_;
  std::map<uint64_t, CollectFn> collectors_ GUARDED_BY(collectors_mu_);
  uint64_t next_collector_id_ GUARDED_BY(collectors_mu_) = 1;
  CounterFamily* overflow_ = nullptr;         // kappa_metrics_label_overflow_total
};

// Renders snapshots in the text format 0.0.4.
std::string RenderText(const std::vector<FamilySnapshot>& families);

// ---- the last 15 minutes -------------------------------------------------------------------

inline constexpr int kHistorySeconds = 900;

// One ring of kHistorySeconds samples per series, filled by Tick. Rings hold counters and
// gauges as their values (a console computes rates from counters) and, of a histogram, its
// `<name>_count` and `<name>_sum`, not its buckets. Memory: 8 bytes x 900 per series, at most
// `max_series` series (default 2048: at most ~15 MB); series beyond it are not kept (counted
// in kappa_metrics_history_dropped_series_total). A series not seen for 15 minutes (a deleted
// topic) is forgotten and its ring freed.
struct HistoryOptions {
  size_t max_series = 2048;
};

class History {
 public:
  // Registers its own two metrics in `registry`, which must outlive it.
  explicit History(Registry* registry, HistoryOptions options = {});
  ~History();

  // Samples every series at `unix_seconds`; the owner calls it once a second (a thread, or a
  // status loop; tests call it with the times they choose). A time at or before the last
  // tick is ignored; seconds skipped between ticks read as missing (NaN).
  void Tick(int64_t unix_seconds);

  struct SeriesKey {
    std::string name;  // e.g. "kappa_log_appended_records_total", "..._seconds_count"
    Labels labels;
    MetricType type;   // histograms' _count/_sum: kHistogram
  };
  std::vector<SeriesKey> ListSeries() const;
  struct Ring {
    int64_t last_second = 0;      // the last tick; values[kHistorySeconds-1] is at it
    std::vector<double> values;   // kHistorySeconds, oldest first; NaN = no sample
  };
  // nullopt if the series is not kept (unknown, dropped, or no tick yet). Labels in any order.
  std::optional<Ring> Read(std::string_view name, const Labels& labels) const;
  int64_t last_tick() const;
  size_t series() const;

 private:
  struct SeriesRing;
  Registry* registry_;
  const HistoryOptions options_;
  mutable Mutex mu_;
  int64_t last_tick_ GUARDED_BY(mu_) = 0;
  std::map<std::string, std::unique_ptr<SeriesRing>> rings_ GUARDED_BY(mu_);
  std::atomic<uint64_t> dropped_{0};
  std::atomic<size_t> size_{0};
  CollectorHandle collector_;
};

}  // namespace kappa::metrics
