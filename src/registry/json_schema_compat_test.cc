// Confluent's JSON Schema compatibility rules, each case both ways: data written with
// `writer`, read with `reader` (BACKWARD checks a new schema as the reader of the old one's
// data; FORWARD the other way round).
#include <gtest/gtest.h>

#include <regex>

#include "registry/schema_type.h"

namespace kappa::registry {
namespace {

std::shared_ptr<const ParsedSchema> P(const std::string& text) {
  auto s = JsonSchemaType().Parse(text, {});
  EXPECT_TRUE(s.ok()) << text << ": " << s.status().ToString();
  return s.ok() ? *s : nullptr;
}

// "TYPE@path" for each incompatibility of reading `writer`'s data with `reader`.
std::vector<std::string> Breaks(const std::string& writer, const std::string& reader) {
  auto w = P(writer), r = P(reader);
  if (!w || !r) return {"PARSE"};
  std::vector<std::string> out;
  static const std::regex kMsg(
      R"(^Found incompatible change: Difference\{jsonPath='([^']*)', type=([A-Z_]+)\}$)");
  for (const auto& m : r->ReadIncompatibilities(*w)) {
    std::smatch g;
    EXPECT_TRUE(std::regex_match(m, g, kMsg)) << m;
    out.push_back(g[2].str() + "@" + g[1].str());
  }
  return out;
}

using V = std::vector<std::string>;

struct Case {
  const char* name;
  const char* a;
  const char* b;
  V a_to_b;  // data written with a, read with b
  V b_to_a;  // data written with b, read with a
};

const Case kCases[] = {
    {"same schema",
     R"({"type":"object","properties":{"a":{"type":"string"}}})",
     R"({"properties":{"a":{"type":"string"}},"type":"object"})", {}, {}},
    {"property added to an open content model",
     R"({"type":"object","properties":{"a":{"type":"string"}}})",
     R"({"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}}})",
     {"PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL@#/properties/b"}, {}},
    {"property with empty schema added to an open content model",
     R"({"type":"object","properties":{"a":{"type":"string"}}})",
     R"({"type":"object","properties":{"a":{"type":"string"},"b":{}}})", {}, {}},
    {"optional property added to a closed content model",
     R"({"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false})",
     R"({"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"additionalProperties":false})",
     {}, {"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL@#/properties/b"}},
    {"required property added to a closed content model",
     R"({"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false})",
     R"({"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"required":["b"],"additionalProperties":false})",
     {"REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL@#/properties/b"},
     {"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL@#/properties/b"}},
    {"required property with a default added to a closed content model",
     R"({"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false})",
     R"({"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string","default":"x"}},"required":["b"],"additionalProperties":false})",
     {}, {"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL@#/properties/b"}},
    {"property covered by a partially open content model",
     R"({"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":{"type":"string"}})",
     R"({"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"additionalProperties":{"type":"string"}})",
     {}, {}},
    {"property not covered by a partially open content model",
     R"({"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":{"type":"string"}})",
     R"({"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}},"additionalProperties":{"type":"string"}})",
     {"TYPE_CHANGED@#/properties/b", "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL@#/properties/b"},
     {"TYPE_CHANGED@#/properties/b", "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL@#/properties/b"}},
    {"additionalProperties false",
     R"({"type":"object","properties":{"a":{"type":"string"}}})",
     R"({"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false})",
     {"ADDITIONAL_PROPERTIES_REMOVED@#/additionalProperties"}, {}},
    {"required attribute added",
     R"({"type":"object","properties":{"a":{"type":"string"}}})",
     R"({"type":"object","properties":{"a":{"type":"string"}},"required":["a"]})",
     {"REQUIRED_ATTRIBUTE_ADDED@#/required/a"}, {}},
    {"integer widened to number",
     R"({"type":"integer"})", R"({"type":"number"})", {}, {"TYPE_NARROWED@#/"}},
    {"string to integer", R"({"type":"string"})", R"({"type":"integer"})",
     {"TYPE_CHANGED@#/"}, {"TYPE_CHANGED@#/"}},
    {"maxLength", R"({"type":"string","maxLength":10})", R"({"type":"string","maxLength":5})",
     {"MAX_LENGTH_DECREASED@#/maxLength"}, {}},
    {"minLength added", R"({"type":"string"})", R"({"type":"string","minLength":2})",
     {"MIN_LENGTH_ADDED@#/minLength"}, {}},
    {"pattern changed", R"({"type":"string","pattern":"^a"})", R"({"type":"string","pattern":"^b"})",
     {"PATTERN_CHANGED@#/pattern"}, {"PATTERN_CHANGED@#/pattern"}},
    {"maximum and minimum", R"({"type":"number","maximum":10,"minimum":0})",
     R"({"type":"number","maximum":5,"minimum":-5})",
     {"MAXIMUM_DECREASED@#/maximum"}, {"MINIMUM_INCREASED@#/minimum"}},
    {"multipleOf", R"({"type":"integer","multipleOf":2})", R"({"type":"integer","multipleOf":4})",
     {"MULTIPLE_OF_EXPANDED@#/multipleOf"}, {}},
    {"enum extended", R"({"enum":["a","b"]})", R"({"enum":["a","b","c"]})",
     {}, {"ENUM_ARRAY_NARROWED@#/enum"}},
    {"enum changed", R"({"enum":["a","b"]})", R"({"enum":["a","c"]})",
     {"ENUM_ARRAY_CHANGED@#/enum"}, {"ENUM_ARRAY_CHANGED@#/enum"}},
    {"const changed", R"({"const":1})", R"({"const":2})",
     {"ENUM_ARRAY_CHANGED@#/const"}, {"ENUM_ARRAY_CHANGED@#/const"}},
    {"nullable: type widened to a union", R"({"type":"string"})", R"({"type":["string","null"]})",
     {}, {"TYPE_CHANGED@#/"}},
    {"oneOf narrowed", R"({"oneOf":[{"type":"string"},{"type":"integer"}]})",
     R"({"oneOf":[{"type":"string"}]})", {"SUM_TYPE_NARROWED@#/"}, {}},
    {"anyOf to oneOf", R"({"anyOf":[{"type":"string"},{"type":"integer"}]})",
     R"({"oneOf":[{"type":"string"},{"type":"integer"}]})", {"COMBINED_TYPE_CHANGED@#/"}, {}},
    {"oneOf member changed", R"({"oneOf":[{"type":"string"},{"type":"integer"}]})",
     R"({"oneOf":[{"type":"string"},{"type":"boolean"}]})",
     {"COMBINED_TYPE_SUBSCHEMAS_CHANGED@#/"}, {"COMBINED_TYPE_SUBSCHEMAS_CHANGED@#/"}},
    {"array items type", R"({"type":"array","items":{"type":"string"}})",
     R"({"type":"array","items":{"type":"integer"}})", {"TYPE_CHANGED@#/items"}, {"TYPE_CHANGED@#/items"}},
    {"array bounds", R"({"type":"array","maxItems":3,"uniqueItems":true})",
     R"({"type":"array","maxItems":2})", {"MAX_ITEMS_DECREASED@#/maxItems"},
     {"UNIQUE_ITEMS_ADDED@#/uniqueItems"}},
    {"tuple item added to an open content model (2020-12)",
     R"({"$schema":"https://json-schema.org/draft/2020-12/schema","type":"array","prefixItems":[{"type":"string"}]})",
     R"({"$schema":"https://json-schema.org/draft/2020-12/schema","type":"array","prefixItems":[{"type":"string"},{"type":"integer"}]})",
     {"ITEM_ADDED_TO_OPEN_CONTENT_MODEL@#/items/1"}, {}},
    {"tuple item removed from a closed content model (draft-07)",
     R"({"type":"array","items":[{"type":"string"},{"type":"integer"}],"additionalItems":false})",
     R"({"type":"array","items":[{"type":"string"}],"additionalItems":false})",
     {"ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL@#/items/1"}, {}},
    {"through $ref", R"({"definitions":{"s":{"type":"string","maxLength":5}},"properties":{"a":{"$ref":"#/definitions/s"}}})",
     R"({"definitions":{"s":{"type":"string","maxLength":3}},"properties":{"a":{"$ref":"#/definitions/s"}}})",
     {"MAX_LENGTH_DECREASED@#/properties/a/maxLength"}, {}},
    {"nested objects", R"({"properties":{"u":{"properties":{"age":{"type":"number"}}}}})",
     R"({"properties":{"u":{"properties":{"age":{"type":"integer"}}}}})",
     {"TYPE_NARROWED@#/properties/u/properties/age"}, {}},
    {"anything becomes the empty schema", R"({"type":"string"})", R"({})", {}, {"TYPE_CHANGED@#/"}},
    {"false becomes anything", R"(false)", R"({"type":"string"})", {}, {"TYPE_CHANGED@#/"}},
    {"not", R"({"not":{"type":"string"}})", R"({"not":{"type":["string","null"]}})",
     {"NOT_TYPE_EXTENDED@#/not"}, {}},
};

