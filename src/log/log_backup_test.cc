// CopyLogDir: a copy taken beside a writer opens as a log holding a prefix of each partition,
// at least what was there when the copy started.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "log/log.h"
#include "log/test_util.h"

namespace kappa::log {
namespace {

using testing::ReadValues;
using testing::Recs;
using testing::Strs;
using testing::TempDir;

LogOptions Opts(const std::string& dir) {
  LogOptions o;
  o.dir = dir;
  o.env = testing::FastEnv();
  o.retention_check_ms = 0;
  return o;
}

TEST(LogBackupTest, CopiesTopicsSegmentsAndCommittedOffsets) {
  TempDir tmp;
  {
    auto log = Log::Open(Opts(tmp.path() + "/log"));
    ASSERT_TRUE(log.ok());
    TopicConfig small;
    small.segment_bytes = 1024;  // many sealed segments with their indexes
    ASSERT_TRUE((*log)->CreateTopic("many", 2, small).ok());
    ASSERT_TRUE((*log)->CreateTopic("one", 1).ok());
    for (int i = 0; i < 20; ++i) {
      ASSERT_TRUE((*(*log)->GetPartition("many", PartitionId(0)))->Append(Recs(i * 10, 10, 40)).ok());
    }
    ASSERT_TRUE((*(*log)->GetPartition("one", PartitionId(0)))->Append(Recs(0, 3)).ok());
    ASSERT_TRUE((*log)->offsets().Commit("g", "many", PartitionId(0), Offset(150)).ok());
    // A topic directory without topic.conf (an interrupted create) is not copied.
    std::filesystem::create_directories(tmp.path() + "/log/topics/half/0");
    ASSERT_TRUE(CopyLogDir(tmp.path() + "/log", tmp.path() + "/copy").ok());
  }
  EXPECT_FALSE(std::filesystem::exists(tmp.path() + "/copy/topics/half"));
  auto copy = Log::Open(Opts(tmp.path() + "/copy"));
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  EXPECT_EQ((*copy)->ListTopics(), (std::vector<std::string>{"many", "one"}));
  EXPECT_EQ(ReadValues(**(*copy)->GetPartition("many", PartitionId(0))), Strs(0, 200, 40));
  EXPECT_EQ((*(*copy)->GetPartition("many", PartitionId(1)))->EndOffset(), Offset(0));
  EXPECT_EQ(ReadValues(**(*copy)->GetPartition("one", PartitionId(0))), Strs(0, 3));
  auto committed = (*copy)->offsets().Fetch("g", "many", PartitionId(0));
  ASSERT_TRUE(committed.ok());
  EXPECT_EQ(committed->offset, Offset(150));
  EXPECT_EQ(std::filesystem::status(tmp.path() + "/copy/topics/one/0").permissions() &
                std::filesystem::perms::all,
            std::filesystem::perms::owner_all);
  // A second copy into the same place is refused.
  EXPECT_TRUE(CopyLogDir(tmp.path() + "/log", tmp.path() + "/copy").IsAlreadyExists());
}

TEST(LogBackupTest, ACopyBesideAWriterIsAPrefixWithAtLeastTheStart) {
  TempDir tmp;
  auto log = Log::Open(Opts(tmp.path() + "/log"));
  ASSERT_TRUE(log.ok());
  TopicConfig small;
  small.segment_bytes = 4096;  // segments roll while the copy runs
  ASSERT_TRUE((*log)->CreateTopic("t", 1, small).ok());
  Partition* p = *(*log)->GetPartition("t", PartitionId(0));
  ASSERT_TRUE(p->Append(Recs(0, 100, 20)).ok());
  std::atomic<bool> stop{false};
  std::atomic<int> next{100};
  std::thread writer([&] {
    while (!stop.load()) {
      int from = next.load();
      ASSERT_TRUE(p->Append(Recs(from, 5, 20)).ok());
      next.store(from + 5);
    }
  });
  while (next.load() < 2000) std::this_thread::yield();
  Offset at_start = p->EndOffset();
  Status s = CopyLogDir(tmp.path() + "/log", tmp.path() + "/copy");
  stop.store(true);
  writer.join();
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto copy = Log::Open(Opts(tmp.path() + "/copy"));
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  Partition* c = *(*copy)->GetPartition("t", PartitionId(0));
  EXPECT_GE(c->EndOffset(), at_start);
  std::vector<std::string> got = ReadValues(*c);
  EXPECT_EQ(got, Strs(0, int(got.size()), 20));  // a prefix, no gap, nothing invented
}

TEST(LogBackupTest, ABatchCutByTheCopyIsTruncatedAtOpen) {
  TempDir tmp;
  std::string seg;
  {
    auto log = Log::Open(Opts(tmp.path() + "/log"));
    ASSERT_TRUE(log.ok());
    ASSERT_TRUE((*log)->CreateTopic("t", 1).ok());
    ASSERT_TRUE((*(*log)->GetPartition("t", PartitionId(0)))->Append(Recs(0, 10)).ok());
  }
  // The copy read the active segment while the owner was in the middle of a write.
  std::ofstream(tmp.path() + "/log/topics/t/0/00000000000000000000.log", std::ios::app)
      << std::string("\0\0\0\0\0\0\0\x0a\0\0\0\x80half", 16);
  ASSERT_TRUE(CopyLogDir(tmp.path() + "/log", tmp.path() + "/copy").ok());
  auto copy = Log::Open(Opts(tmp.path() + "/copy"));
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  EXPECT_EQ(ReadValues(**(*copy)->GetPartition("t", PartitionId(0))), Strs(0, 10));
}

}  // namespace
}  // namespace kappa::log
