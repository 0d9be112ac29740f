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
// With --bootstrap host:port the same lines go through the Kafka protocol (a librdkafka
// producer with acks=all) to any broker, with the same partitioning (computed here, so kappa
// and Kafka get the same placement) and the same summary line; the command fails, naming the
// count, if any record is not acknowledged.
#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <iostream>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/kafka_client.h"
#include "connect/connect.h"

namespace kappa::cli {
namespace {

struct ProduceArgs {
  std::string dir, topic, key_separator, compression = "none", bootstrap;
  int32_t partition = -1;
  int64_t batch_bytes = 1 << 20;
  bool quiet = false;
};

// Where the lines go: the log directly (Producer) or a broker (RemoteProducer).
class LineSink {
 public:
  virtual ~LineSink() = default;
  // One stdin line (without its newline); now = wall clock ms at the read.
  virtual void Line(std::string_view line, int64_t now) = 0;
  // Stdin has no more data ready: send what is buffered.
  virtual void CutAll() = 0;
  virtual uint64_t records() const = 0;
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

class Producer : public LineSink {
 public:
  Producer(const ProduceArgs& a, std::vector<log::Partition*> parts, log::Compression c)
      : a_(a), parts_(std::move(parts)) {
    for (size_t i = 0; i < parts_.size(); ++i) builders_.emplace_back(c, 0);
  }

