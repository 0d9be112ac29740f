#include "log/segment_index.h"

#include <algorithm>

#include "common/coding.h"
#include "common/crc32c.h"

namespace kappa::log {

using namespace coding;

namespace {
constexpr uint32_t kIndexMagic = 0x4b494458;  // "KIDX"
constexpr uint32_t kTimeMagic = 0x4b544958;   // "KTIX"
constexpr size_t kIndexTrailer = 4 + 8 + 8 + 8 + 4 + 4;  // magic size next maxts count crc
constexpr size_t kTimeTrailer = 4 + 4 + 4;                // magic count crc
}  // namespace

void SegmentIndex::OnBatch(Offset base_offset, uint32_t position, uint32_t size,
                           int64_t max_timestamp) {
  int32_t rel = int32_t(base_offset - base_);
  // Invariant: the first batch is always indexed, then one entry per interval_ bytes, so a
  // lookup scans at most ~interval_ bytes (plus one batch).
  if (first_ || bytes_since_entry_ >= uint64_t(interval_)) {
    offsets_.push_back({rel, position});
    bytes_since_entry_ = 0;
  }
  bytes_since_entry_ += size;
  if (max_timestamp > max_ts_) {
    // A time entry whenever the running maximum grows and an offset entry was just made
    // (keeps the time index as sparse as the offset index).
    if (first_ || bytes_since_entry_ == size) times_.push_back({max_ts_, rel});
    max_ts_ = max_timestamp;
  }
  first_ = false;
}

void SegmentIndex::Clear() {
  offsets_.clear();
  times_.clear();
  bytes_since_entry_ = 0;
  first_ = true;
  max_ts_ = -1;
}

uint32_t SegmentIndex::LookupPosition(Offset target) const {
  int32_t rel = int32_t(std::clamp<int64_t>(target - base_, -1, INT32_MAX));
  auto it = std::upper_bound(offsets_.begin(), offsets_.end(), rel,
                             [](int32_t r, const OffsetIndexEntry& e) { return r < e.relative_offset; });
  if (it == offsets_.begin()) return 0;
  return std::prev(it)->position;
}

uint32_t SegmentIndex::LookupTimestamp(int64_t ts) const {
  // Entry {t, rel}: every batch before `rel` has max timestamp <= t. Take the last entry with
  // t < ts: the answer is at or after its batch.
  auto it = std::lower_bound(times_.begin(), times_.end(), ts,
                             [](const TimeIndexEntry& e, int64_t v) { return e.timestamp < v; });
  if (it == times_.begin()) return 0;
  return LookupPosition(base_ + std::prev(it)->relative_offset);
}

Status SegmentIndex::Write(Env* env, const std::string& index_path, const std::string& time_path,
                           const SegmentSummary& summary) const {
  std::string idx;
  idx.reserve(offsets_.size() * 8 + kIndexTrailer);
  for (const auto& e : offsets_) {
    AppendBE32(&idx, uint32_t(e.relative_offset));
    AppendBE32(&idx, e.position);
  }
  AppendBE32(&idx, kIndexMagic);
  AppendBE64(&idx, summary.data_size);
  AppendBE64(&idx, uint64_t(summary.next_offset.value()));
  AppendBE64(&idx, uint64_t(summary.max_timestamp));
  AppendBE32(&idx, uint32_t(offsets_.size()));
  AppendBE32(&idx, crc32c::Value(idx));
  std::string tix;
  tix.reserve(times_.size() * 12 + kTimeTrailer);
  for (const auto& e : times_) {
    AppendBE64(&tix, uint64_t(e.timestamp));
    AppendBE32(&tix, uint32_t(e.relative_offset));
  }
  AppendBE32(&tix, kTimeMagic);
  AppendBE32(&tix, uint32_t(times_.size()));
  AppendBE32(&tix, crc32c::Value(tix));
  RETURN_IF_ERROR(env->WriteFileAtomic(time_path, tix));
  return env->WriteFileAtomic(index_path, idx);
}

Result<SegmentSummary> SegmentIndex::Load(Env* env, const std::string& index_path,
                                          const std::string& time_path, uint64_t data_size) {
  ASSIGN_OR_RETURN(std::string idx, env->ReadFile(index_path));
  ASSIGN_OR_RETURN(std::string tix, env->ReadFile(time_path));
  auto bad = [&](const std::string& why) { return Status::Corruption(index_path + ": " + why); };
  if (idx.size() < kIndexTrailer || (idx.size() - kIndexTrailer) % 8 != 0) return bad("bad size");
  if (crc32c::Value(idx.data(), idx.size() - 4) != GetBE32(idx.data() + idx.size() - 4))
    return bad("checksum mismatch");
  const char* t = idx.data() + idx.size() - kIndexTrailer;
  if (GetBE32(t) != kIndexMagic) return bad("bad magic");
  SegmentSummary s;
  s.data_size = GetBE64(t + 4);
  s.next_offset = Offset(int64_t(GetBE64(t + 12)));
  s.max_timestamp = int64_t(GetBE64(t + 20));
  size_t n = GetBE32(t + 28);
  if (n * 8 != idx.size() - kIndexTrailer) return bad("entry count mismatch");
  if (s.data_size != data_size) return bad("written for a data file of a different size");
  if (tix.size() < kTimeTrailer || (tix.size() - kTimeTrailer) % 12 != 0 ||
      crc32c::Value(tix.data(), tix.size() - 4) != GetBE32(tix.data() + tix.size() - 4) ||
      GetBE32(tix.data() + tix.size() - kTimeTrailer) != kTimeMagic) {
    return Status::Corruption(time_path + ": torn or corrupt");
  }
  Clear();
  for (size_t i = 0; i < n; ++i) {
    OffsetIndexEntry e{int32_t(GetBE32(idx.data() + i * 8)), GetBE32(idx.data() + i * 8 + 4)};
    if (e.position >= data_size ||
        (!offsets_.empty() && (e.relative_offset <= offsets_.back().relative_offset ||
                               e.position <= offsets_.back().position)))
      return bad("entries out of order");
    offsets_.push_back(e);
  }
  for (size_t i = 0; i < (tix.size() - kTimeTrailer) / 12; ++i) {
    times_.push_back({int64_t(GetBE64(tix.data() + i * 12)),
                      int32_t(GetBE32(tix.data() + i * 12 + 8))});
  }
  max_ts_ = s.max_timestamp;
  first_ = offsets_.empty();
  // New appends never go to a sealed segment; bytes_since_entry_ is irrelevant.
  return s;
}

}  // namespace kappa::log
