// kappa produce TOPIC: one record per stdin line, appended straight to the log.
//
// Partitioning: a line without a key goes to partition (line number % partitions), i.e.
// per-record round robin, so `seq 1 1000000` over 3 partitions puts 333334 records in
// partition 0. With --key-separator, the part before the separator is the key and the
// partition is Kafka's default: murmur2(key) & 0x7fffffff % partitions (the same partition a
// Kafka client would pick). --partition sends everything to one partition.
//
// Speed: stdin is read in 1 MiB chunks; records are batched per partition into RecordBatches
// of up to --batch-bytes, each appended with one write(2). A batch is also cut whenever stdin
// has no more data ready, so interactive input is stored line by line.
#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <iostream>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "connect/connect.h"
#include "log/data_dir_log.h"

namespace kappa::cli {
namespace {

struct ProduceArgs {
  std::string dir, topic, key_separator, compression = "none";
  int32_t partition = -1;
  int64_t batch_bytes = 1 << 20;
  bool quiet = false;
};

class Producer {
 public:
  Producer(const ProduceArgs& a, std::vector<log::Partition*> parts, log::Compression c)
      : a_(a), parts_(std::move(parts)) {
    for (size_t i = 0; i < parts_.size(); ++i) builders_.emplace_back(c, 0);
  }

  void Line(std::string_view line, int64_t now) {
    std::optional<std::string_view> key;
    std::string_view value = line;
    if (!a_.key_separator.empty()) {
      size_t at = line.find(a_.key_separator);
      if (at != std::string_view::npos) {
        key = line.substr(0, at);
        value = line.substr(at + a_.key_separator.size());
      }
    }
    if (line.size() + 64 > log::kMaxBatchBytes)
      Fail(fmt::format("line {} is {} bytes; the largest record is {} bytes", records_ + 1,
                       line.size(), log::kMaxBatchBytes - 64));
    size_t p;
    if (a_.partition >= 0) p = size_t(a_.partition);
    else if (key) p = size_t(connect::PartitionForKey(*key, int32_t(parts_.size())));
    else p = size_t(records_ % uint64_t(parts_.size()));
    auto& b = builders_[p];
    if (!b.empty() && b.EstimatedBytes() + line.size() + 32 > size_t(a_.batch_bytes)) Cut(p);
    if (b.empty()) b.SetNow(now);
    b.Add(key, value);
    ++records_;
  }

  void Cut(size_t p) {
    auto& b = builders_[p];
    if (b.empty()) return;
    buf_.clear();
    Check(b.FinishInto(&buf_));
    auto r = parts_[p]->AppendBatch(buf_);
    if (!r.ok()) {
      Fail(r.status().WithContext(fmt::format("appending to {}/{} ({} records stored before this batch)",
                                              a_.topic, p, stored_)));
    }
    stored_ += uint64_t(r->last_offset - r->base_offset + 1);
    bytes_ += buf_.size();
  }
  void CutAll() {
    for (size_t p = 0; p < builders_.size(); ++p) Cut(p);
  }
  uint64_t records() const { return records_; }
  uint64_t bytes() const { return bytes_; }

