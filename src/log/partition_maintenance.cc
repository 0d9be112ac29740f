// PartitionImpl: opening and recovery, segment roll, retention, flush and close.
#include <algorithm>
#include <charconv>

#include "common/logging.h"
#include "log/partition_impl.h"

namespace kappa::log {

static constexpr const char* kStartOffsetFile = "start_offset";

namespace {
// "00000000000000000042.log" -> 42; nullopt for anything else.
std::optional<int64_t> ParseSegmentName(const std::string& name) {
  if (name.size() != 24 || name.compare(20, 4, ".log") != 0) return std::nullopt;
  int64_t v = 0;
  for (int i = 0; i < 20; ++i) {
    if (name[i] < '0' || name[i] > '9') return std::nullopt;
    if (v > (INT64_MAX - 9) / 10) return std::nullopt;
    v = v * 10 + (name[i] - '0');
  }
  return v;
}
}  // namespace

Result<std::unique_ptr<PartitionImpl>> PartitionImpl::Open(std::string topic, PartitionId id,
                                                           std::string dir,
                                                           const PartitionSettings& settings) {
  std::unique_ptr<PartitionImpl> p(
      new PartitionImpl(std::move(topic), id, std::move(dir), settings));
  Status s = p->Load();
  if (!s.ok()) {
    // A partition that did not load is not closed like one that did: it may have no
    // segment at all, and sealing a half-loaded one would rewrite files it never owned.
    MutexLock l(p->append_mu_);
    p->closed_ = true;
    p->shutting_down_ = true;
    return s;
  }
  return p;
}

Status PartitionImpl::Load() {
  std::vector<int64_t> bases;
  if (s_.env->FileExists(dir_)) {
    ASSIGN_OR_RETURN(auto names, s_.env->GetChildren(dir_));
    for (const auto& n : names) {
      if (auto b = ParseSegmentName(n)) bases.push_back(*b);
      else if (!s_.read_only && n.size() > 4 && n.compare(n.size() - 4, 4, ".tmp") == 0)
        (void)s_.env->DeleteFile(JoinPath(dir_, n));  // an interrupted index write
    }
  } else if (!s_.read_only) {
    RETURN_IF_ERROR(s_.env->CreateDirs(dir_));
  }
  std::sort(bases.begin(), bases.end());
  int64_t now = s_.clock->NowMs();
  // Open runs this before the partition is shared; the lock (uncontended) lets the analysis
  // check the members it fills like every other access.
  MutexLock l(mu_);
  for (size_t i = 0; i < bases.size(); ++i) {
    bool last = i + 1 == bases.size();
    auto seg = Segment::Open(SegOpts(), Offset(bases[i]), last, now);
    if (!seg.ok()) return seg.status().WithContext("opening " + topic_ + "/" + std::to_string(id_.value()));
    if (!segments_.empty() && segments_.back()->next_offset() != seg.value()->base_offset()) {
      KLOG_WARN("log: {}/{}: segment {} ends at offset {} but the next starts at {}", topic_,
                id_.value(), segments_.back()->path(), segments_.back()->next_offset().value(),
                seg.value()->base_offset().value());
    }
    segments_.push_back(std::move(seg).value());
  }
  if (segments_.empty()) {
    if (s_.read_only) {
      // Nothing on disk: an empty in-memory view (nothing is created).
      SegmentOptions o = SegOpts();
      return Status::NotFound("partition " + topic_ + "/" + std::to_string(id_.value()) +
                              " has no segments in " + o.dir);
    }
    ASSIGN_OR_RETURN(auto seg, Segment::Create(SegOpts(), Offset(0), now));
    segments_.push_back(std::move(seg));
  }
  end_offset_ = segments_.back()->next_offset().value();
  std::string start_file = JoinPath(dir_, kStartOffsetFile);
  if (s_.env->FileExists(start_file)) {
    ASSIGN_OR_RETURN(std::string text, s_.env->ReadFile(start_file));
    int64_t v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || v < 0) {
      return Status::Corruption("bad start offset in " + start_file);
    }
    // Never past the end (the records it pointed at may have been lost to a torn tail).
    deleted_before_ = std::min(v, end_offset_.load());
  }
  return Status::OK();
}

