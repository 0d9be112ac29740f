#include <filesystem>
#include <fstream>

#include "common/fault_injection_env.h"
#include "log/log.h"
#include "log/test_util.h"

namespace kappa::log {
namespace {

using testing::TempDir;

LogOptions OffsetOpts(const TempDir& t, Env* env = testing::FastEnv()) {
  LogOptions o;
  o.dir = t.path() + "/log";
  o.env = env;
  o.retention_check_ms = 0;
  return o;
}

TEST(OffsetStoreTest, CommitFetchListDeleteAndPersist) {
  TempDir tmp;
  {
    auto log = Log::Open(OffsetOpts(tmp));
    ASSERT_TRUE(log.ok());
    OffsetStore& o = (*log)->offsets();
    EXPECT_TRUE(o.Fetch("g1", "t", PartitionId(0)).status().IsNotFound());
    ASSERT_TRUE(o.Commit("g1", "t", PartitionId(0), Offset(10), "meta").ok());
    ASSERT_TRUE(o.Commit("g1", "t", PartitionId(1), Offset(20)).ok());
    ASSERT_TRUE(o.Commit("g1", "t", PartitionId(0), Offset(11)).ok());
    ASSERT_TRUE(o.Commit("g2", "u", PartitionId(0), Offset(5)).ok());
    ASSERT_TRUE(o.Commit("g3", "u", PartitionId(0), Offset(5)).ok());
    ASSERT_TRUE(o.DeleteGroup("g3").ok());
    EXPECT_TRUE(o.DeleteGroup("g3").IsNotFound());
    EXPECT_TRUE(o.Commit("", "u", PartitionId(0), Offset(1)).IsInvalidArgument());
  }
  auto log = Log::Open(OffsetOpts(tmp));
  ASSERT_TRUE(log.ok());
  OffsetStore& o = (*log)->offsets();
  auto c = o.Fetch("g1", "t", PartitionId(0));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->offset, Offset(11));
  EXPECT_EQ(c->metadata, "");
  EXPECT_GT(c->commit_time.value(), 0);
  EXPECT_EQ(o.FetchGroup("g1").size(), 2u);
  EXPECT_EQ(o.ListGroups(), (std::vector<std::string>{"g1", "g2"}));
}

TEST(OffsetStoreTest, MultiPartitionCommitIsAtomicAndTornTailIsDropped) {
  for (uint64_t cut_back : {1, 20, 40}) {
    TempDir tmp;
    {
      auto log = Log::Open(OffsetOpts(tmp));
      ASSERT_TRUE(log.ok());
      std::map<OffsetKey, CommittedOffset> m;
      for (int p = 0; p < 3; ++p) m[OffsetKey{"t", PartitionId(p)}] = {Offset(100 + p), "", TimestampMs(-1)};
      ASSERT_TRUE((*log)->offsets().Commit("g", m).ok());
      for (int p = 0; p < 3; ++p) m[OffsetKey{"t", PartitionId(p)}] = {Offset(200 + p), "", TimestampMs(-1)};
      ASSERT_TRUE((*log)->offsets().Commit("g", m).ok());
    }
    std::string path = tmp.path() + "/log/offsets/commits.log";
    // Cut inside the second commit record: the whole record (all 3 partitions) disappears.
    std::filesystem::resize_file(path, std::filesystem::file_size(path) - cut_back);
    auto log = Log::Open(OffsetOpts(tmp));
    ASSERT_TRUE(log.ok());
    auto g = (*log)->offsets().FetchGroup("g");
    ASSERT_EQ(g.size(), 3u);
    for (auto& [k, v] : g) EXPECT_EQ(v.offset.value(), 100 + k.partition.value()) << cut_back;
    // Commits work again after the repair.
    ASSERT_TRUE((*log)->offsets().Commit("g", "t", PartitionId(0), Offset(300)).ok());
    ASSERT_TRUE((*log)->Close().ok());
    auto again = Log::Open(OffsetOpts(tmp));
    EXPECT_EQ((*again)->offsets().Fetch("g", "t", PartitionId(0))->offset, Offset(300));
  }
}

TEST(OffsetStoreTest, CommitsAreDurableAcrossPowerLossAndFailCleanlyOnDiskFull) {
  TempDir tmp;
  FaultInjectionEnv env(testing::FastEnv());
  std::unique_ptr<Log> log = std::move(Log::Open(OffsetOpts(tmp, &env))).value();
  ASSERT_TRUE(log->offsets().Commit("g", "t", PartitionId(0), Offset(7)).ok());
  env.SetWriteBudget(5);
  EXPECT_FALSE(log->offsets().Commit("g", "t", PartitionId(0), Offset(8)).ok());
  EXPECT_EQ(log->offsets().Fetch("g", "t", PartitionId(0))->offset, Offset(7));
  env.SetWriteBudget(-1);
  ASSERT_TRUE(log->offsets().Commit("g", "t", PartitionId(0), Offset(9)).ok());
  testing::Crash(log);
  ASSERT_TRUE(env.DropUnsyncedData().ok());
  log = std::move(Log::Open(OffsetOpts(tmp, &env))).value();
  EXPECT_EQ(log->offsets().Fetch("g", "t", PartitionId(0))->offset, Offset(9));
}

TEST(OffsetStoreTest, CompactionKeepsLatestValues) {
  TempDir tmp;
  auto log = Log::Open(OffsetOpts(tmp));
  ASSERT_TRUE(log.ok());
  std::string meta(5000, 'm');
  for (int i = 0; i < 1000; ++i)
    ASSERT_TRUE((*log)->offsets().Commit("g", "t", PartitionId(i % 4), Offset(i), meta).ok());
  EXPECT_LT(std::filesystem::file_size(tmp.path() + "/log/offsets/commits.log"), 1000u * 5000u / 4);
  ASSERT_TRUE((*log)->Close().ok());
  auto again = Log::Open(OffsetOpts(tmp));
  for (int p = 0; p < 4; ++p)
    EXPECT_EQ((*again)->offsets().Fetch("g", "t", PartitionId(p))->offset, Offset(996 + p));
}

TEST(OffsetStoreTest, DeleteOffsetsIsDurableAndDropsAnEmptiedGroup) {
  TempDir tmp;
  {
    auto log = Log::Open(OffsetOpts(tmp));
    ASSERT_TRUE(log.ok());
    OffsetStore& o = (*log)->offsets();
    ASSERT_TRUE(o.Commit("g", "t", PartitionId(0), Offset(1)).ok());
    ASSERT_TRUE(o.Commit("g", "t", PartitionId(1), Offset(2)).ok());
    ASSERT_TRUE(o.Commit("h", "t", PartitionId(0), Offset(3)).ok());
    EXPECT_TRUE(o.DeleteOffsets("nope", {{"t", PartitionId(0)}}).IsNotFound());
    ASSERT_TRUE(o.DeleteOffsets("g", {{"t", PartitionId(0)}, {"x", PartitionId(9)}}).ok());
    ASSERT_TRUE(o.DeleteOffsets("h", {{"t", PartitionId(0)}}).ok());
  }
  auto log = Log::Open(OffsetOpts(tmp));
  ASSERT_TRUE(log.ok());
  OffsetStore& o = (*log)->offsets();
  EXPECT_TRUE(o.Fetch("g", "t", PartitionId(0)).status().IsNotFound());
  EXPECT_EQ(o.Fetch("g", "t", PartitionId(1))->offset, Offset(2));
  EXPECT_EQ(o.ListGroups(), (std::vector<std::string>{"g"}));
}

}  // namespace
}  // namespace kappa::log
