// Segment: one data file of consecutive record batches (`<base offset, 20 digits>.log`) with
// its sparse offset index and time index (SegmentIndex). Format: docs/formats/log.md.
//
// Concurrency: one writer at a time (the partition's append mutex serializes Append, Sync,
// Seal); any number of concurrent readers. Readers only see bytes below size(), which moves
// forward after a whole batch was written, so they never see a partial batch.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/env.h"
#include "common/mutex.h"
#include "common/status.h"
#include "common/types.h"
#include "log/record_batch.h"
#include "log/segment_index.h"

namespace kappa::log {

struct SegmentOptions {
  Env* env;
  std::string dir;  // the partition directory
  int32_t index_interval_bytes;
  bool read_only;
};

std::string SegmentFileName(Offset base, std::string_view ext);  // "00000000000000000042.log"

class Segment {
 public:
  ~Segment();

  // A new empty segment (read-write logs only).
  static Result<std::unique_ptr<Segment>> Create(const SegmentOptions& o, Offset base,
                                                 int64_t now_ms);
  // Opens an existing segment. `recover` (the last segment of a partition) scans the whole
  // file verifying every batch: a torn or corrupt tail is truncated (only logged in
  // read-only mode), a corrupt batch followed by valid ones is reported and skipped.
  // Otherwise the index files are used, or rebuilt by a scan if missing/corrupt.
  static Result<std::unique_ptr<Segment>> Open(const SegmentOptions& o, Offset base,
                                               bool recover, int64_t now_ms);

  Offset base_offset() const { return base_; }
  Offset next_offset() const { return Offset(next_offset_.load(std::memory_order_acquire)); }
  uint64_t size() const { return size_.load(std::memory_order_acquire); }
  int64_t max_timestamp() const { return max_ts_.load(std::memory_order_acquire); }
  int64_t created_ms() const { return created_ms_; }
  bool empty() const { return size() == 0; }
  const std::string& path() const { return path_; }

  // --- writer side ---
  // Appends one validated batch whose baseOffset is already set to next_offset(). On error
  // the file is cut back to its previous size; nothing is visible to readers.
  Status Append(std::string_view batch, const BatchHeader& h);
  // fsync through the writer (caller holds the append mutex).
  Status Sync();
  // fsync through a separate handle, safe while appends continue (background flusher).
  Status SyncConcurrent() const;
  // Makes the segment immutable: fsync, write the index files, close the writer.
  Status Seal();
  // Deletes the files (readers holding the Segment can still read: open fd).
  Status DeleteFiles();

  // --- reader side (thread-safe) ---
  // Position of the batch that contains `target`, or nullopt if target >= next_offset().
  // Corruption if the batch headers on the way are damaged.
  Result<std::optional<uint64_t>> FindBatch(Offset target) const;
  // Whole, CRC-valid batches from `pos`: at least one (even if larger than max_bytes), then
  // more while they fit in max_bytes. Corruption if the first batch is bad; a bad later
  // batch ends the result early.
  Result<std::string> ReadBatches(uint64_t pos, size_t max_bytes) const;
  // As ReadBatches, appending to *out; returns the number of bytes appended. On an error
  // *out is unchanged.
  Result<size_t> ReadBatchesAppend(uint64_t pos, size_t max_bytes, std::string* out) const;
  // Calls fn(header, position) for each batch from `pos` (headers only, no CRC check) until
  // fn returns false or the end.
  Status ScanHeaders(uint64_t pos,
                     const std::function<bool(const BatchHeader&, uint64_t)>& fn) const;
  // Position to scan from to find the first batch with max timestamp >= ts.
  uint64_t TimeLookup(int64_t ts) const;

 private:
  Segment(const SegmentOptions& o, Offset base);
  // Scans the data file, rebuilding the index. See Open for the recovery rules.
  Status RecoverScan(bool truncate_tail) REQUIRES(index_mu_);
  Status OpenWriter();
  Status RepairAfterFailedWrite();

  SegmentOptions opts_;
  Offset base_;
  std::string path_;
  int64_t created_ms_ = 0;
  std::unique_ptr<RandomAccessFile> reader_;
  std::unique_ptr<WritableFile> writer_;  // null when sealed or read-only
  bool needs_repair_ = false;             // a failed write left bytes past size_
  std::atomic<uint64_t> size_{0};         // bytes of whole valid batches (reader bound)
  std::atomic<int64_t> next_offset_;
  std::atomic<int64_t> max_ts_{-1};
  mutable Mutex index_mu_;
  SegmentIndex index_ GUARDED_BY(index_mu_);
};

}  // namespace kappa::log
