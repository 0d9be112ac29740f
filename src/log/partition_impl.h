// PartitionImpl: a directory of segments; the private implementation of log::Partition.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "common/mutex.h"
#include "log/log.h"
#include "log/log_metrics.h"
#include "log/segment.h"

namespace kappa::log {

// Resolved settings a partition runs with (topic config + log options).
struct PartitionSettings {
  Env* env;
  Clock* clock;
  FlushPolicy flush;
  int64_t segment_bytes;
  int64_t segment_ms;
  int64_t retention_bytes;
  int64_t retention_ms;
  int32_t index_interval_bytes;
  bool read_only;
  metrics::Registry* metrics;  // never null
};

class PartitionImpl final : public Partition {
 public:
  // Opens (creating the directory and a first segment if needed) and recovers.
  static Result<std::unique_ptr<PartitionImpl>> Open(std::string topic, PartitionId id,
                                                     std::string dir,
                                                     const PartitionSettings& settings);
  ~PartitionImpl() override;

  const std::string& topic() const override { return topic_; }
  PartitionId id() const override { return id_; }
  Result<AppendResult> AppendBatch(std::string_view batch) override;
  Result<AppendResult> Append(std::span<const Record> records) override;
  Result<ReadResult> Read(Offset from, size_t max_bytes) const override;
  Result<ReadResult> ReadAppend(Offset from, size_t max_bytes, std::string* out) const override;
  Result<std::vector<StoredRecord>> ReadRecords(Offset from, size_t max_records,
                                                size_t max_bytes) const override;
  Result<Offset> VisitRecords(Offset from, size_t max_records,
                              const std::function<bool(const RecordView&)>& fn,
                              size_t max_bytes) const override;
  Status ForEachBatch(Offset from, const std::function<bool(const BatchInfo&)>& fn) const override;
  Result<std::optional<Offset>> OffsetForTimestamp(TimestampMs ts) const override;
  Result<Offset> DeleteRecordsBefore(Offset before) override;
  Offset StartOffset() const override;
  Offset EndOffset() const override { return Offset(end_offset_.load()); }
  uint64_t SizeBytes() const override;
  PartitionInfo Info() const override;
  Offset WaitForData(Offset after, std::chrono::steady_clock::time_point deadline) const override;
  uint64_t AddListener(AppendListener fn) const override;
  void RemoveListener(uint64_t id) const override;

  // Internal (LogImpl):
  Status FlushIfDirty();  // background flusher: fsync if appended since the last flush
  Status Flush() override;  // fsync now
  // Rolls an over-age active segment and deletes segments beyond retention.
  Result<int> EnforceRetention();
  // New segment size/age and retention limits (AlterTopicConfig); the rest of the settings
  // are fixed at Open.
  void UpdateLimits(const PartitionSettings& s);
  // Flushes, seals the active segment's index and refuses further appends; wakes waiters.
  Status Close();
  // Close() and remove the directory (topic deletion).
  Status CloseAndDelete(const std::string& dir);

 private:
  PartitionImpl(std::string topic, PartitionId id, std::string dir, const PartitionSettings& s);
  Status Load();
  Status RollLocked() REQUIRES(append_mu_);
  // ReadAppend without counting the read (VisitRecords counts what it visits).
  Result<ReadResult> ReadInto(Offset from, size_t max_bytes, std::string* out) const;
  std::shared_ptr<Segment> SegmentFor(Offset o) const;
  std::shared_ptr<Segment> Active() const;
  SegmentOptions SegOpts() const;
  void Notify(Offset new_end);

  const std::string topic_;
  const PartitionId id_;
  const std::string dir_;
  // Fixed at Open, except segment_*/retention_*, which change under append_mu_ (every
  // reader of those holds it).
  PartitionSettings s_;
  const PartitionCounters counters_;

  Mutex append_mu_;  // serializes appends, rolls, retention deletes and Close
  bool closed_ GUARDED_BY(append_mu_) = false;

  mutable Mutex mu_;
  // Ordered by base offset; the last one is active. The vector is guarded; segments are
  // shared with readers, which keep a deleted one alive while they read it.
  std::vector<std::shared_ptr<Segment>> segments_ GUARDED_BY(mu_);

  std::atomic<int64_t> end_offset_{0};
  // The start offset DeleteRecords set (persisted in <dir>/start_offset); the partition
  // starts at max(this, first segment's base). Written under append_mu_ and mu_.
  int64_t deleted_before_ GUARDED_BY(mu_) = 0;
  std::atomic<bool> dirty_{false};
  std::atomic<bool> shutting_down_{false};

  mutable Mutex wait_mu_;
  mutable CondVar wait_cv_;
  mutable std::atomic<int> waiters_{0};

  mutable Mutex listeners_mu_;  // held while listeners run, so RemoveListener can wait
  mutable std::map<uint64_t, AppendListener> listeners_ GUARDED_BY(listeners_mu_);
  mutable uint64_t next_listener_id_ GUARDED_BY(listeners_mu_) = 1;
  mutable std::atomic<bool> has_listeners_{false};
};

}  // namespace kappa::log
