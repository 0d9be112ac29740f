#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <thread>
#include <vector>

#include "common/data_dir_lock.h"
#include "common/env.h"
#include "common/fault_injection_env.h"
#include "common/file_modes.h"
#include "testutil/temp_dir.h"

namespace kappa {
namespace {

TEST(EnvTest, AppendReadTruncate) {
  testutil::TempDir tmp("kappa-common-env");
  std::string dir = tmp.path();
  Env* env = Env::Default();
  std::string path = JoinPath(dir, "f");
  {
    auto f = env->NewAppendableFile(path);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Append("hello ").ok());
    ASSERT_TRUE((*f)->Append("world").ok());
    ASSERT_TRUE((*f)->Sync().ok());
    EXPECT_EQ((*f)->Size(), 11u);
  }
  auto content = env->ReadFile(path);
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(*content, "hello world");
  ASSERT_TRUE(env->TruncateFile(path, 5).ok());
  EXPECT_EQ(*env->ReadFile(path), "hello");
  ASSERT_TRUE(env->WriteFileAtomic(path, "replaced").ok());
  EXPECT_EQ(*env->ReadFile(path), "replaced");
  EXPECT_TRUE(env->ReadFile(JoinPath(dir, "missing")).status().IsNotFound());
}

// An Env that overrides one call: renames fail. Everything else goes through EnvWrapper.
class NoRenameEnv final : public EnvWrapper {
 public:
  using EnvWrapper::EnvWrapper;
  Status RenameFile(const std::string& from, const std::string&) override {
    ++renames;
    return Status::IOError("rename " + from + ": Read-only file system");
  }
  int renames = 0;
};

TEST(EnvWrapperTest, ForwardsEveryCallAndOverridesReachTheWholeFileHelpers) {
  testutil::TempDir tmp("kappa-common-wrapper");
  std::string dir = tmp.path();
  NoRenameEnv env(Env::Default());
  EXPECT_EQ(env.target(), Env::Default());
  ASSERT_TRUE(env.CreateDirs(JoinPath(dir, "a/b")).ok());
  std::string path = JoinPath(dir, "a/b/f");
  {
    auto f = env.NewWritableFile(path);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Append("hello").ok());
    ASSERT_TRUE((*f)->Sync().ok());
    ASSERT_TRUE((*f)->Close().ok());
  }
  {
    auto f = env.NewAppendableFile(path);
    ASSERT_TRUE(f.ok());
    EXPECT_EQ((*f)->Size(), 5u);
    ASSERT_TRUE((*f)->Append(" world").ok());
  }
  EXPECT_TRUE(env.FileExists(path));
  EXPECT_EQ(*env.GetFileSize(path), 11u);
  EXPECT_EQ(*env.GetChildren(JoinPath(dir, "a/b")), std::vector<std::string>{"f"});
  EXPECT_EQ(*env.ReadFile(path), "hello world");
  auto r = env.NewRandomAccessFile(path);
  ASSERT_TRUE(r.ok());
  char buf[5];
  EXPECT_EQ(*(*r)->Read(6, 5, buf), 5u);
  EXPECT_EQ(std::string(buf, 5), "world");
  ASSERT_TRUE(env.TruncateFile(path, 5).ok());
  EXPECT_EQ(*env.ReadFile(path), "hello");
  ASSERT_TRUE(env.SyncDir(dir).ok());

  // WriteFileAtomic is composed of the primitives, so the overridden rename is the one used:
  // the write fails and the old contents stay.
  Status s = env.WriteFileAtomic(path, "replaced");
  EXPECT_TRUE(s.IsIOError());
  EXPECT_NE(s.message().find("Read-only"), std::string::npos);
  EXPECT_EQ(env.renames, 1);
  EXPECT_EQ(*env.ReadFile(path), "hello");

  ASSERT_TRUE(env.DeleteFile(path).ok());
  EXPECT_FALSE(env.FileExists(path));
  ASSERT_TRUE(env.DeleteDirRecursive(dir).ok());
  EXPECT_FALSE(env.FileExists(dir));
}

