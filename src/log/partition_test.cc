// Partition behaviour: append/read across rolls, indexes, timestamps, notifications,
// retention, flush policies.
#include <thread>

#include "common/fault_injection_env.h"
#include "log/log.h"
#include "log/test_util.h"

namespace kappa::log {
namespace {

using testing::ReadValues;
using testing::Recs;
using testing::Strs;
using testing::TempDir;

struct Fixture {
  TempDir tmp;
  ManualClock clock;
  LogOptions opts;
  std::unique_ptr<Log> log;
  Fixture() {
    opts.dir = tmp.path() + "/log";
    opts.clock = &clock;
    opts.env = testing::FastEnv();
    opts.segment_bytes = 4096;
    opts.index_interval_bytes = 256;
    opts.retention_check_ms = 0;
    opts.flush_interval_ms = 50;
  }
  Partition* Open(int partitions = 1) {
    log.reset();
    auto l = Log::Open(opts);
    EXPECT_TRUE(l.ok()) << l.status().ToString();
    log = std::move(l).value();
    if (!log->TopicExists("t")) {
      EXPECT_TRUE(log->CreateTopic("t", partitions).ok());
    }
    return *log->GetPartition("t", PartitionId(0));
  }
};

TEST(PartitionTest, AppendAssignsOffsetsAndReadsBackAcrossRolls) {
  Fixture f;
  Partition* p = f.Open();
  int next = 0;
  for (int b = 0; b < 200; ++b) {
    int n = 1 + b % 7;
    auto recs = Recs(next, n, 20);
    auto r = p->Append(recs);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->base_offset, Offset(next));
    EXPECT_EQ(r->last_offset, Offset(next + n - 1));
    next += n;
  }
  EXPECT_EQ(p->EndOffset(), Offset(next));
  EXPECT_GT(p->Info().segments, 5);  // 4 KB segments rolled
  EXPECT_EQ(ReadValues(*p), Strs(0, next, 20));
  // Every offset is readable as a starting point, and Read returns the batch containing it.
  for (int o = 0; o < next; o += 13) {
    auto rr = p->Read(Offset(o), 1);
    ASSERT_TRUE(rr.ok());
    auto h = ParseBatchHeader(rr->bytes);
    ASSERT_TRUE(h.ok());
    EXPECT_LE(h->base_offset, Offset(o));
    EXPECT_GE(h->last_offset(), Offset(o));
    EXPECT_EQ(h->size_bytes(), rr->bytes.size());  // at least one whole batch, only one here
    auto recs = p->ReadRecords(Offset(o), 3);
    ASSERT_TRUE(recs.ok());
    ASSERT_FALSE(recs->empty());
    EXPECT_EQ(recs->front().offset, Offset(o));
    EXPECT_EQ(*recs->front().record.value, std::to_string(o) + std::string(20, 'x'));
  }
  // Reopen: everything still there, appends continue at the same offset.
  p = f.Open();
  EXPECT_EQ(p->EndOffset(), Offset(next));
  ASSERT_TRUE(p->Append(Recs(next, 1, 20)).ok());
  EXPECT_EQ(ReadValues(*p), Strs(0, next + 1, 20));
}

TEST(PartitionTest, ReadBoundsAndOutOfRange) {
  Fixture f;
  Partition* p = f.Open();
  auto empty = p->Read(Offset(0), 1000);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->bytes.empty());
  ASSERT_TRUE(p->Append(Recs(0, 10)).ok());
  EXPECT_TRUE(p->Read(Offset(11), 100).status().IsOutOfRange());
  EXPECT_TRUE(p->Read(Offset(-1), 100).status().IsOutOfRange());
  auto at_end = p->Read(Offset(10), 100);
  ASSERT_TRUE(at_end.ok());
  EXPECT_TRUE(at_end->bytes.empty());
  EXPECT_EQ(at_end->high_watermark, Offset(10));
}

TEST(PartitionTest, ReadAppendAddsTheSameBytesAsReadAfterExistingContent) {
  Fixture f;
  Partition* p = f.Open();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(p->Append(Recs(i * 5, 5)).ok());  // several rolls
  for (int64_t from : {0, 7, 42, 99}) {
    for (size_t max : {size_t(1), size_t(300), size_t(1) << 20}) {
      auto rr = p->Read(Offset(from), max);
      ASSERT_TRUE(rr.ok());
      std::string buf = "prefix";
      auto ra = p->ReadAppend(Offset(from), max, &buf);
      ASSERT_TRUE(ra.ok());
      EXPECT_TRUE(ra->bytes.empty());
      EXPECT_EQ(buf, "prefix" + rr->bytes) << from << " " << max;
      EXPECT_EQ(ra->high_watermark, rr->high_watermark);
      EXPECT_EQ(ra->start_offset, rr->start_offset);
    }
  }
  std::string buf = "unchanged";
  EXPECT_TRUE(p->ReadAppend(Offset(101), 100, &buf).status().IsOutOfRange());
  EXPECT_EQ(buf, "unchanged");
}

