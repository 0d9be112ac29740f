// Pipeline: the producer tasks and streaming jobs of a PipelineConfig, run together.
// Order matters for a clean stop: producers stop first, so the jobs can drain to lag 0.
#include <fmt/format.h>

#include <map>
#include <mutex>

#include "avro/avro.h"
#include "common/logging.h"
#include "common/mutex.h"
#include "connect/connect.h"
#include "log/log.h"
#include "metrics/metrics.h"
#include "app/app.h"

namespace kappa::app {
namespace {

using stream::JobStats;
using stream::StreamJob;

Result<std::unique_ptr<connect::Source>> MakeSource(const SourceConfig& s) {
  switch (s.type) {
    case SourceConfig::Type::kRandomUser: return connect::NewRandomUserSource(s.randomuser);
    case SourceConfig::Type::kHttp: return connect::NewHttpSource(s.http);
  }
  return Status::Internal("unknown source type");
}

class PipelineImpl final : public Pipeline {
 public:
  ~PipelineImpl() override { (void)Stop(); }

  Status Init(Runtime* rt, const PipelineConfig& config, const PipelineOptions& options) {
    rt_ = rt;
    config_ = config;
    options_ = options;
    schemas_ = options.schemas;
    if (!schemas_) {
      own_schemas_ = NewRegistrySchemaResolver(rt);
      schemas_ = own_schemas_.get();
    }
    stream::JobOptions job_options = options.job_options;
    job_options.schemas = schemas_;
    for (const JobConfig& jc : config.jobs) {
      ASSIGN_OR_RETURN(std::unique_ptr<StreamJob> job,
                       config.log.kafka()
                           ? StreamJob::CreateOnKafka(rt->job_storage(), jc, config.log,
                                                      job_options)
                           : StreamJob::Create(rt->job_storage(), jc, job_options));
      jobs_.push_back(std::move(job));
      job_names_.push_back(jc.name);
    }
    for (const ProducerConfig& pc : config.producers) {
      if (!pc.autostart) continue;  // run by a DAG's produce task (Produce)
      ASSIGN_OR_RETURN(Built b, Build(pc));
      sinks_.push_back(std::move(b.sink));
      producers_.push_back(std::move(b.task));
      producer_names_.push_back(pc.name);
    }
    // /metrics reads the same counters as stats() (and the status line), at scrape time: one
    // bookkeeping, no second count. jobs_ and producers_ are complete and fixed from here on.
    collector_ = metrics::Registry::Default().AddCollector(
        [this](metrics::CollectSink& sink) { Collect(sink); });
    return Status::OK();
  }

  // A producer task and its sink, for a producer of the config (autostarted) or one a DAG
  // task runs (Produce): one construction for both, so they produce alike.
  struct Built {
    std::unique_ptr<connect::RecordSink> sink;  // outlives task (destroyed after it)
    std::unique_ptr<connect::ProducerTask> task;
  };
  Result<Built> Build(const ProducerConfig& pc) {
    const SourceConfig* sc = config_.FindSource(pc.source);
    const MappingConfig* mc = config_.FindMapping(pc.mapping);
    if (!sc || !mc) return Status::InvalidArgument("producer " + pc.name + ": unresolved source or mapping");
    connect::Mapping mapping = mc->mapping;  // compiled by the loader; shared, immutable
    ASSIGN_OR_RETURN(std::unique_ptr<connect::Source> source, MakeSource(*sc));
    connect::ProducerOptions po;
    po.topic = pc.topic;
    po.records_per_sec = options_.producer_rate >= 0 ? options_.producer_rate : pc.rate;
    int64_t duration = options_.producer_duration_ms > 0 ? options_.producer_duration_ms : pc.duration_ms;
    po.duration = std::chrono::milliseconds(duration);
    int64_t count = options_.producer_count > 0 ? options_.producer_count : pc.count;
    po.max_records = static_cast<uint64_t>(count);
    if (pc.format == "avro") RETURN_IF_ERROR(UseAvro(config_, pc, schemas_, &po));
    Built b;
    if (config_.log.kafka()) {
      ASSIGN_OR_RETURN(b.sink, connect::NewKafkaSink(stream::KafkaSinkOptionsFor(config_.log)));
    } else {
      b.sink = connect::NewLogSink(&rt_->log());
    }
    b.task = std::make_unique<connect::ProducerTask>(std::move(source), std::move(mapping),
                                                     b.sink.get(), po);
    return b;
  }

