// Costs of the hot paths and of a scrape (docs/benchmarks/metrics.md). Not a test: prints.
//   cmake --build build --target metrics_bench && build/src/metrics/metrics_bench
#include <time.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "metrics/metrics.h"

using namespace kappa::metrics;
using Clock = std::chrono::steady_clock;

namespace {

// CPU time of the calling thread: the machine may be shared, and wall time then also counts
// the time this thread waited for a core.
double ThreadCpuNs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) * 1e9 + double(ts.tv_nsec);
}

template <class Fn>
double CpuNsPerOp(int64_t ops, Fn fn) {
  double start = ThreadCpuNs();
  for (int64_t i = 0; i < ops; ++i) fn(i);
  return (ThreadCpuNs() - start) / double(ops);
}

template <class Fn>
double NsPerOp(int threads, int64_t ops, Fn fn) {
  auto start = Clock::now();
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&] {
      for (int64_t i = 0; i < ops; ++i) fn(i);
    });
  }
  for (auto& t : ts) t.join();
  return std::chrono::duration<double, std::nano>(Clock::now() - start).count() / double(ops);
}

}  // namespace

int main() {
  Registry r;
  Counter c = r.GetCounterFamily("kappa_bench_total", "x", {"topic"}).With({"t"});
  Histogram h = r.GetHistogramFamily("kappa_bench_seconds", "x", {"api"}, LatencyBuckets())
                    .With({"Produce"});
  constexpr int64_t kOps = 50'000'000;
  std::printf("counter add:                  %.2f ns (thread CPU time)\n",
              CpuNsPerOp(kOps, [&](int64_t) { c.Add(); }));
  std::printf("counter add, 2 threads:       %.2f ns per op per thread (wall)\n",
              NsPerOp(2, kOps, [&](int64_t) { c.Add(); }));
  std::printf("histogram observe:            %.2f ns (thread CPU time)\n",
              CpuNsPerOp(kOps / 5, [&](int64_t i) { h.Observe(double(i & 1023) * 1e-5); }));
  std::printf("steady_clock::now():          %.2f ns (thread CPU time)\n",
              CpuNsPerOp(kOps / 5, [&](int64_t) {
                auto t = Clock::now();
                asm volatile("" : : "r"(&t) : "memory");
              }));

  // A scrape with 100 topics x 8 partitions: per-topic counters and per-partition gauges from
  // a collector (the log's shape), plus 26 Kafka APIs' latency histograms.
  auto& in = r.GetCounterFamily("kappa_log_appended_records_total", "x", {"topic"});
  auto& bytes = r.GetCounterFamily("kappa_log_appended_bytes_total", "x", {"topic"});
  auto& out = r.GetCounterFamily("kappa_log_read_records_total", "x", {"topic"});
  auto& outb = r.GetCounterFamily("kappa_log_read_bytes_total", "x", {"topic"});
  for (int t = 0; t < 100; ++t) {
    std::string topic = "topic-" + std::to_string(t);
    in.With({topic}).Add(1000);
    bytes.With({topic}).Add(100000);
    out.With({topic}).Add(1000);
    outb.With({topic}).Add(100000);
  }
  auto& lat = r.GetHistogramFamily("kappa_kafka_request_duration_seconds", "x", {"api"},
                                   LatencyBuckets());
  for (int a = 0; a < 26; ++a) lat.With({"Api" + std::to_string(a)}).Observe(0.001);
  auto col = r.AddCollector([](CollectSink& s) {
    for (int t = 0; t < 100; ++t) {
      std::string topic = "topic-" + std::to_string(t);
      for (int p = 0; p < 8; ++p) {
        Labels l = {{"topic", topic}, {"partition", std::to_string(p)}};
        s.Gauge("kappa_log_end_offset", "x", l, 123456);
        s.Gauge("kappa_log_start_offset", "x", l, 0);
        s.Gauge("kappa_log_size_bytes", "x", std::move(l), 1 << 20);
      }
    }
  });
  auto proc = r.AddProcessCollector();
  History history(&r);
  size_t size = 0;
  constexpr int kRenders = 50;
  double start = ThreadCpuNs();
  for (int i = 0; i < kRenders; ++i) size = r.Render().size();
  double ms = (ThreadCpuNs() - start) / 1e6 / kRenders;
  std::printf("render, 100 topics x 8 partitions: %.3f ms CPU (%zu bytes)\n", ms, size);
  start = ThreadCpuNs();
  for (int i = 0; i < kRenders; ++i) history.Tick(1'700'000'000 + i);
  ms = (ThreadCpuNs() - start) / 1e6 / kRenders;
  std::printf("history tick, same registry (%zu series): %.3f ms CPU\n", history.series(), ms);
  return 0;
}
