// The JSON schema type: what is a valid schema in each draft, references, canonical form.
#include <gtest/gtest.h>

#include "registry/schema_type.h"

namespace kappa::registry {
namespace {

Result<std::shared_ptr<const ParsedSchema>> Parse(const std::string& text,
                                                  const std::vector<ResolvedReference>& refs = {}) {
  return JsonSchemaType().Parse(text, refs);
}

TEST(JsonSchemaTest, NameAndType) {
  EXPECT_EQ(JsonSchemaType().name(), "JSON");
  auto s = Parse(R"({"type":"string"})");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->type(), "JSON");
}

TEST(JsonSchemaTest, ValidSchemas) {
  const char* valid[] = {
      "true", "false", "{}",
      R"({"type":"object","properties":{"id":{"type":"integer"},"name":{"type":"string"}},"required":["id"]})",
      R"({"type":["string","null"],"maxLength":10})",
      R"({"$schema":"http://json-schema.org/draft-07/schema#","type":"array","items":[{"type":"string"}],"additionalItems":false})",
      R"({"$schema":"https://json-schema.org/draft/2020-12/schema","type":"array","prefixItems":[{"type":"string"}],"items":false})",
      R"({"$schema":"https://json-schema.org/draft/2020-12/schema","$defs":{"a":{"type":"string"}},"$ref":"#/$defs/a"})",
      R"({"$schema":"http://json-schema.org/draft-04/schema#","type":"number","maximum":3,"exclusiveMaximum":true})",
      R"({"$schema":"http://json-schema.org/draft-06/schema#","exclusiveMinimum":0,"examples":[1]})",
      R"({"definitions":{"node":{"type":"object","properties":{"kids":{"type":"array","items":{"$ref":"#/definitions/node"}}}}},"$ref":"#/definitions/node"})",
      R"({"$id":"http://x.test/root.json","definitions":{"a":{"$id":"#A","type":"string"}},"properties":{"a":{"$ref":"#A"}}})",
      R"({"anyOf":[{"type":"string"},{"type":"integer","minimum":0,"multipleOf":2}],"not":{"const":3}})",
      R"({"enum":["a",1,null],"x-unknown":{"anything":[1,2]}})",
      R"({"patternProperties":{"^x-":{"type":"string"}},"additionalProperties":false})",
      R"({"dependencies":{"a":["b"],"c":{"required":["d"]}},"minProperties":1.0})",
      R"({"if":{"type":"string"},"then":{"minLength":1},"else":{"type":"null"}})",
      R"({"required":[]})",
      R"({"$schema":"http://json-schema.org/draft-07/schema#","enum":[]})",
  };
  for (const char* text : valid) {
    auto s = Parse(text);
    EXPECT_TRUE(s.ok()) << text << ": " << s.status().ToString();
  }
}

TEST(JsonSchemaTest, InvalidSchemas) {
  struct Case {
    const char* text;
    const char* message_part;
  };
  const Case invalid[] = {
      {"", "not a JSON document"},
      {"{\"type\":", "not a JSON document"},
      {"42", "must be an object or a boolean"},
      {"\"string\"", "must be an object or a boolean"},
      {R"({"type":"strin"})", "#/type: unknown type \"strin\""},
      {R"({"type":5})", "#/type"},
      {R"({"type":["string","string"]})", "duplicate types"},
      {R"({"properties":{"a":5}})", "#/properties/a: a schema must be an object or a boolean"},
      {R"({"properties":[]})", "#/properties: must be an object of schemas"},
      {R"({"required":"a"})", "#/required: must be an array of strings"},
      {R"({"required":["a","a"]})", "duplicate entry"},
      {R"({"items":5})", "#/items"},
      {R"({"items":[]})", "#/items: must not be empty"},
      {R"({"anyOf":[]})", "#/anyOf: must not be empty"},
      {R"({"allOf":{}})", "#/allOf: must be an array of schemas"},
      {R"({"maxLength":-1})", "#/maxLength: must be a non-negative integer"},
      {R"({"minItems":1.5})", "#/minItems: must be a non-negative integer"},
      {R"({"maximum":"3"})", "#/maximum: must be a number"},
      {R"({"multipleOf":0})", "#/multipleOf: must be a number above 0"},
      {R"({"pattern":"(unclosed"})", "invalid regular expression"},
      {R"({"patternProperties":{"[":{}}})", "invalid regular expression"},
      {R"({"enum":"a"})", "#/enum: must be an array"},
      {R"({"additionalProperties":"no"})", "#/additionalProperties"},
      {R"({"uniqueItems":"yes"})", "#/uniqueItems: must be a boolean"},
      {R"({"$ref":"#/definitions/missing"})", "$ref '#/definitions/missing' at # cannot be resolved"},
      {R"({"properties":{"a":{"$ref":"other.json"}}})", "$ref 'other.json' at #/properties/a cannot be resolved"},
      {R"({"$schema":5})", "$schema must be a string"},
      {R"({"$schema":"http://json-schema.org/draft-04/schema#","exclusiveMaximum":3})", "must be a boolean in draft-04"},
      {R"({"$schema":"http://json-schema.org/draft-04/schema#","properties":{"a":true}})", "draft-04"},
      {R"({"$schema":"http://json-schema.org/draft-04/schema#","required":[]})", "must not be empty"},
      {R"({"$schema":"https://json-schema.org/draft/2020-12/schema","items":[{}]})", "#/items"},
      {R"({"$schema":"https://json-schema.org/draft/2020-12/schema","$defs":{"a":1}})", "#/$defs/a"},
  };
  for (const auto& c : invalid) {
    auto s = Parse(c.text);
    ASSERT_FALSE(s.ok()) << c.text;
    EXPECT_TRUE(s.status().IsInvalidArgument());
    EXPECT_EQ(s.status().message().rfind("Invalid schema", 0), 0u) << s.status().message();
    EXPECT_NE(s.status().message().find(c.message_part), std::string::npos)
        << c.text << " -> " << s.status().message();
  }
}

TEST(JsonSchemaTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep(100000, '[');
  auto s = Parse(deep);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("nested deeper"), std::string::npos);
  std::string nested;
  for (int i = 0; i < 150; ++i) nested += R"({"items":)";
  nested += "{}";
  for (int i = 0; i < 150; ++i) nested += "}";
  EXPECT_TRUE(Parse(nested).ok());
}

TEST(JsonSchemaTest, CanonicalSortsKeysAndDropsWhitespace) {
  auto a = Parse("{ \"type\" : \"object\",\n \"properties\": {\"b\": {\"type\":\"string\"}, \"a\": {}} }");
  auto b = Parse(R"({"properties":{"a":{},"b":{"type":"string"}},"type":"object"})");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ((*a)->canonical(), R"({"properties":{"a":{},"b":{"type":"string"}},"type":"object"})");
  EXPECT_EQ((*a)->canonical(), (*b)->canonical());
  EXPECT_EQ((*a)->Text(true), (*a)->canonical());
  EXPECT_EQ((*a)->Text(false), "{ \"type\" : \"object\",\n \"properties\": {\"b\": {\"type\":\"string\"}, \"a\": {}} }");
  auto c = Parse(R"({"type":"object","properties":{"a":{"type":"integer"}}})");
  EXPECT_NE((*a)->canonical(), (*c)->canonical());
}

TEST(JsonSchemaTest, ReferencesByUrlName) {
  ResolvedReference address{"address.json", "address-value", 1,
                            R"({"type":"object","properties":{"zip":{"$ref":"#/definitions/zip"}},"definitions":{"zip":{"type":"string","maxLength":5}}})",
                            {}};
  const std::string user =
      R"({"type":"object","properties":{"home":{"$ref":"address.json"},"zip":{"$ref":"address.json#/definitions/zip"}}})";
  auto s = Parse(user, {address});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  // Without the reference, the $ref cannot be resolved.
  auto missing = Parse(user);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("address.json"), std::string::npos);
  // Relative to an $id base, the reference is still found by its name.
  auto with_id = Parse(
      R"({"$id":"https://example.com/schemas/user.json","properties":{"home":{"$ref":"address.json"}}})",
      {address});
  EXPECT_TRUE(with_id.ok()) << with_id.status().ToString();
  // A referenced schema that is itself invalid is reported with its name.
  ResolvedReference bad{"bad.json", "bad-value", 2, R"({"type":"nope"})", {}};
  auto b = Parse(R"({"$ref":"bad.json"})", {bad});
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("reference 'bad.json'"), std::string::npos);
  // Transitive references.
  ResolvedReference zip{"zip.json", "zip-value", 1, R"({"type":"string"})", {}};
  ResolvedReference addr2{"addr2.json", "addr2-value", 1, R"({"properties":{"zip":{"$ref":"zip.json"}}})", {zip}};
  EXPECT_TRUE(Parse(R"({"$ref":"addr2.json"})", {addr2}).ok());
}

}  // namespace
}  // namespace kappa::registry
