#include "log/segment.h"

#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "common/crc32c.h"
#include "common/logging.h"

namespace kappa::log {

std::string SegmentFileName(Offset base, std::string_view ext) {
  char b[32];
  std::snprintf(b, sizeof(b), "%020" PRId64 ".", base.value());
  return std::string(b) + std::string(ext);
}

Segment::Segment(const SegmentOptions& o, Offset base)
    : opts_(o),
      base_(base),
      path_(JoinPath(o.dir, SegmentFileName(base, "log"))),
      next_offset_(base.value()),
      index_(base, o.index_interval_bytes) {}

Segment::~Segment() {
  if (writer_) (void)writer_->Close();
}

Result<std::unique_ptr<Segment>> Segment::Create(const SegmentOptions& o, Offset base,
                                                 int64_t now_ms) {
  std::unique_ptr<Segment> s(new Segment(o, base));
  s->created_ms_ = now_ms;
  ASSIGN_OR_RETURN(s->writer_, o.env->NewWritableFile(s->path_));
  RETURN_IF_ERROR(o.env->SyncDir(o.dir));
  ASSIGN_OR_RETURN(s->reader_, o.env->NewRandomAccessFile(s->path_));
  return s;
}

Result<std::unique_ptr<Segment>> Segment::Open(const SegmentOptions& o, Offset base, bool recover,
                                               int64_t now_ms) {
  std::unique_ptr<Segment> s(new Segment(o, base));
  s->created_ms_ = now_ms;  // segment age restarts at open (documented)
  // Nobody else sees the segment yet; the lock (uncontended) lets the analysis check the
  // index accesses below like every other.
  MutexLock l(s->index_mu_);
  ASSIGN_OR_RETURN(s->reader_, o.env->NewRandomAccessFile(s->path_));
  ASSIGN_OR_RETURN(uint64_t file_size, s->reader_->Size());
  if (recover) {
    RETURN_IF_ERROR(s->RecoverScan(!o.read_only));
    if (!o.read_only) RETURN_IF_ERROR(s->OpenWriter());
    return s;
  }
  std::string idx = JoinPath(o.dir, SegmentFileName(base, "index"));
  std::string tix = JoinPath(o.dir, SegmentFileName(base, "timeindex"));
  auto summary = s->index_.Load(o.env, idx, tix, file_size);
  if (summary.ok()) {
    s->size_ = summary->data_size;
    s->next_offset_ = summary->next_offset.value();
    s->max_ts_ = summary->max_timestamp;
    return s;
  }
  KLOG_WARN("log: rebuilding index of {}: {}", s->path_, summary.status().ToString());
  RETURN_IF_ERROR(s->RecoverScan(false));
  if (!o.read_only) {
    Status w = s->index_.Write(o.env, idx, tix,
                               {s->size(), s->next_offset(), s->max_timestamp()});
    if (!w.ok()) KLOG_WARN("log: could not write index of {}: {}", s->path_, w.ToString());
  }
  return s;
}

Status Segment::RecoverScan(bool truncate_tail) {
  ASSIGN_OR_RETURN(uint64_t file_size, reader_->Size());
  index_.Clear();
  int64_t next = base_.value();
  int64_t max_ts = -1;
  uint64_t pos = 0;
  // The file is read through a 1 MiB window, so a segment of many small batches costs one
  // pread per MiB rather than two per batch.
  constexpr size_t kWindow = 1 << 20;
  std::string win;
  uint64_t win_start = 0;
  // A view of [p, p+n), or nullopt if the file has fewer bytes.
  auto view_at = [&](uint64_t p, size_t n) -> Result<std::optional<std::string_view>> {
    if (p + n > file_size) return std::optional<std::string_view>();
    if (win.empty() || p < win_start || p + n > win_start + win.size()) {
      win.resize(std::max<uint64_t>(n, std::min<uint64_t>(kWindow, file_size - p)));
      ASSIGN_OR_RETURN(size_t got, reader_->Read(p, win.size(), win.data()));
      win.resize(got);
      win_start = p;
      if (got < n) return std::optional<std::string_view>();
    }
    return std::optional<std::string_view>(std::string_view(win).substr(p - win_start, n));
  };
  // Returns the validated header of the batch at p, or the reason it is not valid.
  auto valid_batch_at = [&](uint64_t p, int64_t min_offset) -> Result<BatchHeader> {
    ASSIGN_OR_RETURN(auto hv, view_at(p, kBatchHeaderSize));
    if (!hv) return Status::Corruption("truncated batch header");
    ASSIGN_OR_RETURN(BatchHeader h, ParseBatchHeader(*hv));
    if (h.size_bytes() > file_size - p) return Status::Corruption("truncated batch");
    if (h.base_offset.value() < min_offset)
      return Status::Corruption("batch offset " + std::to_string(h.base_offset.value()) +
                                " goes backwards (expected >= " + std::to_string(min_offset) + ")");
    ASSIGN_OR_RETURN(auto bv, view_at(p, h.size_bytes()));
    if (!bv) return Status::Corruption("truncated batch");
    ASSIGN_OR_RETURN(auto view, RecordBatchView::Parse(*bv));
    return view.header();
  };
  while (pos < file_size) {
    auto h = valid_batch_at(pos, next);
    if (h.ok()) {
      index_.OnBatch(h->base_offset, uint32_t(pos), uint32_t(h->size_bytes()),
                     h->max_timestamp.value());
      next = h->last_offset().value() + 1;
      max_ts = std::max(max_ts, h->max_timestamp.value());
      pos += h->size_bytes();
      continue;
    }
    // Torn tail or corruption in the middle? If the header's length is usable and a valid
    // batch follows, it is a damaged batch in the middle: keep the data, skip it, report.
    Result<BatchHeader> hdr = Status::Corruption("short");
    if (auto hv = view_at(pos, kBatchHeaderSize); hv.ok() && hv->has_value()) {
      hdr = ParseBatchHeader(**hv);
    }
    if (hdr.ok() && hdr->size_bytes() < file_size - pos) {
      auto following = valid_batch_at(pos + hdr->size_bytes(), next);
      if (following.ok()) {
        KLOG_ERROR("log: {}: corrupt batch at byte {} (offsets from {}): {}; it will not be "
                   "served, later batches are kept",
                   path_, pos, next, h.status().ToString());
        pos += hdr->size_bytes();
        continue;  // the next iteration indexes the following batch
      }
    }
    uint64_t dropped = file_size - pos;
    if (truncate_tail) {
      KLOG_WARN("log: {}: dropping {} bytes of torn or corrupt tail at byte {} (from offset "
                "{}): {}",
                path_, dropped, pos, next, h.status().ToString());
      RETURN_IF_ERROR(opts_.env->TruncateFile(path_, pos));
    } else if (opts_.read_only) {
      // Usually a batch the owning process is writing right now: not worth a warning.
      KLOG_DEBUG("log: {}: read-only open ignores {} bytes at the end (byte {}, offset {}): {}",
                 path_, dropped, pos, next, h.status().ToString());
    } else {
      KLOG_ERROR("log: {}: {} bytes at byte {} (from offset {}) are corrupt and will not be "
                 "served: {}",
                 path_, dropped, pos, next, h.status().ToString());
    }
    break;
  }
  size_ = pos;
  next_offset_ = next;
  max_ts_ = max_ts;
  return Status::OK();
}

Status Segment::OpenWriter() {
  ASSIGN_OR_RETURN(writer_, opts_.env->NewAppendableFile(path_));
  if (writer_->Size() != size()) {
    // Bytes beyond the valid size exist only in read-only mode (never truncated) or after a
    // failed truncate; appending behind them would corrupt the file.
    return Status::Corruption(path_ + " has " + std::to_string(writer_->Size() - size()) +
                              " invalid bytes at its end that could not be removed");
  }
  return Status::OK();
}

Status Segment::RepairAfterFailedWrite() {
  if (writer_) (void)writer_->Close();
  writer_.reset();
  RETURN_IF_ERROR(opts_.env->TruncateFile(path_, size()));
  RETURN_IF_ERROR(OpenWriter());
  needs_repair_ = false;
  return Status::OK();
}

Status Segment::Append(std::string_view batch, const BatchHeader& h) {
  if (opts_.read_only) return Status::NotSupported("log is open read-only");
  if (needs_repair_ || !writer_) {
    Status r = RepairAfterFailedWrite();
    if (!r.ok()) return r.WithContext("cannot append to " + path_ + " after an earlier error");
  }
  uint64_t pos = size();
  Status s = writer_->Append(batch);
  if (!s.ok()) {
    needs_repair_ = true;
    Status r = RepairAfterFailedWrite();
    if (!r.ok()) KLOG_WARN("log: {}: will retry removing a partial write: {}", path_, r.ToString());
    return s;
  }
  {
    MutexLock l(index_mu_);
    index_.OnBatch(h.base_offset, uint32_t(pos), uint32_t(batch.size()), h.max_timestamp.value());
  }
  if (h.max_timestamp.value() > max_ts_.load()) max_ts_.store(h.max_timestamp.value());
  next_offset_.store(h.last_offset().value() + 1, std::memory_order_release);
  size_.store(pos + batch.size(), std::memory_order_release);
  return Status::OK();
}

Status Segment::Sync() {
  if (!writer_) return Status::OK();
  return writer_->Sync();
}

Status Segment::SyncConcurrent() const {
  if (opts_.read_only) return Status::OK();
  ASSIGN_OR_RETURN(auto f, opts_.env->NewAppendableFile(path_));
  Status s = f->Sync();
  (void)f->Close();
  return s;
}

Status Segment::Seal() {
  if (opts_.read_only) return Status::OK();
  if (writer_) {
    RETURN_IF_ERROR(writer_->Sync());
    RETURN_IF_ERROR(writer_->Close());
    writer_.reset();
  }
  MutexLock l(index_mu_);
  return index_.Write(opts_.env, JoinPath(opts_.dir, SegmentFileName(base_, "index")),
                      JoinPath(opts_.dir, SegmentFileName(base_, "timeindex")),
                      {size(), next_offset(), max_timestamp()});
}

Status Segment::DeleteFiles() {
  if (writer_) {
    (void)writer_->Close();
    writer_.reset();
  }
  Status result;
  for (const char* ext : {"log", "index", "timeindex"}) {
    std::string p = JoinPath(opts_.dir, SegmentFileName(base_, ext));
    Status s = opts_.env->DeleteFile(p);
    if (!s.ok() && !s.IsNotFound() && result.ok()) result = s;
  }
  return result;
}

// --- reading ---

Status Segment::ScanHeaders(uint64_t pos,
                            const std::function<bool(const BatchHeader&, uint64_t)>& fn) const {
  uint64_t end = size();
  // Headers are read through a 64 KB window so small batches cost one pread per window.
  constexpr size_t kWindow = 64 * 1024;
  std::string win;
  uint64_t win_start = 0;
  while (pos < end) {
    if (win.empty() || pos < win_start || pos + kBatchHeaderSize > win_start + win.size()) {
      win.resize(std::min<uint64_t>(kWindow, end - pos));
      ASSIGN_OR_RETURN(size_t n, reader_->Read(pos, win.size(), win.data()));
      win.resize(n);
      win_start = pos;
    }
    ASSIGN_OR_RETURN(BatchHeader h,
                     ParseBatchHeader(std::string_view(win).substr(pos - win_start)));
    if (h.size_bytes() > end - pos) {
      return Status::Corruption(path_ + ": batch at byte " + std::to_string(pos) +
                                " runs past the end of the segment");
    }
    if (!fn(h, pos)) return Status::OK();
    pos += h.size_bytes();
  }
  return Status::OK();
}

Result<std::optional<uint64_t>> Segment::FindBatch(Offset target) const {
  if (target >= next_offset()) return std::optional<uint64_t>();
  uint64_t start;
  {
    MutexLock l(index_mu_);
    start = index_.LookupPosition(target);
  }
  std::optional<uint64_t> found;
  Status s = ScanHeaders(start, [&](const BatchHeader& h, uint64_t pos) {
    if (h.last_offset() >= target) {
      found = pos;
      return false;
    }
    return true;
  });
  if (!s.ok()) return s.WithContext("looking up offset " + std::to_string(target.value()));
  return found;
}

Result<std::string> Segment::ReadBatches(uint64_t pos, size_t max_bytes) const {
  std::string out;
  ASSIGN_OR_RETURN(size_t n, ReadBatchesAppend(pos, max_bytes, &out));
  (void)n;
  return out;
}

Result<size_t> Segment::ReadBatchesAppend(uint64_t pos, size_t max_bytes, std::string* dst) const {
  uint64_t end = size();
  if (pos >= end) return size_t(0);
  char hdr[kBatchHeaderSize];
  ASSIGN_OR_RETURN(size_t n, reader_->Read(pos, kBatchHeaderSize, hdr));
  auto first = ParseBatchHeader(std::string_view(hdr, n));
  if (!first.ok() || first->size_bytes() > end - pos) {
    return Status::Corruption(path_ + ": corrupt batch at byte " + std::to_string(pos) + ": " +
                              (first.ok() ? "runs past the end" : first.status().message()));
  }
  size_t want = std::max<uint64_t>(first->size_bytes(), std::min<uint64_t>(max_bytes, end - pos));
  const size_t base = dst->size();
  dst->resize(base + want);  // read straight into the caller's buffer
  auto got = reader_->Read(pos, want, dst->data() + base);
  if (!got.ok()) {
    dst->resize(base);
    return got.status();
  }
  std::string_view out(dst->data() + base, *got);
  // Keep only whole batches that pass the CRC check.
  size_t p = 0;
  while (p + kBatchHeaderSize <= out.size()) {
    auto h = ParseBatchHeader(out.substr(p));
    if (!h.ok() || h->size_bytes() > out.size() - p) {
      if (!h.ok() && p == 0) {
        dst->resize(base);
        return h.status().WithContext(path_);
      }
      break;
    }
    auto v = RecordBatchView::Parse(out.substr(p, h->size_bytes()));
    if (!v.ok()) {
      if (p == 0) {
        dst->resize(base);
        return v.status().WithContext(path_ + ": batch at byte " + std::to_string(pos) +
                                      " (offsets " + std::to_string(h->base_offset.value()) +
                                      ".." + std::to_string(h->last_offset().value()) + ")");
      }
      KLOG_ERROR("log: {}: corrupt batch at byte {}: {}", path_, pos + p, v.status().ToString());
      break;
    }
    p += h->size_bytes();
  }
  dst->resize(base + p);
  return p;
}

uint64_t Segment::TimeLookup(int64_t ts) const {
  MutexLock l(index_mu_);
  return index_.LookupTimestamp(ts);
}

}  // namespace kappa::log
