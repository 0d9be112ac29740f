// kappa bench log: append and sequential-read throughput of the log, for 100-byte and 1 KiB
// records, with the default flush policy and with fsync per batch. Appends go through the
// producer path (RecordBatchBuilder -> Partition::AppendBatch, one write(2) per batch);
// reads decode every record (Partition::VisitRecords). Live progress on stderr.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "log/log.h"

namespace kappa::cli {
namespace {

struct LogBenchArgs {
  std::string dir;
  int64_t records_100 = 5'000'000;
  int64_t records_1k = 1'000'000;
  int64_t fsync_records_100 = 1'000'000;
  int64_t fsync_records_1k = 300'000;
  int64_t batch_bytes = 1 << 20;
  bool json = false;
  std::vector<std::string> only;
};

struct LogCaseResult {
  std::string name;
  int64_t records;
  uint64_t bytes;  // record values
  double secs;
  std::vector<double> latencies_ms;  // per batch, appends only
};

using Clk = std::chrono::steady_clock;

void Progress(const std::string& name, int64_t done, int64_t total) {
  std::cerr << fmt::format("\r{}: {:5.1f}%", name, 100.0 * double(done) / double(total))
            << std::flush;
}

double LogPct(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, size_t(q * double(v.size())))];
}

void ReportLog(const LogBenchArgs& a, const LogCaseResult& r) {
  double rps = double(r.records) / r.secs;
  double mbps = double(r.bytes) / r.secs / 1e6;
  std::cerr << "\r" << std::string(40, ' ') << "\r";
  if (a.json) {
    std::string lat;
    if (!r.latencies_ms.empty())
      lat = fmt::format(", \"p50_ms\": {:.3f}, \"p99_ms\": {:.3f}", LogPct(r.latencies_ms, 0.5),
                        LogPct(r.latencies_ms, 0.99));
    std::cout << fmt::format("{{\"case\": \"{}\", \"records\": {}, \"seconds\": {:.3f}, "
                             "\"records_per_s\": {:.0f}, \"mb_per_s\": {:.1f}{}}}\n",
                             r.name, r.records, r.secs, rps, mbps, lat)
              << std::flush;
  } else {
    std::string lat;
    if (!r.latencies_ms.empty())
      lat = fmt::format("  batch p50 {:.2f} ms p99 {:.2f} ms", LogPct(r.latencies_ms, 0.5),
                        LogPct(r.latencies_ms, 0.99));
    std::cout << fmt::format("{:<28} {:>12.0f} records/s {:>9.1f} MB/s{}\n", r.name, rps, mbps, lat)
              << std::flush;
  }
}

LogCaseResult BenchAppend(const std::string& name, log::Partition* p, int64_t n, size_t size,
                       int64_t batch_bytes) {
  LogCaseResult r{name, n, uint64_t(n) * size, 0, {}};
  std::string value(size, 'v');
  for (size_t i = 0; i < size; ++i) value[i] = char('a' + i * 7 % 26);
  log::RecordBatchBuilder b(log::Compression::kNone, Clock::Real()->NowMs());
  std::string buf;
  auto start = Clk::now();
  auto last_progress = start;
  for (int64_t i = 0; i < n; ++i) {
    b.Add(std::nullopt, std::string_view(value));
    if (b.EstimatedBytes() + size + 16 > size_t(batch_bytes) || i + 1 == n) {
      auto t0 = Clk::now();
      buf.clear();
      Check(b.FinishInto(&buf));
      auto res = p->AppendBatch(buf);
      if (!res.ok()) Fail(res.status());
      auto t1 = Clk::now();
      r.latencies_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
      b.SetNow(Clock::Real()->NowMs());
      if (t1 - last_progress > std::chrono::milliseconds(500)) {
        last_progress = t1;
        Progress(name, i + 1, n);
      }
    }
  }
  r.secs = std::chrono::duration<double>(Clk::now() - start).count();
  return r;
}

