#include "stream/job_core.h"

#include <chrono>

#include <fmt/format.h>

#include "common/clock.h"
#include "common/logging.h"

namespace kappa::stream {

PartitionCommitter::PartitionCommitter(JobShared* shared, std::string topic,
                                       PartitionId partition, DeadLetters* dead,
                                       PartitionProgress progress)
    : s_(shared),
      topic_(std::move(topic)),
      partition_(partition),
      dead_(dead),
      progress_(progress),
      meta_key_(OffsetMetaKey(shared->config.name, partition)),
      rows_(shared->sink->NewWriter()),
      formats_(shared->options.schemas),
      batch_(shared->storage.store->NewWriteBatch()),
      commit_seconds_(metrics::Registry::Default()
                          .GetHistogramFamily("kappa_job_commit_duration_seconds",
                                              "Time a job's commit takes: the sink's flush "
                                              "(Cassandra), the dead letters and the store write",
                                              {"job"}, metrics::LatencyBuckets())
                          .With({shared->config.name})),
      end_to_end_seconds_(
          metrics::Registry::Default()
              .GetHistogramFamily("kappa_job_end_to_end_latency_seconds",
                                  "Time from a record's timestamp to its row committed by a job, "
                                  "measured once per commit on the commit's oldest record",
                                  {"job"},
                                  {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
                                   10, 30, 60, 300})
              .With({shared->config.name})) {}

bool PartitionCommitter::Add(Offset offset, std::optional<std::string_view> key,
                             std::optional<std::string_view> value, TimestampMs timestamp) {
  Status st = value ? AddValue(*value)
                     : Status::InvalidArgument("the record has a null value");
  if (st.ok()) {
    ++batch_stored_;
    consecutive_failures_ = 0;
    if (timestamp.value() < batch_oldest_ms_) batch_oldest_ms_ = timestamp.value();
    if (s_->options.track_latency) timestamps_.push_back(timestamp.value());
    return true;
  }
  ++batch_dead_;
  ++consecutive_failures_;
  last_error_ = fmt::format("{}/{}@{}: {}", topic_, partition_.value(), offset.value(),
                            st.message());
  dead_->Add(offset, key, value, timestamp, st.message());
  const int64_t max_failures = s_->config.max_consecutive_failures;
  return !(max_failures > 0 && consecutive_failures_ >= max_failures);
}

Status PartitionCommitter::AddValue(std::string_view value) {
  ASSIGN_OR_RETURN(DecodedValue d, formats_.Classify(value));
  if (d.kind == DecodedValue::Kind::kJson) return rows_->Add(d.json, &batch_);
  Status st = rows_->AddAvro(*d.codec, d.payload, &batch_);
  if (!st.ok()) return st.WithContext(fmt::format("schema id {}", d.schema_id));
  return st;
}

Status PartitionCommitter::Commit(Offset next) {
  const auto commit_start = std::chrono::steady_clock::now();
  // An external sink acknowledges every row before the offsets may move (at-least-once); on
  // failure nothing of this batch is committed and the job stops.
  RETURN_IF_ERROR(rows_->Flush(s_->stop));
  // Dead letters first: if we crash between here and the commit, Recover() finds them.
  RETURN_IF_ERROR(dead_->Flush());
  PartitionProgress p = progress_;
  p.next = next;
  p.stored += batch_stored_;
  p.dead_letters += batch_dead_;
  p.dlq_end = dead_->End().value();
  batch_.PutMeta(meta_key_, EncodeProgress(p));
  store::Store& store = *s_->storage.store;
  Status st = store.Write(batch_, s_->storage.store_sync);
  if (!st.ok()) {
    return st.WithContext(fmt::format("job {}: committing {}/{} up to offset {}",
                                      s_->config.name, topic_, partition_.value(),
                                      next.value()));
  }
  // Committed.
  commit_seconds_.ObserveDuration(std::chrono::steady_clock::now() - commit_start);
  progress_ = p;
  s_->consumed.fetch_add(batch_stored_ + batch_dead_);
  s_->stored.fetch_add(batch_stored_);
  s_->dead_letters.fetch_add(batch_dead_);
  s_->commits.fetch_add(1);
  if (batch_oldest_ms_ != INT64_MAX) {
    // A producer's clock ahead of ours would make it negative: that reads as 0.
    int64_t ms = Clock::Real()->NowMicros() / 1000 - batch_oldest_ms_;
    end_to_end_seconds_.Observe(ms > 0 ? double(ms) / 1000.0 : 0.0);
    batch_oldest_ms_ = INT64_MAX;
  }
  if (!timestamps_.empty()) {
    int64_t now_us = Clock::Real()->NowMicros();
    for (int64_t ts : timestamps_) s_->latency.Record(now_us - ts * 1000);
    timestamps_.clear();
  }
  if (batch_dead_ > 0) {
    KLOG_DEBUG("job {}: {} dead letters, last: {}", s_->config.name, batch_dead_, last_error_);
  }
  batch_stored_ = batch_dead_ = 0;
  rows_->Clear();
  batch_ = store.NewWriteBatch();
  return Status::OK();
}

void PartitionCommitter::Discard() {
  dead_->DiscardPending();
  timestamps_.clear();
  batch_oldest_ms_ = INT64_MAX;
  rows_->Clear();
  batch_stored_ = batch_dead_ = 0;
  batch_ = s_->storage.store->NewWriteBatch();
}

Status PartitionCommitter::TooManyFailures() const {
  return Status::Aborted(fmt::format(
      "job {} stopped: {} consecutive records failed (max_consecutive_failures); the last: "
      "{}. They are in {}. Fix the producer or the table, or raise "
      "max_consecutive_failures, then start again: the job continues after them.",
      s_->config.name, consecutive_failures_, last_error_, dead_->dlq_topic()));
}

}  // namespace kappa::stream
