// Parsing Canonical Form (the spec's transformation rules, with the cases of Apache Avro's
// share/test/data/schema-tests.txt) and the registry's identity form.
#include <gtest/gtest.h>

#include "avro/avro.h"

namespace kappa::avro {
namespace {

std::string Canonical(std::string_view text, const std::vector<std::string>& refs = {}) {
  auto s = Parse(text, refs);
  EXPECT_TRUE(s.ok()) << text << " -> " << s.status().ToString();
  return s.ok() ? (*s)->CanonicalForm() : "";
}

std::string Identity(std::string_view text, const std::vector<std::string>& refs = {}) {
  auto s = Parse(text, refs);
  EXPECT_TRUE(s.ok()) << text << " -> " << s.status().ToString();
  return s.ok() ? (*s)->IdentityForm() : "";
}

TEST(AvroCanonical, SpecTestCases) {
  // Input, canonical form: Apache Avro's schema-tests.txt 000..033.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"("null")", R"("null")"},
      {R"({"type":"null"})", R"("null")"},
      {R"("boolean")", R"("boolean")"},
      {R"({"type":"boolean"})", R"("boolean")"},
      {R"("int")", R"("int")"},
      {R"({"type":"int"})", R"("int")"},
      {R"("long")", R"("long")"},
      {R"({"type":"long"})", R"("long")"},
      {R"("float")", R"("float")"},
      {R"({"type":"float"})", R"("float")"},
      {R"("double")", R"("double")"},
      {R"({"type":"double"})", R"("double")"},
      {R"("bytes")", R"("bytes")"},
      {R"({"type":"bytes"})", R"("bytes")"},
      {R"("string")", R"("string")"},
      {R"({"type":"string"})", R"("string")"},
      {R"([  ])", R"([])"},
      {R"([ "int"  ])", R"(["int"])"},
      {R"([ "int" , {"type":"boolean"} ])", R"(["int","boolean"])"},
      {R"({"fields":[], "type":"record", "name":"foo"})", R"({"name":"foo","type":"record","fields":[]})"},
      {R"({"fields":[], "type":"record", "name":"foo", "namespace":"x.y"})",
       R"({"name":"x.y.foo","type":"record","fields":[]})"},
      {R"({"fields":[], "type":"record", "name":"a.b.foo", "namespace":"x.y"})",
       R"({"name":"a.b.foo","type":"record","fields":[]})"},
      {R"({"fields":[], "type":"record", "name":"foo", "doc":"Useful info"})",
       R"({"name":"foo","type":"record","fields":[]})"},
      {R"({"fields":[], "type":"record", "name":"foo", "aliases":["foo","bar"]})",
       R"({"name":"foo","type":"record","fields":[]})"},
      {R"({"fields":[], "type":"record", "name":"foo", "doc":"foo", "aliases":["foo","bar"]})",
       R"({"name":"foo","type":"record","fields":[]})"},
      {R"({"fields":[{"type":{"type":"boolean"}, "name":"f1"}], "type":"record", "name":"foo"})",
       R"({"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"}]})"},
      // 026 has "default":"true" for a boolean, which default validation refuses; `true` here.
      {R"({ "fields":[{"type":"boolean", "aliases":[], "name":"f1", "default":true},
            {"order":"descending","name":"f2","doc":"Hello","type":"int"}],
            "type":"record", "name":"foo"})",
       R"({"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"},{"name":"f2","type":"int"}]})"},
      {R"({"type":"enum", "name":"foo", "symbols":["A1"]})", R"({"name":"foo","type":"enum","symbols":["A1"]})"},
      {R"({"namespace":"x.y.z", "type":"enum", "name":"foo", "doc":"foo bar", "symbols":["A1", "A2"]})",
       R"({"name":"x.y.z.foo","type":"enum","symbols":["A1","A2"]})"},
      {R"({"name":"foo","type":"fixed","size":15})", R"({"name":"foo","type":"fixed","size":15})"},
      {R"({"namespace":"x.y.z", "type":"fixed", "name":"foo", "doc":"foo bar", "size":32})",
       R"({"name":"x.y.z.foo","type":"fixed","size":32})"},
      {R"({ "items":{"type":"null"}, "type":"array"})", R"({"type":"array","items":"null"})"},
      {R"({ "values":"string", "type":"map"})", R"({"type":"map","values":"string"})"},
      {R"({"name":"PigValue","type":"record",
           "fields":[{"name":"value", "type":["null", "int", "long", "PigValue"]}]})",
       R"({"name":"PigValue","type":"record","fields":[{"name":"value","type":["null","int","long","PigValue"]}]})"},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(Canonical(in), want) << in;
}