TEST(PartitionTest, AppendBatchValidatesAndKeepsBytes) {
  Fixture f;
  Partition* p = f.Open();
  RecordBatchBuilder b(Compression::kZstd, 1000);
  b.Add(std::string_view("k"), std::string_view("v1"));
  b.Add(std::nullopt, std::nullopt);
  auto batch = b.Finish();
  ASSERT_TRUE(batch.ok());
  SetBatchBaseOffset(batch->data(), Offset(999));  // producers send 0; anything is replaced
  ASSERT_TRUE(p->AppendBatch(*batch).ok());
  auto again = p->AppendBatch(*batch);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->base_offset, Offset(2));
  auto rr = p->Read(Offset(2), 1 << 20);
  ASSERT_TRUE(rr.ok());
  std::string expect = *batch;
  SetBatchBaseOffset(expect.data(), Offset(2));
  EXPECT_EQ(rr->bytes, expect);  // stored as-is, only the base offset rewritten
  auto recs = p->ReadRecords(Offset(0), 10);
  ASSERT_TRUE(recs.ok());
  ASSERT_EQ(recs->size(), 4u);
  EXPECT_EQ(recs->at(0).record.key, std::optional<std::string>("k"));
  EXPECT_FALSE(recs->at(1).record.key.has_value());
  EXPECT_FALSE(recs->at(1).record.value.has_value());
  // Bad input is rejected and nothing is stored.
  std::string bad = *batch;
  bad[bad.size() - 1] ^= 1;
  EXPECT_TRUE(p->AppendBatch(bad).status().IsInvalidArgument());
  EXPECT_TRUE(p->AppendBatch("short").status().IsInvalidArgument());
  EXPECT_EQ(p->EndOffset(), Offset(4));
}

