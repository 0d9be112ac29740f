// PartitionWorker: the loop that moves one partition of a job's topic into the table.
// Private to src/stream; StreamJob (stream_job.cc) runs one per partition on its own thread.
//
// Each iteration reads up to batch_size records from the next uncommitted offset, converts
// them into a store WriteBatch (failures become dead letters), appends the dead letters, and
// commits the rows together with the new PartitionProgress in ONE store write. That single
// write is the commit point: before it nothing of the batch is visible in the table and the
// offset is unchanged; after it both are. Invariant: progress.next only moves in that write
// (or by an explicit reset while no job runs).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "common/status.h"
#include "common/types.h"
#include "log/log.h"
#include "store/store.h"
#include "stream/job_offsets.h"
#include "stream/job_shared.h"

namespace kappa::stream {

class PartitionWorker {
 public:
  PartitionWorker(JobShared* shared, log::Partition* source, log::Partition* dlq);

  // Reads (or, for a partition the job never read, commits) the partition's progress and
  // checks it against the log: OutOfRange if the committed offset is beyond the end (a
  // recreated topic). Called on the starting thread, so a job that cannot run fails before
  // anything else starts.
  Status Prepare();
  // Runs until stop, drain completion or an error (Prepare() first). Aborted for a job
  // stopped by too many consecutive failures; Corruption (with what to do) for an unreadable
  // batch; other errors from the log/store, with context.
  Status Run();
  // The next offset to consume (committed); readable from any thread.
  Offset next() const { return Offset(next_.load(std::memory_order_relaxed)); }

 private:
  Status Init(PartitionProgress* progress);
  Status InitialOffset(Offset* out) const;
  void MirrorOffset(bool force);

  JobShared* s_;
  log::Partition* source_;
  log::Partition* dlq_;
  PartitionProgress progress_;  // from Prepare()
  bool prepared_ = false;
  std::atomic<int64_t> next_{0};
  int64_t mirrored_ = -1;
  std::chrono::steady_clock::time_point last_mirror_{};
};

}  // namespace kappa::stream
