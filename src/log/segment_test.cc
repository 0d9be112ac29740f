// Recovery and fault handling: torn writes at every byte, corrupt batches, disk full,
// damaged indexes, read-only opens.
#include <filesystem>
#include <fstream>

#include "common/fault_injection_env.h"
#include "log/log.h"
#include "log/test_util.h"

namespace kappa::log {
namespace {

using testing::ReadValues;
using testing::Recs;
using testing::Strs;
using testing::TempDir;
namespace fs = std::filesystem;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
void WriteAll(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), std::streamsize(data.size()));
}

struct LogFixture {
  TempDir tmp;
  LogOptions opts;
  std::unique_ptr<Log> log;
  explicit LogFixture(Env* env = testing::FastEnv()) {
    opts.dir = tmp.path() + "/log";
    opts.env = env;
    opts.retention_check_ms = 0;
    opts.flush = FlushPolicy::kOs;
    opts.index_interval_bytes = 128;
  }
  Partition* Open(std::string_view topic = "t", int partitions = 1) {
    log.reset();
    auto l = Log::Open(opts);
    EXPECT_TRUE(l.ok()) << l.status().ToString();
    if (!l.ok()) return nullptr;
    log = std::move(l).value();
    if (!log->TopicExists(topic)) {
      EXPECT_TRUE(log->CreateTopic(topic, partitions).ok());
    }
    return *log->GetPartition(topic, PartitionId(0));
  }
  std::string SegPath(int64_t base = 0, std::string_view topic = "t", int p = 0) const {
    char name[32];
    std::snprintf(name, sizeof(name), "%020lld.log", static_cast<long long>(base));
    return opts.dir + "/topics/" + std::string(topic) + "/" + std::to_string(p) + "/" + name;
  }
};

TEST(RecoveryTest, TornLastBatchAtEveryBytePosition) {
  LogFixture f;
  Partition* p = f.Open();
  ASSERT_TRUE(p->Append(Recs(0, 3, 10)).ok());
  ASSERT_TRUE(p->Append(Recs(3, 2, 10)).ok());
  uint64_t good_size = p->SizeBytes();
  auto last = p->Append(Recs(5, 4, 25));
  ASSERT_TRUE(last.ok());
  uint64_t full_size = p->SizeBytes();
  f.log.reset();
  const std::string seg = f.SegPath();
  const std::string full = ReadAll(seg);
  ASSERT_EQ(full.size(), full_size);
  for (uint64_t cut = good_size; cut < full_size; ++cut) {
    WriteAll(seg, full.substr(0, cut));
    p = f.Open();
    ASSERT_NE(p, nullptr);
    ASSERT_EQ(p->EndOffset(), Offset(5)) << "cut at byte " << cut;
    EXPECT_EQ(fs::file_size(seg), good_size) << "torn tail truncated, cut " << cut;
    EXPECT_EQ(ReadValues(*p), Strs(0, 5, 10)) << "cut " << cut;
    // Appends continue right after the last whole batch.
    auto r = p->Append(Recs(5, 1, 10));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->base_offset, Offset(5));
    EXPECT_EQ(ReadValues(*p), Strs(0, 6, 10));
    f.log.reset();
  }
  // And a batch with its last byte flipped (a torn write that reached full length).
  std::string flipped = full;
  flipped.back() ^= 0x1;
  WriteAll(seg, flipped);
  p = f.Open();
  EXPECT_EQ(p->EndOffset(), Offset(5));
}

TEST(RecoveryTest, ZeroFilledTailIsDropped) {
  LogFixture f;
  Partition* p = f.Open();
  ASSERT_TRUE(p->Append(Recs(0, 3)).ok());
  uint64_t size = p->SizeBytes();
  f.log.reset();
  WriteAll(f.SegPath(), ReadAll(f.SegPath()) + std::string(4096, '\0'));
  p = f.Open();
  EXPECT_EQ(p->EndOffset(), Offset(3));
  EXPECT_EQ(fs::file_size(f.SegPath()), size);
}