  // A `format: avro` producer: its schema registered under its subject (the registry's id, or
  // its error: an incompatible schema stops the start), compiled once.
  static Status UseAvro(const PipelineConfig& config, const ProducerConfig& pc,
                        connect::SchemaResolver* schemas, connect::ProducerOptions* po) {
    const std::string where = "producer " + pc.name;
    ASSIGN_OR_RETURN(std::string schema, ProducerAvroSchema(config, pc));
    auto codec = avro::Codec::Compile(schema);
    if (!codec.ok()) return codec.status().WithContext(where + ": its schema");
    auto id = schemas->Register(pc.subject, schema, "AVRO");
    if (!id.ok()) return id.status().WithContext(fmt::format("{}: registering its schema under {}", where, pc.subject));
    po->format = connect::ProducerOptions::Format::kAvro;
    po->avro_codec = std::move(codec).value();
    po->schema_id = *id;
    KLOG_INFO("{}: Avro, schema id {} (subject {})", where, *id, pc.subject);
    return Status::OK();
  }

  void Collect(metrics::CollectSink& sink) const {
    for (size_t i = 0; i < jobs_.size(); ++i) {
      JobStats js = jobs_[i]->stats();
      metrics::Labels l{{"job", job_names_[i]}};
      sink.Counter("kappa_job_records_consumed_total",
                   "Records a job read and committed (stored plus dead letters)", l,
                   double(js.consumed));
      sink.Counter("kappa_job_rows_stored_total", "Rows a job wrote to the store", l,
                   double(js.stored));
      sink.Counter("kappa_job_dead_letters_total", "Records a job sent to its dead-letter topic",
                   l, double(js.dead_letters));
      sink.Counter("kappa_job_commits_total", "Atomic store writes of a job", l,
                   double(js.commits));
      sink.Gauge("kappa_job_lag_records",
                 "Records in a job's input topic not yet committed (sum over partitions)", l,
                 double(js.lag));
    }
    // One series per producer name: its autostarted task and its DAG runs (Produce) summed.
    for (const auto& [name, ps] : ProducerTotals()) {
      metrics::Labels l{{"producer", name}};
      sink.Counter("kappa_producer_records_total", "Records a producer task appended", l,
                   double(ps.produced));
      sink.Counter("kappa_producer_mapping_errors_total",
                   "Source records a producer's mapping rejected (not produced)", l,
                   double(ps.mapping_errors));
      sink.Counter("kappa_producer_source_errors_total", "Errors a producer's source reported",
                   l, double(ps.source_errors));
    }
  }

  static void Add(connect::ProducerStats* to, const connect::ProducerStats& s) {
    to->produced += s.produced;
    to->bytes += s.bytes;
    to->mapping_errors += s.mapping_errors;
    to->dead_letters += s.dead_letters;
    to->source_errors += s.source_errors;
    to->batches += s.batches;
    to->running |= s.running;
  }

  // Every producer's counters by name: the autostarted tasks, the finished and the running
  // on-demand ones.
  std::map<std::string, connect::ProducerStats> ProducerTotals() const {
    std::map<std::string, connect::ProducerStats> out;
    for (size_t i = 0; i < producers_.size(); ++i) Add(&out[producer_names_[i]], producers_[i]->stats());
    MutexLock l(od_mu_);
    for (const auto& [name, ps] : od_done_) Add(&out[name], ps);
    for (const auto& [name, task] : od_live_) Add(&out[name], task->stats());
    return out;
  }

