// The input of a streaming job whose topic lives on an external Kafka cluster (log: kafka; a
// RecordInput, record_input.h): the job's one thread drives a librdkafka KafkaConsumer in the
// job's consumer group and feeds each assigned partition's PartitionCommitter (job_core.h),
// the same "records in -> rows + offsets out" code the embedded job runs, so exactly-once into
// the store holds the same way: rows and the partition's progress are one store write.
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

#include <map>
#include <mutex>

#include "common/logging.h"
#include "common/mutex.h"
#include "stream/job_core.h"
#include "stream/kafka_admin.h"
#include "stream/record_input.h"

namespace kappa::stream {
namespace {

constexpr std::chrono::milliseconds kBrokerTimeout{10'000};

using TplPtr = rdkafka::PartitionListPtr;

// One assigned partition.
struct Assigned {
  std::unique_ptr<DeadLetters> dead;
  std::unique_ptr<PartitionCommitter> committer;
  int64_t last_added = -1;    // offset of the last record added to the open batch
  int64_t drain_target = -1;  // high watermark to reach when draining
};

class KafkaInput final : public RecordInput {
 public:
  // The job (StreamJob) has joined the thread of Run before the input goes.
  ~KafkaInput() override {
    if (rk_) rd_kafka_destroy(rk_);
  }

  explicit KafkaInput(JobShared* shared) : s_(*shared) {}

  Status Init(const LogConfig& log) {
    const JobConfig& config = s_.config;
    const JobOptions& options = s_.options;
    log_ = log;
    ASSIGN_OR_RETURN(dlq_sink_, connect::NewKafkaSink(KafkaSinkOptionsFor(log)));

    // A member killed without leaving the group holds its partitions until its session
    // times out: 10 s (Kafka's former default) rather than librdkafka's 45 s, unless
    // log.properties says otherwise (a default: the config's properties come after it).
    ASSIGN_OR_RETURN(rdkafka::ConfPtr conf, NewKafkaConf(log, "job-" + config.name,
                                                         {{"session.timeout.ms", "10000"}}));
    for (auto [k, v] : {std::pair<const char*, std::string>{"group.id", config.group},
                        {"enable.auto.commit", "false"},
                        {"enable.auto.offset.store", "false"},
                        {"auto.offset.reset", "earliest"},
                        {"fetch.wait.max.ms", std::to_string(options.poll_interval.count())}}) {
      RETURN_IF_ERROR(rdkafka::SetProperty(conf.get(), k, v).WithContext(fmt::format("job {}", config.name)));
    }
    rd_kafka_conf_set_rebalance_cb(conf.get(), &KafkaInput::OnRebalance);
    rd_kafka_conf_set_opaque(conf.get(), this);
    auto rk = rdkafka::NewClient(RD_KAFKA_CONSUMER, std::move(conf));
    if (!rk.ok()) return rk.status().WithContext(fmt::format("job {}: kafka consumer", config.name));
    rk_ = rk->release();
    rd_kafka_poll_set_consumer(rk_);
    return Status::OK();
  }

  std::string bootstrap() const override { return log_.bootstrap; }

  Status Prepare() override {
    TplPtr topics(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(topics.get(), s_.config.topic.c_str(), RD_KAFKA_PARTITION_UA);
    RETURN_IF_ERROR(rdkafka::ToStatus(rd_kafka_subscribe(rk_, topics.get()),
                                      fmt::format("job {}: subscribing to {}", s_.config.name,
                                                  s_.config.topic)));
    return Status::OK();
  }

  size_t threads() const override { return 1; }

  // The consumer loop; an error of the rebalance callback (run inside its polls) wins.
  Status Run(size_t) override {
    Status st = Consume();
    MutexLock l(mu_);
    return error_.ok() ? st : error_;
  }

  int64_t Lag() const override { return lag_.load(); }

  std::string Describe() const override {
    return fmt::format("{} on {} -> {} started (consumer group {})", s_.config.topic,
                       log_.bootstrap, s_.config.table, s_.config.group);
  }

 private:
  static void OnRebalance(rd_kafka_t*, rd_kafka_resp_err_t err,
                          rd_kafka_topic_partition_list_t* parts, void* opaque) {
    auto* self = static_cast<KafkaInput*>(opaque);
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
    store::Store& store = *s_.storage.store;
    const std::string key = OffsetMetaKey(s_.config.name, PartitionId(partition));
    ASSIGN_OR_RETURN(std::optional<std::string> stored, store.GetMeta(key));
    auto marks = rdkafka::QueryWatermarks(rk_, s_.config.topic, partition, kBrokerTimeout);
    if (!marks.ok()) {
      return marks.status().WithContext(fmt::format("job {} on {}", s_.config.name, log_.bootstrap));
    }
    const int64_t lo = marks->low, hi = marks->high;
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
          auto o = rdkafka::OffsetsForTime(rk_, s_.config.topic, {partition},
                                           s_.config.start.timestamp_ms, kBrokerTimeout);
          int64_t at = o.ok() && o->count(partition) ? o->at(partition) : -1;
          progress->next = Offset(at >= 0 ? at : hi);
          break;
        }
      }
    }
    progress->dlq_end = -1;
    return store.PutMeta(key, EncodeProgress(*progress),
                         s_.storage.store_sync);
  }

  Status Assign(rd_kafka_topic_partition_list_t* parts) {
    // The group's committed offsets of the new partitions (another member's progress).
    TplPtr committed(rd_kafka_topic_partition_list_copy(parts));
    rd_kafka_resp_err_t e = rd_kafka_committed(rk_, committed.get(), int(kBrokerTimeout.count()));
    if (e) {
      rd_kafka_assign(rk_, nullptr);
      return rdkafka::ToStatus(e, fmt::format("job {}: reading the committed offsets of group {}",
                                              s_.config.name, s_.config.group));
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
    RETURN_IF_ERROR(rdkafka::ToStatus(rd_kafka_assign(rk_, parts),
                                      fmt::format("job {}: assign", s_.config.name)));
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
      auto marks = rdkafka::QueryWatermarks(rk_, s_.config.topic, p, kBrokerTimeout);
      if (marks.ok()) a->drain_target = marks->high;
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

  Status Consume() {
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

  JobShared& s_;  // the job's; outlives the input
  LogConfig log_;
  std::unique_ptr<connect::RecordSink> dlq_sink_;
  rd_kafka_t* rk_ = nullptr;
  // Only the job's thread (Run and the rebalance callback inside its polls) touches these.
  std::map<int32_t, std::unique_ptr<Assigned>> assigned_;
  bool has_assignment_ = false;  // an assignment (maybe empty) is in force
  std::atomic<int64_t> lag_{0};
  mutable Mutex mu_;
  Status error_ GUARDED_BY(mu_);  // the first error of the rebalance callback
};

}  // namespace

Result<std::unique_ptr<RecordInput>> NewKafkaInput(JobShared* shared, const LogConfig& log) {
  auto input = std::make_unique<KafkaInput>(shared);
  RETURN_IF_ERROR(input->Init(log));
  return std::unique_ptr<RecordInput>(std::move(input));
}

}  // namespace kappa::stream
