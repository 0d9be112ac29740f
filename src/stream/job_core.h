// PartitionCommitter: the input-independent half of a job's partition, "records in -> rows
// and offsets out". Both inputs use it: PartitionWorker (the embedded log) and the Kafka job
// (kafka_job.cc, librdkafka). Private to src/stream.
//
// A batch is a run of Add() calls followed by one Commit(next). Add hands the record to the
// job's row sink (row_sink.h), which converts it by the table's schema (the embedded store:
// into the pending store WriteBatch), or queues it as a dead letter. Commit flushes the sink
// (an external sink: every row acknowledged), appends the dead letters (so a crash before the
// commit finds them, see dead_letters.h), then writes the new PartitionProgress, with the
// rows of the embedded sink, in ONE store write: the commit point. Before it nothing of the batch is visible and the offset is
// unchanged; after it both are. Not thread-safe: one thread per partition.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/types.h"
#include "metrics/metrics.h"
#include "store/store.h"
#include "stream/dead_letters.h"
#include "stream/job_offsets.h"
#include "stream/job_shared.h"
#include "stream/row_sink.h"
#include "stream/value_formats.h"

namespace kappa::stream {

class PartitionCommitter {
 public:
  // `dead` must outlive this; `progress` is the partition's committed progress.
  PartitionCommitter(JobShared* shared, std::string topic, PartitionId partition,
                     DeadLetters* dead, PartitionProgress progress);

  // Adds one record (offsets increasing within and across batches). Returns false when the
  // job must stop after this record (max_consecutive_failures reached): Commit the batch,
  // then return TooManyFailures().
  bool Add(Offset offset, std::optional<std::string_view> key,
           std::optional<std::string_view> value, TimestampMs timestamp);
  // Commits the batch with `next` as the next offset to consume (> progress().next), updates
  // the job's counters and starts a new batch. Errors from the dead-letter append or the
  // store write (nothing committed then; the job stops).
  Status Commit(Offset next);

  // Moves the position without committing rows (records deleted by retention, or taken over
  // from the consumer group); stored with the next Commit.
  void Skip(Offset next) { progress_.next = next; }

  // Drops the records added since the last Commit (a read that failed halfway).
  void Discard();
  // Records added since the last Commit.
  size_t batch_records() const { return batch_stored_ + batch_dead_; }
  const PartitionProgress& progress() const { return progress_; }
  Status TooManyFailures() const;

 private:
  JobShared* s_;
  std::string topic_;
  PartitionId partition_;
  DeadLetters* dead_;
  PartitionProgress progress_;
  std::string meta_key_;
  Status AddValue(std::string_view value);

  std::unique_ptr<RowWriter> rows_;  // this partition's writer of the job's sink
  ValueFormats formats_;             // JSON or the wire format; the schema cache
  store::WriteBatch batch_;          // the commit write: offsets (and embedded rows)
  metrics::Histogram commit_seconds_;  // kappa_job_commit_duration_seconds{job}
  // kappa_job_end_to_end_latency_seconds{job}: per commit, from its oldest stored record's
  // timestamp to the commit (one observation per commit, not per record: the hot path).
  metrics::Histogram end_to_end_seconds_;
  int64_t batch_oldest_ms_ = INT64_MAX;  // of the batch's stored records
  uint64_t batch_stored_ = 0;
  uint64_t batch_dead_ = 0;
  int64_t consecutive_failures_ = 0;
  std::string last_error_;
  std::vector<int64_t> timestamps_;  // of the batch's stored records, for latency
};

}  // namespace kappa::stream
