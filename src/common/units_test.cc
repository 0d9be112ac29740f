#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <thread>
#include <vector>

#include "common/fd_limit.h"
#include "common/units.h"

namespace kappa {
namespace {

TEST(UnitsTest, DurationsNeedAUnit) {
  EXPECT_EQ(*ParseDurationMs("10s"), 10000);
  EXPECT_EQ(*ParseDurationMs("250ms"), 250);
  EXPECT_EQ(*ParseDurationMs("2m"), 120000);
  EXPECT_EQ(*ParseDurationMs("2min"), 120000);
  EXPECT_EQ(*ParseDurationMs("1.5h"), 5400000);
  EXPECT_EQ(*ParseDurationMs("7d"), 604800000);
  EXPECT_EQ(*ParseDurationMs(" 3 s "), 3000);
  EXPECT_EQ(*ParseDurationMs("0"), 0);  // zero is zero in every unit
  EXPECT_EQ(*ParseDurationMs("0s"), 0);
  // A bare number meant 10 ms to one command and 10 s to another: refused, saying what to add.
  auto bare = ParseDurationMs("10");
  ASSERT_FALSE(bare.ok());
  EXPECT_TRUE(bare.status().IsInvalidArgument());
  EXPECT_NE(bare.status().message().find("no unit"), std::string::npos) << bare.status().message();
  EXPECT_NE(bare.status().message().find("10s"), std::string::npos);
  EXPECT_NE(bare.status().message().find("10ms"), std::string::npos);
  for (const char* bad : {"", "s", "-5s", "10 weeks", "1e3s", "ten seconds", "10sec", "1..5s"}) {
    EXPECT_FALSE(ParseDurationMs(bad).ok()) << bad;
  }
  EXPECT_FALSE(ParseDurationMs("999999999999999d").ok());  // overflow
}

TEST(UnitsTest, SizesDefaultToBytes) {
  EXPECT_EQ(*ParseByteSize("4096"), 4096);
  EXPECT_EQ(*ParseByteSize("4096B"), 4096);
  EXPECT_EQ(*ParseByteSize("64MiB"), int64_t{64} << 20);
  EXPECT_EQ(*ParseByteSize("512 MiB"), int64_t{512} << 20);
  EXPECT_EQ(*ParseByteSize("1GiB"), int64_t{1} << 30);
  EXPECT_EQ(*ParseByteSize("1.5KiB"), 1536);
  EXPECT_EQ(*ParseByteSize("2TB"), int64_t{2000000000000});
  EXPECT_EQ(*ParseByteSize("1KB"), 1000);
  for (const char* bad : {"", "-1", "1 XB", "MiB", "1mib", "10000000TiB"}) {
    EXPECT_FALSE(ParseByteSize(bad).ok()) << bad;
  }
}

TEST(UnitsTest, FormatsParseBack) {
  EXPECT_EQ(FormatDurationMs(0), "0");
  EXPECT_EQ(FormatDurationMs(30000), "30s");
  EXPECT_EQ(FormatDurationMs(600000), "10m");
  EXPECT_EQ(FormatDurationMs(1500), "1500ms");
  EXPECT_EQ(FormatDurationMs(7200000), "2h");
  EXPECT_EQ(FormatDurationMs(604800000), "7d");
  EXPECT_EQ(FormatByteSize(0), "0");
  EXPECT_EQ(FormatByteSize(16 << 20), "16MiB");
  EXPECT_EQ(FormatByteSize(1000), "1000");
  EXPECT_EQ(FormatByteSize(1536), "1536");
  EXPECT_EQ(FormatByteSize(int64_t{3} << 40), "3TiB");
  for (int64_t ms : {int64_t{0}, int64_t{1}, int64_t{999}, int64_t{61000}, int64_t{86400000} * 3}) {
    EXPECT_EQ(*ParseDurationMs(FormatDurationMs(ms)), ms) << ms;
  }
  for (int64_t b : {int64_t{0}, int64_t{1}, int64_t{4096}, int64_t{5} << 30, int64_t{123456789}}) {
    EXPECT_EQ(*ParseByteSize(FormatByteSize(b)), b) << b;
  }
}

TEST(FdLimitTest, RaisedToTheHardLimit) {
  FdLimit l = RaiseFdLimit();
  EXPECT_EQ(CurrentFdLimit().soft, l.hard);
  EXPECT_GT(CountOpenFds(), 2u);
  EXPECT_TRUE(CheckFdsAvailable(1, "a test").ok());
  Status s = CheckFdsAvailable(l.hard + 1, "a huge create");
  EXPECT_TRUE(s.IsUnavailable());
  EXPECT_NE(s.message().find("a huge create"), std::string::npos);
}

}  // namespace
}  // namespace kappa
