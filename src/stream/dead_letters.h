// DeadLetters: records a job could not turn into rows go to the dead-letter topic, unchanged
// (same key and value), with headers saying why and where they came from:
//
//   error             the conversion error ("field 'id': missing (it is part of ...)")
//   source.topic      the job's topic
//   source.partition  decimal partition number
//   source.offset     decimal offset of the record
//   job               the job's name
//
// Source partition p writes to dead-letter partition p % (dead-letter partitions), so one
// dead-letter partition holds a source partition's dead letters in offset order.
//
// Exactly-once: see job_offsets.h (dlq_end). Recover() finds the dead letters written after
// the last commit by a batch that never committed; Append() skips those offsets.
// With an external log (log: kafka) the dead letters go through a connect::RecordSink to the
// cluster's dead-letter topic instead, partitioned by key; there Recover() cannot look at
// what an uncommitted batch wrote, so dead letters are at-least-once (End() is -1).
// One DeadLetters per partition worker; not thread-safe. Private to src/stream.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/types.h"
#include "connect/connect.h"
#include "log/log.h"

namespace kappa::stream {

class DeadLetters {
 public:
  DeadLetters(log::Partition* dlq, std::string job, std::string topic, PartitionId source);
  // Through `sink` (must outlive this) to `dlq_topic` on an external cluster.
  DeadLetters(connect::RecordSink* sink, std::string dlq_topic, std::string job,
              std::string topic, PartitionId source);

  // Scans the dead-letter partition from `dlq_end` (the value stored with the last commit;
  // < 0 = unknown: nothing is skipped) for this source partition's dead letters with offsets
  // >= `committed`.
  Status Recover(int64_t dlq_end, Offset committed);

  // Queues a dead letter for the next Flush (unless Recover found it already written).
  void Add(Offset offset, std::optional<std::string_view> key,
           std::optional<std::string_view> value, TimestampMs ts, std::string_view error);
  // Appends the queued dead letters as one batch. IOError etc. from the log.
  Status Flush();
  // The dead-letter partition's end offset (after Flush: covers everything flushed); -1
  // (unknown) through a sink.
  Offset End() const { return dlq_ ? dlq_->EndOffset() : Offset(-1); }
  size_t pending() const { return pending_.size(); }
  void DiscardPending() { pending_.clear(); }
  const std::string& dlq_topic() const { return dlq_topic_; }

 private:
  log::Partition* dlq_ = nullptr;       // embedded log, or
  connect::RecordSink* sink_ = nullptr;  // external cluster
  std::string dlq_topic_;
  std::string job_;
  std::string topic_;
  PartitionId source_;
  std::string source_partition_text_;
  std::set<int64_t> already_written_;
  std::vector<log::Record> pending_;
};

}  // namespace kappa::stream
