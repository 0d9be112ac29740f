// StreamJob: a worker thread per partition of the job's topic (partitions are independent,
// so throughput scales with cores up to the partition count). The first worker error stops
// the whole job.
#include <fmt/format.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/logging.h"
#include "common/mutex.h"
#include "stream/cassandra_sink.h"
#include "stream/job_offsets.h"
#include "stream/partition_worker.h"

namespace kappa::stream {
namespace {

Result<std::pair<std::string, std::string>> SplitTable(std::string_view full) {
  size_t dot = full.find('.');
  if (dot == std::string_view::npos) {
    return Status::InvalidArgument(fmt::format("table '{}' must be written keyspace.table", full));
  }
  return std::pair{std::string(full.substr(0, dot)), std::string(full.substr(dot + 1))};
}

class StreamJobImpl final : public StreamJob {
 public:
  StreamJobImpl() = default;
  ~StreamJobImpl() override {
    Stop();
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

  Status Init(Runtime* runtime, const JobConfig& config, JobOptions options) {
    s_.runtime = runtime;
    s_.config = config;
    s_.options = options;
    auto names = SplitTable(config.table);
    RETURN_IF_ERROR(names.status());
    auto table = runtime->store().GetTable(names->first, names->second);
    if (!table.ok()) return table.status().WithContext(fmt::format("job {}", config.name));
    s_.table = *table;
    if (config.sink.type == SinkConfig::Type::kCassandra) {
      ASSIGN_OR_RETURN(s_.sink, CassandraSink::Open(config.name, config.sink.cassandra, s_.table,
                                                     config.ttl_seconds));
    }
    auto topic = runtime->log().DescribeTopic(config.topic);
    if (!topic.ok()) return topic.status().WithContext(fmt::format("job {}: topic", config.name));
    auto dlq = runtime->log().DescribeTopic(config.dead_letter_topic);
    if (!dlq.ok()) {
      return dlq.status().WithContext(fmt::format("job {}: dead-letter topic", config.name));
    }
    int32_t dlq_count = static_cast<int32_t>(dlq->partitions.size());
    for (const auto& p : topic->partitions) {
      ASSIGN_OR_RETURN(log::Partition * src, runtime->log().GetPartition(config.topic, p.partition));
      ASSIGN_OR_RETURN(log::Partition * d, runtime->log().GetPartition(
          config.dead_letter_topic, PartitionId(p.partition.value() % dlq_count)));
      workers_.push_back(std::make_unique<PartitionWorker>(&s_, src, d));
      sources_.push_back(src);
    }
    return Status::OK();
  }

  const JobConfig& config() const override { return s_.config; }

  Status Start() override {
    if (!threads_.empty()) return Status::InvalidArgument("job already started");
    if (s_.runtime->read_only()) {
      return Status::Unavailable("cannot run a job on a read-only data directory");
    }
    JobRegistration reg{s_.config.topic, s_.config.table, s_.config.group,
                        s_.config.dead_letter_topic, /*bootstrap=*/""};
    RETURN_IF_ERROR(s_.runtime->store().PutMeta(JobMetaKey(s_.config.name),
                                                EncodeRegistration(reg), true));
    // Every partition's offsets are checked here, before any thread starts: a job that
    // cannot run fails its Start (and `kappa up` before its producers start).
    for (auto& w : workers_) RETURN_IF_ERROR(w->Prepare());
    {
      MutexLock l(mu_);  // Wait() may already be waiting on it
      running_ = static_cast<int>(workers_.size());
    }
    for (auto& w : workers_) {
      threads_.emplace_back([this, worker = w.get()] {
        Status st = worker->Run();
        MutexLock l(mu_);
        if (!st.ok()) {
          if (error_.ok()) error_ = st;
          s_.stop.store(true);  // one failing partition stops the job
        }
        if (--running_ == 0) done_cv_.notify_all();
      });
    }
    KLOG_INFO("job {}: {} -> {} started ({} partitions)", s_.config.name, s_.config.topic,
              s_.config.table, workers_.size());
    return Status::OK();
  }

  void Drain() override { s_.drain.store(true); }
  void Stop() override { s_.stop.store(true); }

  Status Wait(std::optional<std::chrono::milliseconds> timeout) override {
    {
      MutexLock l(mu_);
      auto done = [&]() REQUIRES(mu_) { return running_ == 0; };
      if (timeout) {
        if (!done_cv_.wait_for(l, *timeout, done)) {
          return Status::TimedOut(fmt::format("job {} still running", s_.config.name));
        }
      } else {
        done_cv_.wait(l, done);
      }
    }
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
    MutexLock l(mu_);
    return error_;
  }

  bool Finished() const override {
    MutexLock l(mu_);
    return running_ == 0;
  }

  JobStats stats() const override {
    JobStats st;
    st.consumed = s_.consumed.load();
    st.stored = s_.stored.load();
    st.dead_letters = s_.dead_letters.load();
    st.commits = s_.commits.load();
    for (size_t i = 0; i < workers_.size(); ++i) {
      st.lag += std::max<int64_t>(0, sources_[i]->EndOffset() - workers_[i]->next());
    }
    MutexLock l(mu_);
    st.running = running_ > 0;
    return st;
  }

  int64_t LatencyPercentileMicros(double q) const override { return s_.latency.Percentile(q); }

 private:
  JobShared s_;
  std::vector<std::unique_ptr<PartitionWorker>> workers_;
  std::vector<log::Partition*> sources_;
  std::vector<std::thread> threads_;
  mutable Mutex mu_;
  CondVar done_cv_;
  int running_ GUARDED_BY(mu_) = 0;  // workers not yet ended
  Status error_ GUARDED_BY(mu_);  // the first worker error
};

}  // namespace

Result<std::unique_ptr<StreamJob>> StreamJob::Create(Runtime* runtime, const JobConfig& config,
                                                     JobOptions options) {
  auto job = std::make_unique<StreamJobImpl>();
  RETURN_IF_ERROR(job->Init(runtime, config, options));
  return std::unique_ptr<StreamJob>(std::move(job));
}

}  // namespace kappa::stream
