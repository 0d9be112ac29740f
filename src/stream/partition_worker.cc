#include "stream/partition_worker.h"

#include <fmt/format.h>

#include <thread>

#include "common/logging.h"
#include "stream/dead_letters.h"
#include "stream/job_core.h"

namespace kappa::stream {

PartitionWorker::PartitionWorker(JobShared* shared, log::Partition* source, log::Partition* dlq)
    : s_(shared), source_(source), dlq_(dlq) {}

Status PartitionWorker::InitialOffset(Offset* out) const {
  const StartPosition& start = s_->config.start;
  switch (start.kind) {
    case StartPosition::Kind::kEarliest:
      *out = source_->StartOffset();
      return Status::OK();
    case StartPosition::Kind::kLatest:
      *out = source_->EndOffset();
      return Status::OK();
    case StartPosition::Kind::kTimestamp: {
      ASSIGN_OR_RETURN(std::optional<Offset> o,
                       source_->OffsetForTimestamp(TimestampMs(start.timestamp_ms)));
      *out = o ? *o : source_->EndOffset();
      return Status::OK();
    }
  }
  return Status::Internal("unknown start position");
}

// Reads this partition's committed progress (the source of truth); a partition the job has
// never committed starts at the configured position, which is committed at once so a
// restart does not move it (e.g. `latest`).
Status PartitionWorker::Init(PartitionProgress* progress) {
  store::Store& store = *s_->storage.store;
  const std::string key = OffsetMetaKey(s_->config.name, source_->id());
  ASSIGN_OR_RETURN(std::optional<std::string> stored, store.GetMeta(key));
  if (stored) {
    ASSIGN_OR_RETURN(*progress, DecodeProgress(*stored));
  } else {
    RETURN_IF_ERROR(InitialOffset(&progress->next));
    progress->dlq_end = dlq_->EndOffset().value();
    RETURN_IF_ERROR(store.PutMeta(key, EncodeProgress(*progress),
                                   s_->storage.store_sync));
  }
  Offset start = source_->StartOffset();
  if (progress->next < start) {
    KLOG_WARN("job {}: {}/{} offsets {}..{} were deleted by retention before the job read "
              "them; continuing at {}", s_->config.name, source_->topic(), source_->id().value(),
              progress->next.value(), start.value() - 1, start.value());
    progress->next = start;
  }
  if (progress->next > source_->EndOffset()) {
    return Status::OutOfRange(fmt::format(
        "job {}: committed offset {} of {}/{} is beyond its end {} (was the topic recreated?); "
        "use `kappa jobs reset {} --to-earliest`", s_->config.name, progress->next.value(),
        source_->topic(), source_->id().value(), source_->EndOffset().value(), s_->config.name));
  }
  next_.store(progress->next.value());
  return Status::OK();
}

void PartitionWorker::MirrorOffset(bool force) {
  auto now = std::chrono::steady_clock::now();
  int64_t next = next_.load();
  if (next == mirrored_ || (!force && now - last_mirror_ < s_->options.mirror_interval)) return;
  Status st = s_->storage.log->offsets().Commit(s_->config.group, source_->topic(),
                                                  source_->id(), Offset(next), s_->config.name);
  if (!st.ok()) {
    // Visibility only: the store holds the real offsets.
    KLOG_WARN("job {}: mirroring offsets to group {}: {}", s_->config.name, s_->config.group,
              st.ToString());
  }
  mirrored_ = next;
  last_mirror_ = now;
}

Status PartitionWorker::Prepare() {
  RETURN_IF_ERROR(Init(&progress_));
  prepared_ = true;
  return Status::OK();
}

Status PartitionWorker::Run() {
  if (!prepared_) RETURN_IF_ERROR(Prepare());
  const PartitionProgress progress = progress_;
  DeadLetters dead(dlq_, s_->config.name, source_->topic(), source_->id());
  RETURN_IF_ERROR(dead.Recover(progress.dlq_end, progress.next));
  PartitionCommitter committer(s_, source_->topic(), source_->id(), &dead, progress);
  const size_t batch_size = static_cast<size_t>(s_->config.batch_size);

  while (!s_->stop.load()) {
    Offset next = committer.progress().next;
    if (next >= source_->EndOffset()) {
      if (s_->drain.load()) break;
      source_->WaitForData(next, std::chrono::steady_clock::now() + s_->options.poll_interval);
      MirrorOffset(false);
      continue;
    }
    bool too_many_failures = false;
    int64_t last_seen = -1;
    auto visited = source_->VisitRecords(next, batch_size, [&](const log::RecordView& r) {
      last_seen = r.offset.value();
      if (!committer.Add(r.offset, r.key, r.value, r.timestamp)) {
        too_many_failures = true;
        return false;  // commit up to and including this record, then stop
      }
      return true;
    }, 1 << 20);
    if (!visited.ok()) {
      committer.Discard();
      if (visited.status().IsOutOfRange() && next < source_->StartOffset()) {
        KLOG_WARN("job {}: {}/{} records from {} were deleted by retention while the job was "
                  "behind; continuing at {}", s_->config.name, source_->topic(),
                  source_->id().value(), next.value(), source_->StartOffset().value());
        committer.Skip(source_->StartOffset());
        next_.store(committer.progress().next.value());
        continue;
      }
      Status err = visited.status().WithContext(fmt::format("job {}: reading {}/{} at offset {}",
          s_->config.name, source_->topic(), source_->id().value(), next.value()));
      if (err.IsCorruption()) {
        // The job cannot pass an unreadable batch by itself (it would lose records
        // silently); say how to move past it on purpose.
        return Status::Corruption(fmt::format(
            "{}. The job stopped here; to send the unreadable records to {} and continue after "
            "them, stop kappa and run `kappa jobs skip {} --partition {}`",
            err.message(), s_->config.dead_letter_topic, s_->config.name, source_->id().value()));
      }
      return err;
    }
    // The records up to last_seen are in this batch; the log's answer may skip further
    // (records it does not hand out) unless we stopped early.
    Offset new_next = too_many_failures ? Offset(last_seen + 1)
                                        : std::max(*visited, Offset(last_seen + 1));
    if (new_next <= next) {  // nothing decoded; do not spin
      std::this_thread::sleep_for(s_->options.poll_interval);
      continue;
    }
    RETURN_IF_ERROR(committer.Commit(new_next));
    next_.store(new_next.value());
    MirrorOffset(false);
    if (too_many_failures) {
      MirrorOffset(true);
      return committer.TooManyFailures();
    }
  }
  MirrorOffset(true);
  return Status::OK();
}

}  // namespace kappa::stream
