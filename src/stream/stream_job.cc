// StreamJob: a job's input (record_input.h) and row sink (row_sink.h) run on threads of the
// job's own, one per input unit (a partition of the embedded log, or the one Kafka consumer).
// The first error of any thread stops the whole job.
#include <fmt/format.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/logging.h"
#include "common/mutex.h"
#include "stream/job_offsets.h"
#include "stream/record_input.h"
#include "stream/row_sink.h"

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

  // The table and the sink; the input follows (SetInput), as it needs the shared state.
  Status Init(const JobStorage& storage, const JobConfig& config, JobOptions options) {
    if (!storage.store) return Status::InvalidArgument("a job needs a store");
    s_.storage = storage;
    s_.config = config;
    s_.options = options;
    ASSIGN_OR_RETURN(auto names, SplitTable(config.table));
    auto table = storage.store->GetTable(names.first, names.second);
    if (!table.ok()) return table.status().WithContext(fmt::format("job {}", config.name));
    s_.table = *table;
    ASSIGN_OR_RETURN(s_.sink, NewRowSink(config, s_.table));
    return Status::OK();
  }
  JobShared* shared() { return &s_; }
  void SetInput(std::unique_ptr<RecordInput> input) { input_ = std::move(input); }

  const JobConfig& config() const override { return s_.config; }

  Status Start() override {
    if (s_.storage.read_only) {
      return Status::Unavailable("cannot run a job on a read-only data directory");
    }
    if (!threads_.empty()) {
      {
        MutexLock l(mu_);
        if (running_ > 0) return Status::InvalidArgument("job already started");
      }
      // A restart (StreamJob::Start's contract): the embedded log's workers re-read their
      // committed offsets in Prepare, so the job resumes from what the store holds now (a
      // reset included). A Kafka consumer is closed when its loop ends: no restart there.
      if (!input_->bootstrap().empty()) {
        return Status::NotSupported(fmt::format(
            "job {} reads an external Kafka cluster and cannot be restarted in this process",
            s_.config.name));
      }
      for (auto& t : threads_) {
        if (t.joinable()) t.join();
      }
      threads_.clear();
      s_.stop.store(false);
      s_.drain.store(false);
      MutexLock l(mu_);
      error_ = Status::OK();
    }
    JobRegistration reg{s_.config.topic, s_.config.table, s_.config.group,
                        s_.config.dead_letter_topic, input_->bootstrap()};
    RETURN_IF_ERROR(s_.storage.store->PutMeta(JobMetaKey(s_.config.name),
                                              EncodeRegistration(reg), true));
    RETURN_IF_ERROR(input_->Prepare());
    {
      MutexLock l(mu_);  // Wait() may already be waiting on it
      running_ = static_cast<int>(input_->threads());
    }
    for (size_t i = 0; i < input_->threads(); ++i) {
      threads_.emplace_back([this, i] {
        Status st = input_->Run(i);
        MutexLock l(mu_);
        if (!st.ok()) {
          if (error_.ok()) error_ = st;
          s_.stop.store(true);  // one failing thread stops the job
        }
        if (--running_ == 0) done_cv_.notify_all();
      });
    }
    KLOG_INFO("job {}: {}", s_.config.name, input_->Describe());
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
      if (t.joinable() && t.get_id() != std::this_thread::get_id()) t.join();
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
    st.lag = input_->Lag();
    MutexLock l(mu_);
    st.running = running_ > 0;
    return st;
  }

  int64_t LatencyPercentileMicros(double q) const override { return s_.latency.Percentile(q); }

 private:
  JobShared s_;                         // outlives input_ (declared first)
  std::unique_ptr<RecordInput> input_;  // joined threads_ before it goes (the destructor)
  std::vector<std::thread> threads_;
  mutable Mutex mu_;
  CondVar done_cv_;
  int running_ GUARDED_BY(mu_) = 0;  // threads not yet ended
  Status error_ GUARDED_BY(mu_);  // the first thread error
};

}  // namespace

Result<std::unique_ptr<StreamJob>> StreamJob::Create(const JobStorage& storage,
                                                     const JobConfig& config,
                                                     JobOptions options) {
  auto job = std::make_unique<StreamJobImpl>();
  RETURN_IF_ERROR(job->Init(storage, config, options));
  ASSIGN_OR_RETURN(std::unique_ptr<RecordInput> input, NewLogInput(job->shared()));
  job->SetInput(std::move(input));
  return std::unique_ptr<StreamJob>(std::move(job));
}

Result<std::unique_ptr<StreamJob>> StreamJob::CreateOnKafka(const JobStorage& storage,
                                                            const JobConfig& config,
                                                            const LogConfig& log,
                                                            JobOptions options) {
  auto job = std::make_unique<StreamJobImpl>();
  RETURN_IF_ERROR(job->Init(storage, config, options));
  ASSIGN_OR_RETURN(std::unique_ptr<RecordInput> input, NewKafkaInput(job->shared(), log));
  job->SetInput(std::move(input));
  return std::unique_ptr<StreamJob>(std::move(job));
}

}  // namespace kappa::stream