  Result<connect::ProducerStats> Produce(
      const ProducerConfig& pc, const std::function<bool(int64_t ms)>& sleep_or_cancelled) override {
    ASSIGN_OR_RETURN(Built b, Build(pc));
    connect::ProducerTask* task = b.task.get();
    {
      MutexLock l(od_mu_);
      od_live_.emplace_back(pc.name, task);
    }
    task->Start();  // running from here until it ends (ProducerTask::Start sets it)
    bool cancelled = false;
    while (task->stats().running) {
      if (sleep_or_cancelled(100)) {
        cancelled = true;
        task->Stop();
        break;
      }
    }
    Status st = task->Wait();
    connect::ProducerStats ps = task->stats();
    {
      MutexLock l(od_mu_);
      std::erase_if(od_live_, [task](const auto& e) { return e.second == task; });
      Add(&od_done_[pc.name], ps);
    }
    if (cancelled) return Status::Aborted(fmt::format("producer {} stopped after {} records", pc.name, ps.produced));
    if (!st.ok()) return st.WithContext("producer " + pc.name);
    return ps;
  }

  Status StartJobs() override {
    MutexLock jl(jobs_mu_);
    for (auto& j : jobs_) {
      Status st = j->Start();
      if (!st.ok()) {
        for (auto& started : jobs_) started->Stop();
        return st;
      }
    }
    jobs_started_ = true;
    started_ = true;
    return Status::OK();
  }

  Status StartProducers() override {
    for (size_t i = 0; i < producers_.size(); ++i) {
      producers_[i]->Start();
      KLOG_INFO("producer {} started", producer_names_[i]);
    }
    started_ = true;
    return Status::OK();
  }

  Status StopProducers() override {
    MutexLock l(mu_);
    if (producers_stopped_) return producer_error_;
    for (auto& p : producers_) p->Stop();
    for (size_t i = 0; i < producers_.size(); ++i) {
      Status st = producers_[i]->Wait();
      if (!st.ok() && producer_error_.ok()) {
        producer_error_ = st.WithContext("producer " + producer_names_[i]);
      }
    }
    producers_stopped_ = true;
    return producer_error_;
  }

  bool ProducersDone() const override {
    for (const auto& p : producers_) {
      if (p->stats().running) return false;
    }
    return true;
  }

  Status DrainAndStop(std::chrono::milliseconds timeout) override {
    Status producers = StopProducers();
    {
      // A replay in progress finishes first; none starts after this.
      MutexLock jl(jobs_mu_);
      jobs_stopping_ = true;
    }
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (auto& j : jobs_) j->Drain();
    Status result;
    for (auto& j : jobs_) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      Status st = j->Wait(std::max(left, std::chrono::milliseconds(0)));
      if (st.code() == Status::Code::kTimedOut) {
        j->Stop();  // commits its current batch
        Status end = j->Wait();
        if (result.ok()) result = end.ok() ? st : end;
      } else if (!st.ok() && result.ok()) {
        result = st;
      }
    }
    if (result.ok()) result = producers;
    return result;
  }

  Status Stop() override {
    Status producers = StopProducers();
    {
      // A replay in progress finishes first; none starts after this.
      MutexLock jl(jobs_mu_);
      jobs_stopping_ = true;
    }
    for (auto& j : jobs_) j->Stop();
    Status result;
    for (auto& j : jobs_) {
      Status st = j->Wait();
      if (!st.ok() && result.ok()) result = st;
    }
    return result.ok() ? producers : result;
  }

  Status Health() const override {
    MutexLock jl(jobs_mu_);
    for (const auto& j : jobs_) {
      if (j->Finished() && started_) {
        Status st = j->Wait(std::chrono::milliseconds(0));
        if (!st.ok()) return st;
      }
    }
    return Status::OK();
  }

  PipelineStats stats() const override {
    PipelineStats s;
    for (const auto& [name, ps] : ProducerTotals()) {
      s.produced += ps.produced;
      s.mapping_errors += ps.mapping_errors;
      s.source_errors += ps.source_errors;
      s.producers_running |= ps.running;
    }
    for (const auto& j : jobs_) {
      JobStats js = j->stats();
      s.jobs.consumed += js.consumed;
      s.jobs.stored += js.stored;
      s.jobs.dead_letters += js.dead_letters;
      s.jobs.commits += js.commits;
      s.jobs.lag += js.lag;
      s.jobs.running |= js.running;
    }
    return s;
  }

  const std::vector<std::unique_ptr<StreamJob>>& jobs() const override { return jobs_; }