TEST(JsonSchemaCompatTest, ConfluentRulesBothWays) {
  for (const auto& c : kCases) {
    EXPECT_EQ(Breaks(c.a, c.b), c.a_to_b) << c.name << " (a written, b reads)";
    EXPECT_EQ(Breaks(c.b, c.a), c.b_to_a) << c.name << " (b written, a reads)";
  }
}

TEST(JsonSchemaCompatTest, RecursiveSchemasTerminate) {
  const char* tree =
      R"({"definitions":{"n":{"type":"object","properties":{"v":{"type":"integer"},"kids":{"type":"array","items":{"$ref":"#/definitions/n"}}}}},"$ref":"#/definitions/n"})";
  const char* tree2 =
      R"({"definitions":{"n":{"type":"object","properties":{"v":{"type":"string"},"kids":{"type":"array","items":{"$ref":"#/definitions/n"}}}}},"$ref":"#/definitions/n"})";
  EXPECT_EQ(Breaks(tree, tree), V{});
  EXPECT_EQ(Breaks(tree, tree2), V{"TYPE_CHANGED@#/properties/v"});
  EXPECT_EQ(Breaks(R"({"anyOf":[{"$ref":"#"},{"type":"string"}]})",
                   R"({"anyOf":[{"$ref":"#"},{"type":"string"}]})"), V{});
}

TEST(JsonSchemaCompatTest, MessagesReadLikeConfluents) {
  auto w = P(R"({"type":"object","properties":{"age":{"type":"number"}}})");
  auto r = P(R"({"type":"object","properties":{"age":{"type":"integer"}}})");
  EXPECT_EQ(r->ReadIncompatibilities(*w),
            std::vector<std::string>{"Found incompatible change: Difference{jsonPath='#/properties/age', type=TYPE_NARROWED}"});
}

TEST(JsonSchemaCompatTest, ReferencedSchemasAreCompared) {
  ResolvedReference v1{"a.json", "a", 1, R"({"type":"string","maxLength":9})", {}};
  ResolvedReference v2{"a.json", "a", 2, R"({"type":"string","maxLength":4})", {}};
  auto w = JsonSchemaType().Parse(R"({"properties":{"x":{"$ref":"a.json"}}})", {v1});
  auto r = JsonSchemaType().Parse(R"({"properties":{"x":{"$ref":"a.json"}}})", {v2});
  ASSERT_TRUE(w.ok() && r.ok());
  EXPECT_EQ((*r)->ReadIncompatibilities(**w),
            std::vector<std::string>{"Found incompatible change: Difference{jsonPath='#/properties/x/maxLength', type=MAX_LENGTH_DECREASED}"});
  EXPECT_TRUE((*w)->ReadIncompatibilities(**r).empty());
}

}  // namespace
}  // namespace kappa::registry