LogCaseResult BenchRead(const std::string& name, log::Partition* p) {
  int64_t n = p->EndOffset() - p->StartOffset();
  LogCaseResult r{name, 0, 0, 0, {}};
  auto start = Clk::now();
  auto last_progress = start;
  Offset at = p->StartOffset();
  uint64_t bytes = 0;
  int64_t count = 0;
  while (at < p->EndOffset()) {
    auto next = p->VisitRecords(at, SIZE_MAX, [&](const log::RecordView& rec) {
      bytes += rec.value ? rec.value->size() : 0;
      ++count;
      return true;
    }, 4 << 20);
    if (!next.ok()) Fail(next.status());
    at = *next;
    if (Clk::now() - last_progress > std::chrono::milliseconds(500)) {
      last_progress = Clk::now();
      Progress(name, count, n);
    }
  }
  r.secs = std::chrono::duration<double>(Clk::now() - start).count();
  r.records = count;
  r.bytes = bytes;
  if (count != n) Fail(fmt::format("{}: read {} records, expected {}", name, count, n));
  return r;
}

void RunLogBench(const LogBenchArgs& a) {
  std::string root = a.dir;
  bool temp = root.empty();
  if (temp) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "kappa-bench-log-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) Fail("cannot create a temporary directory");
    root = tmpl;
  }
  std::cerr << "bench log: data in " << root << (temp ? " (removed afterwards)" : "") << "\n";
  struct Case {
    std::string name;
    size_t size;
    int64_t n;
    log::FlushPolicy flush;
  };
  std::vector<Case> cases = {
      {"100B-default", 100, a.records_100, log::FlushPolicy::kInterval},
      {"1KB-default", 1024, a.records_1k, log::FlushPolicy::kInterval},
      {"100B-fsync-per-batch", 100, a.fsync_records_100, log::FlushPolicy::kEveryAppend},
      {"1KB-fsync-per-batch", 1024, a.fsync_records_1k, log::FlushPolicy::kEveryAppend},
  };
  for (const auto& c : cases) {
    if (!a.only.empty() && std::find(a.only.begin(), a.only.end(), c.name) == a.only.end()) continue;
    log::LogOptions o;
    o.dir = root + "/" + c.name;
    o.flush = c.flush;
    auto lg = log::Log::Open(o);
    if (!lg.ok()) Fail(lg.status());
    Check((*lg)->CreateTopic("bench", 1));
    log::Partition* p = *(*lg)->GetPartition("bench", PartitionId(0));
    ReportLog(a, BenchAppend("append-" + c.name, p, c.n, c.size, a.batch_bytes));
    if (c.flush == log::FlushPolicy::kInterval) {
      // Sequential read of what was just written (from the page cache, as a tailing
      // consumer would).
      ReportLog(a, BenchRead("read-" + c.name.substr(0, c.name.find('-')), p));
    }
    Check((*lg)->Close());
    std::filesystem::remove_all(o.dir);
  }
  if (temp) std::filesystem::remove_all(root);
}

}  // namespace

void RegisterBenchLogCommand(CLI::App& app, const Groups& g) {
  auto a = std::make_shared<LogBenchArgs>();
  CLI::App* cmd = g.bench->add_subcommand(
      "log", "Log append/read throughput: 100 B and 1 KiB records, default flush and fsync per batch");
  cmd->add_option("--dir", a->dir, "Where to write (default: a temporary directory, removed after)");
  cmd->add_option("--records-100", a->records_100, "Records for the 100-byte default-flush case")
      ->capture_default_str();
  cmd->add_option("--records-1k", a->records_1k, "Records for the 1 KiB default-flush case")
      ->capture_default_str();
  cmd->add_option("--fsync-records-100", a->fsync_records_100,
                  "Records for the 100-byte fsync-per-batch case")
      ->capture_default_str();
  cmd->add_option("--fsync-records-1k", a->fsync_records_1k,
                  "Records for the 1 KiB fsync-per-batch case")
      ->capture_default_str();
  cmd->add_option("--batch-bytes", a->batch_bytes, "RecordBatch size")->capture_default_str();
  cmd->add_option("--case", a->only,
                  "Only these cases: 100B-default, 1KB-default, 100B-fsync-per-batch, "
                  "1KB-fsync-per-batch (repeatable)");
  cmd->add_flag("--json", a->json,
                "One JSON object per case and line: case, records, seconds, records_per_s, "
                "mb_per_s (+ p50_ms, p99_ms of batch appends)");
  cmd->callback([a] { RunLogBench(*a); });
}

}  // namespace kappa::cli
