// JobShared: the state of one job that its input (record_input.h: the embedded log's
// partition workers, or the Kafka consumer) and its output (row_sink.h) share. Private to
// src/stream.
#pragma once

#include <atomic>
#include <memory>

#include "store/store.h"
#include "stream/job_config.h"
#include "stream/latency_histogram.h"
#include "stream/row_sink.h"
#include "stream/stream.h"

namespace kappa::stream {

// Shared by the workers of one job. Counters are atomics; the rest is immutable while
// workers run.
struct JobShared {
  JobStorage storage;  // the data directory the job stores into
  JobConfig config;
  JobOptions options;
  std::shared_ptr<const store::TableSchema> table;
  // Where the rows go (row_sink.h): the embedded store, in the commit write; or Cassandra,
  // written and acknowledged BEFORE the offsets commit.
  std::unique_ptr<RowSink> sink;

  std::atomic<bool> stop{false};   // stop after the current batch
  std::atomic<bool> drain{false};  // stop once caught up with the end offset
  std::atomic<uint64_t> consumed{0};
  std::atomic<uint64_t> stored{0};
  std::atomic<uint64_t> dead_letters{0};
  std::atomic<uint64_t> commits{0};
  LatencyHistogram latency;
};

}  // namespace kappa::stream