  void Line(std::string_view line, int64_t now) override {
    auto [key, value] = SplitLine(line, a_.key_separator);
    if (line.size() + 64 > log::kMaxBatchBytes)
      Fail(fmt::format("line {} is {} bytes; the largest record is {} bytes", records_ + 1,
                       line.size(), log::kMaxBatchBytes - 64));
    size_t p = ChoosePartition(a_, key, records_, parts_.size());
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
  void CutAll() override {
    for (size_t p = 0; p < builders_.size(); ++p) Cut(p);
  }
  uint64_t records() const override { return records_; }
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

// Sends lines through a librdkafka producer (acks=all). Delivery reports are counted by
// OnDelivery; Finish() waits for all of them and fails if any record was not stored.
class RemoteProducer : public LineSink {
 public:
  RemoteProducer(const ProduceArgs& a, size_t partitions) : a_(a), partitions_(partitions) {
    rd_kafka_conf_t* c = NewKafkaConf(
        a.bootstrap, {{"acks", "all"},
                      {"linger.ms", "5"},
                      {"compression.codec", a.compression},
                      {"batch.size", std::to_string(a.batch_bytes)},
                      {"message.max.bytes", std::to_string(log::kMaxBatchBytes)},
                      {"queue.buffering.max.kbytes", "1048576"}});
    rd_kafka_conf_set_dr_msg_cb(c, OnDelivery);
    rd_kafka_conf_set_opaque(c, this);
    rk_ = NewKafkaClient(RD_KAFKA_PRODUCER, c);
  }

  void Line(std::string_view line, int64_t now) override {
    auto [key, value] = SplitLine(line, a_.key_separator);
    int32_t p = int32_t(ChoosePartition(a_, key, records_, partitions_));
    // librdkafka's macros paste their arguments unparenthesized: plain variables only.
    const void* key_data = key ? key->data() : nullptr;
    size_t key_size = key ? key->size() : 0;
    void* value_data = const_cast<char*>(value.data());
    size_t value_size = value.size();
    for (;;) {
      rd_kafka_resp_err_t e = rd_kafka_producev(
          rk_.get(), RD_KAFKA_V_TOPIC(a_.topic.c_str()), RD_KAFKA_V_PARTITION(p),
          RD_KAFKA_V_KEY(key_data, key_size), RD_KAFKA_V_VALUE(value_data, value_size),
          RD_KAFKA_V_TIMESTAMP(now), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      if (e == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        Fail(fmt::format("record {}: {} ({} records acknowledged before)", records_ + 1,
                         rd_kafka_err2str(e), acked_));
      }
      rd_kafka_poll(rk_.get(), 10);  // local queue full: let deliveries drain
    }
    ++records_;
    bytes_ += line.size();
    if ((records_ & 0x3ff) == 0) rd_kafka_poll(rk_.get(), 0);
  }
  void CutAll() override { rd_kafka_poll(rk_.get(), 0); }
  uint64_t records() const override { return records_; }
  uint64_t bytes() const { return bytes_; }

  // Waits for every delivery report; fails if any record was not acknowledged.
  void Finish() {
    // Delivery of a whole queue can take a while on a slow broker; fail only when no
    // report at all arrives for kKafkaTimeoutMs.
    uint64_t before = acked_ + failed_;
    while (acked_ + failed_ < records_) {
      rd_kafka_flush(rk_.get(), kKafkaTimeoutMs);
      if (acked_ + failed_ == before) {
        Fail(fmt::format("the broker at {} acknowledged only {} of {} records (no answer for {} s)",
                         a_.bootstrap, acked_, records_, kKafkaTimeoutMs / 1000));
      }
      before = acked_ + failed_;
    }
    if (failed_ > 0) {
      Fail(fmt::format("{} of {} records were not stored (first error: {}); {} were", failed_,
                       records_, first_error_, acked_));
    }
  }

 private:
  static void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* self = static_cast<RemoteProducer*>(opaque);
    if (m->err) {
      if (self->failed_++ == 0) self->first_error_ = rd_kafka_err2str(m->err);
    } else {
      ++self->acked_;
    }
  }

  const ProduceArgs& a_;
  size_t partitions_;
  KafkaClient rk_;
  // Delivery reports run inside rd_kafka_poll/flush on this thread: no locking needed.
  uint64_t records_ = 0, bytes_ = 0, acked_ = 0, failed_ = 0;
  std::string first_error_;
};

// Reads stdin to the end, line by line, into `sink`; progress on a terminal's stderr.
void ReadLines(LineSink* sink) {
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

void RunRemote(const ProduceArgs& a) {
  auto start = std::chrono::steady_clock::now();
  size_t partitions = 0;
  {
    KafkaClient meta = NewKafkaClient(RD_KAFKA_PRODUCER, NewKafkaConf(a.bootstrap));
    const RemoteTopic* t = nullptr;
    auto topics = ListRemoteTopics(meta.get(), a.bootstrap);
    t = FindTopic(topics, a.topic);
    if (!t) {
      Fail(fmt::format("topic '{}' does not exist at {}; create it first: kappa topics create "
                       "{} --partitions N --bootstrap {}", a.topic, a.bootstrap, a.topic,
                       a.bootstrap));
    }
    partitions = t->partitions.size();
  }
  if (a.partition >= int32_t(partitions))
    Fail(fmt::format("topic '{}' has no partition {} (it has {})", a.topic, a.partition, partitions));
  RemoteProducer prod(a, partitions);
  ReadLines(&prod);
  prod.Finish();
  Summary(a, prod.records(), prod.bytes(), partitions, start);
}

void Run(const ProduceArgs& a) {
  auto codec = log::ParseCompression(a.compression);
  if (!codec) Fail("unknown --compression '" + a.compression + "' (use none, gzip, snappy, lz4 or zstd)");
  if (a.batch_bytes < 1024 || a.batch_bytes > int64_t(log::kMaxBatchBytes / 2))
    Fail("--batch-bytes must be between 1024 and " + std::to_string(log::kMaxBatchBytes / 2));
  if (!a.bootstrap.empty()) return RunRemote(a);
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
  std::vector<log::Partition*> parts;
  for (const auto& pi : desc->partitions) parts.push_back(*lg.GetPartition(a.topic, pi.partition));
  if (a.partition >= int32_t(parts.size()))
    Fail(fmt::format("topic '{}' has no partition {} (it has {})", a.topic, a.partition, parts.size()));

  Producer prod(a, parts, *codec);
  auto start = std::chrono::steady_clock::now();
  ReadLines(&prod);
  Check(lg.Close());
  Summary(a, prod.records(), prod.bytes(), parts.size(), start);
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
  AddBootstrapOption(cmd, &a->bootstrap);
  cmd->callback([a] { Run(*a); });
}

}  // namespace kappa::cli
