// `security.acls` of kappa.yaml.
#include <gtest/gtest.h>

#include "app/app.h"

namespace kappa::app {
namespace {

TEST(ConfigSecurityAcl, DefaultsAndValues) {
  auto d = LoadConfigText("data_dir: d\n", "a.yaml");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_FALSE(d->security.acls.enabled);
  EXPECT_TRUE(d->security.acls.super_users.empty());
  auto ok = LoadConfigText("security:\n  acls:\n    enabled: true\n"
                           "    super_users: [admin, \"User:ops\"]\n    allow_if_no_acl: true\n",
                           "a.yaml");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(ok->security.acls.enabled);
  EXPECT_TRUE(ok->security.acls.allow_if_no_acl);
  EXPECT_EQ(ok->security.acls.super_users, (std::vector<std::string>{"admin", "User:ops"}));
  const std::pair<std::string, std::string> bad[] = {
      {"security:\n  acls:\n    enabled: perhaps\n", "bad.yaml:3:14: security.acls.enabled"},
      {"security:\n  acls:\n    super_user: [a]\n", "did you mean 'super_users'"},
      {"security:\n  acls:\n    super_users: [\"User:\"]\n",
       "bad.yaml:3:19: security.acls.super_users[0]: give a user name or User:NAME"},
      {"security:\n  acls: true\n", "security.acls"},
  };
  for (const auto& [text, expect] : bad) {
    auto r = LoadConfigText(text, "bad.yaml");
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.status().message().find(expect), std::string::npos)
        << "got: " << r.status().message() << "\nwanted: " << expect;
  }
}

}  // namespace
}  // namespace kappa::app