TEST(AvroCanonical, TransformationRules) {
  // [FULLNAMES] inherited namespaces, [STRIP] logical types, defaults, docs, custom attributes,
  // [ORDER], [STRINGS] (escapes replaced by UTF-8), [WHITESPACE].
  EXPECT_EQ(Canonical(R"({"type" : "record", "namespace" : "a.b", "name" : "R", "myprop": 1,
      "fields" : [
        {"name":"e","type":{"symbols":["\u0041"],"name":"E","type":"enum","default":"A"},"default":"A"},
        {"name":"r","type":"E"},
        {"name":"d","type":{"type":"int","logicalType":"date"}},
        {"name":"n","type":{"type":"record","name":"c.N","fields":[{"name":"x","type":"a.b.E"}]}}]})"),
            R"({"name":"a.b.R","type":"record","fields":[)"
            R"({"name":"e","type":{"name":"a.b.E","type":"enum","symbols":["A"]}},)"
            R"({"name":"r","type":"a.b.E"},{"name":"d","type":"int"},)"
            R"({"name":"n","type":{"name":"c.N","type":"record","fields":[{"name":"x","type":"a.b.E"}]}}]})");
  EXPECT_EQ(Canonical(R"({"type":"map","values":{"type":"fixed","name":"F","size":16,"logicalType":"decimal","precision":4}})"),
            R"({"type":"map","values":{"name":"F","type":"fixed","size":16}})");
}

TEST(AvroCanonical, ReferencedTypesAreNamedNotInlined) {
  const std::string address = R"({"type":"record","name":"Address","namespace":"com.acme",
      "fields":[{"name":"city","type":"string"}]})";
  const std::string customer = R"({"type":"record","name":"Customer","namespace":"com.acme",
      "fields":[{"name":"home","type":"Address"}]})";
  EXPECT_EQ(Canonical(customer, {address}),
            R"({"name":"com.acme.Customer","type":"record","fields":[{"name":"home","type":"com.acme.Address"}]})");
  auto s = Parse(customer, {address});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->SelfContainedForm(),
            R"({"name":"com.acme.Customer","type":"record","fields":[{"name":"home","type":)"
            R"({"name":"com.acme.Address","type":"record","fields":[{"name":"city","type":"string"}]}}]})");
}

TEST(AvroIdentity, KeepsWhatChangesResolution) {
  // Defaults (normalized for their type), aliases (full names, sorted), enum defaults and
  // logical types stay; docs, field order and custom attributes go.
  EXPECT_EQ(Identity(R"({"type":"record","name":"R","namespace":"n","doc":"x","aliases":["Z","a.Y"],
      "fields":[{"name":"f","type":"double","default":1,"aliases":["g","b"],"doc":"d","order":"ignore"},
                {"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"],"default":"B"}},
                {"name":"t","type":{"type":"long","logicalType":"timestamp-millis"}},
                {"name":"m","type":{"type":"bytes","logicalType":"decimal","precision":5,"scale":2}},
                {"name":"u","type":["null","string"],"default":null}]})"),
            R"({"name":"n.R","type":"record","fields":[)"
            R"({"name":"f","type":"double","default":1.0,"aliases":["b","g"]},)"
            R"({"name":"e","type":{"name":"n.E","type":"enum","symbols":["A","B"],"default":"B"}},)"
            R"({"name":"t","type":{"type":"long","logicalType":"timestamp-millis"}},)"
            R"({"name":"m","type":{"type":"bytes","logicalType":"decimal","precision":5,"scale":2}},)"
            R"({"name":"u","type":["null","string"],"default":null}],"aliases":["a.Y","n.Z"]})");
}

TEST(AvroIdentity, SameSchemaSameIdentity) {
  // Spelling differences that do not change resolution give one identity...
  const std::string a = R"({"type":"record","name":"User","namespace":"com.acme","doc":"v1",
      "fields":[{"name":"id","type":{"type":"long"}},{"name":"n","type":"int","default":1}]})";
  const std::string b = R"({"fields":[{"type":"long","name":"id","doc":"key"},{"name":"n","default":1,"type":"int"}],
      "name":"com.acme.User","type":"record"})";
  EXPECT_EQ(Identity(a), Identity(b));
  // ...while a changed default, alias or logical type is another schema (PCF alone would
  // merge them).
  const std::string c = R"({"type":"record","name":"User","namespace":"com.acme",
      "fields":[{"name":"id","type":"long"},{"name":"n","type":"int","default":2}]})";
  EXPECT_EQ(Canonical(a), Canonical(c));
  EXPECT_NE(Identity(a), Identity(c));
  EXPECT_NE(Identity(R"({"type":"int","logicalType":"date"})"), Identity(R"("int")"));
  EXPECT_NE(Identity(R"({"type":"record","name":"R","aliases":["Q"],"fields":[]})"),
            Identity(R"({"type":"record","name":"R","fields":[]})"));
}

}  // namespace
}  // namespace kappa::avro
