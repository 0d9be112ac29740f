#include "metrics/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <ctime>
#include <thread>

namespace kappa::metrics {
namespace {

const FamilySnapshot* Find(const std::vector<FamilySnapshot>& fs, std::string_view name) {
  for (const auto& f : fs) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

TEST(MetricsTest, CounterSumsAcrossThreads) {
  Registry r;
  Counter c = r.GetCounter("kappa_test_events_total", "Events.");
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([c] {
      for (int i = 0; i < 100000; ++i) c.Add();
      c.Add(5);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.Value(), 8u * 100005u);
  // The same family and label set again is the same series.
  EXPECT_EQ(r.GetCounter("kappa_test_events_total", "Events.").Value(), 800040u);
}

TEST(MetricsTest, DefaultHandlesDiscard) {
  Counter c;
  c.Add(3);
  EXPECT_EQ(c.Value(), 0u);
  Histogram h;
  h.Observe(1);
  Gauge g;
  g.Set(2);
  EXPECT_EQ(g.Value(), 0);
}

TEST(MetricsTest, HistogramBucketsAreCumulativeAndInclusive) {
  Registry r;
  Histogram h = r.GetHistogramFamily("kappa_test_size_bytes", "Sizes.", {}, {10, 100, 1000})
                    .With({});
  for (double v : {1.0, 10.0, 11.0, 100.0, 5000.0, std::nan("")}) h.Observe(v);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([h] {
      for (int i = 0; i < 1000; ++i) h.Observe(50);
    });
  }
  for (auto& t : threads) t.join();
  auto fs = r.Collect();
  const FamilySnapshot* f = Find(fs, "kappa_test_size_bytes");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(f->histograms.size(), 1u);
  const HistogramSample& s = f->histograms[0];
  // le=10: 1, 10; le=100: + 11, 100, 4000x50; le=1000: same; +Inf: + 5000, NaN.
  EXPECT_EQ(s.cumulative, (std::vector<uint64_t>{2, 4004, 4004, 4006}));
  EXPECT_TRUE(std::isnan(s.sum));  // NaN poisons the sum, as in Prometheus' clients
}

TEST(MetricsTest, HistogramSum) {
  Registry r;
  Histogram h = r.GetHistogramFamily("kappa_test_seconds", "Durations.", {"op"}, {0.5, 1})
                    .With({"read"});
  h.Observe(0.25);
  h.ObserveDuration(std::chrono::milliseconds(750));
  auto fs = r.Collect();
  const FamilySnapshot* f = Find(fs, "kappa_test_seconds");
  ASSERT_NE(f, nullptr);
  EXPECT_DOUBLE_EQ(f->histograms[0].sum, 1.0);
  EXPECT_EQ(f->histograms[0].cumulative, (std::vector<uint64_t>{1, 2, 2}));
}

TEST(MetricsTest, LabelCapFoldsIntoOverflowAndCounts) {
  Registry r;
  CounterFamily& fam = r.GetCounterFamily("kappa_test_topic_total", "Per topic.", {"topic"}, 3);
  for (int i = 0; i < 3; ++i) fam.With({"t" + std::to_string(i)}).Add(1);
  Counter a = fam.With({"t3"});
  Counter b = fam.With({"t4"});
  a.Add(10);
  b.Add(20);
  fam.With({"t0"}).Add(1);  // existing series still served
  auto fs = r.Collect();
  const FamilySnapshot* f = Find(fs, "kappa_test_topic_total");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(f->samples.size(), 4u);
  EXPECT_EQ(f->samples[0].labels, (Labels{{"topic", "(overflow)"}}));
  EXPECT_EQ(f->samples[0].value, 30);
  EXPECT_EQ(f->samples[1].labels, (Labels{{"topic", "t0"}}));
  EXPECT_EQ(f->samples[1].value, 2);
  const FamilySnapshot* o = Find(fs, "kappa_metrics_label_overflow_total");
  ASSERT_NE(o, nullptr);
  ASSERT_EQ(o->samples.size(), 1u);
  EXPECT_EQ(o->samples[0].labels, (Labels{{"metric", "kappa_test_topic_total"}}));
  EXPECT_EQ(o->samples[0].value, 2);
}

TEST(MetricsTest, CollectorSamplesAreCappedToo) {
  Registry r(Registry::Options{.max_series_per_family = 5});
  auto h = r.AddCollector([](CollectSink& sink) {
    for (int i = 0; i < 8; ++i) {
      sink.Gauge("kappa_test_offset", "Offsets.", {{"p", std::to_string(i)}}, i);
    }
  });
  auto fs = r.Collect();
  EXPECT_EQ(Find(fs, "kappa_test_offset")->samples.size(), 5u);
  EXPECT_EQ(Find(fs, "kappa_metrics_label_overflow_total")->samples[0].value, 3);
}

TEST(MetricsTest, CollectorUnregistersOnDestruction) {
  Registry r;
  int calls = 0;
  {
    CollectorHandle h = r.AddCollector([&](CollectSink& sink) {
      ++calls;
      sink.Gauge("kappa_test_depth", "Depth.", {}, 7);
    });
    EXPECT_NE(r.Render().find("kappa_test_depth 7\n"), std::string::npos);
    CollectorHandle moved = std::move(h);
    EXPECT_NE(r.Render().find("kappa_test_depth 7\n"), std::string::npos);
  }
  EXPECT_EQ(r.Render().find("kappa_test_depth"), std::string::npos);
  EXPECT_EQ(calls, 2);
}

TEST(MetricsTest, CollectorRemovalWaitsForARunningScrape) {
  Registry r;
  std::atomic<bool> in_callback{false}, release{false};
  std::atomic<bool> removed{false};
  auto h = std::make_unique<CollectorHandle>(r.AddCollector([&](CollectSink&) {
    in_callback = true;
    while (!release) std::this_thread::yield();
    EXPECT_FALSE(removed.load());
  }));
  std::thread scrape([&] { r.Collect(); });
  while (!in_callback) std::this_thread::yield();
  std::thread remover([&] {
    h.reset();
    removed = true;
  });
  release = true;
  remover.join();
  scrape.join();
  EXPECT_TRUE(removed);
}

TEST(MetricsTest, SameLabelSetFromTwoCollectorsKeepsOne) {
  Registry r;
  auto a = r.AddCollector([](CollectSink& s) { s.Gauge("kappa_test_end", "End.", {{"t", "x"}}, 1); });
  auto b = r.AddCollector([](CollectSink& s) {
    s.Gauge("kappa_test_end", "End.", {{"t", "x"}}, 2);
    s.Gauge("kappa_test_end", "End.", {{"t", "y"}}, 3);
  });
  auto fs = r.Collect();
  const FamilySnapshot* f = Find(fs, "kappa_test_end");
  ASSERT_EQ(f->samples.size(), 2u);
  EXPECT_EQ(f->samples[0].value, 1);
  EXPECT_EQ(f->samples[1].value, 3);
}

TEST(MetricsTest, ExpositionGoldenText) {
  Registry r;
  auto& reqs = r.GetCounterFamily("kappa_test_requests_total", "Requests served.", {"api"});
  reqs.With({"Produce"}).Add(3);
  reqs.With({"Fetch"}).Add(1);
  r.GetGauge("kappa_test_open", "Open things.").Set(2.5);
  auto& lat = r.GetHistogramFamily("kappa_test_latency_seconds", "Latency.", {"api"},
                                   {0.00005, 0.5, 1});
  lat.With({"Fetch"}).Observe(0.25);
  lat.With({"Fetch"}).Observe(2);
  auto c = r.AddCollector([](CollectSink& s) {
    s.Gauge("kappa_test_offset", "End offset.", {{"topic", "a"}, {"partition", "0"}}, 42);
  });
  const std::string expected =
      "# HELP kappa_metrics_label_overflow_total Label sets refused because their family "
      "reached its series cap (registered series fold into the series labelled (overflow); "
      "collector samples are dropped).\n"
      "# TYPE kappa_metrics_label_overflow_total counter\n"
      "# HELP kappa_test_latency_seconds Latency.\n"
      "# TYPE kappa_test_latency_seconds histogram\n"
      "kappa_test_latency_seconds_bucket{api=\"Fetch\",le=\"5e-05\"} 0\n"
      "kappa_test_latency_seconds_bucket{api=\"Fetch\",le=\"0.5\"} 1\n"
      "kappa_test_latency_seconds_bucket{api=\"Fetch\",le=\"1\"} 1\n"
      "kappa_test_latency_seconds_bucket{api=\"Fetch\",le=\"+Inf\"} 2\n"
      "kappa_test_latency_seconds_sum{api=\"Fetch\"} 2.25\n"
      "kappa_test_latency_seconds_count{api=\"Fetch\"} 2\n"
      "# HELP kappa_test_offset End offset.\n"
      "# TYPE kappa_test_offset gauge\n"
      "kappa_test_offset{topic=\"a\",partition=\"0\"} 42\n"
      "# HELP kappa_test_open Open things.\n"
      "# TYPE kappa_test_open gauge\n"
      "kappa_test_open 2.5\n"
      "# HELP kappa_test_requests_total Requests served.\n"
      "# TYPE kappa_test_requests_total counter\n"
      "kappa_test_requests_total{api=\"Fetch\"} 1\n"
      "kappa_test_requests_total{api=\"Produce\"} 3\n";
  EXPECT_EQ(r.Render(), expected);
}

TEST(MetricsTest, ExpositionEscapesLabelValuesAndHelp) {
  Registry r;
  r.GetCounterFamily("kappa_test_odd_total", "Back\\slash and\nnewline \"quoted\".", {"v"})
      .With({"a\\b\"c\nd"})
      .Add(1);
  std::string text = r.Render();
  EXPECT_NE(text.find("# HELP kappa_test_odd_total Back\\\\slash and\\nnewline \"quoted\".\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("kappa_test_odd_total{v=\"a\\\\b\\\"c\\nd\"} 1\n"), std::string::npos)
      << text;
}

TEST(MetricsTest, ExpositionSpecialValues) {
  std::vector<FamilySnapshot> fs(1);
  fs[0].name = "kappa_test_values";
  fs[0].type = MetricType::kGauge;
  fs[0].samples = {{{{"k", "nan"}}, std::nan("")},
                   {{{"k", "pinf"}}, INFINITY},
                   {{{"k", "ninf"}}, -INFINITY},
                   {{{"k", "big"}}, 1e300},
                   {{{"k", "neg"}}, -3},
                   {{{"k", "frac"}}, 0.1}};
  std::string text = RenderText(fs);
  for (std::string_view line :
       {"{k=\"nan\"} NaN\n", "{k=\"pinf\"} +Inf\n", "{k=\"ninf\"} -Inf\n",
        "{k=\"big\"} 1e+300\n", "{k=\"neg\"} -3\n", "{k=\"frac\"} 0.1\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  }
}

TEST(MetricsTest, ProcessMetrics) {
  Registry r;
  auto h = r.AddProcessCollector();
  // A test process just started may not have used one clock tick (10 ms) of CPU yet, which
  // /proc reports as 0: use some first, so process_cpu_seconds_total must be positive.
  volatile uint64_t spin = 0;
  while (std::clock() < CLOCKS_PER_SEC / 20) spin = spin + 1;
  auto fs = r.Collect();
  for (std::string_view name :
       {"process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds",
        "process_max_fds", "process_start_time_seconds", "process_virtual_memory_bytes"}) {
    const FamilySnapshot* f = Find(fs, name);
    ASSERT_NE(f, nullptr) << name;
    ASSERT_EQ(f->samples.size(), 1u) << name;
    EXPECT_GT(f->samples[0].value, 0) << name;
  }
  double start = Find(fs, "process_start_time_seconds")->samples[0].value;
  double now = double(std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count());
  EXPECT_LE(start, now + 1);
  EXPECT_GT(start, now - 24 * 3600);  // the test process started today
  EXPECT_GT(Find(fs, "process_resident_memory_bytes")->samples[0].value, 1 << 20);
}

TEST(MetricsTest, DefaultRegistryHasProcessMetrics) {
  std::string text = Registry::Default().Render();
  EXPECT_NE(text.find("\nprocess_resident_memory_bytes "), std::string::npos);
  EXPECT_NE(text.find("\nprocess_cpu_seconds_total "), std::string::npos);
}

TEST(MetricsDeathTest, BadNamesAreProgrammingErrors) {
  Registry r;
  EXPECT_DEATH(r.GetCounter("kappa_no_suffix", "x"), "");
  EXPECT_DEATH(r.GetGauge("9bad", "x"), "");
  EXPECT_DEATH(r.GetGaugeFamily("kappa_ok", "x", {"__reserved"}), "");
  r.GetGauge("kappa_twice", "x");
  EXPECT_DEATH(r.GetHistogramFamily("kappa_twice", "x", {}, {1}), "");
  EXPECT_DEATH(r.GetGaugeFamily("kappa_twice", "x", {"other"}), "");
}

}  // namespace
}  // namespace kappa::metrics