TEST(RecoveryTest, CorruptMiddleBatchIsReportedNeverServedAndOthersStillWork) {
  LogFixture f;
  f.opts.segment_bytes = 2048;
  Partition* p = f.Open("t", 2);
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(p->Append(Recs(i * 2, 2, 40)).ok());
  Partition* other = *f.log->GetPartition("t", PartitionId(1));
  ASSERT_TRUE(other->Append(Recs(0, 5)).ok());
  ASSERT_GT(p->Info().segments, 2);
  f.log.reset();
  // Damage one value byte of the 3rd batch of the first (sealed) segment, and one in the
  // middle of the last segment.
  std::string seg0 = ReadAll(f.SegPath(0));
  auto h0 = ParseBatchHeader(seg0);
  ASSERT_TRUE(h0.ok());
  size_t batch_size = h0->size_bytes();
  seg0[2 * batch_size + batch_size - 5] ^= 0x20;
  WriteAll(f.SegPath(0), seg0);
  p = f.Open("t");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->EndOffset(), Offset(80));  // nothing truncated: not a tail
  // Offsets 0..3 are served; the batch holding 4..5 is Corruption, never data.
  auto before = p->ReadRecords(Offset(0), 100, 1 << 20);
  ASSERT_TRUE(before.ok());
  ASSERT_EQ(before->size(), 4u);
  EXPECT_EQ(*before->back().record.value, "3" + std::string(40, 'x'));
  auto bad = p->ReadRecords(Offset(4), 100);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsCorruption()) << bad.status().ToString();
  EXPECT_TRUE(p->Read(Offset(5), 1000).status().IsCorruption());
  // Later batches stay readable, and so does the other partition; appends still work.
  auto after = p->ReadRecords(Offset(6), 2);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->front().offset, Offset(6));
  EXPECT_EQ(ReadValues(**f.log->GetPartition("t", PartitionId(1))), Strs(0, 5));
  ASSERT_TRUE(p->Append(Recs(80, 1)).ok());

  // Corruption in the middle of the LAST segment: kept (a valid batch follows), skipped.
  f.log.reset();
  auto d = Log::Open(f.opts);
  ASSERT_TRUE(d.ok());
  auto desc = (*d)->DescribeTopic("t");
  int64_t last_base = 0;
  d->reset();
  for (const auto& e : fs::directory_iterator(f.opts.dir + "/topics/t/0")) {
    if (e.path().extension() == ".log") last_base = std::max<int64_t>(last_base, std::stoll(e.path().stem()));
  }
  std::string last = ReadAll(f.SegPath(last_base));
  auto lh = ParseBatchHeader(last);
  ASSERT_TRUE(lh.ok());
  ASSERT_GT(last.size(), 2 * lh->size_bytes());
  last[lh->size_bytes() - 3] ^= 0x08;  // the first batch of the last segment
  WriteAll(f.SegPath(last_base), last);
  p = f.Open("t");
  EXPECT_EQ(p->EndOffset(), Offset(81));
  EXPECT_TRUE(p->ReadRecords(Offset(last_base), 10).status().IsCorruption());
  auto tail = p->ReadRecords(lh->last_offset() + 1, 1000);
  ASSERT_TRUE(tail.ok()) << tail.status().ToString();
  EXPECT_EQ(tail->back().offset, Offset(80));
}

TEST(RecoveryTest, CorruptTailOfASealedSegmentIsNeverSkippedSilently) {
  LogFixture f;
  f.opts.segment_bytes = 2048;
  Partition* p = f.Open();
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(p->Append(Recs(i, 1, 40)).ok());
  ASSERT_GT(p->Info().segments, 2);
  f.log.reset();
  // Damage the last batch of the first segment and drop its index so it is rescanned.
  std::string seg0 = ReadAll(f.SegPath(0));
  seg0[seg0.size() - 2] ^= 0x10;
  WriteAll(f.SegPath(0), seg0);
  std::string idx = f.SegPath(0);
  fs::remove(idx.replace(idx.size() - 3, 3, "index"));
  p = f.Open();
  Status err;
  auto values = ReadValues(*p, Offset(0), &err);
  EXPECT_TRUE(err.IsCorruption()) << err.ToString();
  ASSERT_FALSE(values.empty());
  // Everything before the damaged batch is served, in order, and nothing after it is
  // returned by a sequential reader.
  EXPECT_EQ(values, Strs(0, int(values.size()), 40));
  // The file of a sealed segment is not truncated (only the active segment's tail is).
  EXPECT_EQ(fs::file_size(f.SegPath(0)), seg0.size());
}

TEST(RecoveryTest, DamagedIndexIsRebuilt) {
  LogFixture f;
  f.opts.segment_bytes = 2048;
  Partition* p = f.Open();
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(p->Append(Recs(i, 1, 30)).ok());
  f.log.reset();
  std::string idx = f.SegPath(0);
  idx.replace(idx.size() - 3, 3, "index");
  std::string data = ReadAll(idx);
  ASSERT_FALSE(data.empty());
  data[0] ^= 0x7f;
  WriteAll(idx, data);
  std::string tidx = idx;
  tidx.replace(tidx.size() - 5, 5, "timeindex");
  fs::remove(tidx);
  p = f.Open();
  EXPECT_EQ(ReadValues(*p), Strs(0, 100, 30));
  EXPECT_TRUE(fs::exists(tidx));  // rewritten
}

