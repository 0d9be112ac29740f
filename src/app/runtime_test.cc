// Runtime, the one data-directory opener: the two access modes, what each opens, and what a
// read-only open refuses (it never creates or writes anything).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "app/app.h"
#include "common/env.h"
#include "testutil/temp_dir.h"

namespace kappa::app {
namespace {

class RuntimeTest : public ::testing::Test {
 protected:

  RuntimeOptions Options(RuntimeOptions::Access access, std::string dir = "") {
    RuntimeOptions o;
    o.data_dir = dir.empty() ? dir_ + "/data" : dir;
    o.owner = "runtime_test";
    o.access = access;
    return o;
  }

  testutil::TempDir tmp_{"kappa-runtime-test"};
  const std::string dir_ = tmp_.path();
};

TEST_F(RuntimeTest, OwnerTakesTheLockAndASecondOwnerIsToldWhoHasIt) {
  auto first = Runtime::Open(Options(RuntimeOptions::Access::kOwner));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE((*first)->read_only());
  ASSERT_TRUE((*first)->log().CreateTopic("t", 1).ok());
  auto second = Runtime::Open(Options(RuntimeOptions::Access::kOwner));
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(second.status().IsUnavailable()) << second.status().ToString();
  EXPECT_NE(second.status().message().find("runtime_test"), std::string::npos)
      << second.status().ToString();
}

TEST_F(RuntimeTest, ReadOnlySeesWhatTheOwnerWroteAndCannotRunJobs) {
  auto owner = Runtime::Open(Options(RuntimeOptions::Access::kOwner));
  ASSERT_TRUE(owner.ok()) << owner.status().ToString();
  ASSERT_TRUE((*owner)->log().CreateTopic("t", 2).ok());
  ASSERT_TRUE((*owner)->store().Flush().ok());
  auto reader = Runtime::Open(Options(RuntimeOptions::Access::kReadOnly));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_TRUE((*reader)->read_only());
  EXPECT_NE((*reader)->owner().find("runtime_test"), std::string::npos) << (*reader)->owner();
  EXPECT_TRUE((*reader)->log().TopicExists("t"));
  stream::JobStorage js = (*reader)->job_storage();
  EXPECT_TRUE(js.read_only);
  EXPECT_EQ(js.log, &(*reader)->log());
  EXPECT_EQ(js.store, &(*reader)->store());
}

TEST_F(RuntimeTest, ReadOnlyOnAMissingDirectoryCreatesNothing) {
  const std::string missing = dir_ + "/missing";
  auto both = Runtime::Open(Options(RuntimeOptions::Access::kReadOnly, missing));
  ASSERT_FALSE(both.ok());
  EXPECT_TRUE(both.status().IsNotFound());
  EXPECT_NE(both.status().message().find("does not exist"), std::string::npos);
  RuntimeOptions store_only = Options(RuntimeOptions::Access::kReadOnly, missing);
  store_only.open_log = false;
  auto st = Runtime::Open(store_only);
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(st.status().IsNotFound());
  EXPECT_NE(st.status().message().find("no table store"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(missing));
}

TEST_F(RuntimeTest, OpensOnlyWhatTheCommandUses) {
  RuntimeOptions o = Options(RuntimeOptions::Access::kOwner);
  o.open_store = false;
  {
    auto rt = Runtime::Open(o);
    ASSERT_TRUE(rt.ok()) << rt.status().ToString();
    EXPECT_EQ((*rt)->job_storage().store, nullptr);
    EXPECT_NE((*rt)->job_storage().log, nullptr);
  }
  EXPECT_TRUE(std::filesystem::exists(o.data_dir + "/log"));
  EXPECT_FALSE(std::filesystem::exists(o.data_dir + "/store"));
}

TEST_F(RuntimeTest, ForPipelineTunesTheLogAndStoreByTheConfig) {
  auto c = LoadConfigText(R"(
durability:
  log_flush: every_append
  store_sync: true
retention:
  bytes_per_partition: 8MiB
  age: 0
store:
  block_cache: 4MiB
)", "test.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  RuntimeOptions o = RuntimeOptions::ForPipeline(*c);
  EXPECT_EQ(o.log.flush, log::FlushPolicy::kEveryAppend);
  EXPECT_EQ(o.log.retention_bytes, 8 << 20);
  EXPECT_EQ(o.log.retention_ms, -1);  // 0 in the file: unlimited
  EXPECT_EQ(o.log.segment_bytes, 2 << 20);  // a quarter of the retention bound, >= 1 MiB
  EXPECT_EQ(o.store.block_cache_bytes, size_t{4} << 20);
  EXPECT_TRUE(o.store_sync);
}

}  // namespace
}  // namespace kappa::app
