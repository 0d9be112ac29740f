// The embedded log as a job's input: one PartitionWorker (partition_worker.h) per partition of
// the job's topic, each on its own thread.
#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "log/log.h"
#include "stream/partition_worker.h"
#include "stream/record_input.h"

namespace kappa::stream {
namespace {

class LogInput final : public RecordInput {
 public:
  explicit LogInput(JobShared* shared) : s_(shared) {}

  Status Init() {
    const JobConfig& config = s_->config;
    log::Log& log = *s_->storage.log;
    auto topic = log.DescribeTopic(config.topic);
    if (!topic.ok()) return topic.status().WithContext(fmt::format("job {}: topic", config.name));
    auto dlq = log.DescribeTopic(config.dead_letter_topic);
    if (!dlq.ok()) {
      return dlq.status().WithContext(fmt::format("job {}: dead-letter topic", config.name));
    }
    int32_t dlq_count = static_cast<int32_t>(dlq->partitions.size());
    for (const auto& p : topic->partitions) {
      ASSIGN_OR_RETURN(log::Partition * src, log.GetPartition(config.topic, p.partition));
      ASSIGN_OR_RETURN(log::Partition * d, log.GetPartition(
          config.dead_letter_topic, PartitionId(p.partition.value() % dlq_count)));
      workers_.push_back(std::make_unique<PartitionWorker>(s_, src, d));
      sources_.push_back(src);
    }
    return Status::OK();
  }

  std::string bootstrap() const override { return ""; }

  Status Prepare() override {
    // Every partition's offsets are checked here, before any thread starts: a job that
    // cannot run fails its Start (and `kappa up` before its producers start).
    for (auto& w : workers_) RETURN_IF_ERROR(w->Prepare());
    return Status::OK();
  }

  size_t threads() const override { return workers_.size(); }
  Status Run(size_t i) override { return workers_[i]->Run(); }

  int64_t Lag() const override {
    int64_t lag = 0;
    for (size_t i = 0; i < workers_.size(); ++i) {
      lag += std::max<int64_t>(0, sources_[i]->EndOffset() - workers_[i]->next());
    }
    return lag;
  }

  std::string Describe() const override {
    return fmt::format("{} -> {} started ({} partitions)", s_->config.topic, s_->config.table,
                       workers_.size());
  }

 private:
  JobShared* s_;
  std::vector<std::unique_ptr<PartitionWorker>> workers_;
  std::vector<log::Partition*> sources_;
};

}  // namespace

Result<std::unique_ptr<RecordInput>> NewLogInput(JobShared* shared) {
  if (!shared->storage.log) {
    return Status::InvalidArgument(fmt::format("job {}: no embedded log", shared->config.name));
  }
  auto input = std::make_unique<LogInput>(shared);
  RETURN_IF_ERROR(input->Init());
  return std::unique_ptr<RecordInput>(std::move(input));
}

}  // namespace kappa::stream
