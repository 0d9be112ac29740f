#include "log/log_metrics.h"

#include <algorithm>

#include "common/coding.h"
#include "log/partition_impl.h"

namespace kappa::log {

PartitionCounters PartitionCounters::For(metrics::Registry* r, const std::string& topic) {
  PartitionCounters c;
  c.appended_records =
      r->GetCounterFamily("kappa_log_appended_records_total",
                          "Records appended to the log, per topic.", {"topic"})
          .With({topic});
  c.appended_bytes =
      r->GetCounterFamily("kappa_log_appended_bytes_total",
                          "Bytes of record batches appended to the log (as stored), per topic.",
                          {"topic"})
          .With({topic});
  c.read_records = r->GetCounterFamily("kappa_log_read_records_total",
                                       "Records read from the log (Kafka fetches, consumers, "
                                       "streaming jobs), per topic.",
                                       {"topic"})
                       .With({topic});
  c.read_bytes = r->GetCounterFamily("kappa_log_read_bytes_total",
                                     "Bytes of record batches read from the log, per topic.",
                                     {"topic"})
                     .With({topic});
  c.segment_rolls = r->GetCounter("kappa_log_segment_rolls_total",
                                  "Active segments sealed and replaced by a new one.");
  c.segments_deleted = r->GetCounter(
      "kappa_log_segments_deleted_total",
      "Segments deleted by retention or DeleteRecords.");
  return c;
}

int64_t RecordsInBatches(std::string_view b, int64_t from) {
  // v2 batch header: baseOffset int64 @0, batchLength int32 @8 (bytes after it),
  // lastOffsetDelta int32 @23 (docs/formats/log.md).
  constexpr size_t kLastOffsetDeltaAt = 23;
  int64_t last = -1;
  size_t pos = 0;
  while (pos + kLastOffsetDeltaAt + 4 <= b.size()) {
    int64_t base = int64_t(coding::GetBE64(b.data() + pos));
    int32_t len = int32_t(coding::GetBE32(b.data() + pos + 8));
    last = base + int32_t(coding::GetBE32(b.data() + pos + kLastOffsetDeltaAt));
    if (len <= 0) break;
    pos += 12 + size_t(len);
  }
  return last >= from ? last + 1 - from : 0;
}

void EmitPartitionGauges(metrics::CollectSink& sink, const PartitionImpl& p) {
  metrics::Labels labels = {{"topic", p.topic()}, {"partition", std::to_string(p.id().value())}};
  sink.Gauge("kappa_log_start_offset", "First offset still stored, per partition.", labels,
             double(p.StartOffset().value()));
  sink.Gauge("kappa_log_end_offset",
             "Next offset to be assigned (the high watermark), per partition.", labels,
             double(p.EndOffset().value()));
  sink.Gauge("kappa_log_size_bytes", "Bytes of the partition's segments on disk.",
             std::move(labels), double(p.SizeBytes()));
}

void EmitGroupLag(metrics::CollectSink& sink, const OffsetStore& offsets,
                  const std::map<std::pair<std::string, int32_t>, int64_t>& ends) {
  for (const std::string& group : offsets.ListGroups()) {
    std::map<std::string, int64_t> lag;  // topic -> records
    for (const auto& [key, committed] : offsets.FetchGroup(group)) {
      auto end = ends.find({key.topic, key.partition.value()});
      if (end == ends.end()) continue;
      lag[key.topic] += std::max<int64_t>(0, end->second - committed.offset.value());
    }
    for (const auto& [topic, records] : lag) {
      sink.Gauge("kappa_group_lag_records",
                 "Records of a topic not yet committed by a consumer group (sum over the "
                 "partitions it committed)",
                 {{"group", group}, {"topic", topic}}, double(records));
    }
  }
}

}  // namespace kappa::log
