// The compatibility matrix: the Avro specification's resolution rules ("Schema Resolution"),
// each case checked both ways (A reading data written with B, and B reading A's), with the
// reasons Apache Avro's Java checker (and so Confluent's registry) reports.
#include <gtest/gtest.h>

#include "avro/avro.h"

namespace kappa::avro {
namespace {

using Reasons = std::vector<std::string>;

// "TYPE_MISMATCH /fields/0/type reader type: INT not compatible with writer type: LONG"
Reasons Read(const std::string& reader, const std::string& writer) {
  auto r = Parse(reader);
  auto w = Parse(writer);
  EXPECT_TRUE(r.ok()) << reader << ": " << r.status().ToString();
  EXPECT_TRUE(w.ok()) << writer << ": " << w.status().ToString();
  if (!r.ok() || !w.ok()) return {"unparsable"};
  Reasons out;
  for (const auto& i : CheckCompatibility(**r, **w)) {
    out.push_back(std::string(IncompatibilityName(i.type)) + " " + i.location + " " + i.message);
  }
  return out;
}

struct Case {
  std::string name, a, b;
  Reasons a_reads_b, b_reads_a;
};

std::string Rec(const std::string& name, const std::string& fields, const std::string& extra = "") {
  return R"({"type":"record","name":")" + name + R"(",)" + extra + R"("fields":[)" + fields + "]}";
}

const std::vector<Case>& Matrix() {
  static const std::vector<Case> cases = {
      // Primitive promotions: int -> long -> float -> double, string <-> bytes.
      {"int_long", R"("int")", R"("long")", {"TYPE_MISMATCH / reader type: INT not compatible with writer type: LONG"}, {}},
      {"int_float", R"("int")", R"("float")", {"TYPE_MISMATCH / reader type: INT not compatible with writer type: FLOAT"}, {}},
      {"int_double", R"("int")", R"("double")", {"TYPE_MISMATCH / reader type: INT not compatible with writer type: DOUBLE"}, {}},
      {"long_float", R"("long")", R"("float")", {"TYPE_MISMATCH / reader type: LONG not compatible with writer type: FLOAT"}, {}},
      {"long_double", R"("long")", R"("double")", {"TYPE_MISMATCH / reader type: LONG not compatible with writer type: DOUBLE"}, {}},
      {"float_double", R"("float")", R"("double")", {"TYPE_MISMATCH / reader type: FLOAT not compatible with writer type: DOUBLE"}, {}},
      {"string_bytes", R"("string")", R"("bytes")", {}, {}},
      {"same_primitive", R"("boolean")", R"({"type":"boolean"})", {}, {}},
      {"string_int", R"("string")", R"("int")",
       {"TYPE_MISMATCH / reader type: STRING not compatible with writer type: INT"},
       {"TYPE_MISMATCH / reader type: INT not compatible with writer type: STRING"}},
      {"null_boolean", R"("null")", R"("boolean")",
       {"TYPE_MISMATCH / reader type: NULL not compatible with writer type: BOOLEAN"},
       {"TYPE_MISMATCH / reader type: BOOLEAN not compatible with writer type: NULL"}},
      {"logical_types_resolve_on_their_base", R"({"type":"int","logicalType":"date"})", R"("int")", {}, {}},
      // Records: fields matched by name, added with or without a default, removed.
      {"field_added_with_default", Rec("R", R"({"name":"a","type":"int"})"),
       Rec("R", R"({"name":"a","type":"int"},{"name":"b","type":"string","default":"x"})"), {}, {}},
      {"field_added_without_default", Rec("R", R"({"name":"a","type":"int"})"),
       Rec("R", R"({"name":"a","type":"int"},{"name":"b","type":"string"})"),
       {}, {"READER_FIELD_MISSING_DEFAULT_VALUE /fields/1 b"}},
      {"optional_field_added", Rec("R", R"({"name":"a","type":"int"})"),
       Rec("R", R"({"name":"a","type":"int"},{"name":"b","type":["null","string"],"default":null})"), {}, {}},
      {"field_type_changed", Rec("R", R"({"name":"a","type":"int"})"), Rec("R", R"({"name":"a","type":"string"})"),
       {"TYPE_MISMATCH /fields/0/type reader type: INT not compatible with writer type: STRING"},
       {"TYPE_MISMATCH /fields/0/type reader type: STRING not compatible with writer type: INT"}},
      {"field_promoted", Rec("R", R"({"name":"a","type":"int"})"), Rec("R", R"({"name":"a","type":"long"})"),
       {"TYPE_MISMATCH /fields/0/type reader type: INT not compatible with writer type: LONG"}, {}},
      {"fields_reordered", Rec("R", R"({"name":"a","type":"int"},{"name":"b","type":"long"})"),
       Rec("R", R"({"name":"b","type":"long"},{"name":"a","type":"int"})"), {}, {}},
      // A reader's field alias finds the writer's old field name; a writer's alias does not count.
      {"field_renamed_with_alias", Rec("R", R"({"name":"new","type":"int","aliases":["old"]})"),
       Rec("R", R"({"name":"old","type":"int"})"), {}, {"READER_FIELD_MISSING_DEFAULT_VALUE /fields/0 old"}},
      // Named types: same unqualified name, or the writer's full name among the reader's aliases.
      {"record_renamed", Rec("A", ""), Rec("B", ""),
       {"NAME_MISMATCH /name expected: B"}, {"NAME_MISMATCH /name expected: A"}},
      {"record_renamed_with_alias", Rec("B", "", R"("aliases":["a.A"],)"), Rec("a.A", ""),
       {}, {"NAME_MISMATCH /name expected: B"}},
      {"namespace_changed", Rec("x.R", R"({"name":"a","type":"int"})"), Rec("y.R", R"({"name":"a","type":"int"})"), {}, {}},
      {"record_vs_map", Rec("R", ""), R"({"type":"map","values":"int"})",
       {"TYPE_MISMATCH / reader type: RECORD not compatible with writer type: MAP"},
       {"TYPE_MISMATCH / reader type: MAP not compatible with writer type: RECORD"}},
      // Enums: the reader must know every symbol the writer may write, unless it has a default.
      {"enum_symbol_added", R"({"type":"enum","name":"E","symbols":["A","B"]})",
       R"({"type":"enum","name":"E","symbols":["A","B","D","C"]})", {"MISSING_ENUM_SYMBOLS /symbols [C, D]"}, {}},
      {"enum_with_default", R"({"type":"enum","name":"E","symbols":["A","B"],"default":"A"})",
       R"({"type":"enum","name":"E","symbols":["A","C"]})", {}, {"MISSING_ENUM_SYMBOLS /symbols [B]"}},
      {"enum_renamed", R"({"type":"enum","name":"E","symbols":["A"]})", R"({"type":"enum","name":"F","symbols":["A"]})",
       {"NAME_MISMATCH /name expected: F"}, {"NAME_MISMATCH /name expected: E"}},
      {"enum_vs_string", R"({"type":"enum","name":"E","symbols":["A"]})", R"("string")",
       {"TYPE_MISMATCH / reader type: ENUM not compatible with writer type: STRING"},
       {"TYPE_MISMATCH / reader type: STRING not compatible with writer type: ENUM"}},
      // Fixed: same name and size.
      {"fixed_size", R"({"type":"fixed","name":"F","size":4})", R"({"type":"fixed","name":"F","size":8})",
       {"FIXED_SIZE_MISMATCH /size expected: 8, found: 4"}, {"FIXED_SIZE_MISMATCH /size expected: 4, found: 8"}},
      {"fixed_renamed", R"({"type":"fixed","name":"F","size":4})", R"({"type":"fixed","name":"G","size":4})",
       {"NAME_MISMATCH /name expected: G"}, {"NAME_MISMATCH /name expected: F"}},
      {"fixed_vs_bytes", R"({"type":"fixed","name":"F","size":4})", R"("bytes")",
       {"TYPE_MISMATCH / reader type: FIXED not compatible with writer type: BYTES"},
       {"TYPE_MISMATCH / reader type: BYTES not compatible with writer type: FIXED"}},
      // Arrays and maps: their element types resolve.
      {"array_items", R"({"type":"array","items":"int"})", R"({"type":"array","items":"long"})",
       {"TYPE_MISMATCH /items reader type: INT not compatible with writer type: LONG"}, {}},
      {"map_values", R"({"type":"map","values":"string"})", R"({"type":"map","values":"bytes"})", {}, {}},
      {"map_values_mismatch", R"({"type":"map","values":"string"})", R"({"type":"map","values":"boolean"})",
       {"TYPE_MISMATCH /values reader type: STRING not compatible with writer type: BOOLEAN"},
       {"TYPE_MISMATCH /values reader type: BOOLEAN not compatible with writer type: STRING"}},
      {"array_vs_map", R"({"type":"array","items":"int"})", R"({"type":"map","values":"int"})",
       {"TYPE_MISMATCH / reader type: ARRAY not compatible with writer type: MAP"},
       {"TYPE_MISMATCH / reader type: MAP not compatible with writer type: ARRAY"}},
      // Unions on either side.
      {"union_vs_branch", R"(["null","int"])", R"("int")", {},
       {"TYPE_MISMATCH / reader type: INT not compatible with writer type: NULL"}},
      {"union_branch_added", R"(["null","int"])", R"(["null","int","string"])",
       {"MISSING_UNION_BRANCH /2 reader union lacking writer type: STRING"}, {}},
      {"union_branch_promoted", R"(["null","long"])", R"(["null","int"])", {},
       {"MISSING_UNION_BRANCH /1 reader union lacking writer type: LONG"}},
      {"union_reordered", R"(["int","string"])", R"(["string","int"])", {}, {}},
      {"union_without_match", R"(["null","string"])", R"("int")",
       {"MISSING_UNION_BRANCH / reader union lacking writer type: INT"},
       {"TYPE_MISMATCH / reader type: INT not compatible with writer type: NULL",
        "TYPE_MISMATCH / reader type: INT not compatible with writer type: STRING"}},
      {"union_promotes_into_branch", R"(["null","double"])", R"("float")", {},
       {"TYPE_MISMATCH / reader type: FLOAT not compatible with writer type: NULL",
        "TYPE_MISMATCH / reader type: FLOAT not compatible with writer type: DOUBLE"}},
      {"optional_field_became_required", Rec("R", R"({"name":"a","type":["null","string"],"default":null})"),
       Rec("R", R"({"name":"a","type":"string"})"), {},
       {"TYPE_MISMATCH /fields/0/type reader type: STRING not compatible with writer type: NULL"}},
      {"union_of_records", R"([{"type":"record","name":"A","fields":[]},{"type":"record","name":"B","fields":[]}])",
       R"([{"type":"record","name":"A","fields":[]}])", {},
       {"MISSING_UNION_BRANCH /1 reader union lacking writer type: RECORD"}},
      // Nested locations.
      {"nested", Rec("R", R"({"name":"xs","type":{"type":"array","items":)" +
                              Rec("I", R"({"name":"k","type":"string"},{"name":"v","type":"int"})") + "}}"),
       Rec("R", R"({"name":"xs","type":{"type":"array","items":)" +
                    Rec("I", R"({"name":"k","type":"string"},{"name":"v","type":"long"})") + "}}"),
       {"TYPE_MISMATCH /fields/0/type/items/fields/1/type reader type: INT not compatible with writer type: LONG"}, {}},
      // Recursive types terminate and still find what differs.
      {"recursive", Rec("List", R"({"name":"v","type":"long"},{"name":"next","type":["null","List"]})"),
       Rec("List", R"({"name":"v","type":"int"},{"name":"next","type":["null","List"]})"), {},
       {"TYPE_MISMATCH /fields/0/type reader type: INT not compatible with writer type: LONG"}},
      {"mutually_recursive", Rec("A", R"({"name":"b","type":["null",)" + Rec("B", R"({"name":"a","type":["null","A"]},{"name":"n","type":"int"})") + "]}"),
       Rec("A", R"({"name":"b","type":["null",)" + Rec("B", R"({"name":"a","type":["null","A"]},{"name":"n","type":"int"},{"name":"m","type":"int"})") + "]}"),
       // Inside a union, Java reports the branch the reader lacks rather than why.
       {}, {"MISSING_UNION_BRANCH /fields/0/type/1 reader union lacking writer type: RECORD"}},
  };
  return cases;
}

TEST(AvroCompatibility, MatrixBothWays) {
  for (const auto& c : Matrix()) {
    EXPECT_EQ(Read(c.a, c.b), c.a_reads_b) << c.name << ": A reads B";
    EXPECT_EQ(Read(c.b, c.a), c.b_reads_a) << c.name << ": B reads A";
  }
}

TEST(AvroCompatibility, EverySchemaReadsItself) {
  for (const auto& c : Matrix()) {
    EXPECT_EQ(Read(c.a, c.a), Reasons{}) << c.name;
    EXPECT_EQ(Read(c.b, c.b), Reasons{}) << c.name;
  }
}

TEST(AvroCompatibility, ReferencedTypesResolve) {
  const std::string address_v1 = Rec("com.acme.Address", R"({"name":"city","type":"string"})");
  const std::string address_v2 = Rec("com.acme.Address", R"({"name":"city","type":"string"},{"name":"zip","type":"string"})");
  const std::string customer = Rec("com.acme.Customer", R"({"name":"home","type":"com.acme.Address"})");
  auto old_schema = Parse(customer, {address_v1});
  auto new_schema = Parse(customer, {address_v2});
  ASSERT_TRUE(old_schema.ok() && new_schema.ok());
  auto reasons = CheckCompatibility(**new_schema, **old_schema);
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_EQ(reasons[0].location, "/fields/0/type/fields/1");
  EXPECT_TRUE(CheckCompatibility(**old_schema, **new_schema).empty());
}

TEST(AvroCompatibility, ConfluentStyleDescriptions) {
  Incompatibility missing{IncompatibilityType::kReaderFieldMissingDefaultValue, "/fields/1", "age"};
  EXPECT_EQ(Describe(missing, "new", "old"),
            "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'age' at path "
            "'/fields/1' in the new schema has no default value and is missing in the old schema', "
            "additionalInfo:'age'}");
  Incompatibility branch{IncompatibilityType::kMissingUnionBranch, "/fields/1/type/0",
                         "reader union lacking writer type: LONG"};
  EXPECT_EQ(Describe(branch, "new", "old"),
            "{errorType:'MISSING_UNION_BRANCH', description:'The new schema is missing a type inside "
            "a union field at path '/fields/1/type/0' in the old schema', additionalInfo:'reader "
            "union lacking writer type: LONG'}");
  Incompatibility type{IncompatibilityType::kTypeMismatch, "/fields/0/type",
                       "reader type: INT not compatible with writer type: STRING"};
  EXPECT_EQ(Describe(type),
            "{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/0/type') of a field in "
            "the reader schema does not match with the writer schema', additionalInfo:'reader type: "
            "INT not compatible with writer type: STRING'}");
  EXPECT_NE(Describe({IncompatibilityType::kNameMismatch, "/name", "expected: B"}).find(
                "The name of the schema has changed (path '/name')"), std::string::npos);
  EXPECT_NE(Describe({IncompatibilityType::kFixedSizeMismatch, "/size", "expected: 8, found: 4"}).find(
                "The size of FIXED type field at path '/size' in the reader schema does not match with the writer schema"),
            std::string::npos);
  EXPECT_NE(Describe({IncompatibilityType::kMissingEnumSymbols, "/symbols", "[C]"}).find(
                "The reader schema is missing enum symbols '[C]' at path '/symbols' in the writer schema"),
            std::string::npos);
}

}  // namespace
}  // namespace kappa::avro
