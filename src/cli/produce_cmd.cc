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
//
// Both ways go through connect's RecordSink, the one sink abstraction: the log sink on the
// data directory, or with --bootstrap host:port connect's Kafka sink (an idempotent
// librdkafka producer, acks=all) to any broker, with the same partitioning (computed here, so
// kappa and Kafka get the same placement) and the same summary line; the command fails,
// naming the count of records stored, if any record is not acknowledged.
#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <iostream>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/kafka_client.h"
#include "common/coding.h"
#include "connect/connect.h"

namespace kappa::cli {
namespace {

struct ProduceArgs {
  std::string dir, topic, key_separator, compression = "none", bootstrap;
  int32_t partition = -1;
  int64_t batch_bytes = 1 << 20;
  bool quiet = false;
};

// Splits a line into key and value at the first `sep` (no key if sep is empty or absent).
std::pair<std::optional<std::string_view>, std::string_view> SplitLine(std::string_view line,
                                                                        const std::string& sep) {
  if (!sep.empty()) {
    size_t at = line.find(sep);
    if (at != std::string_view::npos) return {line.substr(0, at), line.substr(at + sep.size())};
  }
  return {std::nullopt, line};
}

// The partition of record number `n` (see the file comment).
size_t ChoosePartition(const ProduceArgs& a, const std::optional<std::string_view>& key,
                       uint64_t n, size_t partitions) {
  if (a.partition >= 0) return size_t(a.partition);
  if (key) return size_t(connect::PartitionForKey(*key, int32_t(partitions)));
  return size_t(n % uint64_t(partitions));
}

// Collects the lines, each with its partition chosen here, and hands them to a
// connect::RecordSink (the embedded log or a Kafka cluster). The lines of every partition
// share one buffer and one record list (no copy between them): when one partition's lines
// would make its RecordBatch larger than --batch-bytes, or stdin has nothing more ready, all
// of them are handed over in one call (one RecordBatch per partition in the log; one wait
// for acknowledgements from a cluster). The first failure ends the command, naming how many
// records were stored.
class LineBatcher {
 public:
  LineBatcher(const ProduceArgs& a, connect::RecordSink* sink, size_t partitions)
      : a_(a), sink_(sink), batches_(partitions) {}

  // One stdin line (without its newline); now = wall clock ms at the read.
  void Line(std::string_view line, int64_t now) {
    if (line.size() + 64 > log::kMaxBatchBytes)
      Fail(fmt::format("line {} is {} bytes; the largest record is {} bytes", records_ + 1,
                       line.size(), log::kMaxBatchBytes - 64));
    auto [key, value] = SplitLine(line, a_.key_separator);
    size_t p = ChoosePartition(a_, key, records_, batches_.size());
    if ((batches_[p].count > 0 &&
         batches_[p].estimated + line.size() + 32 > size_t(a_.batch_bytes)) ||
        pending_.size() >= kMaxPending)
      CutAll();
    Batch& b = batches_[p];
    // The records' views point into data_; a reallocation moves them all by one delta.
    const char* old_base = data_.data();
    const size_t at = data_.size();
    data_.append(line);
    if (data_.data() != old_base) Rebase(old_base);
    connect::SinkRecord r;
    if (key) r.key = std::string_view(data_.data() + at, key->size());
    r.empty_key = key.has_value();  // "=v" with separator "=" has the key "", not none
    r.value = std::string_view(data_.data() + data_.size() - value.size(), value.size());
    r.timestamp_ms = now;
    r.partition = int32_t(p);
    if (b.count == 0) b.first_timestamp = now;
    b.estimated += RecordBytes(key, value, b.count, now - b.first_timestamp);
    ++b.count;
    pending_.push_back(r);
    ++records_;
    line_bytes_ += line.size();
  }

  // Hands over everything buffered, all partitions in one call.
  void CutAll() {
    if (pending_.empty()) return;
    Status st = sink_->AppendBatch(a_.topic, pending_);
    if (!st.ok()) {
      Fail(st.WithContext(fmt::format("{} records stored before this batch", stored_)));
    }
    stored_ += pending_.size();
    pending_.clear();
    data_.clear();
    for (Batch& b : batches_) b = Batch{};
  }