TEST(DiskFullTest, AppendFailsCleanlyAndRecoversWhenSpaceReturns) {
  FaultInjectionEnv env(testing::FastEnv());
  LogFixture f(&env);
  Partition* p = f.Open();
  ASSERT_TRUE(p->Append(Recs(0, 10, 50)).ok());
  for (int64_t budget : {0, 1, 30, 61, 200}) {
    env.SetWriteBudget(budget);
    auto r = p->Append(Recs(10, 10, 50));
    ASSERT_FALSE(r.ok()) << budget;
    EXPECT_TRUE(r.status().IsIOError()) << r.status().ToString();
    EXPECT_EQ(p->EndOffset(), Offset(10));
    EXPECT_EQ(ReadValues(*p), Strs(0, 10, 50));
  }
  env.SetWriteBudget(-1);
  auto r = p->Append(Recs(10, 10, 50));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->base_offset, Offset(10));
  p = f.Open();  // and on disk there is no leftover partial batch
  EXPECT_EQ(ReadValues(*p), Strs(0, 20, 50));
}

TEST(DiskFullTest, FullDiskDuringASegmentRollIsRecoverable) {
  FaultInjectionEnv env(testing::FastEnv());
  LogFixture f(&env);
  f.opts.segment_bytes = 2048;
  Partition* p = f.Open();
  int n = 0;
  while (p->Info().segments == 1) ASSERT_TRUE(p->Append(Recs(n++, 1, 100)).ok());
  // The first segment took n - 1 equal batches; fill the second one the same way so the
  // next append must roll, and run out of space right then.
  int per_segment = n - 1;
  for (int i = 1; i < per_segment; ++i) ASSERT_TRUE(p->Append(Recs(n++, 1, 100)).ok());
  ASSERT_EQ(p->Info().segments, 2);
  int segs = p->Info().segments;
  for (int64_t budget : {0, 10, 50, 200}) {
    env.SetWriteBudget(budget);
    auto r = p->Append(Recs(n, 1, 100));
    if (r.ok()) {
      ++n;  // enough space for the batch after all (roll failed and was retried later)
    } else {
      EXPECT_TRUE(r.status().IsIOError()) << r.status().ToString();
    }
    EXPECT_EQ(ReadValues(*p), Strs(0, n, 100));
  }
  EXPECT_EQ(p->EndOffset(), Offset(n));
  env.SetWriteBudget(-1);
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(p->Append(Recs(n++, 1, 100)).ok());
  EXPECT_GT(p->Info().segments, segs);
  EXPECT_EQ(ReadValues(*p), Strs(0, n, 100));
  p = f.Open();
  EXPECT_EQ(ReadValues(*p), Strs(0, n, 100));
}

TEST(ReadOnlyTest, SeesDataOfALiveWriterAndNeverWrites) {
  LogFixture f;
  Partition* p = f.Open("t", 1);
  ASSERT_TRUE(p->Append(Recs(0, 7)).ok());
  ASSERT_TRUE(f.log->offsets().Commit("g", "t", PartitionId(0), Offset(3)).ok());
  // A torn tail written by "another process" must not be truncated by a reader.
  std::string seg = f.SegPath();
  WriteAll(seg, ReadAll(seg) + std::string("\0\0\0\0\0\0\0\0\0\0\0\x50garbage", 19));
  uint64_t size = fs::file_size(seg);
  LogOptions ro = f.opts;
  ro.read_only = true;
  auto r = Log::Open(ro);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto& log = *r;
  Partition* rp = *log->GetPartition("t", PartitionId(0));
  EXPECT_EQ(rp->EndOffset(), Offset(7));
  EXPECT_EQ(ReadValues(*rp), Strs(0, 7));
  EXPECT_EQ(log->offsets().Fetch("g", "t", PartitionId(0))->offset, Offset(3));
  EXPECT_EQ(rp->Append(Recs(7, 1)).status().code(), Status::Code::kNotSupported);
  EXPECT_EQ(log->CreateTopic("x", 1).code(), Status::Code::kNotSupported);
  EXPECT_EQ(log->offsets().Commit("g", "t", PartitionId(0), Offset(4)).code(),
            Status::Code::kNotSupported);
  ASSERT_TRUE(log->Close().ok());
  EXPECT_EQ(fs::file_size(seg), size);
  // A read-only open of a missing log is NotFound, and creates nothing.
  ro.dir = f.tmp.path() + "/nothing";
  EXPECT_TRUE(Log::Open(ro).status().IsNotFound());
  EXPECT_FALSE(fs::exists(ro.dir));
}

}  // namespace
}  // namespace kappa::log
