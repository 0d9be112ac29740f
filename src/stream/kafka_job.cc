// A streaming job whose topic lives on an external Kafka cluster (log: kafka): one thread
// drives a librdkafka KafkaConsumer in the job's consumer group and feeds each assigned
// partition's PartitionCommitter (job_core.h), the same "records in -> rows + offsets out"
// code the embedded job runs, so exactly-once into the store holds the same way: rows and the
// partition's progress are one store write.
//
// Positions. On assignment each partition starts at
//     max(offset stored in this data dir, the group's committed offset)
// or, when neither exists, at the job's start position (earliest/latest/time), which is
// stored at once so a restart does not move it. The store is the source of truth for this
// data dir (Kafka's group offset is committed after the store, so it is never ahead because of
// this process); the group's offset is ahead only when another kappa process in the group
// consumed the partition meanwhile: its rows are in that process's data dir, and taking them
// again here would duplicate them across the two.
//
// Rebalances (eager protocol): the callback runs inside rd_kafka_consumer_poll on the job's
// thread. On revoke, the batch under construction is committed to the store, then the
// offsets are committed to the group synchronously, so the next owner starts after them.
// After every store commit the offsets go to the group asynchronously (visibility: lag in
// Kafka tools; and the hand-over point above).
//
// Dead letters go to the dead-letter topic on the cluster through connect's Kafka sink,
// before the store commit (at-least-once: a crash between the two writes them again).
#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "common/logging.h"
#include "common/mutex.h"
#include "stream/cassandra_sink.h"
#include "stream/job_core.h"
#include "stream/kafka_admin.h"

namespace kappa::stream {
namespace {

constexpr int kBrokerTimeoutMs = 10'000;

struct TplDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const {
    rd_kafka_topic_partition_list_destroy(l);
  }
};
using TplPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, TplDeleter>;

// One assigned partition.
struct Assigned {
  std::unique_ptr<DeadLetters> dead;
  std::unique_ptr<PartitionCommitter> committer;
  int64_t last_added = -1;    // offset of the last record added to the open batch
  int64_t drain_target = -1;  // high watermark to reach when draining
};

class KafkaStreamJob final : public StreamJob {
 public:
  ~KafkaStreamJob() override {
    Stop();
    if (thread_.joinable()) thread_.join();
    if (rk_) rd_kafka_destroy(rk_);
  }