Result<Offset> PartitionImpl::DeleteRecordsBefore(Offset before) {
  if (s_.read_only) return Status::NotSupported("the log is open read-only");
  MutexLock l(append_mu_);
  if (closed_) return Status::Unavailable("partition is closed");
  if (before.value() > EndOffset().value()) {
    return Status::OutOfRange("offset " + std::to_string(before.value()) + " is past the end " +
                              std::to_string(EndOffset().value()) + " of " + topic_ + "/" +
                              std::to_string(id_.value()));
  }
  if (before <= StartOffset()) return StartOffset();
  RETURN_IF_ERROR(s_.env->WriteFileAtomic(JoinPath(dir_, kStartOffsetFile),
                                          std::to_string(before.value()) + "\n"));
  {
    MutexLock g(mu_);
    deleted_before_ = before.value();
  }
  // Free the space: roll an active segment that lies wholly below, then drop every segment
  // whose records are all below the new start (never the active one).
  auto active = Active();
  if (!active->empty() && active->next_offset() <= before) RETURN_IF_ERROR(RollLocked());
  int deleted = 0;
  while (true) {
    std::shared_ptr<Segment> victim;
    {
      MutexLock g(mu_);
      if (segments_.size() < 2 || segments_[1]->base_offset() > before) break;
      victim = segments_.front();
      segments_.erase(segments_.begin());
    }
    RETURN_IF_ERROR(victim->DeleteFiles());
    counters_.segments_deleted.Add();
    ++deleted;
  }
  if (deleted) RETURN_IF_ERROR(s_.env->SyncDir(dir_));
  KLOG_INFO("log: {}/{}: records before {} deleted ({} segment(s) removed)", topic_, id_.value(),
            before.value(), deleted);
  return before;
}

Status PartitionImpl::RollLocked() {
  auto old = Active();
  Offset base = old->next_offset();
  // Seal first: the old segment is durable and indexed before the new one exists, so
  // recovery only ever has to scan the last segment.
  RETURN_IF_ERROR(old->Seal());
  ASSIGN_OR_RETURN(auto seg, Segment::Create(SegOpts(), base, s_.clock->NowMs()));
  MutexLock l(mu_);
  segments_.push_back(std::move(seg));
  counters_.segment_rolls.Add();
  return Status::OK();
}

Result<int> PartitionImpl::EnforceRetention() {
  if (s_.read_only) return 0;
  MutexLock l(append_mu_);
  if (closed_) return 0;
  int64_t now = s_.clock->NowMs();
  auto active = Active();
  if (!active->empty() && now - active->created_ms() >= s_.segment_ms) {
    RETURN_IF_ERROR(RollLocked());
  }
  int deleted = 0;
  while (true) {
    std::shared_ptr<Segment> victim;
    {
      MutexLock g(mu_);
      if (segments_.size() < 2) break;  // never the active segment
      uint64_t total = 0;
      for (const auto& s : segments_) total += s->size();
      const auto& first = segments_.front();
      bool by_size = s_.retention_bytes > 0 && total - first->size() >= uint64_t(s_.retention_bytes);
      bool by_age = s_.retention_ms > 0 && !first->empty() &&
                    now - first->max_timestamp() > s_.retention_ms;
      bool empty_old = first->empty();
      if (!(by_size || by_age || empty_old)) break;
      victim = first;
      segments_.erase(segments_.begin());
    }
    KLOG_INFO("log: {}/{}: retention deletes segment {} (offsets {}..{}, {} bytes)", topic_,
              id_.value(), victim->path(), victim->base_offset().value(),
              victim->next_offset().value() - 1, victim->size());
    RETURN_IF_ERROR(victim->DeleteFiles());
    counters_.segments_deleted.Add();
    ++deleted;
  }
  if (deleted) RETURN_IF_ERROR(s_.env->SyncDir(dir_));
  return deleted;
}

void PartitionImpl::UpdateLimits(const PartitionSettings& s) {
  MutexLock l(append_mu_);
  s_.segment_bytes = s.segment_bytes;
  s_.segment_ms = s.segment_ms;
  s_.retention_bytes = s.retention_bytes;
  s_.retention_ms = s.retention_ms;
}

Status PartitionImpl::FlushIfDirty() {
  if (shutting_down_.load() || !dirty_.exchange(false)) return Status::OK();
  Status s = Active()->SyncConcurrent();
  if (!s.ok()) dirty_ = true;
  return s;
}

Status PartitionImpl::Flush() {
  if (s_.read_only) return Status::OK();
  MutexLock l(append_mu_);
  if (closed_) return Status::OK();
  dirty_ = false;
  Status s = Active()->Sync();
  if (!s.ok()) dirty_ = true;
  return s;
}

Status PartitionImpl::Close() {
  shutting_down_ = true;
  {
    MutexLock l(wait_mu_);
    wait_cv_.notify_all();
  }
  MutexLock l(append_mu_);
  if (closed_) return Status::OK();
  closed_ = true;
  if (s_.read_only) return Status::OK();
  {
    MutexLock g(mu_);
    if (segments_.empty()) return Status::OK();  // never loaded (Open failed)
  }
  // Sealing writes the active segment's index; the next open still re-verifies the last
  // segment, so a crash here loses nothing.
  return Active()->Seal();
}

Status PartitionImpl::CloseAndDelete(const std::string& dir) {
  shutting_down_ = true;
  {
    MutexLock l(wait_mu_);
    wait_cv_.notify_all();
  }
  {
    MutexLock l(append_mu_);
    closed_ = true;
  }
  return s_.env->DeleteDirRecursive(dir);
}

}  // namespace kappa::log
