// SegmentIndex: the sparse offset index and the time index of one segment, kept in memory
// and written to `<base>.index` / `<base>.timeindex` when the segment is sealed (rolled or
// closed). Format: docs/formats/log.md ("Indexes"). Not thread-safe (Segment locks it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/env.h"
#include "common/status.h"
#include "common/types.h"

namespace kappa::log {

struct OffsetIndexEntry {
  int32_t relative_offset;  // batch base offset - segment base offset
  uint32_t position;        // byte position of the batch in the data file
};

struct TimeIndexEntry {
  int64_t timestamp;        // largest batch max-timestamp seen up to this batch
  int32_t relative_offset;  // base offset of the batch where it was reached
};

// What a sealed segment records about itself, so reopening it needs no scan.
struct SegmentSummary {
  uint64_t data_size = 0;
  Offset next_offset;
  int64_t max_timestamp = -1;
};

class SegmentIndex {
 public:
  SegmentIndex(Offset base, int32_t interval_bytes) : base_(base), interval_(interval_bytes) {}

  // Called for every batch appended (or found by a recovery scan), in order.
  void OnBatch(Offset base_offset, uint32_t position, uint32_t size, int64_t max_timestamp);
  void Clear();

  // Position of the last indexed batch whose base offset <= target (0 if none).
  uint32_t LookupPosition(Offset target) const;
  // Position from which a forward scan finds the first batch with max timestamp >= ts.
  uint32_t LookupTimestamp(int64_t ts) const;

  // Writes both files atomically. `summary` goes into the offset index trailer.
  Status Write(Env* env, const std::string& index_path, const std::string& time_path,
               const SegmentSummary& summary) const;
  // Loads both files; Corruption if missing, torn, or not matching `data_size`.
  Result<SegmentSummary> Load(Env* env, const std::string& index_path,
                              const std::string& time_path, uint64_t data_size);

 private:
  Offset base_;
  int32_t interval_;
  uint64_t bytes_since_entry_ = 0;
  bool first_ = true;
  int64_t max_ts_ = -1;
  std::vector<OffsetIndexEntry> offsets_;
  std::vector<TimeIndexEntry> times_;
};

}  // namespace kappa::log
