#include <gtest/gtest.h>

#include "registry/schema_type.h"

namespace kappa::registry {
namespace {

TEST(JsonSchemaTest, Smoke) {
  auto r = JsonSchemaType().Parse(R"({"type":"object","properties":{"a":{"type":"string"}}})", {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
}

}  // namespace
}  // namespace kappa::registry
