// Parsing and validation of Avro schemas (Avro 1.11 specification), with the messages a
// registry user sees for invalid ones.
#include <gtest/gtest.h>

#include "avro/avro.h"

namespace kappa::avro {
namespace {

std::shared_ptr<const Schema> MustParse(std::string_view text, const std::vector<std::string>& refs = {}) {
  auto s = Parse(text, refs);
  EXPECT_TRUE(s.ok()) << text << " -> " << s.status().ToString();
  return s.ok() ? *s : nullptr;
}

// The error message of an invalid schema.
std::string Error(std::string_view text, const std::vector<std::string>& refs = {}) {
  auto s = Parse(text, refs);
  EXPECT_FALSE(s.ok()) << text << " parsed, expected an error";
  if (s.ok()) return "";
  EXPECT_TRUE(s.status().IsInvalidArgument());
  return s.status().message();
}

TEST(AvroSchema, PrimitivesAndComplexTypes) {
  for (const char* p : {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}) {
    auto s = MustParse(std::string("\"") + p + "\"");
    EXPECT_EQ(TypeName(s->root().type), p);
    s = MustParse(std::string("{\"type\":\"") + p + "\"}");
    EXPECT_EQ(TypeName(s->root().type), p);
  }
  auto s = MustParse(R"({"type":"map","values":{"type":"array","items":["null","string"]}})");
  EXPECT_EQ(s->root().type, Type::kMap);
  EXPECT_EQ(s->root().items->type, Type::kArray);
  EXPECT_EQ(s->root().items->items->branches.size(), 2u);
}

TEST(AvroSchema, RecordModel) {
  auto s = MustParse(R"({"type":"record","name":"User","namespace":"com.acme","doc":"a user",
    "aliases":["Person","old.Human"],
    "fields":[
      {"name":"id","type":"long","doc":"key","order":"descending"},
      {"name":"name","type":"string","default":"anon","aliases":["username"]},
      {"name":"kind","type":{"type":"enum","name":"Kind","symbols":["A","B"],"default":"A"}},
      {"name":"tag","type":{"type":"fixed","name":"other.Tag","size":4}},
      {"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
      {"name":"next","type":["null","User"],"default":null}]})");
  const Node& u = s->root();
  EXPECT_EQ(u.full_name, "com.acme.User");
  EXPECT_EQ(u.name, "User");
  EXPECT_EQ(u.space, "com.acme");
  EXPECT_EQ(u.doc, "a user");
  EXPECT_EQ(u.aliases, (std::vector<std::string>{"com.acme.Person", "old.Human"}));
  ASSERT_EQ(u.fields.size(), 6u);
  EXPECT_EQ(u.fields[0].order, "descending");
  EXPECT_FALSE(u.fields[0].default_value.has_value());
  EXPECT_EQ(*u.fields[1].default_value, "anon");
  EXPECT_EQ(u.fields[1].aliases, std::vector<std::string>{"username"});
  // Nested named types inherit the enclosing namespace unless their name is dotted.
  EXPECT_EQ(u.fields[2].type->full_name, "com.acme.Kind");
  EXPECT_EQ(u.fields[2].type->enum_default, "A");
  EXPECT_EQ(u.fields[3].type->full_name, "other.Tag");
  EXPECT_EQ(u.fields[3].type->size, 4);
  EXPECT_EQ(u.fields[4].type->logical_type, "decimal");
  EXPECT_TRUE(u.fields[4].type->logical_valid);
  // The recursive reference is the record itself.
  EXPECT_EQ(u.fields[5].type->branches[1], &u);
  EXPECT_EQ(s->defined().size(), 3u);
}

TEST(AvroSchema, NameResolution) {
  // A dotless reference looks in the enclosing namespace first, then the null namespace.
  auto s = MustParse(R"({"type":"record","name":"R","namespace":"a","fields":[
      {"name":"x","type":{"type":"record","name":"S","namespace":"","fields":[]}},
      {"name":"y","type":"S"},
      {"name":"z","type":{"type":"enum","name":"S","symbols":["Q"]}},
      {"name":"w","type":"S"},
      {"name":"v","type":"a.S"}]})");
  const Node& r = s->root();
  EXPECT_EQ(r.fields[0].type->full_name, "S");
  EXPECT_EQ(r.fields[1].type->full_name, "S");
  EXPECT_EQ(r.fields[2].type->full_name, "a.S");
  EXPECT_EQ(r.fields[3].type->full_name, "a.S");
  EXPECT_EQ(r.fields[4].type, r.fields[2].type);
  // {"type": "Name"} refers to a defined type, as in Java and Python.
  s = MustParse(R"({"type":"record","name":"R","fields":[
      {"name":"a","type":{"type":"fixed","name":"F","size":2}},{"name":"b","type":{"type":"F"}}]})");
  EXPECT_EQ(s->root().fields[1].type, s->root().fields[0].type);
}

