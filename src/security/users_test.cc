#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <thread>

#include "common/env.h"
#include "common/file_modes.h"
#include "security/scram.h"
#include "security/security.h"
#include "testutil/temp_dir.h"

namespace kappa::security {
namespace {

TEST(UserStoreTest, PutCheckListDelete) {
  testutil::TempDir dir;
  auto s = UserStore::Open(dir.path() + "/security");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto& users = **s;
  EXPECT_TRUE(users.Empty());
  ASSERT_TRUE(users.Put("alice", "secret-a").ok());
  ASSERT_TRUE(users.Put("bob", "secret-b").ok());
  EXPECT_EQ(users.List(), (std::vector<std::string>{"alice", "bob"}));
  EXPECT_TRUE(users.CheckPassword("alice", "secret-a"));
  EXPECT_FALSE(users.CheckPassword("alice", "secret-b"));
  EXPECT_FALSE(users.CheckPassword("carol", "secret-a"));
  auto c = users.Scram("alice", ScramMechanism::kSha256);
  ASSERT_TRUE(c.has_value());
  EXPECT_GE(c->iterations, 4096);
  EXPECT_EQ(c->stored_key.size(), 32u);
  EXPECT_EQ(users.Scram("alice", ScramMechanism::kSha512)->stored_key.size(), 64u);
  ASSERT_TRUE(users.Put("alice", "changed").ok());
  EXPECT_TRUE(users.CheckPassword("alice", "changed"));
  EXPECT_FALSE(users.CheckPassword("alice", "secret-a"));
  ASSERT_TRUE(users.Delete("bob").ok());
  EXPECT_TRUE(users.Delete("bob").IsNotFound());
  EXPECT_FALSE(users.Exists("bob"));
  EXPECT_FALSE(users.Put("", "x").ok());
  EXPECT_FALSE(users.Put("a b", "x").ok());
  EXPECT_FALSE(users.Put("dave", "").ok());
}

TEST(UserStoreTest, RolesWithoutLoginOrPasswordAndSuperUsers) {
  testutil::TempDir dir;
  auto s = UserStore::Open(dir.path() + "/security");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto& users = **s;
  // CREATE ROLE analyst: no password, no login (Cassandra's defaults); not a login user.
  ASSERT_TRUE(users.CreateRole("analyst", {}).ok());
  EXPECT_TRUE(users.Empty());
  EXPECT_FALSE(users.Scram("analyst", ScramMechanism::kSha512).has_value());
  EXPECT_TRUE(users.CreateRole("analyst", {}).IsAlreadyExists());
  // LOGIN without a password still cannot log in.
  ASSERT_TRUE(users.AlterRole("analyst", {std::nullopt, true, std::nullopt}).ok());
  EXPECT_TRUE(users.Empty());
  ASSERT_TRUE(users.AlterRole("analyst", {"pw", std::nullopt, true}).ok());
  EXPECT_FALSE(users.Empty());
  EXPECT_TRUE(users.CheckPassword("analyst", "pw"));
  auto r = users.Role("analyst");
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->superuser && r->login && r->has_password);
  // kappa users add keeps the flags while it changes the password.
  ASSERT_TRUE(users.Put("analyst", "pw2").ok());
  EXPECT_TRUE(users.Role("analyst")->superuser);
  // LOGIN false locks the role out, whatever its password.
  ASSERT_TRUE(users.AlterRole("analyst", {std::nullopt, false, std::nullopt}).ok());
  EXPECT_FALSE(users.CheckPassword("analyst", "pw2"));
  EXPECT_TRUE(users.AlterRole("nobody", {}).IsNotFound());
  // The flags survive a reopen (written to users.json only when not the default).
  auto again = UserStore::Open(dir.path() + "/security");
  ASSERT_TRUE(again.ok());
  auto roles = (*again)->Roles();
  ASSERT_EQ(roles.size(), 1u);
  EXPECT_FALSE(roles[0].login);
  EXPECT_TRUE(roles[0].superuser);
}

TEST(UserStoreTest, FileHoldsNoPasswordAndIsOwnerOnly) {
  testutil::TempDir dir;
  std::string sec = dir.path() + "/security";
  auto s = UserStore::Open(sec);
  ASSERT_TRUE((*s)->Put("alice", "very-secret-password").ok());
  auto text = Env::Default()->ReadFile(sec + "/users.json");
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->find("very-secret-password"), std::string::npos);
  EXPECT_NE(text->find("SCRAM-SHA-512"), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat((sec + "/users.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(sec.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  // Reopened, the users are there.
  auto again = UserStore::Open(sec);
  EXPECT_TRUE((*again)->CheckPassword("alice", "very-secret-password"));
}

// Another process (the CLI) changes the file: a reader sees it within about a second.
TEST(UserStoreTest, ReaderSeesAnotherWritersChange) {
  testutil::TempDir dir;
  std::string sec = dir.path() + "/security";
  auto reader = UserStore::Open(sec);
  auto writer = UserStore::Open(sec);
  EXPECT_FALSE((*reader)->Exists("alice"));
  ASSERT_TRUE((*writer)->Put("alice", "pw").ok());
  bool seen = false;
  for (int i = 0; i < 40 && !seen; ++i) {
    seen = (*reader)->Exists("alice");
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(seen);
  // Both writers' changes survive (each re-reads under the lock before writing).
  ASSERT_TRUE((*reader)->Put("bob", "pw").ok());
  ASSERT_TRUE((*writer)->Put("carol", "pw").ok());
  auto fresh = UserStore::Open(sec);
  EXPECT_EQ((*fresh)->List(), (std::vector<std::string>{"alice", "bob", "carol"}));
}

TEST(UserStoreTest, CorruptFileIsAnErrorNamingIt) {
  testutil::TempDir dir;
  std::string sec = dir.path() + "/security";
  ASSERT_TRUE(CreateDirsOwnerOnly(sec).ok());
  std::ofstream(sec + "/users.json") << "{not json";
  auto s = UserStore::Open(sec);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("users.json"), std::string::npos);
  std::ofstream(sec + "/users.json", std::ios::trunc)
      << R"({"version":1,"users":{"a":{"SCRAM-SHA-256":{"salt":"AA==","iterations":10,"stored_key":"AA==","server_key":"AA=="}}}})";
  s = UserStore::Open(sec);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("4096"), std::string::npos);
}

}  // namespace
}  // namespace kappa::security