  Status JobResult(std::string_view name) const override {
    MutexLock jl(jobs_mu_);
    ASSIGN_OR_RETURN(StreamJob * j, Find(name));
    if (!j->Finished()) return Status::OK();
    return j->Wait(std::chrono::milliseconds(0));
  }

  Result<stream::JobStatus> ReplayJob(std::string_view name,
                                      const stream::ResetTarget& target) override {
    MutexLock jl(jobs_mu_);
    ASSIGN_OR_RETURN(StreamJob * j, Find(name));
    if (config_.log.kafka()) {
      return Status::NotSupported(fmt::format(
          "job {} reads the Kafka cluster {}: stop kappa up and run `kappa jobs reset {}`", name,
          config_.log.bootstrap, name));
    }
    if (!jobs_started_ || jobs_stopping_) {
      return Status::Unavailable(fmt::format("job {} cannot be replayed now: kappa up is starting or stopping", name));
    }
    j->Stop();
    Status ended = j->Wait();  // its current batch committed; a failed job's error
    if (!ended.ok()) KLOG_WARN("job {}: replaying after it failed: {}", name, ended.ToString());
    auto reset = stream::ResetJob(rt_->job_storage(), name, target);
    // Started again in every case: a refused reset leaves the offsets as they were.
    Status restarted = j->Start();
    if (!reset.ok()) return reset.status();
    if (!restarted.ok()) return restarted.WithContext(fmt::format("job {}: starting again after the reset", name));
    KLOG_INFO("job {}: replayed (offsets reset, lag now {})", name, reset->lag);
    return reset;
  }
  Runtime& runtime() const override { return *rt_; }

 private:
  Result<StreamJob*> Find(std::string_view name) const {
    for (const auto& j : jobs_) {
      if (j->config().name == name) return j.get();
    }
    return Status::NotFound(fmt::format("no job named '{}' in this pipeline", name));
  }

  Runtime* rt_ = nullptr;
  PipelineConfig config_;
  PipelineOptions options_;
  connect::SchemaResolver* schemas_ = nullptr;  // options_.schemas or own_schemas_
  // The runtime's registry when PipelineOptions has none; outlives the jobs and producers.
  std::unique_ptr<connect::SchemaResolver> own_schemas_;
  std::vector<std::unique_ptr<StreamJob>> jobs_;
  std::vector<std::unique_ptr<connect::RecordSink>> sinks_;  // outlive producers_ (declared first)
  std::vector<std::unique_ptr<connect::ProducerTask>> producers_;
  std::vector<std::string> producer_names_;
  std::vector<std::string> job_names_;
  // Producers run by DAG tasks (Produce): those running now and the totals of those done.
  mutable Mutex od_mu_;
  std::vector<std::pair<std::string, connect::ProducerTask*>> od_live_ GUARDED_BY(od_mu_);
  std::map<std::string, connect::ProducerStats> od_done_ GUARDED_BY(od_mu_);
  // Declared after what it reads: destroyed (unregistered) before jobs_ and producers_.
  metrics::CollectorHandle collector_;
  bool started_ = false;
  // Serializes what starts, waits for or restarts the jobs (Start and Wait of one StreamJob
  // must not overlap): StartJobs, Health, JobResult, ReplayJob, Stop, DrainAndStop.
  mutable Mutex jobs_mu_;
  bool jobs_started_ GUARDED_BY(jobs_mu_) = false;
  bool jobs_stopping_ GUARDED_BY(jobs_mu_) = false;
  Mutex mu_;
  bool producers_stopped_ GUARDED_BY(mu_) = false;
  Status producer_error_ GUARDED_BY(mu_);
};

}  // namespace

Status Pipeline::Start() {
  RETURN_IF_ERROR(StartJobs());
  return StartProducers();
}

Result<std::unique_ptr<Pipeline>> Pipeline::Create(Runtime* runtime, const PipelineConfig& config,
                                                   PipelineOptions options) {
  auto p = std::make_unique<PipelineImpl>();
  RETURN_IF_ERROR(p->Init(runtime, config, options));
  return std::unique_ptr<Pipeline>(std::move(p));
}

}  // namespace kappa::app