TEST(AvroSchema, InvalidSchemasSayWhy) {
  EXPECT_EQ(Error("{"), "schema is not valid JSON");
  EXPECT_EQ(Error("42"), "/: a schema must be a type name, an object or an array (union), not 42");
  EXPECT_EQ(Error(R"({"name":"x"})"), "/: 'type' is missing");
  EXPECT_EQ(Error(R"("Foo")"), "/: undefined named type 'Foo'");
  EXPECT_EQ(Error(R"({"type":"record","name":"R","fields":[{"name":"a","type":"Later"}]})"),
            "/fields/0/type: undefined named type 'Later'");
  EXPECT_EQ(Error(R"({"type":"record","name":"1R","fields":[]})"), "/name: '1R' is not a valid Avro name");
  EXPECT_EQ(Error(R"({"type":"record","name":"a..R","fields":[]})"), "/name: 'a..R' is not a valid Avro name");
  EXPECT_EQ(Error(R"({"type":"record","name":"R","namespace":"a-b","fields":[]})"),
            "/namespace: 'a-b' is not a valid namespace");
  EXPECT_EQ(Error(R"({"type":"record","name":"int","fields":[]})"), "/name: 'int' is a primitive type name");
  EXPECT_EQ(Error(R"({"type":"record","fields":[]})"), "/: 'name' is missing or not a string");
  EXPECT_EQ(Error(R"({"type":"record","name":"R"})"), "/: record 'R' needs a 'fields' array");
  EXPECT_EQ(Error(R"({"type":"record","name":"R","fields":[{"name":"a-b","type":"int"}]})"),
            "/fields/0: field name \"a-b\" is not a valid Avro name");
  EXPECT_EQ(Error(R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"a","type":"long"}]})"),
            "/fields/1: duplicate field 'a' in record 'R'");
  EXPECT_EQ(Error(R"({"type":"record","name":"R","fields":[{"name":"a"}]})"), "/fields/0: field 'a' has no 'type'");
  EXPECT_EQ(Error(R"({"type":"record","name":"R","fields":[{"name":"a","type":"int","order":"up"}]})"),
            "/fields/0/order: order must be ascending, descending or ignore");
  EXPECT_EQ(Error(R"({"type":"record","name":"R","fields":[{"name":"a","type":{"type":"record","name":"R","fields":[]}}]})"),
            "/fields/0/type/name: the named type 'R' is defined twice");
  EXPECT_EQ(Error(R"({"type":"enum","name":"E","symbols":["A","A"]})"), "/symbols/1: duplicate symbol 'A' in enum 'E'");
  EXPECT_EQ(Error(R"({"type":"enum","name":"E","symbols":["A","1"]})"), "/symbols/1: \"1\" is not a valid enum symbol");
  EXPECT_EQ(Error(R"({"type":"enum","name":"E","symbols":["A"],"default":"B"})"),
            "/default: enum default \"B\" is not a symbol of 'E'");
  EXPECT_EQ(Error(R"({"type":"fixed","name":"F","size":-1})"), "/: fixed 'F' needs a non-negative integer 'size'");
  EXPECT_EQ(Error(R"({"type":"fixed","name":"F","size":"4"})"), "/: fixed 'F' needs a non-negative integer 'size'");
  EXPECT_EQ(Error(R"({"type":"array"})"), "/: array without 'items'");
  EXPECT_EQ(Error(R"({"type":"map","values":"nope"})"), "/values: undefined named type 'nope'");
  EXPECT_EQ(Error(R"(["int","int"])"), "/1: duplicate type 'int' in union");
  EXPECT_EQ(Error(R"(["int",{"type":"int","logicalType":"date"}])"), "/1: duplicate type 'int' in union");
  EXPECT_EQ(Error(R"(["null",["int"]])"), "/1: a union may not directly contain a union");
  EXPECT_EQ(Error(R"([{"type":"map","values":"int"},{"type":"map","values":"long"}])"),
            "/1: duplicate type 'map' in union");
  EXPECT_EQ(Error(R"({"type":"error","name":"E","fields":[]})"), "/: 'error' types exist only in Avro protocols");
  // Two named types of one kind are fine in a union when their names differ.
  MustParse(R"([{"type":"fixed","name":"A","size":1},{"type":"fixed","name":"B","size":1}])");
}

