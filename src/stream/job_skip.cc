// SkipRecords (`kappa jobs skip`): the way past a batch a job cannot read. A corrupt batch
// stops its job (partition_worker.cc) rather than being passed silently; this moves the
// partition's committed offset past it on purpose, after writing every skipped offset to the
// dead-letter topic with a header saying why.
#include <fmt/format.h>

#include <chrono>

#include "common/logging.h"
#include "log/log.h"
#include "store/store.h"
#include "stream/dead_letters.h"
#include "stream/job_offsets.h"
#include "stream/stream.h"

namespace kappa::stream {
namespace {

// Dead letters are appended in batches of this many records.
constexpr size_t kFlushEvery = 10'000;

// The first offset in [from, limit) that reads, or `limit`. A batch whose header parses but
// whose contents do not (CRC, truncation) is unreadable as a whole: every offset in it fails
// the same way, so the scan jumps to the batch's end instead of trying each offset. Offsets
// in no batch (lost to a corrupt segment tail) jump to the next batch.
Result<Offset> EndOfUnreadable(const log::Partition& p, Offset from, Offset limit) {
  Offset o = from;
  while (o < limit) {
    auto r = p.Read(o, 1);
    if (r.ok()) return o;
    if (!r.status().IsCorruption()) return r.status();
    Offset next = o + 1;
    // A failure here (a damaged header) leaves next at o + 1: slower, still right.
    (void)p.ForEachBatch(o, [&](const log::BatchInfo& b) {
      next = b.base_offset <= o ? b.last_offset + 1 : b.base_offset;
      return false;
    });
    o = std::min(std::max(next, o + 1), limit);
  }
  return limit;
}

}  // namespace

Result<SkipResult> SkipRecords(const JobStorage& storage, std::string_view job, const SkipRequest& req) {
  if (storage.read_only) {
    return Status::Unavailable(fmt::format(
        "cannot skip records of job {} while another process owns {}: {}; stop it first (jobs "
        "are changed offline)", job, storage.data_dir, storage.owner));
  }
  ASSIGN_OR_RETURN(std::optional<JobRegistration> reg, ReadRegistration(*storage.store, job));
  if (!reg) {
    return Status::NotFound(fmt::format("no job named '{}' has run in {} (`kappa jobs list` "
                                        "shows the jobs that have)", job, storage.data_dir));
  }
  if (!reg->bootstrap.empty()) {
    return Status::NotSupported(fmt::format(
        "job {} reads from the Kafka cluster at {}, which serves (or refuses) its records "
        "itself; move the job with `kappa jobs reset {} --partition N --to-offset X`",
        job, reg->bootstrap, job));
  }
  ASSIGN_OR_RETURN(log::TopicDescription topic, storage.log->DescribeTopic(reg->topic));
  if (req.partition.value() < 0 ||
      req.partition.value() >= static_cast<int32_t>(topic.partitions.size())) {
    return Status::NotFound(fmt::format("job {} reads topic {}, which has no partition {} (it "
                                        "has {})", job, reg->topic, req.partition.value(),
                                        topic.partitions.size()));
  }
  ASSIGN_OR_RETURN(log::Partition * source, storage.log->GetPartition(reg->topic, req.partition));
  ASSIGN_OR_RETURN(log::TopicDescription dlq_topic, storage.log->DescribeTopic(reg->dead_letter_topic));
  PartitionId dlq_id(req.partition.value() % static_cast<int32_t>(dlq_topic.partitions.size()));
  ASSIGN_OR_RETURN(log::Partition * dlq, storage.log->GetPartition(reg->dead_letter_topic, dlq_id));

  ASSIGN_OR_RETURN(auto all, ReadProgress(*storage.store, job));
  auto it = all.find(req.partition.value());
  if (it == all.end()) {
    return Status::NotFound(fmt::format(
        "job {} has not started partition {} yet: there is nothing to skip (its first run "
        "starts at the configured start position)", job, req.partition.value()));
  }
  PartitionProgress progress = it->second;
  const Offset start = source->StartOffset(), end = source->EndOffset();
  SkipResult result;
  result.from = std::max(progress.next, start);
  if (result.from >= end) {
    return Status::InvalidArgument(fmt::format(
        "job {} has read all of {}/{} (committed offset {} = end): nothing to skip", job,
        reg->topic, req.partition.value(), result.from.value()));
  }
  std::string first_error;
  if (req.to_offset) {
    if (*req.to_offset <= result.from || *req.to_offset > end) {
      return Status::InvalidArgument(fmt::format(
          "--to-offset {} must be after the committed offset {} and at most the end {} of "
          "{}/{}", req.to_offset->value(), result.from.value(), end.value(), reg->topic,
          req.partition.value()));
    }
    result.to = *req.to_offset;
  } else if (req.count) {
    if (*req.count <= 0) return Status::InvalidArgument("--count must be positive");
    result.to = Offset(std::min(end.value(), result.from.value() + *req.count));
  } else {
    ASSIGN_OR_RETURN(result.to, EndOfUnreadable(*source, result.from, end));
    if (result.to == result.from) {
      return Status::InvalidArgument(fmt::format(
          "the record at the committed offset {} of {}/{} is readable: nothing is unreadable "
          "there. To skip readable records on purpose, say how many: --count K or "
          "--to-offset X", result.from.value(), reg->topic, req.partition.value()));
    }
  }

  DeadLetters dead(dlq, std::string(job), reg->topic, req.partition);
  RETURN_IF_ERROR(dead.Recover(progress.dlq_end, result.from));
  const TimestampMs now(std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch()).count());
  auto flush_if_full = [&]() -> Status {
    return dead.pending() >= kFlushEvery ? dead.Flush() : Status::OK();
  };
  Offset o = result.from;
  while (o < result.to) {
    Offset next = o;
    auto visited = source->VisitRecords(o, kFlushEvery, [&](const log::RecordView& r) {
      if (r.offset >= result.to) return false;
      dead.Add(r.offset, r.key, r.value, r.timestamp, "skipped by kappa jobs skip");
      ++result.readable;
      next = r.offset + 1;
      return true;
    });
    if (visited.ok()) {
      // Offsets the log does not hand out as records (transaction markers) are passed too.
      next = std::min(std::max(next, *visited), result.to);
      if (next <= o) {  // never loop without progress, never pass offsets unaccounted
        return Status::Internal(fmt::format("{}/{}: no record at offset {} and no error",
                                            reg->topic, req.partition.value(), o.value()));
      }
      o = next;
      RETURN_IF_ERROR(flush_if_full());
      continue;
    }
    if (!visited.status().IsCorruption()) return visited.status();
    std::string why = visited.status().message();
    if (first_error.empty()) first_error = why;
    ASSIGN_OR_RETURN(Offset readable, EndOfUnreadable(*source, o, result.to));
    if (readable <= o) readable = o + 1;
    std::string error = fmt::format("unreadable: {} (skipped by kappa jobs skip)", why);
    for (; o < readable; o = o + 1) {
      dead.Add(o, std::nullopt, std::nullopt, now, error);
      ++result.unreadable;
      RETURN_IF_ERROR(flush_if_full());
    }
  }
  RETURN_IF_ERROR(dead.Flush());
  result.reason = first_error;

  // The commit: offset, counters and the dead-letter end in one store write, as a job does.
  progress.next = result.to;
  progress.dead_letters += static_cast<uint64_t>(result.unreadable + result.readable);
  progress.dlq_end = dead.End().value();
  store::WriteBatch batch = storage.store->NewWriteBatch();
  batch.PutMeta(OffsetMetaKey(job, req.partition), EncodeProgress(progress));
  RETURN_IF_ERROR(storage.store->Write(batch, /*sync=*/true));
  if (!reg->group.empty()) {
    Status st = storage.log->offsets().Commit(reg->group, reg->topic, req.partition, result.to,
                                           std::string(job));
    if (!st.ok()) KLOG_WARN("job {}: mirroring offsets to group {}: {}", job, reg->group, st.ToString());
  }
  KLOG_INFO("job {}: {}/{} offsets {}..{} skipped ({} unreadable, {} readable) into {}", job,
            reg->topic, req.partition.value(), result.from.value(), result.to.value() - 1,
            result.unreadable, result.readable, reg->dead_letter_topic);
  ASSIGN_OR_RETURN(result.status, GetJobStatus(storage, job));
  return result;
}

}  // namespace kappa::stream
