// The log's metrics (names in src/metrics/README.md): per-topic records and bytes appended
// and read, segment rolls and deletions as counters with handles cached per partition, and
// per-partition offsets and sizes as gauges computed at scrape by a collector. Internal.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "log/log.h"
#include "metrics/metrics.h"

namespace kappa::log {

class PartitionImpl;

// The counters one partition adds to, looked up once when it opens.
struct PartitionCounters {
  metrics::Counter appended_records;
  metrics::Counter appended_bytes;
  metrics::Counter read_records;
  metrics::Counter read_bytes;
  metrics::Counter segment_rolls;
  metrics::Counter segments_deleted;
  static PartitionCounters For(metrics::Registry* registry, const std::string& topic);
};

// Records served by a read that appended whole batches `batches` starting at `from` (the
// first batch may start before it): last offset of the last batch + 1 - from.
int64_t RecordsInBatches(std::string_view batches, int64_t from);

// kappa_log_{start,end}_offset and kappa_log_size_bytes of one partition.
void EmitPartitionGauges(metrics::CollectSink& sink, const PartitionImpl& p);

// kappa_group_lag_records{group,topic}: for each consumer group with committed offsets in
// `offsets`, the sum over its partitions of (end offset - committed offset), from `ends`
// (topic, partition) -> end offset. Partitions of topics no longer in the log are skipped.
void EmitGroupLag(metrics::CollectSink& sink, const OffsetStore& offsets,
                  const std::map<std::pair<std::string, int32_t>, int64_t>& ends);

}  // namespace kappa::log