TEST(AvroSchema, DefaultsMustMatchTheirType) {
  auto field = [](const std::string& type, const std::string& def) {
    return R"({"type":"record","name":"R","fields":[{"name":"f","type":)" + type +
           R"(,"default":)" + def + "}]}";
  };
  const std::vector<std::pair<std::string, std::string>> valid = {
      {R"("null")", "null"}, {R"("boolean")", "true"}, {R"("int")", "-2147483648"},
      {R"("long")", "9223372036854775807"}, {R"("float")", "1"}, {R"("double")", "1.5e300"},
      {R"("string")", R"("é中")"}, {R"("bytes")", R"("\u00ff\u0000")"},
      {R"({"type":"fixed","name":"F","size":2})", R"("ab")"},
      {R"({"type":"enum","name":"E","symbols":["A","B"]})", R"("B")"},
      {R"({"type":"array","items":"int"})", "[1,2]"},
      {R"({"type":"map","values":"long"})", R"({"a":1})"},
      {R"(["null","int"])", "null"}, {R"(["int","null"])", "7"},
      {R"({"type":"record","name":"S","fields":[{"name":"a","type":"int"},{"name":"b","type":"int","default":0}]})",
       R"({"a":1})"},
  };
  for (const auto& [t, d] : valid) MustParse(field(t, d));
  const std::vector<std::tuple<std::string, std::string, std::string>> invalid = {
      {R"("null")", "0", "0 is not a valid default for null"},
      {R"("boolean")", R"("true")", "\"true\" is not a valid default for boolean"},
      {R"("int")", "2147483648", "2147483648 is not a valid default for int"},
      {R"("int")", "1.5", "1.5 is not a valid default for int"},
      {R"("long")", "9223372036854775808", "9223372036854775808 is not a valid default for long"},
      {R"("double")", R"("NaN")", "\"NaN\" is not a valid default for double"},
      {R"("string")", "1", "1 is not a valid default for string"},
      {R"("bytes")", R"("中")", "\"中\" is not a valid default for bytes (characters must be U+0000..U+00FF)"},
      {R"({"type":"fixed","name":"F","size":2})", R"("abc")", "\"abc\" is not a valid default for fixed 'F' of size 2"},
      {R"({"type":"enum","name":"E","symbols":["A"]})", R"("Z")", "\"Z\" is not a valid default for enum 'E'"},
      {R"({"type":"array","items":"int"})", R"([1,"x"])", "\"x\" is not a valid default for int"},
      {R"({"type":"map","values":"int"})", "[]", "[] is not a valid default for map"},
      // A union's default is one of its first branch.
      {R"(["int","null"])", "null", "null is not a valid default for int"},
      {R"({"type":"record","name":"S","fields":[{"name":"a","type":"int"}]})", "{}",
       "{} is not a valid default for record 'S' (field 'a' is missing)"},
  };
  for (const auto& [t, d, msg] : invalid) {
    EXPECT_NE(Error(field(t, d)).find(msg), std::string::npos) << t << " " << d << ": " << Error(field(t, d));
  }
  EXPECT_EQ(Error(field(R"(["int","null"])", "null")), "/fields/0/default: null is not a valid default for int");
  // Defaults are kept normalized for their type.
  auto s = MustParse(field(R"("double")", "1"));
  EXPECT_EQ(s->root().fields[0].default_value->dump(), "1.0");
}

