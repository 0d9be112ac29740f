#include <gtest/gtest.h>

#include <cmath>

#include "metrics/metrics.h"

namespace kappa::metrics {
namespace {

int Missing(const std::vector<double>& v) {
  int n = 0;
  for (double x : v) n += std::isnan(x);
  return n;
}

TEST(HistoryTest, KeepsTheLast900SecondsAndWrapsAround) {
  Registry r;
  History h(&r);
  Counter c = r.GetCounter("kappa_test_events_total", "Events.");
  const int64_t t0 = 1'700'000'000;
  EXPECT_FALSE(h.Read("kappa_test_events_total", {}).has_value());  // no tick yet
  for (int64_t i = 0; i < 1000; ++i) {
    c.Add(1);
    h.Tick(t0 + i);
  }
  auto ring = h.Read("kappa_test_events_total", {});
  ASSERT_TRUE(ring.has_value());
  EXPECT_EQ(ring->last_second, t0 + 999);
  ASSERT_EQ(ring->values.size(), size_t(kHistorySeconds));
  // values[k] was sampled at t0 + 100 + k, when the counter was 101 + k.
  for (int k = 0; k < kHistorySeconds; ++k) ASSERT_EQ(ring->values[k], 101 + k) << k;
}

TEST(HistoryTest, EarlyAndSkippedSecondsAreMissing) {
  Registry r;
  History h(&r);
  Gauge g = r.GetGauge("kappa_test_level", "Level.");
  const int64_t t0 = 1'700'000'000;
  g.Set(1);
  h.Tick(t0);
  g.Set(2);
  h.Tick(t0 + 1);
  h.Tick(t0 + 1);  // the same second again: ignored
  h.Tick(t0);      // the past: ignored
  g.Set(5);
  h.Tick(t0 + 5);  // t0+2..t0+4 skipped
  auto ring = h.Read("kappa_test_level", {});
  ASSERT_TRUE(ring.has_value());
  const auto& v = ring->values;
  EXPECT_EQ(v[899], 5);
  EXPECT_TRUE(std::isnan(v[898]) && std::isnan(v[897]) && std::isnan(v[896]));
  EXPECT_EQ(v[895], 2);
  EXPECT_EQ(v[894], 1);
  EXPECT_EQ(Missing(v), 900 - 3);
  // A jump of more than the ring: the old samples are all stale.
  g.Set(9);
  h.Tick(t0 + 5000);
  ring = h.Read("kappa_test_level", {});
  EXPECT_EQ(ring->values[899], 9);
  EXPECT_EQ(Missing(ring->values), 899);
}

TEST(HistoryTest, LabelledSeriesHistogramsAndForgetting) {
  Registry r;
  History h(&r);
  auto& fam = r.GetCounterFamily("kappa_test_bytes_total", "Bytes.", {"topic", "kind"});
  fam.With({"a", "in"}).Add(10);
  r.GetHistogramFamily("kappa_test_seconds", "Latency.", {"api"}, {1}).With({"x"}).Observe(0.5);
  int64_t gone = 1;
  CollectorHandle col = r.AddCollector([&](CollectSink& s) {
    if (gone > 0) s.Gauge("kappa_test_end", "End.", {{"p", "0"}}, double(gone));
  });
  const int64_t t0 = 1'700'000'000;
  h.Tick(t0);
  // Labels in any order find the series.
  auto ring = h.Read("kappa_test_bytes_total", {{"kind", "in"}, {"topic", "a"}});
  ASSERT_TRUE(ring.has_value());
  EXPECT_EQ(ring->values[899], 10);
  EXPECT_FALSE(h.Read("kappa_test_bytes_total", {{"topic", "a"}}).has_value());
  EXPECT_EQ(h.Read("kappa_test_seconds_count", {{"api", "x"}})->values[899], 1);
  EXPECT_EQ(h.Read("kappa_test_seconds_sum", {{"api", "x"}})->values[899], 0.5);
  EXPECT_FALSE(h.Read("kappa_test_seconds_bucket", {{"api", "x"}, {"le", "1"}}).has_value());
  // A series that stops (a topic deleted) reads missing, then is forgotten after 15 minutes.
  gone = 0;
  h.Tick(t0 + 1);
  ring = h.Read("kappa_test_end", {{"p", "0"}});
  ASSERT_TRUE(ring.has_value());
  EXPECT_EQ(ring->values[898], 1);
  EXPECT_TRUE(std::isnan(ring->values[899]));
  h.Tick(t0 + kHistorySeconds - 1);
  EXPECT_TRUE(h.Read("kappa_test_end", {{"p", "0"}}).has_value());
  h.Tick(t0 + kHistorySeconds);
  EXPECT_FALSE(h.Read("kappa_test_end", {{"p", "0"}}).has_value());
}

TEST(HistoryTest, SeriesCapBoundsMemoryAndCountsDrops) {
  Registry r;
  History h(&r, HistoryOptions{.max_series = 4});
  auto& fam = r.GetGaugeFamily("kappa_test_g", "G.", {"i"});
  for (int i = 0; i < 10; ++i) fam.With({std::to_string(i)}).Set(i);
  h.Tick(100);
  EXPECT_EQ(h.series(), 4u);
  EXPECT_EQ(h.ListSeries().size(), 4u);
  std::string text = r.Render();
  EXPECT_NE(text.find("kappa_metrics_history_series 4\n"), std::string::npos) << text;
  // 10 gauges + the history's own 2 series + the overflow family (no series) = 12 offered.
  EXPECT_NE(text.find("kappa_metrics_history_dropped_series_total 8\n"), std::string::npos)
      << text;
}

}  // namespace
}  // namespace kappa::metrics
