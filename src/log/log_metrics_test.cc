// The log's metrics (log_metrics.h), read through a private registry.
#include <gtest/gtest.h>

#include "log/log.h"
#include "log/test_util.h"
#include "metrics/metrics.h"

namespace kappa::log {
namespace {

using testing::Recs;
using testing::TempDir;

double Value(const metrics::Registry& r, std::string_view name, const metrics::Labels& labels) {
  for (const auto& f : r.Collect()) {
    if (f.name != name) continue;
    for (const auto& s : f.samples) {
      if (s.labels == labels) return s.value;
    }
  }
  return -1;
}

TEST(LogMetricsTest, CountsAppendsReadsAndReportsOffsets) {
  TempDir tmp;
  metrics::Registry registry;
  LogOptions o;
  o.dir = tmp.path() + "/log";
  o.env = testing::FastEnv();
  o.retention_check_ms = 0;
  o.metrics = &registry;
  auto log = Log::Open(o);
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE((*log)->CreateTopic("t", 2).ok());
  Partition* p0 = *(*log)->GetPartition("t", PartitionId(0));
  Partition* p1 = *(*log)->GetPartition("t", PartitionId(1));
  ASSERT_TRUE(p0->Append(Recs(0, 5)).ok());
  ASSERT_TRUE(p0->Append(Recs(5, 3)).ok());
  ASSERT_TRUE(p1->Append(Recs(0, 2)).ok());
  EXPECT_EQ(Value(registry, "kappa_log_appended_records_total", {{"topic", "t"}}), 10);
  double appended = Value(registry, "kappa_log_appended_bytes_total", {{"topic", "t"}});
  EXPECT_GT(appended, 3 * 61);  // three batches, each a header and records

  // Raw reads (Kafka Fetch): from offset 6, in the second batch (5..7): 2 records.
  auto r = p0->Read(Offset(6), 1 << 20);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Value(registry, "kappa_log_read_records_total", {{"topic", "t"}}), 2);
  EXPECT_EQ(Value(registry, "kappa_log_read_bytes_total", {{"topic", "t"}}), double(r->bytes.size()));
  // Decoded reads count the records handed out, not the whole batches read.
  auto recs = p0->ReadRecords(Offset(1), 3);
  ASSERT_TRUE(recs.ok());
  ASSERT_EQ(recs->size(), 3u);
  EXPECT_EQ(Value(registry, "kappa_log_read_records_total", {{"topic", "t"}}), 5);
  // A read at the end serves nothing and counts nothing.
  ASSERT_TRUE(p1->Read(Offset(2), 1 << 20).ok());
  EXPECT_EQ(Value(registry, "kappa_log_read_records_total", {{"topic", "t"}}), 5);

  metrics::Labels l0 = {{"topic", "t"}, {"partition", "0"}};
  EXPECT_EQ(Value(registry, "kappa_log_end_offset", l0), 8);
  EXPECT_EQ(Value(registry, "kappa_log_start_offset", l0), 0);
  EXPECT_EQ(Value(registry, "kappa_log_end_offset", {{"topic", "t"}, {"partition", "1"}}), 2);
  EXPECT_EQ(Value(registry, "kappa_log_size_bytes", l0), double(p0->SizeBytes()));

  // Consumer-group lag per (group, topic): end offsets 8 and 2 against the commits.
  ASSERT_TRUE((*log)->offsets().Commit("g", "t", PartitionId(0), Offset(3)).ok());
  ASSERT_TRUE((*log)->offsets().Commit("g", "t", PartitionId(1), Offset(2)).ok());
  ASSERT_TRUE((*log)->offsets().Commit("h", "t", PartitionId(1), Offset(0)).ok());
  ASSERT_TRUE((*log)->offsets().Commit("h", "gone", PartitionId(0), Offset(0)).ok());
  EXPECT_EQ(Value(registry, "kappa_group_lag_records", {{"group", "g"}, {"topic", "t"}}), 5);
  EXPECT_EQ(Value(registry, "kappa_group_lag_records", {{"group", "h"}, {"topic", "t"}}), 2);
  EXPECT_EQ(Value(registry, "kappa_group_lag_records", {{"group", "h"}, {"topic", "gone"}}), -1);

  ASSERT_TRUE(p0->DeleteRecordsBefore(Offset(8)).ok());  // rolls, then deletes the old segment
  EXPECT_EQ(Value(registry, "kappa_log_start_offset", l0), 8);
  EXPECT_EQ(Value(registry, "kappa_log_segment_rolls_total", {}), 1);
  EXPECT_EQ(Value(registry, "kappa_log_segments_deleted_total", {}), 1);

  // A deleted topic leaves the gauges; a closed log unregisters its collector.
  ASSERT_TRUE((*log)->DeleteTopic("t").ok());
  EXPECT_EQ(Value(registry, "kappa_log_end_offset", l0), -1);
  ASSERT_TRUE((*log)->CreateTopic("u", 1).ok());
  EXPECT_EQ(Value(registry, "kappa_log_end_offset", {{"topic", "u"}, {"partition", "0"}}), 0);
  log->reset();
  EXPECT_EQ(registry.Render().find("kappa_log_end_offset{"), std::string::npos);
  // The counters stay (a counter never goes back).
  EXPECT_EQ(Value(registry, "kappa_log_appended_records_total", {{"topic", "t"}}), 10);
}

}  // namespace
}  // namespace kappa::log
