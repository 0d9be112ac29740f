// PartitionImpl: append and read paths. Opening, recovery, retention: partition_maintenance.cc.
#include <fmt/format.h>

#include "common/coding.h"
#include "common/logging.h"
#include "log/partition_impl.h"

namespace kappa::log {

PartitionImpl::PartitionImpl(std::string topic, PartitionId id, std::string dir,
                             const PartitionSettings& s)
    : topic_(std::move(topic)),
      id_(id),
      dir_(std::move(dir)),
      s_(s),
      counters_(PartitionCounters::For(s.metrics, topic_)) {}

PartitionImpl::~PartitionImpl() { (void)Close(); }

SegmentOptions PartitionImpl::SegOpts() const {
  return SegmentOptions{s_.env, dir_, s_.index_interval_bytes, s_.read_only};
}

std::shared_ptr<Segment> PartitionImpl::Active() const {
  MutexLock l(mu_);
  return segments_.back();
}

std::shared_ptr<Segment> PartitionImpl::SegmentFor(Offset o) const {
  MutexLock l(mu_);
  // The last segment whose base offset <= o.
  auto it = std::upper_bound(segments_.begin(), segments_.end(), o,
                             [](Offset v, const std::shared_ptr<Segment>& s) {
                               return v < s->base_offset();
                             });
  if (it == segments_.begin()) return nullptr;
  return *std::prev(it);
}

Offset PartitionImpl::StartOffset() const {
  MutexLock l(mu_);
  return Offset(std::max(segments_.front()->base_offset().value(), deleted_before_));
}

uint64_t PartitionImpl::SizeBytes() const {
  MutexLock l(mu_);
  uint64_t n = 0;
  for (const auto& s : segments_) n += s->size();
  return n;
}

PartitionInfo PartitionImpl::Info() const {
  MutexLock l(mu_);
  PartitionInfo i;
  i.partition = id_;
  i.start_offset = Offset(std::max(segments_.front()->base_offset().value(), deleted_before_));
  i.end_offset = EndOffset();
  i.bytes = 0;
  for (const auto& s : segments_) i.bytes += s->size();
  i.segments = int(segments_.size());
  return i;
}

// --- append ---

Result<AppendResult> PartitionImpl::AppendBatch(std::string_view batch) {
  if (s_.read_only) return Status::NotSupported("the log is open read-only");
  auto view = RecordBatchView::Parse(batch);
  if (!view.ok()) return Status::InvalidArgument(view.status().message());
  const BatchHeader& in = view->header();
  if (in.record_count <= 0 || in.last_offset_delta + 1 < in.record_count) {
    if (!(in.record_count == 0 && in.is_control()))
      return Status::InvalidArgument("record batch has record count " +
                                     std::to_string(in.record_count) + " and last offset delta " +
                                     std::to_string(in.last_offset_delta));
  }
  // The stored copy gets its base offset; the CRC does not cover it.
  std::string stored(batch);
  AppendResult r;
  {
    MutexLock l(append_mu_);
    if (closed_) return Status::Unavailable("partition " + topic_ + "/" +
                                            std::to_string(id_.value()) + " is closed");
    auto active = Active();
    int64_t now = s_.clock->NowMs();
    bool too_big = active->size() + stored.size() > uint64_t(s_.segment_bytes);
    bool too_old = now - active->created_ms() >= s_.segment_ms;
    if (!active->empty() && (too_big || too_old)) {
      RETURN_IF_ERROR(RollLocked());
      active = Active();
    }
    Offset base = EndOffset();
    SetBatchBaseOffset(stored.data(), base);
    BatchHeader h = in;
    h.base_offset = base;
    RETURN_IF_ERROR(active->Append(stored, h));
    if (s_.flush == FlushPolicy::kEveryAppend) {
      Status st = active->Sync();
      if (!st.ok()) {
        // The bytes are in the OS but not durable; report it. (They stay in the log.)
        dirty_ = true;
        end_offset_.store(h.last_offset().value() + 1);
        return st.WithContext("fsync after append");
      }
    } else {
      dirty_.store(true, std::memory_order_relaxed);
    }
    // seq_cst: pairs with the waiter's increment of waiters_ (see Notify).
    end_offset_.store(h.last_offset().value() + 1);
    r = AppendResult{base, h.last_offset(), TimestampMs(now)};
  }
  counters_.appended_records.Add(uint64_t(r.last_offset.value() - r.base_offset.value() + 1));
  counters_.appended_bytes.Add(stored.size());
  Notify(r.last_offset + 1);
  return r;
}

Result<AppendResult> PartitionImpl::Append(std::span<const Record> records) {
  if (records.empty()) return Status::InvalidArgument("append of zero records");
  RecordBatchBuilder b(Compression::kNone, s_.clock->NowMs());
  for (const auto& r : records) b.Add(r);
  ASSIGN_OR_RETURN(std::string batch, b.Finish());
  return AppendBatch(batch);
}

void PartitionImpl::Notify(Offset new_end) {
  // Either this load sees the waiter's increment, or the waiter's predicate check (after its
  // increment) sees the new end offset: both are seq_cst, so a wake-up is never lost.
  if (waiters_.load() > 0) {
    MutexLock l(wait_mu_);
    wait_cv_.notify_all();
  }
  if (has_listeners_.load(std::memory_order_relaxed)) {
    MutexLock l(listeners_mu_);
    for (auto& [id, fn] : listeners_) fn(new_end);
  }
}

Offset PartitionImpl::WaitForData(Offset after,
                                  std::chrono::steady_clock::time_point deadline) const {
  MutexLock l(wait_mu_);
  ++waiters_;
  wait_cv_.wait_until(l, deadline, [&] { return EndOffset() > after || shutting_down_.load(); });
  --waiters_;
  return EndOffset();
}

uint64_t PartitionImpl::AddListener(AppendListener fn) const {
  MutexLock l(listeners_mu_);
  uint64_t id = next_listener_id_++;
  listeners_.emplace(id, std::move(fn));
  has_listeners_ = true;
  return id;
}

void PartitionImpl::RemoveListener(uint64_t id) const {
  MutexLock l(listeners_mu_);
  listeners_.erase(id);
  has_listeners_ = !listeners_.empty();
}

// --- read ---

Result<ReadResult> Partition::ReadAppend(Offset from, size_t max_bytes, std::string* out) const {
  ASSIGN_OR_RETURN(ReadResult r, Read(from, max_bytes));
  out->append(r.bytes);
  r.bytes.clear();
  return r;
}

Result<ReadResult> PartitionImpl::Read(Offset from, size_t max_bytes) const {
  std::string bytes;
  ASSIGN_OR_RETURN(ReadResult r, ReadAppend(from, max_bytes, &bytes));
  r.bytes = std::move(bytes);
  return r;
}

Result<ReadResult> PartitionImpl::ReadAppend(Offset from, size_t max_bytes,
                                             std::string* out) const {
  size_t before = out->size();
  ASSIGN_OR_RETURN(ReadResult r, ReadInto(from, max_bytes, out));
  std::string_view got(out->data() + before, out->size() - before);
  if (!got.empty()) {
    counters_.read_records.Add(uint64_t(RecordsInBatches(got, from.value())));
    counters_.read_bytes.Add(got.size());
  }
  return r;
}

Result<ReadResult> PartitionImpl::ReadInto(Offset from, size_t max_bytes,
                                           std::string* out) const {
  ReadResult r;
  r.high_watermark = EndOffset();
  r.start_offset = StartOffset();
  if (from < r.start_offset || from > r.high_watermark) {
    return Status::OutOfRange("offset " + std::to_string(from.value()) + " is outside " +
                              topic_ + "/" + std::to_string(id_.value()) + " [" +
                              std::to_string(r.start_offset.value()) + ", " +
                              std::to_string(r.high_watermark.value()) + "]");
  }
  std::vector<std::shared_ptr<Segment>> segs;
  {
    MutexLock l(mu_);
    auto it = std::upper_bound(segments_.begin(), segments_.end(), from,
                               [](Offset v, const std::shared_ptr<Segment>& s) {
                                 return v < s->base_offset();
                               });
    if (it != segments_.begin()) --it;
    segs.assign(it, segments_.end());
  }
  // The batch holding `from` is in the first segment whose data reaches past it (a segment
  // may end before the next one's base only if it is empty).
  for (size_t i = 0; i < segs.size(); ++i) {
    const auto& seg = segs[i];
    ASSIGN_OR_RETURN(std::optional<uint64_t> pos, seg->FindBatch(from));
    if (!pos) {
      // `from` is past this segment's valid data. If the next segment starts later, the
      // offsets in between were lost to a corrupt segment tail: never skip them silently.
      if (i + 1 < segs.size() && from < segs[i + 1]->base_offset()) {
        return Status::Corruption(fmt::format(
            "{}/{}: offsets {}..{} are unreadable: {} has a corrupt tail", topic_, id_.value(),
            seg->next_offset().value(), segs[i + 1]->base_offset().value() - 1, seg->path()));
      }
      continue;
    }
    ASSIGN_OR_RETURN(size_t n, seg->ReadBatchesAppend(*pos, max_bytes, out));
    (void)n;
    break;
  }
  return r;
}

Result<Offset> PartitionImpl::VisitRecords(Offset from, size_t max_records,
                                           const std::function<bool(const RecordView&)>& fn,
                                           size_t max_bytes) const {
  std::string bytes;
  ASSIGN_OR_RETURN(ReadResult rr, ReadInto(from, max_bytes, &bytes));
  (void)rr;
  Offset next = from;
  size_t n = 0;
  bool stop = false;
  size_t visited_bytes = 0;
  // Counted as read: the records handed to fn and the bytes of the batches they came from.
  struct Count {
    const PartitionCounters& c;
    const size_t& n;
    const size_t& bytes;
    ~Count() {
      c.read_records.Add(n);
      c.read_bytes.Add(bytes);
    }
  } count{counters_, n, visited_bytes};
  std::string_view rest = bytes;
  while (!rest.empty() && !stop) {
    ASSIGN_OR_RETURN(BatchHeader h, ParseBatchHeader(rest));
    ASSIGN_OR_RETURN(RecordBatchView v, RecordBatchView::Parse(rest.substr(0, h.size_bytes())));
    rest.remove_prefix(h.size_bytes());
    visited_bytes += h.size_bytes();
    if (h.is_control()) {  // transaction markers are not user records
      next = std::max(next, h.last_offset() + 1);
      continue;
    }
    RETURN_IF_ERROR(v.ForEachRecord([&](const RecordView& rec) {
      if (rec.offset < from) return true;
      if (n >= max_records) {
        stop = true;
        return false;
      }
      ++n;
      next = rec.offset + 1;
      if (!fn(rec)) {
        stop = true;
        return false;
      }
      return true;
    }));
    if (!stop) next = std::max(next, h.last_offset() + 1);
  }
  return next;
}

Result<std::vector<StoredRecord>> PartitionImpl::ReadRecords(Offset from, size_t max_records,
                                                             size_t max_bytes) const {
  std::vector<StoredRecord> out;
  auto next = VisitRecords(from, max_records, [&](const RecordView& r) {
    out.push_back(StoredRecord{r.offset, r.ToRecord()});
    return true;
  }, max_bytes);
  if (!next.ok()) return next.status();
  return out;
}

Status PartitionImpl::ForEachBatch(Offset from,
                                   const std::function<bool(const BatchInfo&)>& fn) const {
  std::vector<std::shared_ptr<Segment>> segs;
  {
    MutexLock l(mu_);
    segs = segments_;
  }
  bool stop = false;
  for (const auto& seg : segs) {
    if (stop) break;
    if (seg->next_offset() <= from) continue;
    RETURN_IF_ERROR(seg->ScanHeaders(0, [&](const BatchHeader& h, uint64_t) {
      if (h.last_offset() < from) return true;
      BatchInfo bi{h.base_offset,     h.last_offset(),  h.producer_id,
                   h.producer_epoch,  h.base_sequence,  h.record_count,
                   h.max_timestamp,   h.is_transactional(), h.is_control()};
      if (!fn(bi)) stop = true;
      return !stop;
    }));
  }
  return Status::OK();
}

Result<std::optional<Offset>> PartitionImpl::OffsetForTimestamp(TimestampMs ts) const {
  std::vector<std::shared_ptr<Segment>> segs;
  {
    MutexLock l(mu_);
    segs = segments_;
  }
  for (const auto& seg : segs) {
    if (seg->empty() || seg->max_timestamp() < ts.value()) continue;
    std::optional<uint64_t> pos;
    RETURN_IF_ERROR(seg->ScanHeaders(seg->TimeLookup(ts.value()),
                                     [&](const BatchHeader& h, uint64_t p) {
                                       if (h.max_timestamp >= ts) {
                                         pos = p;
                                         return false;
                                       }
                                       return true;
                                     }));
    if (!pos) continue;
    // The first record of that batch with timestamp >= ts.
    ASSIGN_OR_RETURN(std::string bytes, seg->ReadBatches(*pos, 1));
    ASSIGN_OR_RETURN(RecordBatchView v, RecordBatchView::Parse(bytes));
    std::optional<Offset> found;
    RETURN_IF_ERROR(v.ForEachRecord([&](const RecordView& r) {
      if (r.timestamp >= ts) found = r.offset;
      return !found;
    }));
    if (!found) found = v.header().base_offset;
    return found;
  }
  return std::optional<Offset>();
}

}  // namespace kappa::log
