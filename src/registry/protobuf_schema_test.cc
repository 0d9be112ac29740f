#include <gtest/gtest.h>
#include "registry/schema_type.h"
TEST(ProtobufSchemaTest, Placeholder) {}