TEST(AvroSchema, LogicalTypesInvalidOnesAreIgnored) {
  auto logical = [](const std::string& t) { return MustParse(t)->root(); };
  EXPECT_TRUE(logical(R"({"type":"int","logicalType":"date"})").logical_valid);
  EXPECT_TRUE(logical(R"({"type":"long","logicalType":"timestamp-micros"})").logical_valid);
  EXPECT_TRUE(logical(R"({"type":"string","logicalType":"uuid"})").logical_valid);
  EXPECT_TRUE(logical(R"({"type":"fixed","name":"D","size":12,"logicalType":"duration"})").logical_valid);
  EXPECT_TRUE(logical(R"({"type":"fixed","name":"D","size":4,"logicalType":"decimal","precision":9})").logical_valid);
  // Per the spec these are ignored and the base type used: the schema stays valid.
  EXPECT_FALSE(logical(R"({"type":"string","logicalType":"date"})").logical_valid);
  EXPECT_FALSE(logical(R"({"type":"bytes","logicalType":"decimal","precision":2,"scale":3})").logical_valid);
  EXPECT_FALSE(logical(R"({"type":"bytes","logicalType":"decimal"})").logical_valid);
  EXPECT_FALSE(logical(R"({"type":"fixed","name":"D","size":4,"logicalType":"decimal","precision":10})").logical_valid);
  EXPECT_FALSE(logical(R"({"type":"long","logicalType":"no-such-thing"})").logical_valid);
}

TEST(AvroSchema, NamedTypesOfReferences) {
  const std::string address = R"({"type":"record","name":"Address","namespace":"com.acme",
      "fields":[{"name":"city","type":"string"}]})";
  const std::string customer = R"({"type":"record","name":"Customer","namespace":"com.acme",
      "fields":[{"name":"home","type":"Address"}]})";
  auto s = MustParse(customer, {address});
  EXPECT_EQ(s->root().fields[0].type->full_name, "com.acme.Address");
  EXPECT_TRUE(s->IsExternal(s->root().fields[0].type));
  EXPECT_EQ(s->defined().size(), 1u);
  // References are parsed in order; each may use the ones before it.
  const std::string order = R"({"type":"record","name":"Order","namespace":"com.acme",
      "fields":[{"name":"who","type":"Customer"},{"name":"ship","type":"Address"}]})";
  MustParse(order, {address, customer});
  EXPECT_EQ(Error(order, {customer, address}), "reference 1: /fields/0/type: undefined named type 'Address'");
  EXPECT_EQ(Error(customer), "/fields/0/type: undefined named type 'Address'");
  // A schema may not redefine a referenced type.
  EXPECT_EQ(Error(address, {address}), "/name: the named type 'com.acme.Address' is defined twice");
}

TEST(AvroSchema, HostileInputIsRefusedNotCrashed) {
  std::string deep(5000, '[');
  deep += std::string(5000, ']');
  EXPECT_FALSE(Parse(deep).ok());
  std::string nested;
  for (int i = 0; i < 300; ++i) nested += R"({"type":"array","items":)";
  nested += R"("int")" + std::string(300, '}');
  EXPECT_EQ(Error(nested).substr(Error(nested).find(": ")), ": schema nested deeper than 200 levels");
  EXPECT_FALSE(Parse(std::string("\"\xff\"")).ok());
  EXPECT_FALSE(Parse("").ok());
}

}  // namespace
}  // namespace kappa::avro
