// LogImpl: the private implementation of log::Log. Directory layout (docs/formats/log.md):
//   <dir>/topics/<topic>/topic.conf        partitions and settings, written atomically
//   <dir>/topics/<topic>/<partition>/      segments of one partition
//   <dir>/offsets/commits.log              committed group offsets (OffsetStoreImpl)
//   <dir>/trash/                           topics being deleted (emptied at open)
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <shared_mutex>
#include <thread>
#include <vector>

#include "common/mutex.h"
#include "log/log.h"
#include "log/offset_store_impl.h"
#include "log/partition_impl.h"

namespace kappa::log {

// topic.conf: "key=value" lines. Serialization in topic_config.cc.
struct TopicMeta {
  int32_t partitions = 0;
  TopicConfig config;  // fully resolved
};
std::string EncodeTopicMeta(const TopicMeta& m);
Result<TopicMeta> DecodeTopicMeta(std::string_view text);
// Fills unset fields from the log defaults and validates ranges.
Result<TopicConfig> ResolveTopicConfig(const TopicConfig& c, const LogOptions& o);

// Descriptors a new partition holds open: its active segment's reader and writer (each
// sealed segment adds one more).
inline constexpr uint64_t kFdsPerPartition = 2;

class LogImpl final : public Log {
 public:
  explicit LogImpl(const LogOptions& o)
      : opts_(o), metrics_(o.metrics != nullptr ? o.metrics : &metrics::Registry::Default()) {}
  ~LogImpl() override;
  Status Init();

  Status CreateTopic(std::string_view name, int32_t partitions, const TopicConfig& config) override;
  Status DeleteTopic(std::string_view name) override;
  Status AddPartitions(std::string_view name, int32_t total_partitions) override;
  Status AlterTopicConfig(std::string_view name, const TopicConfig& config) override;
  std::vector<std::string> ListTopics() const override;
  Result<TopicDescription> DescribeTopic(std::string_view name) const override;
  bool TopicExists(std::string_view name) const override;
  int64_t PartitionCount() const override;
  Result<Partition*> GetPartition(std::string_view topic, PartitionId p) override;
  OffsetStore& offsets() override { return *offsets_; }
  Status Flush() override;
  Result<int> EnforceRetention() override;
  Status Close() override;
  const LogOptions& options() const override { return opts_; }

 private:
  struct Topic {
    TopicMeta meta;
    std::vector<std::unique_ptr<PartitionImpl>> partitions;
  };
  std::string TopicDir(std::string_view name) const;
  PartitionSettings SettingsFor(const TopicConfig& c) const;
  Status LoadTopic(const std::string& name);
  // Closes partitions that never became part of a topic and removes their files (and `dir`,
  // the topic directory, unless empty).
  void Discard(std::vector<std::unique_ptr<PartitionImpl>>* parts, const std::string& dir);
  std::vector<PartitionImpl*> AllPartitions() const;
  void BackgroundLoop();
  void ReportFlush(int failed, const Status& first, std::chrono::steady_clock::time_point now);

  LogOptions opts_;
  metrics::Registry* const metrics_;
  // Per-partition gauges at scrape time (log_metrics.h). Registered at the end of Init,
  // reset first thing in Close.
  metrics::CollectorHandle collector_;
  std::unique_ptr<OffsetStoreImpl> offsets_;

  mutable SharedMutex mu_;  // topic map; writers: create/delete/add partitions
  std::map<std::string, std::unique_ptr<Topic>, std::less<>> topics_ GUARDED_BY(mu_);
  // Partitions of deleted topics stay allocated until Close so stale pointers held by other
  // subsystems fail cleanly (Unavailable) instead of dangling.
  std::vector<std::unique_ptr<PartitionImpl>> retired_ GUARDED_BY(mu_);
  Mutex admin_mu_;  // serializes create/delete/add-partitions (slow, file I/O)

  Mutex bg_mu_;
  CondVar bg_cv_;
  bool stop_ GUARDED_BY(bg_mu_) = false;
  std::thread bg_;
  bool closed_ GUARDED_BY(admin_mu_) = false;
  // Background-thread only: the current episode of failed background fsyncs.
  int64_t flush_failures_ = 0;
  std::chrono::steady_clock::time_point last_flush_report_;
};

}  // namespace kappa::log