  uint64_t records() const { return records_; }
  uint64_t line_bytes() const { return line_bytes_; }

 private:
  // Tiny lines would otherwise pile up millions of record views before a batch fills; past
  // this many the lines go out anyway, so the views stay in cache.
  static constexpr size_t kMaxPending = 16384;

  struct Batch {                               // one partition's share of pending_
    size_t estimated = log::kBatchHeaderSize;  // its RecordBatch's size so far
    size_t count = 0;
    int64_t first_timestamp = 0;
  };

  void Rebase(const char* old_base) {
    for (connect::SinkRecord& r : pending_) {
      if (r.key.data() != nullptr) {
        r.key = std::string_view(data_.data() + (r.key.data() - old_base), r.key.size());
      }
      r.value = std::string_view(data_.data() + (r.value.data() - old_base), r.value.size());
    }
  }

  // The size of one record in a RecordBatch (the v2 record format of docs/formats/log.md),
  // so that batches come out as large as --batch-bytes allows, as the log's builder counts.
  static size_t RecordBytes(const std::optional<std::string_view>& key, std::string_view value,
                            size_t offset_delta, int64_t timestamp_delta) {
    size_t body = 1 + size_t(coding::VarintSize(timestamp_delta)) +
                  size_t(coding::VarintSize(int64_t(offset_delta))) +
                  (key ? size_t(coding::VarintSize(int64_t(key->size()))) + key->size() : 1) +
                  size_t(coding::VarintSize(int64_t(value.size()))) + value.size() + 1;
    return size_t(coding::VarintSize(int64_t(body))) + body;
  }

  const ProduceArgs& a_;
  connect::RecordSink* const sink_;
  std::vector<Batch> batches_;
  std::string data_;                         // the pending lines, back to back
  std::vector<connect::SinkRecord> pending_;  // views into data_, in arrival order
  uint64_t records_ = 0, stored_ = 0, line_bytes_ = 0;
};

bool InputReady() {
  pollfd pfd{0, POLLIN, 0};
  return ::poll(&pfd, 1, 0) > 0;
}

// Reads stdin to the end, line by line, into `sink`; progress on a terminal's stderr.
void ReadLines(LineBatcher* sink) {
  bool tty = ::isatty(2);
  auto last_report = std::chrono::steady_clock::now();
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
      sink->Line(carry, now);
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
      sink->Line(chunk.substr(pos, nl - pos), now);
      pos = nl + 1;
    }
    if (!InputReady()) sink->CutAll();
    if (tty) {
      auto t = std::chrono::steady_clock::now();
      if (t - last_report > std::chrono::seconds(1)) {
        last_report = t;
        std::cerr << fmt::format("\rproduced {} records", sink->records()) << std::flush;
      }
    }
  }
  if (!carry.empty()) sink->Line(carry, Clock::Real()->NowMs());
  sink->CutAll();
}

void Summary(const ProduceArgs& a, uint64_t records, uint64_t bytes, size_t partitions,
             std::chrono::steady_clock::time_point start) {
  if (a.quiet) return;
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cerr << (::isatty(2) ? "\r" : "")
            << fmt::format("produced {} records ({}) to {} ({} partitions) in {:.2f} s\n",
                           records, HumanBytes(bytes), a.topic, partitions, secs);
}

// The topic's partition count at the broker; fails if it does not exist.
size_t RemotePartitions(const ProduceArgs& a) {
  KafkaClient meta = NewKafkaClient(RD_KAFKA_PRODUCER, NewKafkaConf(a.bootstrap));
  auto topics = ListRemoteTopics(meta.get(), a.bootstrap);
  const RemoteTopic* t = FindTopic(topics, a.topic);
  if (!t) {
    Fail(fmt::format("topic '{}' does not exist at {}; create it first: kappa topics create "
                     "{} --partitions N --bootstrap {}", a.topic, a.bootstrap, a.topic,
                     a.bootstrap));
  }
  return t->partitions.size();
}

