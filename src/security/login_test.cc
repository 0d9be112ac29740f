// ParseBasicAuthorization and LoginThrottle (security.h).
#include <gtest/gtest.h>

#include "security/security.h"

namespace kappa::security {
namespace {

TEST(BasicAuthTest, ParsesRfc7617Credentials) {
  // RFC 7617 section 2's example: Aladdin / open sesame.
  auto c = ParseBasicAuthorization("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->user, "Aladdin");
  EXPECT_EQ(c->password, "open sesame");
  c = ParseBasicAuthorization("basic   YTpiOmM=");  // a:b:c, the password holds the colon
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->user, "a");
  EXPECT_EQ(c->password, "b:c");
  c = ParseBasicAuthorization("Basic YTo=");  // a: with an empty password
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->password, "");
}

TEST(BasicAuthTest, RefusesWhatIsNotBasic) {
  EXPECT_FALSE(ParseBasicAuthorization("").has_value());
  EXPECT_FALSE(ParseBasicAuthorization("Bearer abc").has_value());
  EXPECT_FALSE(ParseBasicAuthorization("Basic").has_value());
  EXPECT_FALSE(ParseBasicAuthorization("BasicQWxh").has_value());
  EXPECT_FALSE(ParseBasicAuthorization("Basic !!!!").has_value());
  EXPECT_FALSE(ParseBasicAuthorization("Basic QWxhZGRpbg==").has_value());  // no colon
  EXPECT_FALSE(ParseBasicAuthorization("Basic OnB3").has_value());  // ":pw": no user
  EXPECT_FALSE(ParseBasicAuthorization("Basic QWx").has_value());   // not a multiple of 4
}

TEST(LoginThrottleTest, CountsFailuresPerAddressPerMinute) {
  int64_t now = 0;
  LoginThrottle t(3, [&] { return now; });
  EXPECT_TRUE(t.Allowed("10.0.0.5:1000"));
  for (int i = 0; i < 3; ++i) t.Failed("10.0.0.5:" + std::to_string(1000 + i));
  EXPECT_FALSE(t.Allowed("10.0.0.5:2000"));  // another connection, the same address
  EXPECT_TRUE(t.Allowed("10.0.0.6:1000"));
  t.Failed("[::1]:5");
  EXPECT_TRUE(t.Allowed("[::1]:6"));
  now += 59'000;
  EXPECT_FALSE(t.Allowed("10.0.0.5:2000"));
  now += 1'000;
  EXPECT_TRUE(t.Allowed("10.0.0.5:2000"));
}

}  // namespace
}  // namespace kappa::security