 private:
  const ProduceArgs& a_;
  std::vector<log::Partition*> parts_;
  std::vector<log::RecordBatchBuilder> builders_;
  std::string buf_;
  uint64_t records_ = 0, stored_ = 0, bytes_ = 0;
};

bool InputReady() {
  pollfd pfd{0, POLLIN, 0};
  return ::poll(&pfd, 1, 0) > 0;
}

void Run(const ProduceArgs& a) {
  auto codec = log::ParseCompression(a.compression);
  if (!codec) Fail("unknown --compression '" + a.compression + "' (use none, gzip, snappy, lz4 or zstd)");
  if (a.batch_bytes < 1024 || a.batch_bytes > int64_t(log::kMaxBatchBytes / 2))
    Fail("--batch-bytes must be between 1024 and " + std::to_string(log::kMaxBatchBytes / 2));
  auto dl = log::OpenDataDirLog(a.dir, "kappa produce", log::Access::kReadWrite);
  if (!dl.ok()) Fail(dl.status());
  log::Log& lg = *dl->log;
  auto desc = lg.DescribeTopic(a.topic);
  if (!desc.ok()) {
    Fail(desc.status().IsNotFound()
             ? fmt::format("topic '{}' does not exist; create it first: kappa topics create {} "
                           "--partitions N --data-dir {}", a.topic, a.topic, a.dir)
             : desc.status().ToString());
  }
  std::vector<log::Partition*> parts;
  for (const auto& pi : desc->partitions) parts.push_back(*lg.GetPartition(a.topic, pi.partition));
  if (a.partition >= int32_t(parts.size()))
    Fail(fmt::format("topic '{}' has no partition {} (it has {})", a.topic, a.partition, parts.size()));

  Producer prod(a, parts, *codec);
  bool tty = ::isatty(2);
  auto start = std::chrono::steady_clock::now();
  auto last_report = start;
  std::string buf(1 << 20, '\0');
  std::string carry;  // a line split across reads
  while (true) {
    ssize_t n = ::read(0, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      Fail(std::string("reading stdin: ") + std::strerror(errno));
    }
    if (n == 0) break;
    int64_t now = Clock::Real()->NowMs();
    std::string_view chunk(buf.data(), size_t(n));
    size_t pos = 0;
    if (!carry.empty()) {
      size_t nl = chunk.find('\n');
      if (nl == std::string_view::npos) {
        carry.append(chunk);
        continue;
      }
      carry.append(chunk.substr(0, nl));
      prod.Line(carry, now);
      carry.clear();
      pos = nl + 1;
    }
    while (pos < chunk.size()) {
      const void* nlp = std::memchr(chunk.data() + pos, '\n', chunk.size() - pos);
      if (!nlp) {
        carry.assign(chunk.substr(pos));
        break;
      }
      size_t nl = size_t(static_cast<const char*>(nlp) - chunk.data());
      prod.Line(chunk.substr(pos, nl - pos), now);
      pos = nl + 1;
    }
    if (!InputReady()) prod.CutAll();
    if (tty) {
      auto t = std::chrono::steady_clock::now();
      if (t - last_report > std::chrono::seconds(1)) {
        last_report = t;
        std::cerr << fmt::format("\rproduced {} records", prod.records()) << std::flush;
      }
    }
  }
  if (!carry.empty()) prod.Line(carry, Clock::Real()->NowMs());
  prod.CutAll();
  Check(lg.Close());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!a.quiet) {
    std::cerr << (tty ? "\r" : "")
              << fmt::format("produced {} records ({}) to {} ({} partitions) in {:.2f} s\n",
                             prod.records(), HumanBytes(prod.bytes()), a.topic, parts.size(), secs);
  }
}

}  // namespace

void RegisterProduceCommand(CLI::App& app, const Groups& g) {
  auto a = std::make_shared<ProduceArgs>();
  CLI::App* cmd = app.add_subcommand(
      "produce",
      "Append stdin to a topic, one record per line (keyless lines: round robin over "
      "partitions; keyed lines: Kafka's murmur2 partitioner)");
  cmd->add_option("topic", a->topic, "Topic (must exist: kappa topics create)")->required();
  cmd->add_option("--partition", a->partition, "Send every record to this partition");
  cmd->add_option("--key-separator", a->key_separator,
                  "Split each line at the first occurrence into key and value (default: no key)");
  cmd->add_option("--compression", a->compression, "Batch compression: none, gzip, snappy, lz4, zstd")
      ->capture_default_str();
  cmd->add_option("--batch-bytes", a->batch_bytes, "Largest RecordBatch to build (bytes)")
      ->capture_default_str();
  cmd->add_flag("--quiet,-q", a->quiet, "Do not print the summary line on stderr");
  AddDataDirOption(cmd, &a->dir);
  cmd->callback([a] { Run(*a); });
}

}  // namespace kappa::cli
