// The registry's AVRO SchemaType (src/registry/avro_schema_type.cc, compiled into this test
// until src/registry has its own target): parsing with references, identity, normalization
// and the reasons it gives the compatibility levels.
#include <gtest/gtest.h>

#include "registry/schema_type.h"

namespace kappa::registry {
namespace {

std::shared_ptr<const ParsedSchema> MustParseType(std::string_view text,
                                              const std::vector<ResolvedReference>& refs = {}) {
  auto s = AvroSchemaType().Parse(text, refs);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? *s : nullptr;
}

TEST(AvroSchemaType, ParsesAndCanonicalizes) {
  EXPECT_EQ(AvroSchemaType().name(), "AVRO");
  const std::string text =
      R"({"type": "record", "name": "User", "namespace": "com.acme", "doc": "x",
      "fields": [{"name": "id", "type": "long"}, {"name": "n", "type": "int", "default": 1}]})";
  auto s = MustParseType(text);
  EXPECT_EQ(s->type(), "AVRO");
  EXPECT_EQ(s->canonical(),
            R"({"name":"com.acme.User","type":"record","fields":[{"name":"id","type":"long"},)"
            R"({"name":"n","type":"int","default":1}]})");
  EXPECT_EQ(s->Text(false), text);
  EXPECT_EQ(s->Text(true), s->canonical());
  // The same schema spelled differently has the same identity; another default does not.
  auto same = MustParseType(R"({"name":"com.acme.User","type":"record","fields":[
      {"name":"id","type":{"type":"long"}},{"name":"n","type":"int","default":1,"doc":"d"}]})");
  EXPECT_EQ(same->canonical(), s->canonical());
  auto other = MustParseType(R"({"name":"com.acme.User","type":"record","fields":[
      {"name":"id","type":"long"},{"name":"n","type":"int","default":2}]})");
  EXPECT_NE(other->canonical(), s->canonical());
}

TEST(AvroSchemaType, InvalidSchemasAreInvalidArgument) {
  for (const char* bad :
       {"", "{", R"({"type":"record","name":"R"})", R"(["int","int"])",
        R"({"type":"record","name":"R","fields":[{"name":"a","type":"int","default":"x"}]})"}) {
    auto s = AvroSchemaType().Parse(bad, {});
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_TRUE(s.status().IsInvalidArgument());
    EXPECT_EQ(s.status().message().rfind("Invalid schema: ", 0), 0u) << s.status().message();
  }
  auto s = AvroSchemaType().Parse(
      R"({"type":"record","name":"R","fields":[{"name":"a","type":"Missing"}]})", {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(), "Invalid schema: /fields/0/type: undefined named type 'Missing'");
}

TEST(AvroSchemaType, ReferencesTransitiveAndShared) {
  ResolvedReference country{
      "com.acme.Country",
      "country",
      1,
      R"({"type":"enum","name":"Country","namespace":"com.acme","symbols":["DE","FR"]})",
      {}};
  ResolvedReference address{"com.acme.Address",
                            "address",
                            2,
                            R"({"type":"record","name":"Address","namespace":"com.acme",
                                "fields":[{"name":"country","type":"Country"}]})",
                            {country}};
  // Country is reached twice (directly and through Address): it is defined once.
  auto s = MustParseType(R"({"type":"record","name":"Customer","namespace":"com.acme",
      "fields":[{"name":"home","type":"Address"},{"name":"born","type":"Country"}]})",
                     {address, country});
  EXPECT_EQ(
      s->canonical(),
      R"({"name":"com.acme.Customer","type":"record","fields":[{"name":"home","type":"com.acme.Address"},)"
      R"({"name":"born","type":"com.acme.Country"}]})");
  auto missing = AvroSchemaType().Parse(
      R"({"type":"record","name":"C","fields":[{"name":"h","type":"com.acme.Address"}]})", {});
  EXPECT_FALSE(missing.ok());
}

TEST(AvroSchemaType, ReadIncompatibilities) {
  auto v1 = MustParseType(R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"}]})");
  auto v2 = MustParseType(
      R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"age","type":"int"}]})");
  auto v3 = MustParseType(
      R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"age","type":"int","default":0}]})");
  // BACKWARD (the new schema reads the old data): v2 added a field without a default.
  EXPECT_EQ(
      v2->ReadIncompatibilities(*v1),
      std::vector<std::string>{
          "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'age' at path "
          "'/fields/1' in the new schema has no default value and is missing in the old "
          "schema', additionalInfo:'age'}"});
  // The same pair in the FORWARD direction's wording (the old schema reading the new one's
  // data): Confluent names the reader "old".
  EXPECT_EQ(
      v2->ReadIncompatibilities(*v1, /*reader_is_new=*/false),
      std::vector<std::string>{
          "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'age' at path "
          "'/fields/1' in the old schema has no default value and is missing in the new "
          "schema', additionalInfo:'age'}"});
  EXPECT_TRUE(v3->ReadIncompatibilities(*v1).empty());
  // FORWARD (the old schema reads the new data): removing or adding a field is fine there.
  EXPECT_TRUE(v1->ReadIncompatibilities(*v2).empty());
  EXPECT_TRUE(v1->ReadIncompatibilities(*v1).empty());
}

}  // namespace
}  // namespace kappa::registry