// connect's Kafka sink (an idempotent producer, acks=all) with the command's batching and
// codec; librdkafka logs errors only, as for every command.
std::unique_ptr<connect::RecordSink> RemoteSink(const ProduceArgs& a) {
  connect::KafkaSinkOptions o;
  o.bootstrap = a.bootstrap;
  o.client_id = "kappa-produce";
  o.properties = {{"log_level", "3"},
                  {"socket.nagle.disable", "true"},
                  {"compression.codec", a.compression},
                  {"batch.size", std::to_string(a.batch_bytes)},
                  {"message.max.bytes", std::to_string(log::kMaxBatchBytes)},
                  {"queue.buffering.max.kbytes", "1048576"}};
  auto sink = connect::NewKafkaSink(o);
  if (!sink.ok()) Fail(sink.status());
  return std::move(*sink);
}

// The bytes the topic's partitions hold in the log.
uint64_t LogBytes(log::Log& lg, const std::string& topic) {
  auto d = lg.DescribeTopic(topic);
  if (!d.ok()) Fail(d.status());
  uint64_t bytes = 0;
  for (const auto& p : d->partitions) bytes += p.bytes;
  return bytes;
}

void RunProduce(const ProduceArgs& a) {
  auto codec = log::ParseCompression(a.compression);
  if (!codec) Fail("unknown --compression '" + a.compression + "' (use none, gzip, snappy, lz4 or zstd)");
  if (a.batch_bytes < 1024 || a.batch_bytes > int64_t(log::kMaxBatchBytes / 2))
    Fail("--batch-bytes must be between 1024 and " + std::to_string(log::kMaxBatchBytes / 2));
  auto start = std::chrono::steady_clock::now();
  if (!a.bootstrap.empty()) {
    size_t partitions = RemotePartitions(a);
    if (a.partition >= int32_t(partitions))
      Fail(fmt::format("topic '{}' has no partition {} (it has {})", a.topic, a.partition, partitions));
    auto sink = RemoteSink(a);
    LineBatcher lines(a, sink.get(), partitions);
    ReadLines(&lines);
    // Bytes through the protocol: the lines as read.
    Summary(a, lines.records(), lines.line_bytes(), partitions, start);
    return;
  }
  auto dl = OpenDataDir(a.dir, "kappa produce", Access::kOwner, /*log=*/true, /*store=*/false);
  if (!dl.ok()) Fail(dl.status());
  log::Log& lg = (*dl)->log();
  auto desc = lg.DescribeTopic(a.topic);
  if (!desc.ok()) {
    Fail(desc.status().IsNotFound()
             ? fmt::format("topic '{}' does not exist; create it first: kappa topics create {} "
                           "--partitions N --data-dir {}", a.topic, a.topic, a.dir)
             : desc.status().ToString());
  }
  size_t partitions = desc->partitions.size();
  if (a.partition >= int32_t(partitions))
    Fail(fmt::format("topic '{}' has no partition {} (it has {})", a.topic, a.partition, partitions));

  const uint64_t bytes_before = LogBytes(lg, a.topic);
  start = std::chrono::steady_clock::now();
  {
    auto sink = connect::NewLogSink(&lg, {*codec});
    LineBatcher lines(a, sink.get(), partitions);
    ReadLines(&lines);
    // Bytes in the log: the RecordBatches as written (compressed if asked).
    uint64_t bytes = LogBytes(lg, a.topic) - bytes_before;
    Check(lg.Close());
    Summary(a, lines.records(), bytes, partitions, start);
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
  AddSizeOption(cmd, "--batch-bytes", &a->batch_bytes, "Largest RecordBatch to build (bytes)");
  cmd->add_flag("--quiet,-q", a->quiet, "Do not print the summary line on stderr");
  AddDataDirOption(cmd, &a->dir);
  AddBootstrapOption(cmd, &a->bootstrap);
  cmd->callback([a] { RunProduce(*a); });
}

}  // namespace kappa::cli
