// RowState: the value stored under a row key (and under a partition record key), and the
// merge rule that combines two of them (docs/formats/store.md, "Row values"). Internal.
//
// A RowState holds an optional row marker, an optional row tombstone and a set of cells
// sorted by column id. Merging is commutative and associative (last write wins per cell by
// timestamp with deterministic tie-breaks), which is what lets the RocksDB merge operator
// apply upserts without reading first.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kappa::store {

inline constexpr int64_t kNoTimestamp = INT64_MIN;

struct CellState {
  uint32_t column_id = 0;
  bool tombstone = false;
  int64_t timestamp = 0;       // microseconds
  // Live cell: expiry (seconds since the epoch; 0 = never) and its ttl (seconds).
  // Tombstone: deletion time (seconds) in `expiry`, for purging after gc grace.
  uint32_t expiry = 0;
  uint32_t ttl = 0;
  std::string_view value;  // CQL native serialization; empty for tombstones and counters
  // Counter cell (a `counter` column): `delta` is the sum of the increments this cell holds;
  // two live counter cells of a column merge by adding their deltas (not last-write-wins).
  bool counter = false;
  int64_t delta = 0;

  bool LiveAt(uint32_t now_s) const { return !tombstone && (expiry == 0 || now_s < expiry); }
};

struct RowState {
  bool has_marker = false;
  int64_t marker_ts = kNoTimestamp;
  uint32_t marker_expiry = 0;  // 0 = never
  uint32_t marker_ttl = 0;
  int64_t tombstone_ts = kNoTimestamp;  // row (or partition) deletion; kNoTimestamp = none
  uint32_t tombstone_time = 0;          // seconds, for purging
  std::vector<CellState> cells;         // sorted by column_id, unique

  bool Empty() const { return !has_marker && tombstone_ts == kNoTimestamp && cells.empty(); }
  // Back to the empty state, keeping the cells' capacity (for states reused per thread).
  void Clear() {
    has_marker = false;
    marker_ts = kNoTimestamp;
    marker_expiry = marker_ttl = 0;
    tombstone_ts = kNoTimestamp;
    tombstone_time = 0;
    cells.clear();
  }
  // A row is live if its marker or any cell is live and newer than `shadow_ts` (the
  // partition tombstone, or kNoTimestamp).
  bool LiveAt(uint32_t now_s, int64_t shadow_ts = kNoTimestamp) const;
};

// Appends the encoding of `s` (cells must be sorted by column id).
void EncodeRowState(const RowState& s, std::string* out);
// Decodes `in`; cell values point into `in`. False on malformed input.
bool DecodeRowState(std::string_view in, RowState* out);

// Merges `in` into `acc` (both decoded). Cell values keep pointing into their sources.
void MergeRowState(const RowState& in, RowState* acc);

// Drops what is purgeable at `now_s`: tombstones and expired cells older than
// `gc_grace_s`; expired cells within grace become tombstones. Returns true if changed.
bool PurgeRowState(uint32_t now_s, int64_t gc_grace_s, RowState* s);

}  // namespace kappa::store