  Status Init(Runtime* runtime, const JobConfig& config, const LogConfig& log,
              JobOptions options) {
    s_.runtime = runtime;
    s_.config = config;
    s_.options = options;
    log_ = log;
    size_t dot = config.table.find('.');
    if (dot == std::string::npos) {
      return Status::InvalidArgument(fmt::format("table '{}' must be written keyspace.table", config.table));
    }
    auto table = runtime->store().GetTable(config.table.substr(0, dot), config.table.substr(dot + 1));
    if (!table.ok()) return table.status().WithContext(fmt::format("job {}", config.name));
    s_.table = *table;
    if (config.sink.type == SinkConfig::Type::kCassandra) {
      ASSIGN_OR_RETURN(s_.sink, CassandraSink::Open(config.name, config.sink.cassandra, s_.table,
                                                     config.ttl_seconds));
    }
    ASSIGN_OR_RETURN(dlq_sink_, connect::NewKafkaSink(KafkaSinkOptionsFor(log)));

    ASSIGN_OR_RETURN(rd_kafka_conf_t * conf, NewKafkaConf(log, "job-" + config.name));
    char err[512];
    for (auto [k, v] : {std::pair<const char*, std::string>{"group.id", config.group},
                        {"enable.auto.commit", "false"},
                        {"enable.auto.offset.store", "false"},
                        {"auto.offset.reset", "earliest"},
                        {"fetch.wait.max.ms", std::to_string(options.poll_interval.count())}}) {
      if (rd_kafka_conf_set(conf, k, v.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
        rd_kafka_conf_destroy(conf);
        return Status::InvalidArgument(fmt::format("job {}: {}={}: {}", config.name, k, v, err));
      }
    }
    // A member killed without leaving the group holds its partitions until its session
    // times out: 10 s (Kafka's former default) rather than librdkafka's 45 s, unless
    // log.properties says otherwise.
    if (!log.properties.count("session.timeout.ms")) {
      rd_kafka_conf_set(conf, "session.timeout.ms", "10000", err, sizeof(err));
    }
    rd_kafka_conf_set_rebalance_cb(conf, &KafkaStreamJob::OnRebalance);
    rd_kafka_conf_set_opaque(conf, this);
    rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
    if (!rk_) {
      rd_kafka_conf_destroy(conf);
      return Status::InvalidArgument(fmt::format("job {}: kafka consumer: {}", config.name, err));
    }
    rd_kafka_poll_set_consumer(rk_);
    return Status::OK();
  }

  const JobConfig& config() const override { return s_.config; }

  Status Start() override {
    if (thread_.joinable()) return Status::InvalidArgument("job already started");
    if (s_.runtime->read_only()) {
      return Status::Unavailable("cannot run a job on a read-only data directory");
    }
    JobRegistration reg{s_.config.topic, s_.config.table, s_.config.group,
                        s_.config.dead_letter_topic, log_.bootstrap};
    RETURN_IF_ERROR(s_.runtime->store().PutMeta(JobMetaKey(s_.config.name),
                                                EncodeRegistration(reg), true));
    TplPtr topics(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(topics.get(), s_.config.topic.c_str(), RD_KAFKA_PARTITION_UA);
    if (rd_kafka_resp_err_t e = rd_kafka_subscribe(rk_, topics.get())) {
      return Status::Unavailable(fmt::format("job {}: subscribing to {}: {}", s_.config.name,
                                             s_.config.topic, rd_kafka_err2str(e)));
    }
    {
      MutexLock l(mu_);  // Wait() may already be waiting on it
      running_ = true;
    }
    thread_ = std::thread([this] {
      Status st = Run();
      MutexLock l(mu_);
      if (error_.ok()) error_ = st;
      running_ = false;
      done_cv_.notify_all();
    });
    KLOG_INFO("job {}: {} on {} -> {} started (consumer group {})", s_.config.name,
              s_.config.topic, log_.bootstrap, s_.config.table, s_.config.group);
    return Status::OK();
  }

  void Drain() override { s_.drain.store(true); }
  void Stop() override { s_.stop.store(true); }

  Status Wait(std::optional<std::chrono::milliseconds> timeout) override {
    {
      MutexLock l(mu_);
      auto done = [&]() REQUIRES(mu_) { return !running_; };
      if (timeout) {
        if (!done_cv_.wait_for(l, *timeout, done)) {
          return Status::TimedOut(fmt::format("job {} still running", s_.config.name));
        }
      } else {
        done_cv_.wait(l, done);
      }
    }
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
    MutexLock l(mu_);
    return error_;
  }

  bool Finished() const override {
    MutexLock l(mu_);
    return !running_;
  }

  JobStats stats() const override {
    JobStats st;
    st.consumed = s_.consumed.load();
    st.stored = s_.stored.load();
    st.dead_letters = s_.dead_letters.load();
    st.commits = s_.commits.load();
    st.lag = lag_.load();
    MutexLock l(mu_);
    st.running = running_;
    return st;
  }

  int64_t LatencyPercentileMicros(double q) const override { return s_.latency.Percentile(q); }

 private:
  static void OnRebalance(rd_kafka_t*, rd_kafka_resp_err_t err,
                          rd_kafka_topic_partition_list_t* parts, void* opaque) {
    auto* self = static_cast<KafkaStreamJob*>(opaque);
    Status st = err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS ? self->Assign(parts)
                                                             : self->Revoke();
    if (!st.ok()) self->Fail(st);
  }

  void Fail(const Status& st) {
    {
      MutexLock l(mu_);
      if (error_.ok()) error_ = st;
    }
    s_.stop.store(true);
  }

  // Where a newly assigned partition starts (see the top of the file); stores the initial
  // progress of a partition this data dir never consumed.
  Status Position(int32_t partition, int64_t group_offset, PartitionProgress* progress) {
    store::Store& store = s_.runtime->store();
    const std::string key = OffsetMetaKey(s_.config.name, PartitionId(partition));
    ASSIGN_OR_RETURN(std::optional<std::string> stored, store.GetMeta(key));
    int64_t lo = 0, hi = 0;
    rd_kafka_resp_err_t e = rd_kafka_query_watermark_offsets(
        rk_, s_.config.topic.c_str(), partition, &lo, &hi, kBrokerTimeoutMs);
    if (e) {
      return Status::Unavailable(fmt::format("job {}: offsets of {}/{} on {}: {}",
                                             s_.config.name, s_.config.topic, partition,
                                             log_.bootstrap, rd_kafka_err2str(e)));
    }
    if (stored) {
      ASSIGN_OR_RETURN(*progress, DecodeProgress(*stored));
      if (progress->next.value() > hi) {
        return Status::OutOfRange(fmt::format(
            "job {}: committed offset {} of {}/{} is beyond its end {} on {} (was the topic "
            "recreated?); use `kappa jobs reset {} --to-earliest`", s_.config.name,
            progress->next.value(), s_.config.topic, partition, hi, log_.bootstrap,
            s_.config.name));
      }
      return Status::OK();
    }
    if (group_offset >= 0) {
      progress->next = Offset(group_offset);
    } else {
      switch (s_.config.start.kind) {
        case StartPosition::Kind::kEarliest: progress->next = Offset(lo); break;
        case StartPosition::Kind::kLatest: progress->next = Offset(hi); break;
        case StartPosition::Kind::kTimestamp: {
          TplPtr q(rd_kafka_topic_partition_list_new(1));
          rd_kafka_topic_partition_list_add(q.get(), s_.config.topic.c_str(), partition)->offset =
              s_.config.start.timestamp_ms;
          e = rd_kafka_offsets_for_times(rk_, q.get(), kBrokerTimeoutMs);
          int64_t o = e ? -1 : q->elems[0].offset;
          progress->next = Offset(o >= 0 ? o : hi);
          break;
        }
      }
    }
    progress->dlq_end = -1;
    return store.PutMeta(key, EncodeProgress(*progress),
                         s_.runtime->options().durability.store_sync);
  }

  Status Assign(rd_kafka_topic_partition_list_t* parts) {
    // The group's committed offsets of the new partitions (another member's progress).
    TplPtr committed(rd_kafka_topic_partition_list_copy(parts));
    rd_kafka_resp_err_t e = rd_kafka_committed(rk_, committed.get(), kBrokerTimeoutMs);
    if (e) {
      rd_kafka_assign(rk_, nullptr);
      return Status::Unavailable(fmt::format("job {}: reading the committed offsets of group "
                                             "{}: {}", s_.config.name, s_.config.group,
                                             rd_kafka_err2str(e)));
    }
    std::string list;
    for (int i = 0; i < parts->cnt; ++i) {
      rd_kafka_topic_partition_t& tp = parts->elems[i];
      int64_t group_offset = committed->elems[i].offset;  // copy keeps the order
      PartitionProgress progress;
      Status st = Position(tp.partition, group_offset, &progress);
      if (!st.ok()) {
        rd_kafka_assign(rk_, nullptr);
        return st;
      }
      auto a = std::make_unique<Assigned>();
      a->dead = std::make_unique<DeadLetters>(dlq_sink_.get(), s_.config.dead_letter_topic,
                                              s_.config.name, s_.config.topic,
                                              PartitionId(tp.partition));
      a->committer = std::make_unique<PartitionCommitter>(&s_, s_.config.topic,
                                                          PartitionId(tp.partition),
                                                          a->dead.get(), progress);
      if (group_offset > progress.next.value()) {
        KLOG_INFO("job {}: {}/{}: another member of group {} consumed up to {} (this data dir "
                  "up to {}); continuing from there", s_.config.name, s_.config.topic,
                  tp.partition, s_.config.group, group_offset, progress.next.value());
        a->committer->Skip(Offset(group_offset));
      }
      tp.offset = a->committer->progress().next.value();
      list += fmt::format("{}{}@{}", list.empty() ? "" : " ", tp.partition, tp.offset);
      assigned_[tp.partition] = std::move(a);
    }
    if (s_.drain.load()) SetDrainTargets();
    has_assignment_ = true;
    e = rd_kafka_assign(rk_, parts);
    if (e) return Status::Unavailable(fmt::format("job {}: assign: {}", s_.config.name, rd_kafka_err2str(e)));
    KLOG_INFO("job {}: assigned {} partitions of {}: {}", s_.config.name, parts->cnt,
              s_.config.topic, list);
    return Status::OK();
  }

  // Commits the open batches, then the offsets to the group (sync), then gives the
  // partitions up.
  Status Revoke() {
    Status st = CommitBatches();
    CommitToGroup(/*async=*/false);
    assigned_.clear();
    has_assignment_ = false;
    rd_kafka_assign(rk_, nullptr);
    if (!st.ok()) return st;
    KLOG_INFO("job {}: partitions of {} revoked", s_.config.name, s_.config.topic);
    return Status::OK();
  }

  // Store commit of every partition with an open batch.
  Status CommitBatches() {
    for (auto& [p, a] : assigned_) {
      if (a->last_added < 0) continue;
      RETURN_IF_ERROR(a->committer->Commit(Offset(a->last_added + 1)));
      a->last_added = -1;
    }
    return Status::OK();
  }

  void CommitToGroup(bool async) {
    if (assigned_.empty()) return;
    TplPtr offsets(rd_kafka_topic_partition_list_new(int(assigned_.size())));
    for (auto& [p, a] : assigned_) {
      rd_kafka_topic_partition_list_add(offsets.get(), s_.config.topic.c_str(), p)->offset =
          a->committer->progress().next.value();
    }
    rd_kafka_resp_err_t e = rd_kafka_commit(rk_, offsets.get(), async ? 1 : 0);
    if (e && e != RD_KAFKA_RESP_ERR__NO_OFFSET) {
      // The store holds the real offsets; the group's are for the hand-over and for tools.
      KLOG_WARN("job {}: committing offsets to group {}: {}", s_.config.name, s_.config.group,
                rd_kafka_err2str(e));
    }
  }

  void SetDrainTargets() {
    for (auto& [p, a] : assigned_) {
      if (a->drain_target >= 0) continue;
      int64_t lo = 0, hi = 0;
      if (rd_kafka_query_watermark_offsets(rk_, s_.config.topic.c_str(), p, &lo, &hi,
                                           kBrokerTimeoutMs) == 0) {
        a->drain_target = hi;
      }
    }
  }

  bool Drained() const {
    for (const auto& [p, a] : assigned_) {
      if (a->drain_target < 0 || a->committer->progress().next.value() < a->drain_target) {
        return false;
      }
    }
    return true;
  }

  void UpdateLag() {
    int64_t lag = 0;
    for (const auto& [p, a] : assigned_) {
      int64_t lo = 0, hi = -1;
      rd_kafka_get_watermark_offsets(rk_, s_.config.topic.c_str(), p, &lo, &hi);
      if (hi >= 0) lag += std::max<int64_t>(0, hi - a->committer->progress().next.value());
    }
    lag_.store(lag);
  }

  Status Run() {
    const size_t batch_size = static_cast<size_t>(s_.config.batch_size);
    std::optional<std::chrono::steady_clock::time_point> drain_since;
    Status result;
    while (!s_.stop.load()) {
      if (s_.drain.load()) {
        auto now = std::chrono::steady_clock::now();
        if (!drain_since) drain_since = now;
        SetDrainTargets();  // partitions whose target is not known yet
        // Drained once this member's assignment is known (possibly empty: more members
        // than partitions) and every assigned partition reached its target. A group that
        // never assigns anything (a rebalance that does not end) ends the drain after a
        // bound; the caller's drain timeout is usually shorter.
        if (has_assignment_ ? Drained() : now - *drain_since > std::chrono::seconds(60)) break;
      }
      // Gather a batch: wait for the first record, then take what is already there.
      size_t got = 0;
      bool too_many = false;
      int32_t failed_partition = -1;
      auto timeout = s_.options.poll_interval;
      while (got < batch_size) {
        rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, int(timeout.count()));
        if (!m) break;
        timeout = std::chrono::milliseconds(0);
        if (m->err) {
          if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            KLOG_WARN("job {}: consuming {}: {}", s_.config.name, s_.config.topic,
                      rd_kafka_message_errstr(m));
          }
          rd_kafka_message_destroy(m);
          continue;
        }
        auto it = assigned_.find(m->partition);
        if (it != assigned_.end() && m->offset >= it->second->committer->progress().next.value()) {
          Assigned& a = *it->second;
          std::optional<std::string_view> key, value;
          if (m->key) key = std::string_view(static_cast<const char*>(m->key), m->key_len);
          if (m->payload) value = std::string_view(static_cast<const char*>(m->payload), m->len);
          ++got;
          a.last_added = m->offset;
          if (!a.committer->Add(Offset(m->offset), key, value,
                                TimestampMs(rd_kafka_message_timestamp(m, nullptr)))) {
            too_many = true;
            failed_partition = m->partition;
          }
        }
        rd_kafka_message_destroy(m);
        if (too_many || s_.stop.load()) break;
      }
      if (Status st = CommitBatches(); !st.ok()) {
        result = st;
        break;
      }
      if (got > 0) CommitToGroup(/*async=*/true);
      UpdateLag();
      if (too_many) {
        auto it = assigned_.find(failed_partition);  // no poll since: still assigned
        result = it != assigned_.end() ? it->second->committer->TooManyFailures()
                                       : Status::Aborted("job stopped: too many failures");
        break;
      }
    }
    // Leaves the group: the revoke callback commits the offsets synchronously.
    // lag_ keeps its last value: what was left when the job stopped.
    rd_kafka_resp_err_t e = rd_kafka_consumer_close(rk_);
    if (e) KLOG_WARN("job {}: closing the consumer: {}", s_.config.name, rd_kafka_err2str(e));
    return result;
  }

  JobShared s_;
  LogConfig log_;
  std::unique_ptr<connect::RecordSink> dlq_sink_;
  rd_kafka_t* rk_ = nullptr;
  // Only the job's thread (Run and the rebalance callback inside its polls) touches these.
  std::map<int32_t, std::unique_ptr<Assigned>> assigned_;
  bool has_assignment_ = false;  // an assignment (maybe empty) is in force
  std::atomic<int64_t> lag_{0};
  std::thread thread_;
  mutable Mutex mu_;
  CondVar done_cv_;
  bool running_ GUARDED_BY(mu_) = false;
  Status error_ GUARDED_BY(mu_);  // the first error
};

}  // namespace

Result<std::unique_ptr<StreamJob>> StreamJob::CreateOnKafka(Runtime* runtime,
                                                            const JobConfig& config,
                                                            const LogConfig& log,
                                                            JobOptions options) {
  auto job = std::make_unique<KafkaStreamJob>();
  RETURN_IF_ERROR(job->Init(runtime, config, log, options));
  return std::unique_ptr<StreamJob>(std::move(job));
}

}  // namespace kappa::stream