TEST(PartitionTest, OffsetForTimestamp) {
  Fixture f;
  Partition* p = f.Open();
  for (int i = 0; i < 100; ++i) {
    Record r = testing::Rec(std::to_string(i) + std::string(50, 'y'));
    r.timestamp = TimestampMs(10'000 + i * 10);
    ASSERT_TRUE(p->Append(std::span<const Record>(&r, 1)).ok());
  }
  auto o = p->OffsetForTimestamp(TimestampMs(10'000 + 425));
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(*o, std::optional<Offset>(Offset(43)));
  EXPECT_EQ(*p->OffsetForTimestamp(TimestampMs(0)), std::optional<Offset>(Offset(0)));
  EXPECT_EQ(*p->OffsetForTimestamp(TimestampMs(99'999)), std::optional<Offset>());
  p = f.Open();  // from sealed index files
  EXPECT_EQ(*p->OffsetForTimestamp(TimestampMs(10'000 + 700)), std::optional<Offset>(Offset(70)));
}

TEST(PartitionTest, WaitForDataAndListeners) {
  Fixture f;
  Partition* p = f.Open();
  std::atomic<int64_t> seen{-1};
  uint64_t id = p->AddListener([&](Offset end) { seen = end.value(); });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
  EXPECT_EQ(p->WaitForData(Offset(-1), deadline), Offset(0));  // times out, nothing there
  std::thread t([&] { ASSERT_TRUE(p->Append(Recs(0, 3)).ok()); });
  Offset end = p->WaitForData(Offset(0), std::chrono::steady_clock::now() + std::chrono::seconds(30));
  t.join();
  EXPECT_EQ(end, Offset(3));
  EXPECT_EQ(seen.load(), 3);
  p->RemoveListener(id);
  ASSERT_TRUE(p->Append(Recs(3, 1)).ok());
  EXPECT_EQ(seen.load(), 3);
}

TEST(PartitionTest, ForEachBatchReportsProducerFields) {
  Fixture f;
  Partition* p = f.Open();
  for (int i = 0; i < 5; ++i) {
    RecordBatchBuilder b(Compression::kNone, 1);
    b.SetProducer(42, 1, i * 2);
    b.Add(std::nullopt, std::string_view("a"));
    b.Add(std::nullopt, std::string_view("b"));
    ASSERT_TRUE(p->AppendBatch(*b.Finish()).ok());
  }
  std::vector<BatchInfo> seen;
  ASSERT_TRUE(p->ForEachBatch(Offset(3), [&](const BatchInfo& b) {
    seen.push_back(b);
    return true;
  }).ok());
  ASSERT_EQ(seen.size(), 4u);  // the batch holding offsets 2..3 and the three after it
  EXPECT_EQ(seen[0].base_offset, Offset(2));
  EXPECT_EQ(seen[0].base_sequence, 2);
  EXPECT_EQ(seen[3].last_offset, Offset(9));
  EXPECT_EQ(seen[3].producer_id, 42);
  EXPECT_EQ(seen[3].record_count, 2);
}

TEST(PartitionTest, RetentionBySizeDeletesWholeOldSegments) {
  Fixture f;
  f.opts.retention_bytes = 3 * 4096;
  Partition* p = f.Open();
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(p->Append(Recs(i, 1, 100)).ok());
  int before = p->Info().segments;
  auto deleted = f.log->EnforceRetention();
  ASSERT_TRUE(deleted.ok());
  EXPECT_GT(*deleted, 0);
  PartitionInfo info = p->Info();
  EXPECT_EQ(info.segments, before - *deleted);
  EXPECT_LE(info.bytes, uint64_t(3 * 4096 + 4096));
  EXPECT_GT(info.start_offset, Offset(0));
  // What remains is exactly the suffix; older offsets are out of range.
  EXPECT_EQ(ReadValues(*p, info.start_offset),
            Strs(int(info.start_offset.value()), 300 - int(info.start_offset.value()), 100));
  EXPECT_TRUE(p->Read(Offset(0), 100).status().IsOutOfRange());
  // Start offset survives a reopen.
  p = f.Open();
  EXPECT_EQ(p->StartOffset(), info.start_offset);
}

TEST(PartitionTest, RetentionByAgeAndRollByAge) {
  Fixture f;
  f.opts.retention_ms = 60'000;
  f.opts.segment_ms = 10'000;
  Partition* p = f.Open();
  ASSERT_TRUE(p->Append(Recs(0, 5)).ok());
  f.clock.AdvanceMs(11'000);
  ASSERT_TRUE(p->Append(Recs(5, 5)).ok());  // rolls by age first
  EXPECT_EQ(p->Info().segments, 2);
  EXPECT_EQ(*f.log->EnforceRetention(), 0);
  f.clock.AdvanceMs(55'000);  // first segment is 66 s old, second 55 s
  EXPECT_EQ(*f.log->EnforceRetention(), 1);
  EXPECT_EQ(p->StartOffset(), Offset(5));
  f.clock.AdvanceMs(20'000);  // the active segment expires: rolled, then deleted
  EXPECT_EQ(*f.log->EnforceRetention(), 1);
  EXPECT_EQ(p->StartOffset(), Offset(10));
  EXPECT_EQ(p->EndOffset(), Offset(10));
  ASSERT_TRUE(p->Append(Recs(10, 1)).ok());
  EXPECT_EQ(ReadValues(*p, Offset(10)), Strs(10, 1));
}

TEST(PartitionTest, PowerLossKeepsAcknowledgedAppendsUnderEveryAppend) {
  FaultInjectionEnv env(testing::FastEnv());  // declared first: outlives the log
  Fixture f;
  f.opts.env = &env;
  f.opts.flush = FlushPolicy::kEveryAppend;
  Partition* p = f.Open();
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(p->Append(Recs(2 * i, 2, 30)).ok());
  testing::Crash(f.log);  // power loss: no close, no flush
  ASSERT_TRUE(env.DropUnsyncedData().ok());
  p = f.Open();
  EXPECT_EQ(p->EndOffset(), Offset(100));
  EXPECT_EQ(ReadValues(*p), Strs(0, 100, 30));
}

TEST(PartitionTest, IntervalPolicyFlushesInTheBackground) {
  FaultInjectionEnv faults(testing::FastEnv());
  testing::SyncCountingEnv env(&faults);
  Fixture f;
  f.opts.env = &env;
  f.opts.flush = FlushPolicy::kInterval;
  f.opts.flush_interval_ms = 5;
  Partition* p = f.Open();
  int before = env.syncs();
  ASSERT_TRUE(p->Append(Recs(0, 10)).ok());
  // Wait (up to a minute, normally milliseconds) for the background flusher's fsync.
  for (int i = 0; i < 60000 && env.syncs() == before; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_GT(env.syncs(), before);
  testing::Crash(f.log);
  ASSERT_TRUE(faults.DropUnsyncedData().ok());
  p = f.Open();
  EXPECT_EQ(p->EndOffset(), Offset(10));
}

TEST(PartitionTest, OsPolicyCanLoseUnsyncedDataOnPowerLossButNotOnCrash) {
  FaultInjectionEnv env(testing::FastEnv());  // declared first: outlives the log
  Fixture f;
  f.opts.env = &env;
  f.opts.flush = FlushPolicy::kOs;
  Partition* p = f.Open();
  ASSERT_TRUE(p->Append(Recs(0, 10)).ok());
  ASSERT_TRUE(f.log->Flush().ok());
  ASSERT_TRUE(p->Append(Recs(10, 10)).ok());
  testing::Crash(f.log);  // kill -9: the OS still has every acknowledged byte
  p = f.Open();
  EXPECT_EQ(p->EndOffset(), Offset(20));
  ASSERT_TRUE(p->Append(Recs(20, 10)).ok());
  testing::Crash(f.log);
  ASSERT_TRUE(env.DropUnsyncedData().ok());  // power loss: only the flushed prefix is left
  p = f.Open();
  EXPECT_EQ(p->EndOffset(), Offset(10));
  EXPECT_EQ(ReadValues(*p), Strs(0, 10));
}

}  // namespace
}  // namespace kappa::log
