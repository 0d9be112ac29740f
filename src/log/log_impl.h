// LogImpl: the private implementation of log::Log. Directory layout (docs/formats/log.md):
//   <dir>/topics/<topic>/topic.conf        partitions and settings, written atomically
//   <dir>/topics/<topic>/<partition>/      segments of one partition
//   <dir>/offsets/commits.log              committed group offsets (OffsetStoreImpl)
//   <dir>/trash/                           topics being deleted (emptied at open)
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <shared_mutex>
#include <thread>
#include <vector>

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

class LogImpl final : public Log {
 public:
  explicit LogImpl(const LogOptions& o) : opts_(o) {}
  ~LogImpl() override;
  Status Init();

  Status CreateTopic(std::string_view name, int32_t partitions, const TopicConfig& config) override;
  Status DeleteTopic(std::string_view name) override;
  Status AddPartitions(std::string_view name, int32_t total_partitions) override;
  Status AlterTopicConfig(std::string_view name, const TopicConfig& config) override;
  std::vector<std::string> ListTopics() const override;
  Result<TopicDescription> DescribeTopic(std::string_view name) const override;
  bool TopicExists(std::string_view name) const override;
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
  std::vector<PartitionImpl*> AllPartitions() const;
  void BackgroundLoop();

  LogOptions opts_;
  std::unique_ptr<OffsetStoreImpl> offsets_;

  mutable std::shared_mutex mu_;  // topic map; writers: create/delete/add partitions
  std::map<std::string, std::unique_ptr<Topic>, std::less<>> topics_;  // GUARDED_BY(mu_)
  // Partitions of deleted topics stay allocated until Close so stale pointers held by other
  // subsystems fail cleanly (Unavailable) instead of dangling. GUARDED_BY(mu_)
  std::vector<std::unique_ptr<PartitionImpl>> retired_;
  std::mutex admin_mu_;  // serializes create/delete/add-partitions (slow, file I/O)

  std::mutex bg_mu_;
  std::condition_variable bg_cv_;
  bool stop_ = false;  // GUARDED_BY(bg_mu_)
  std::thread bg_;
  bool closed_ = false;  // GUARDED_BY(admin_mu_)
};

}  // namespace kappa::log
