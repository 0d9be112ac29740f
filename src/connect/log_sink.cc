// RecordSink over the embedded log: one RecordBatch (in the options' codec) per partition
// per call; records without a partition are partitioned like Kafka's default partitioner
// (murmur2 of the key; null keys round-robin).
#include <fmt/format.h>

#include <map>
#include <mutex>

#include "connect/connect.h"
#include "log/log.h"

namespace kappa::connect {
namespace {

class LogSink final : public RecordSink {
 public:
  LogSink(log::Log* log, LogSinkOptions options)
      : log_(log), options_(options), builder_(options.compression, 0) {}

  Status AppendBatch(std::string_view topic, std::span<const SinkRecord> records) override {
    if (records.empty()) return Status::OK();
    std::lock_guard<std::mutex> l(mu_);
    ASSIGN_OR_RETURN(std::vector<log::Partition*>* parts, Partitions(topic));
    const int32_t n = int32_t(parts->size());
    // Bucket record indexes by partition, keeping their order.
    buckets_.assign(size_t(n), {});
    for (size_t i = 0; i < records.size(); ++i) {
      const SinkRecord& r = records[i];
      int32_t p = r.partition;
      if (p >= n) {
        return Status::InvalidArgument(
            fmt::format("topic {} has no partition {} (it has {})", topic, p, n));
      }
      if (p < 0) {
        p = r.key.empty() && !r.empty_key ? int32_t(round_robin_++ % uint64_t(n))
                                          : PartitionForKey(r.key, n);
      }
      buckets_[size_t(p)].push_back(i);
    }
    const int64_t now = log_->options().clock->NowMs();
    for (int32_t p = 0; p < n; ++p) {
      if (buckets_[size_t(p)].empty()) continue;
      // One builder, reused: its buffer keeps its capacity from batch to batch.
      log::RecordBatchBuilder& builder = builder_;
      builder.SetNow(now);
      for (size_t i : buckets_[size_t(p)]) {
        const SinkRecord& r = records[i];
        headers_.clear();
        for (const SinkHeader& h : r.headers) {
          headers_.push_back(log::Header{std::string(h.key), std::string(h.value)});
        }
        builder.Add(r.key.empty() && !r.empty_key ? std::nullopt
                                                  : std::optional<std::string_view>(r.key),
                    std::optional<std::string_view>(r.value),
                    TimestampMs(r.timestamp_ms > 0 ? r.timestamp_ms : -1), headers_);
      }
      batch_.clear();
      if (Status st = builder.FinishInto(&batch_); !st.ok()) {
        builder_ = log::RecordBatchBuilder(options_.compression, 0);  // a codec failed: start over
        return st;
      }
      auto res = (*parts)[size_t(p)]->AppendBatch(batch_);
      if (!res.ok()) {
        // A deleted/recreated topic invalidates the cached pointers: forget them.
        cache_.erase(std::string(topic));
        return res.status().WithContext("append to " + std::string(topic) + "/" + std::to_string(p));
      }
    }
    return Status::OK();
  }

 private:
  // The topic's partitions, cached; re-described every kRefreshCalls calls so that added
  // partitions are picked up.
  static constexpr uint64_t kRefreshCalls = 1024;
  Result<std::vector<log::Partition*>*> Partitions(std::string_view topic) {
    auto it = cache_.find(topic);
    if (it != cache_.end() && ++calls_ % kRefreshCalls != 0) return &it->second;
    ASSIGN_OR_RETURN(log::TopicDescription d, log_->DescribeTopic(topic));
    auto& v = cache_[std::string(topic)];
    if (v.size() != d.partitions.size()) {
      v.clear();
      for (const log::PartitionInfo& pi : d.partitions) {
        ASSIGN_OR_RETURN(log::Partition * part, log_->GetPartition(topic, pi.partition));
        v.push_back(part);
      }
    }
    if (v.empty()) return Status::Internal("topic " + std::string(topic) + " has no partitions");
    return &v;
  }

  log::Log* const log_;
  const LogSinkOptions options_;
  std::mutex mu_;  // one AppendBatch at a time; guards everything below
  std::map<std::string, std::vector<log::Partition*>, std::less<>> cache_;
  uint64_t calls_ = 0;
  std::vector<std::vector<size_t>> buckets_;
  std::vector<log::Header> headers_;
  log::RecordBatchBuilder builder_;  // empty between calls (FinishInto resets it)
  std::string batch_;
  uint64_t round_robin_ = 0;
};

}  // namespace

std::unique_ptr<RecordSink> NewLogSink(log::Log* log, LogSinkOptions options) {
  return std::make_unique<LogSink>(log, options);
}

}  // namespace kappa::connect
