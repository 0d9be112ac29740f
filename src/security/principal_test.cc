#include <gtest/gtest.h>

#include "security/security.h"

namespace kappa::security {
namespace {

TEST(PrincipalTest, KafkaNames) {
  EXPECT_EQ(Principal::Anonymous().KafkaName(), "User:ANONYMOUS");
  EXPECT_EQ(Principal::User("alice").KafkaName(), "User:alice");
  EXPECT_TRUE(Principal::User("alice").authenticated);
}

}  // namespace
}  // namespace kappa::security
