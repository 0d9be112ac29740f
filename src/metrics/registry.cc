// The registry: families and their series, collectors, and Collect().
//
// Series are never removed while their registry lives (handles are raw pointers to their
// cells, cached by callers); the per-family cap is what bounds them. Families are never
// removed either: the set of names is fixed by the code.
#include <algorithm>
#include <cmath>
#include <new>

#include "common/logging.h"
#include "metrics/metrics.h"

namespace kappa::metrics {

namespace detail {

size_t NewStripeIndex() {
  static std::atomic<size_t> next{0};
  return next.fetch_add(1, std::memory_order_relaxed);
}

uint64_t CounterCell::Sum() const {
  uint64_t total = 0;
  for (const PaddedCount& s : stripes) total += s.v.load(std::memory_order_relaxed);
  return total;
}

HistogramCell::HistogramCell(const std::vector<double>* b) : bounds(b) {
  constexpr size_t kPerLine = kCacheLine / sizeof(std::atomic<uint64_t>);
  stride = (bounds->size() + 2 + kPerLine - 1) / kPerLine * kPerLine;
  size_t n = stride * kStripes;
  slots = static_cast<std::atomic<uint64_t>*>(
      ::operator new[](n * sizeof(std::atomic<uint64_t>), std::align_val_t{kCacheLine}));
  for (size_t i = 0; i < n; ++i) new (&slots[i]) std::atomic<uint64_t>(0);
}

HistogramCell::~HistogramCell() { ::operator delete[](slots, std::align_val_t{kCacheLine}); }

void HistogramCell::Observe(double v) {
  const std::vector<double>& b = *bounds;
  // Bucket i counts v <= b[i] (Prometheus' `le`); NaN goes to +Inf only.
  size_t i = std::isnan(v) ? b.size() : size_t(std::lower_bound(b.begin(), b.end(), v) - b.begin());
  std::atomic<uint64_t>* s = slots + StripeIndex() * stride;
  s[1 + i].fetch_add(1, std::memory_order_relaxed);
  // The stripe's sum: a compare-exchange on a line this thread rarely shares.
  uint64_t old = s[0].load(std::memory_order_relaxed);
  while (!s[0].compare_exchange_weak(old, std::bit_cast<uint64_t>(std::bit_cast<double>(old) + v),
                                     std::memory_order_relaxed)) {
  }
}

}  // namespace detail

namespace {

bool ValidName(std::string_view n, bool colon_ok) {
  if (n.empty()) return false;
  for (size_t i = 0; i < n.size(); ++i) {
    char c = n[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (colon_ok && c == ':') || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

constexpr std::string_view kOverflowValue = "(overflow)";

}  // namespace

std::string_view TypeName(MetricType t) {
  switch (t) {
    case MetricType::kCounter: return "counter";
    case MetricType::kGauge: return "gauge";
    case MetricType::kHistogram: return "histogram";
  }
  return "untyped";
}

const std::vector<double>& LatencyBuckets() {
  static const std::vector<double> kBuckets = {0.00005, 0.0001, 0.00025, 0.0005, 0.001,
                                               0.0025,  0.005,  0.01,    0.025,  0.05,
                                               0.1,     0.25,   0.5,     1,      2.5,
                                               5,       10};
  return kBuckets;
}

// ---- families ------------------------------------------------------------------------------

struct Family::Series {
  std::vector<std::string> values;
  std::unique_ptr<detail::CounterCell> counter;
  std::unique_ptr<detail::GaugeCell> gauge;
  std::unique_ptr<detail::HistogramCell> histogram;
  void* cell() {
    if (counter) return counter.get();
    if (gauge) return gauge.get();
    return histogram.get();
  }
};

Family::Family(Registry* r, std::string name, std::string help, MetricType type,
               std::vector<std::string> label_names, std::vector<double> bounds,
               size_t max_series)
    : registry_(r),
      name_(std::move(name)),
      help_(std::move(help)),
      type_(type),
      label_names_(std::move(label_names)),
      bounds_(std::move(bounds)),
      max_series_(max_series) {}

Family::~Family() = default;

void* Family::Cell(std::span<const std::string_view> values) {
  KAPPA_CHECK(values.size() == label_names_.size());
  std::vector<std::string> key(values.begin(), values.end());
  bool overflowed = false;
  void* cell = nullptr;
  {
    MutexLock lock(mu_);
    auto it = series_.find(key);
    if (it != series_.end()) return it->second->cell();
    std::unique_ptr<Series>* slot;
    if (series_.size() < max_series_) {
      slot = &series_[key];
    } else {
      overflowed = true;
      slot = &overflow_;
      key.assign(label_names_.size(), std::string(kOverflowValue));
    }
    if (*slot == nullptr) {
      auto s = std::make_unique<Series>();
      s->values = std::move(key);
      switch (type_) {
        case MetricType::kCounter: s->counter = std::make_unique<detail::CounterCell>(); break;
        case MetricType::kGauge: s->gauge = std::make_unique<detail::GaugeCell>(); break;
        case MetricType::kHistogram:
          s->histogram = std::make_unique<detail::HistogramCell>(&bounds_);
          break;
      }
      *slot = std::move(s);
    }
    cell = (*slot)->cell();
  }
  if (overflowed) registry_->CountOverflow(name_);
  return cell;
}

// ---- registry ------------------------------------------------------------------------------

Registry::Registry(Options options) : options_(options) {
  overflow_ = &GetCounterFamily(
      "kappa_metrics_label_overflow_total",
      "Label sets refused because their family reached its series cap (registered series "
      "fold into the series labelled (overflow); collector samples are dropped).",
      {"metric"}, 100000);
}

Registry::~Registry() = default;

Registry& Registry::Default() {
  static Registry* const registry = [] {
    auto* r = new Registry();
    static CollectorHandle process = r->AddProcessCollector();
    return r;
  }();
  return *registry;
}

Family& Registry::GetFamily(std::string_view name, std::string_view help, MetricType type,
                            std::vector<std::string> label_names, std::vector<double> bounds,
                            size_t max_series) {
  KAPPA_CHECK(ValidName(name, true));
  KAPPA_CHECK(type != MetricType::kCounter || name.ends_with("_total"));
  for (const std::string& l : label_names) {
    KAPPA_CHECK(ValidName(l, false) && !l.starts_with("__"));
    KAPPA_CHECK(type != MetricType::kHistogram || l != "le");
  }
  if (type == MetricType::kHistogram) {
    KAPPA_CHECK(!bounds.empty());
    for (size_t i = 0; i < bounds.size(); ++i) {
      KAPPA_CHECK(std::isfinite(bounds[i]) && (i == 0 || bounds[i] > bounds[i - 1]));
    }
  }
  MutexLock lock(families_mu_);
  auto it = families_.find(name);
  if (it != families_.end()) {
    Family& f = *it->second;
    KAPPA_CHECK(f.type_ == type && f.label_names_ == label_names && f.bounds_ == bounds);
    return f;
  }
  size_t cap = max_series != 0 ? max_series : options_.max_series_per_family;
  std::unique_ptr<Family> f;
  std::string n(name), h(help);
  switch (type) {
    case MetricType::kCounter:
      f = std::make_unique<CounterFamily>(this, n, h, type, std::move(label_names),
                                          std::move(bounds), cap);
      break;
    case MetricType::kGauge:
      f = std::make_unique<GaugeFamily>(this, n, h, type, std::move(label_names),
                                        std::move(bounds), cap);
      break;
    case MetricType::kHistogram:
      f = std::make_unique<HistogramFamily>(this, n, h, type, std::move(label_names),
                                            std::move(bounds), cap);
      break;
  }
  Family& ref = *f;
  families_.emplace(n, std::move(f));
  return ref;
}

CounterFamily& Registry::GetCounterFamily(std::string_view name, std::string_view help,
                                          std::vector<std::string> label_names,
                                          size_t max_series) {
  return static_cast<CounterFamily&>(
      GetFamily(name, help, MetricType::kCounter, std::move(label_names), {}, max_series));
}

GaugeFamily& Registry::GetGaugeFamily(std::string_view name, std::string_view help,
                                      std::vector<std::string> label_names, size_t max_series) {
  return static_cast<GaugeFamily&>(
      GetFamily(name, help, MetricType::kGauge, std::move(label_names), {}, max_series));
}

HistogramFamily& Registry::GetHistogramFamily(std::string_view name, std::string_view help,
                                              std::vector<std::string> label_names,
                                              std::vector<double> bounds, size_t max_series) {
  return static_cast<HistogramFamily&>(GetFamily(name, help, MetricType::kHistogram,
                                                 std::move(label_names), std::move(bounds),
                                                 max_series));
}

void Registry::CountOverflow(const std::string& family) const {
  if (overflow_ != nullptr) overflow_->With({family}).Add();
}

// ---- collectors ----------------------------------------------------------------------------

CollectorHandle& CollectorHandle::operator=(CollectorHandle&& o) noexcept {
  if (this != &o) {
    Reset();
    registry_ = std::exchange(o.registry_, nullptr);
    id_ = std::exchange(o.id_, 0);
  }
  return *this;
}

void CollectorHandle::Reset() {
  if (registry_ != nullptr) registry_->RemoveCollector(id_);
  registry_ = nullptr;
  id_ = 0;
}

CollectorHandle Registry::AddCollector(CollectFn fn) {
  MutexLock lock(collectors_mu_);
  uint64_t id = next_collector_id_++;
  collectors_.emplace(id, std::move(fn));
  return CollectorHandle(this, id);
}

void Registry::RemoveCollector(uint64_t id) {
  MutexLock lock(collectors_mu_);  // waits for a running scrape
  collectors_.erase(id);
}

// ---- collect -------------------------------------------------------------------------------

namespace {

Labels MakeLabels(const std::vector<std::string>& names, const std::vector<std::string>& values) {
  Labels l;
  l.reserve(names.size());
  for (size_t i = 0; i < names.size(); ++i) l.emplace_back(names[i], values[i]);
  return l;
}

// Collects collector samples into the snapshot map, capped per family.
class MapSink final : public CollectSink {
 public:
  MapSink(std::map<std::string, FamilySnapshot, std::less<>>* out, size_t cap,
          std::vector<std::string>* overflowed)
      : out_(out), cap_(cap), overflowed_(overflowed) {}
  void Counter(std::string_view name, std::string_view help, Labels labels,
               double value) override {
    Add(name, help, MetricType::kCounter, std::move(labels), value);
  }
  void Gauge(std::string_view name, std::string_view help, Labels labels, double value) override {
    Add(name, help, MetricType::kGauge, std::move(labels), value);
  }

 private:
  void Add(std::string_view name, std::string_view help, MetricType type, Labels labels,
           double value) {
    auto it = out_->find(name);
    if (it == out_->end()) {
      KAPPA_CHECK(ValidName(name, true));
      KAPPA_CHECK(type != MetricType::kCounter || name.ends_with("_total"));
      FamilySnapshot f;
      f.name = std::string(name);
      f.help = std::string(help);
      f.type = type;
      it = out_->emplace(f.name, std::move(f)).first;
    }
    FamilySnapshot& f = it->second;
    if (f.type != type) return;  // a clash with another family of that name: keep the first
    if (f.samples.size() >= cap_) {
      overflowed_->push_back(f.name);
      return;
    }
    f.samples.push_back(Sample{std::move(labels), value});
  }

  std::map<std::string, FamilySnapshot, std::less<>>* out_;
  size_t cap_;
  std::vector<std::string>* overflowed_;
};

}  // namespace

std::vector<FamilySnapshot> Registry::Collect() const {
  std::vector<const Family*> families;
  {
    MutexLock lock(families_mu_);
    families.reserve(families_.size());
    for (const auto& [name, f] : families_) families.push_back(f.get());
  }
  // Collectors first, so that the overflow they cause is counted in this same scrape.
  std::map<std::string, FamilySnapshot, std::less<>> out;
  std::vector<std::string> overflowed;
  {
    MapSink sink(&out, options_.max_series_per_family, &overflowed);
    MutexLock lock(collectors_mu_);
    for (const auto& [id, fn] : collectors_) fn(sink);
  }
  for (const std::string& name : overflowed) CountOverflow(name);

  for (const Family* f : families) {
    FamilySnapshot s;
    s.name = f->name_;
    s.help = f->help_;
    s.type = f->type_;
    s.bounds = f->bounds_;
    MutexLock lock(f->mu_);
    auto read = [&](const Family::Series& series) {
      Labels labels = MakeLabels(f->label_names_, series.values);
      if (series.counter) {
        s.samples.push_back({std::move(labels), double(series.counter->Sum())});
      } else if (series.gauge) {
        s.samples.push_back({std::move(labels), series.gauge->v.load(std::memory_order_relaxed)});
      } else {
        const detail::HistogramCell& h = *series.histogram;
        HistogramSample hs;
        hs.labels = std::move(labels);
        hs.cumulative.assign(f->bounds_.size() + 1, 0);
        for (size_t st = 0; st < detail::kStripes; ++st) {
          const std::atomic<uint64_t>* slot = h.slots + st * h.stride;
          hs.sum += std::bit_cast<double>(slot[0].load(std::memory_order_relaxed));
          for (size_t b = 0; b < hs.cumulative.size(); ++b) {
            hs.cumulative[b] += slot[1 + b].load(std::memory_order_relaxed);
          }
        }
        for (size_t b = 1; b < hs.cumulative.size(); ++b) hs.cumulative[b] += hs.cumulative[b - 1];
        s.histograms.push_back(std::move(hs));
      }
    };
    for (const auto& [values, series] : f->series_) read(*series);
    if (f->overflow_) read(*f->overflow_);
    // Merge with what collectors emitted under the same name (same type only).
    auto it = out.find(s.name);
    if (it == out.end()) {
      out.emplace(s.name, std::move(s));
    } else if (it->second.type != s.type) {
      it->second = std::move(s);  // a collector's clash with a registered family: dropped
    } else {
      FamilySnapshot& c = it->second;
      s.samples.insert(s.samples.end(), std::make_move_iterator(c.samples.begin()),
                       std::make_move_iterator(c.samples.end()));
      c = std::move(s);
    }
  }
  std::vector<FamilySnapshot> result;
  result.reserve(out.size());
  for (auto& [name, f] : out) {
    auto by_labels = [](const auto& a, const auto& b) { return a.labels < b.labels; };
    auto same_labels = [](const auto& a, const auto& b) { return a.labels == b.labels; };
    std::stable_sort(f.samples.begin(), f.samples.end(), by_labels);
    f.samples.erase(std::unique(f.samples.begin(), f.samples.end(), same_labels), f.samples.end());
    std::stable_sort(f.histograms.begin(), f.histograms.end(), by_labels);
    result.push_back(std::move(f));
  }
  return result;
}

std::string Registry::Render() const { return RenderText(Collect()); }

}  // namespace kappa::metrics