TEST(FaultInjectionEnvTest, DiskFullAndPowerLoss) {
  testutil::TempDir tmp("kappa-common-fault");
  std::string dir = tmp.path();
  FaultInjectionEnv env;
  std::string path = JoinPath(dir, "f");
  auto f = env.NewAppendableFile(path);
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->Append("durable").ok());
  ASSERT_TRUE((*f)->Sync().ok());
  ASSERT_TRUE((*f)->Append("volatile").ok());
  ASSERT_TRUE(env.DropUnsyncedData().ok());
  EXPECT_EQ(*env.ReadFile(path), "durable");

  env.SetWriteBudget(3);
  Status s = (*f)->Append("abcdef");
  EXPECT_TRUE(s.IsIOError());
  EXPECT_NE(s.message().find("No space left"), std::string::npos);
  EXPECT_EQ(*env.ReadFile(path), "durableabc");
  env.SetSyncFails(true);
  EXPECT_FALSE((*f)->Sync().ok());
}

// The annotated mutex types behave as the std types they wrap: a MutexLock can drop and
// retake its mutex, CondVar waits release it (another thread gets in) and take it back, a
// timed wait whose predicate stays false reports the timeout, and readers share.
TEST(DataDirLockTest, SecondOwnerGetsClearError) {
  testutil::TempDir tmp("kappa-common-lock");
  std::string dir = tmp.path();
  auto first = DataDirLock::Acquire(dir, "kappa test");
  ASSERT_TRUE(first.ok());
  // flock locks belong to the open file description, so a second Acquire in the same
  // process conflicts just as another process would.
  auto second = DataDirLock::Acquire(dir, "kappa other");
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(second.status().IsUnavailable());
  EXPECT_NE(second.status().message().find("pid " + std::to_string(::getpid())),
            std::string::npos);
  EXPECT_NE(second.status().message().find("kappa test"), std::string::npos);
  EXPECT_NE(DataDirLock::Owner(dir), "");
  first->reset();
  EXPECT_EQ(DataDirLock::Owner(dir), "");
  EXPECT_TRUE(DataDirLock::Acquire(dir, "kappa again").ok());
}

TEST(TempDirTest, UniqueOwnerOnlyAndRemovedUnlessKept) {
  ::unsetenv("KAPPA_KEEP_TEST_DIRS");
  std::string kept_path;
  {
    testutil::TempDir a("kappa-tempdir-test"), b("kappa-tempdir-test");
    EXPECT_NE(a.path(), b.path());
    EXPECT_EQ(std::filesystem::path(a.path()).parent_path(), std::filesystem::temp_directory_path());
    EXPECT_EQ(std::filesystem::path(a.path()).filename().string().rfind("kappa-tempdir-test-", 0), 0u);
    struct stat st{};
    ASSERT_EQ(::stat(a.path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    ASSERT_TRUE(Env::Default()->CreateDirs(a.Sub("x/y")).ok());
    kept_path = a.path();
  }
  EXPECT_FALSE(std::filesystem::exists(kept_path));  // removed with its contents
  ::setenv("KAPPA_KEEP_TEST_DIRS", "1", 1);
  {
    testutil::TempDir kept("kappa-tempdir-test");
    kept_path = kept.path();
  }
  ::unsetenv("KAPPA_KEEP_TEST_DIRS");
  EXPECT_TRUE(std::filesystem::exists(kept_path));
  std::filesystem::remove_all(kept_path);
}

TEST(FileModesTest, DataDirectoriesAndFilesAreOwnerOnly) {
  mode_t old = ::umask(022);  // a typical login umask: would give 0755 / 0644
  testutil::TempDir tmp("kappa-common-modes");
  std::string root = tmp.path();
  std::string dir = root + "/a/b/c";
  ASSERT_TRUE(Env::Default()->CreateDirs(dir).ok());
  struct stat st{};
  for (const std::string& d : {root + "/a", root + "/a/b", dir}) {
    ASSERT_EQ(::stat(d.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u) << d;
  }
  auto f = Env::Default()->NewWritableFile(dir + "/f");
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->Close().ok());
  ASSERT_EQ(::stat((dir + "/f").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto lock = DataDirLock::Acquire(root + "/data", "test");
  ASSERT_TRUE(lock.ok());
  ASSERT_EQ(::stat((root + "/data").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat((root + "/data/LOCK").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // A file in the way is an error, not a silent success.
  EXPECT_FALSE(CreateDirsOwnerOnly(dir + "/f/g").ok());
  ::umask(old);
}

// ByteBudget: takes wait in order while the budget is spent and time out at their deadline.

}  // namespace
}  // namespace kappa
