// `kappa jobs` back end: job status from store metadata and the log's end offsets, and the
// offline offset reset (replay).
#include <fmt/format.h>

#include "common/logging.h"
#include "log/log.h"
#include "store/store.h"
#include "stream/job_offsets.h"
#include "stream/kafka_admin.h"
#include "stream/stream.h"

namespace kappa::stream {
namespace {

// The partitions of the job's topic with their start and end offsets: from the embedded log,
// or from the Kafka cluster the job consumed (log: kafka).
Result<std::vector<log::PartitionInfo>> TopicRanges(const JobStorage& storage, const JobRegistration& reg) {
  std::vector<log::PartitionInfo> out;
  if (reg.bootstrap.empty()) {
    ASSIGN_OR_RETURN(log::TopicDescription d, storage.log->DescribeTopic(reg.topic));
    return d.partitions;
  }
  LogConfig lc;
  lc.type = LogConfig::Type::kKafka;
  lc.bootstrap = reg.bootstrap;
  ASSIGN_OR_RETURN(auto ranges, DescribeKafkaTopic(lc, reg.topic));
  for (const KafkaPartitionRange& r : ranges) {
    log::PartitionInfo pi{};
    pi.partition = PartitionId(r.partition);
    pi.start_offset = Offset(r.start);
    pi.end_offset = Offset(r.end);
    out.push_back(pi);
  }
  return out;
}

Result<JobStatus> StatusOf(const JobStorage& storage, std::string_view job, const JobRegistration& reg) {
  JobStatus js;
  js.name = std::string(job);
  js.topic = reg.topic;
  js.table = reg.table;
  js.group = reg.group;
  ASSIGN_OR_RETURN(auto progress, ReadProgress(*storage.store, job));
  auto topic = TopicRanges(storage, reg);
  if (!topic.ok()) {
    return topic.status().WithContext(fmt::format("job {} reads topic {}", job, reg.topic));
  }
  for (const log::PartitionInfo& pi : *topic) {
    PartitionStatus ps;
    ps.partition = pi.partition;
    ps.start_offset = pi.start_offset;
    ps.end_offset = pi.end_offset;
    auto it = progress.find(pi.partition.value());
    if (it != progress.end()) {
      ps.committed = it->second.next;
      ps.stored = it->second.stored;
      ps.dead_letters = it->second.dead_letters;
      ps.lag = std::max<int64_t>(0, pi.end_offset - std::max(it->second.next, pi.start_offset));
    } else {
      ps.lag = pi.end_offset - pi.start_offset;
    }
    js.lag += ps.lag;
    js.stored += ps.stored;
    js.dead_letters += ps.dead_letters;
    js.partitions.push_back(ps);
  }
  return js;
}

Result<JobStatus> GetJobStatusImpl(const JobStorage& storage, std::string_view job);

// ResetJob for a job on a Kafka cluster: the store's offsets and the group's committed
// offsets move together (the job starts at the larger of the two).
Result<JobStatus> ResetKafkaJob(const JobStorage& storage, std::string_view job, const JobRegistration& reg,
                                const JobStatus& before, const ResetTarget& target) {
  LogConfig lc;
  lc.type = LogConfig::Type::kKafka;
  lc.bootstrap = reg.bootstrap;
  std::map<int32_t, int64_t> by_time;
  if (target.kind == ResetTarget::Kind::kTimestamp) {
    std::vector<int32_t> parts;
    for (const PartitionStatus& ps : before.partitions) parts.push_back(ps.partition.value());
    ASSIGN_OR_RETURN(by_time, KafkaOffsetsForTime(lc, reg.topic, parts, target.value));
  }
  ASSIGN_OR_RETURN(auto progress, ReadProgress(*storage.store, job));
  store::WriteBatch batch = storage.store->NewWriteBatch();
  std::map<int32_t, int64_t> group;
  for (const PartitionStatus& ps : before.partitions) {
    if (target.partition && ps.partition != *target.partition) continue;
    int64_t lo = ps.start_offset.value(), hi = ps.end_offset.value(), to = lo;
    switch (target.kind) {
      case ResetTarget::Kind::kEarliest: to = lo; break;
      case ResetTarget::Kind::kLatest: to = hi; break;
      case ResetTarget::Kind::kOffset: to = std::clamp(target.value, lo, hi); break;
      case ResetTarget::Kind::kTimestamp: {
        auto it = by_time.find(ps.partition.value());
        to = it != by_time.end() && it->second >= 0 ? it->second : hi;
        break;
      }
    }
    PartitionProgress p = progress.count(ps.partition.value()) ? progress[ps.partition.value()]
                                                                : PartitionProgress{};
    p.next = Offset(to);
    batch.PutMeta(OffsetMetaKey(job, ps.partition), EncodeProgress(p));
    group[ps.partition.value()] = to;
  }
  // The group first: if it refuses (members active), nothing moved.
  RETURN_IF_ERROR(CommitKafkaGroupOffsets(lc, reg.group, reg.topic, group));
  RETURN_IF_ERROR(storage.store->Write(batch, /*sync=*/true));
  return GetJobStatusImpl(storage, job);
}

}  // namespace

Result<std::vector<JobStatus>> ListJobs(const JobStorage& storage) {
  ASSIGN_OR_RETURN(auto entries, storage.store->ListMeta(JobMetaKey("")));
  std::vector<JobStatus> out;
  for (const auto& [key, value] : entries) {
    std::string name = key.substr(JobMetaKey("").size());
    ASSIGN_OR_RETURN(JobRegistration reg, DecodeRegistration(value));
    ASSIGN_OR_RETURN(out.emplace_back(), StatusOf(storage, name, reg));
  }
  return out;
}

Result<JobStatus> GetJobStatus(const JobStorage& storage, std::string_view job) {
  return GetJobStatusImpl(storage, job);
}

namespace {
Result<JobStatus> GetJobStatusImpl(const JobStorage& storage, std::string_view job) {
  ASSIGN_OR_RETURN(std::optional<JobRegistration> reg, ReadRegistration(*storage.store, job));
  if (!reg) {
    return Status::NotFound(fmt::format("no job named '{}' has run in {} (`kappa jobs list` "
                                        "shows the jobs that have)", job, storage.data_dir));
  }
  return StatusOf(storage, job, *reg);
}
}  // namespace

Result<JobStatus> ResetJob(const JobStorage& storage, std::string_view job, const ResetTarget& target) {
  if (storage.read_only) {
    return Status::Unavailable(fmt::format(
        "cannot reset job {} while another process owns {}: {}; stop it first (jobs are reset "
        "offline)", job, storage.data_dir, storage.owner));
  }
  ASSIGN_OR_RETURN(JobStatus before, GetJobStatus(storage, job));
  if (target.partition) {
    bool found = false;
    for (const PartitionStatus& ps : before.partitions) found |= ps.partition == *target.partition;
    if (!found) {
      return Status::NotFound(fmt::format("job {} reads topic {}, which has no partition {} "
                                          "(it has {})", job, before.topic,
                                          target.partition->value(), before.partitions.size()));
    }
  }
  ASSIGN_OR_RETURN(std::optional<JobRegistration> reg, ReadRegistration(*storage.store, job));
  if (!reg->bootstrap.empty()) return ResetKafkaJob(storage, job, *reg, before, target);
  ASSIGN_OR_RETURN(auto progress, ReadProgress(*storage.store, job));
  store::WriteBatch batch = storage.store->NewWriteBatch();
  std::map<log::OffsetKey, log::CommittedOffset> mirror;
  for (const PartitionStatus& ps : before.partitions) {
    if (target.partition && ps.partition != *target.partition) continue;
    ASSIGN_OR_RETURN(log::Partition * part, storage.log->GetPartition(before.topic, ps.partition));
    Offset to;
    switch (target.kind) {
      case ResetTarget::Kind::kEarliest: to = part->StartOffset(); break;
      case ResetTarget::Kind::kLatest: to = part->EndOffset(); break;
      case ResetTarget::Kind::kOffset:
        to = std::clamp(Offset(target.value), part->StartOffset(), part->EndOffset());
        break;
      case ResetTarget::Kind::kTimestamp: {
        ASSIGN_OR_RETURN(std::optional<Offset> o, part->OffsetForTimestamp(TimestampMs(target.value)));
        to = o ? *o : part->EndOffset();
        break;
      }
    }
    PartitionProgress p = progress.count(ps.partition.value()) ? progress[ps.partition.value()]
                                                                : PartitionProgress{};
    p.next = to;
    // dlq_end stays: dead letters after it (from a batch that never committed) are still
    // skipped once; a replay writes the dead letters of the replayed range again.
    batch.PutMeta(OffsetMetaKey(job, ps.partition), EncodeProgress(p));
    mirror[log::OffsetKey{before.topic, ps.partition}] =
        log::CommittedOffset{to, std::string(job), TimestampMs(0)};
  }
  RETURN_IF_ERROR(storage.store->Write(batch, /*sync=*/true));
  if (!before.group.empty()) {
    Status st = storage.log->offsets().Commit(before.group, mirror);
    if (!st.ok()) KLOG_WARN("job {}: mirroring offsets to group {}: {}", job, before.group, st.ToString());
  }
  return GetJobStatus(storage, job);
}

}  // namespace kappa::stream
