// The PROTOBUF schema type: libprotobuf's parser and descriptor checks, imports from
// references, canonical text, and Confluent's compatibility rules both ways.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <gtest/gtest.h>

#include <regex>

#include "registry/schema_type.h"

namespace kappa::registry {
namespace {

Result<std::shared_ptr<const ParsedSchema>> PbParse(const std::string& text,
                                                  const std::vector<ResolvedReference>& refs = {}) {
  return ProtobufSchemaType().Parse(text, refs);
}

TEST(ProtobufSchemaTest, ValidSchemas) {
  EXPECT_EQ(ProtobufSchemaType().name(), "PROTOBUF");
  const char* valid[] = {
      R"(syntax = "proto3"; package acme; message User { int64 id = 1; string name = 2; })",
      R"(syntax = "proto3";
         message A { map<string, B> bs = 1; oneof pick { int32 x = 2; string y = 3; } optional int32 z = 4;
                     enum Color { RED = 0; GREEN = 1; } Color c = 5; repeated A kids = 6; }
         message B { reserved 2; bytes raw = 1; })",
      R"(syntax = "proto2"; message P { required int32 id = 1; optional string s = 2 [default = "x"]; })",
      R"(message NoSyntaxLine { optional int32 a = 1; })",
      R"(syntax = "proto3"; import "google/protobuf/timestamp.proto";
         message E { google.protobuf.Timestamp at = 1; })",
  };
  for (const char* text : valid) {
    auto s = PbParse(text);
    EXPECT_TRUE(s.ok()) << text << ": " << s.status().ToString();
    if (s.ok()) {
      EXPECT_EQ((*s)->type(), "PROTOBUF");
    }
  }
}

TEST(ProtobufSchemaTest, InvalidSchemas) {
  struct PbCase {
    const char* text;
    const char* message_part;
  };
  const PbCase invalid[] = {
      {R"(syntax = "proto3"; message A { int32 a = 1 })", "line 1:"},
      {R"(syntax = "proto4";)", "proto4"},
      {R"(message { })", "line 1:"},
      {R"(syntax = "proto3"; message A { Unknown u = 1; })", "\"Unknown\" is not defined"},
      {R"(syntax = "proto3"; message A { int32 a = 1; int32 b = 1; })", "has already been used"},
      {R"(syntax = "proto3"; message A { required int32 a = 1; })",
       "Required fields are not allowed in proto3"},
      {R"(syntax = "proto3"; import "other.proto"; message A { Other o = 1; })",
       "imports \"other.proto\", which is not among the schema's references"},
      {R"(syntax = "proto3"; message A { int32 a = 0; })", "Field numbers must be positive"},
      {"{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{",
       "nested deeper"},
  };
  for (const auto& c : invalid) {
    auto s = PbParse(c.text);
    ASSERT_FALSE(s.ok()) << c.text;
    EXPECT_TRUE(s.status().IsInvalidArgument());
    EXPECT_EQ(s.status().message().rfind("Invalid schema", 0), 0u) << s.status().message();
    EXPECT_NE(s.status().message().find(c.message_part), std::string::npos)
        << c.text << " -> " << s.status().message();
  }
}

TEST(ProtobufSchemaTest, ImportsResolveFromReferences) {
  ResolvedReference money{
      "acme/money.proto",
      "money-value",
      1,
      R"(syntax = "proto3"; package acme; message Money { int64 cents = 1; string currency = 2; })",
      {}};
  ResolvedReference order{
      "acme/order.proto",
      "order-value",
      3,
      R"(syntax = "proto3"; package acme; import "acme/money.proto"; message Order { Money total = 1; })",
      {money}};
  auto s = PbParse(R"(syntax = "proto3"; package shop; import "acme/order.proto";
                    message Cart { repeated acme.Order orders = 1; })",
                 {order});
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  ResolvedReference broken{"bad.proto", "bad-value", 1, "message {", {}};
  auto b = PbParse(R"(syntax = "proto3"; import "bad.proto"; message C { int32 a = 1; })", {broken});
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("bad.proto"), std::string::npos) << b.status().message();
}

TEST(ProtobufSchemaTest, CanonicalIgnoresCommentsAndLayout) {
  auto a = PbParse(
      "syntax = \"proto3\";\n// a user\nmessage User {\n  int64 id = 1;   // key\n  string name = "
      "2;\n}\n");
  auto b = PbParse(R"(syntax="proto3";message User{int64 id=1;string name=2;})");
  auto c = PbParse(R"(syntax="proto3";message User{int64 id=1;string name=3;})");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ((*a)->canonical(), (*b)->canonical());
  EXPECT_NE((*a)->canonical(), (*c)->canonical());
  EXPECT_NE((*a)->canonical().find("message User {"), std::string::npos) << (*a)->canonical();
  EXPECT_EQ((*a)->Text(true), (*a)->canonical());
  EXPECT_NE((*a)->Text(false).find("// a user"), std::string::npos);
  // The canonical text is itself a valid schema with the same canonical text.
  auto again = PbParse((*a)->canonical());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ((*again)->canonical(), (*a)->canonical());
}

std::string Base64(const std::string& bytes) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(acc >> bits) & 63];
    }
  }
  if (bits > 0) out += kAlphabet[(acc << (6 - bits)) & 63];
  while (out.size() % 4) out += '=';
  return out;
}

// confluent-kafka-python registers a schema as its FileDescriptorProto, serialized and
// base64-encoded. Here the descriptor libprotobuf compiled in for timestamp.proto plays it.
TEST(ProtobufSchemaTest, Base64SerializedDescriptor) {
  const google::protobuf::FileDescriptor* ts =
      google::protobuf::DescriptorPool::generated_pool()->FindFileByName(
          "google/protobuf/timestamp.proto");
  ASSERT_NE(ts, nullptr);
  google::protobuf::FileDescriptorProto proto;
  ts->CopyTo(&proto);
  std::string bytes;
  ASSERT_TRUE(proto.SerializeToString(&bytes));
  auto from_descriptor = PbParse(Base64(bytes));
  ASSERT_TRUE(from_descriptor.ok()) << from_descriptor.status().ToString();
  auto from_text = PbParse(ts->DebugString());
  ASSERT_TRUE(from_text.ok()) << from_text.status().ToString();
  EXPECT_EQ((*from_descriptor)->canonical(), (*from_text)->canonical());
  EXPECT_NE((*from_descriptor)->canonical().find("message Timestamp {"), std::string::npos);
  // Text that is neither .proto nor a descriptor keeps the .proto syntax error.
  auto junk = PbParse("bm90IGEgZGVzY3JpcHRvcg==");  // "not a descriptor"
  ASSERT_FALSE(junk.ok());
  EXPECT_NE(junk.status().message().find("line 1:"), std::string::npos) << junk.status().message();
}

std::vector<std::string> PbBreaks(const std::string& writer, const std::string& reader) {
  auto w = PbParse(writer), r = PbParse(reader);
  EXPECT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!w.ok() || !r.ok()) return {"PARSE"};
  static const std::regex kMsg(
      R"(^Found incompatible change: Difference\{fullPath='([^']*)', type=([A-Z_]+)\}$)");
  std::vector<std::string> out;
  for (const auto& m : (*r)->ReadIncompatibilities(**w)) {
    std::smatch g;
    EXPECT_TRUE(std::regex_match(m, g, kMsg)) << m;
    out.push_back(g[2].str() + "@" + g[1].str());
  }
  return out;
}

using PbV = std::vector<std::string>;
struct PbCase {
  const char* name;
  const char* a;
  const char* b;
  PbV a_to_b;  // written with a, read with b
  PbV b_to_a;
};

#define P3 "syntax = \"proto3\"; "
// clang-format off (one case per few lines reads better as a table)
const PbCase PbkCases[] = {
    {"same", P3 "message U { int32 a = 1; }", P3 "message U {int32 a=1;}", {}, {}},
    {"field added/removed",
     P3 "message U { int32 a = 1; }",
     P3 "message U { int32 a = 1; string b = 2; }",
     {},
     {}},
    {"field renamed",
     P3 "message U { int32 a = 1; }",
     P3 "message U { int32 renamed = 1; }",
     {},
     {}},
    {"int32 <-> int64 (one wire group)",
     P3 "message U { int32 a = 1; }",
     P3 "message U { int64 a = 1; }",
     {},
     {}},
    {"int32 <-> sint32",
     P3 "message U { int32 a = 1; }",
     P3 "message U { sint32 a = 1; }",
     {"FIELD_SCALAR_KIND_CHANGED@#/U/1"},
     {"FIELD_SCALAR_KIND_CHANGED@#/U/1"}},
    {"string <-> bytes", P3 "message U { string a = 1; }", P3 "message U { bytes a = 1; }", {}, {}},
    {"enum <-> int32",
     P3 "message U { enum E { Z = 0; } E a = 1; }",
     P3 "message U { int32 a = 1; }",
     {},
     {}},
    {"scalar <-> message",
     P3 "message U { int32 a = 1; } message M { int32 x = 1; }",
     P3 "message U { M a = 1; } message M { int32 x = 1; }",
     {"FIELD_KIND_CHANGED@#/U/1"},
     {"FIELD_KIND_CHANGED@#/U/1"}},
    {"message type renamed",
     P3 "message U { M a = 1; } message M { int32 x = 1; } message N { int32 x = 1; }",
     P3 "message U { N a = 1; } message M { int32 x = 1; } message N { int32 x = 1; }",
     {"FIELD_NAMED_TYPE_CHANGED@#/U/1"},
     {"FIELD_NAMED_TYPE_CHANGED@#/U/1"}},
    {"map value kind",
     P3 "message U { map<string, int32> m = 1; }",
     P3 "message U { map<string, double> m = 1; }",
     {"FIELD_SCALAR_KIND_CHANGED@#/U/1"},
     {"FIELD_SCALAR_KIND_CHANGED@#/U/1"}},
    {"message removed",
     P3 "message U { int32 a = 1; } message Old { int32 a = 1; }",
     P3 "message U { int32 a = 1; }",
     {"MESSAGE_REMOVED@#/Old"},
     {}},
    {"nested message field",
     P3 "message U { message In { int32 a = 1; } In i = 1; }",
     P3 "message U { message In { double a = 1; } In i = 1; }",
     {"FIELD_SCALAR_KIND_CHANGED@#/U/In/1"},
     {"FIELD_SCALAR_KIND_CHANGED@#/U/In/1"}},
    {"package changed",
     P3 "package a; message U { int32 a = 1; }",
     P3 "package b; message U { int32 a = 1; }",
     {"PACKAGE_CHANGED@#/"},
     {"PACKAGE_CHANGED@#/"}},
    {"required field added (proto2)",
     "syntax = \"proto2\"; message U { optional int32 a = 1; }",
     "syntax = \"proto2\"; message U { optional int32 a = 1; required int32 b = 2; }",
     {"REQUIRED_FIELD_ADDED@#/U/2"},
     {"REQUIRED_FIELD_REMOVED@#/U/2"}},
    {"one field moved into a new oneof",
     P3 "message U { int32 a = 1; int32 b = 2; }",
     P3 "message U { oneof o { int32 a = 1; } int32 b = 2; }",
     {},
     {}},
    {"two fields moved into a oneof",
     P3 "message U { int32 a = 1; int32 b = 2; }",
     P3 "message U { oneof o { int32 a = 1; int32 b = 2; } }",
     {"MULTIPLE_FIELDS_MOVED_TO_ONEOF@#/U/o"},
     {}},
    {"oneof field removed",
     P3 "message U { oneof o { int32 a = 1; string b = 2; } }",
     P3 "message U { oneof o { int32 a = 1; } }",
     {"ONEOF_FIELD_REMOVED@#/U/o/2"},
     {}},
    {"oneof field type",
     P3 "message U { oneof o { int32 a = 1; string b = 2; } }",
     P3 "message U { oneof o { int32 a = 1; double b = 2; } }",
     {"FIELD_SCALAR_KIND_CHANGED@#/U/o/2"},
     {"FIELD_SCALAR_KIND_CHANGED@#/U/o/2"}},
    {"field type changed while its oneof is renamed",
     P3 "message U { oneof before { int32 a = 1; string b = 2; } }",
     P3 "message U { oneof after { int32 a = 1; float b = 2; } }",
     {"FIELD_SCALAR_KIND_CHANGED@#/U/after/2"},
     {"FIELD_SCALAR_KIND_CHANGED@#/U/before/2"}},
    {"two oneofs merged",
     P3 "message U { oneof x { int32 a = 1; } oneof y { int32 b = 2; } }",
     P3 "message U { oneof z { int32 a = 1; int32 b = 2; } }",
     {"FIELD_MOVED_TO_EXISTING_ONEOF@#/U/z"},
     {}},
    {"a whole oneof deleted",
     P3 "message U { int32 k = 1; oneof x { int32 a = 2; string b = 3; } }",
     P3 "message U { int32 k = 1; }",
     {},
     {}},
    {"number made repeated",
     P3 "message U { optional int32 a = 1; }",
     P3 "message U { repeated int32 a = 1; }",
     {"FIELD_NUMERIC_LABEL_CHANGED@#/U/1"},
     {"FIELD_NUMERIC_LABEL_CHANGED@#/U/1"}},
    {"string made repeated",
     P3 "message U { optional string a = 1; }",
     P3 "message U { repeated string a = 1; }",
     {},
     {}},
    {"recursive message",
     P3 "message T { int32 v = 1; repeated T kids = 2; }",
     P3 "message T { int64 v = 1; repeated T kids = 2; }",
     {},
     {}},
};
// clang-format on
#undef P3

TEST(ProtobufSchemaCompatTest, ConfluentRulesBothWays) {
  for (const auto& c : PbkCases) {
    EXPECT_EQ(PbBreaks(c.a, c.b), c.a_to_b) << c.name << " (a written, b reads)";
    EXPECT_EQ(PbBreaks(c.b, c.a), c.b_to_a) << c.name << " (b written, a reads)";
  }
}

TEST(ProtobufSchemaCompatTest, ReferencedMessagesAreCompared) {
  auto ref = [](int v, const char* type) {
    return ResolvedReference{
        "m.proto",
        "m-value",
        v,
        std::string("syntax = \"proto3\"; package m; message M { ") + type + " x = 1; }",
        {}};
  };
  const char* user = R"(syntax = "proto3"; import "m.proto"; message U { m.M m = 1; })";
  auto w = PbParse(user, {ref(1, "int32")});
  auto r = PbParse(user, {ref(2, "string")});
  ASSERT_TRUE(w.ok() && r.ok());
  EXPECT_EQ(
      (*r)->ReadIncompatibilities(**w),
      (std::vector<std::string>{
          "Found incompatible change: Difference{fullPath='#/M/1', type=FIELD_SCALAR_KIND_CHANGED}",
          "Found incompatible change: Difference{fullPath='#/U/1', "
          "type=FIELD_NAMED_TYPE_CHANGED}"}));
}

// Each referenced message holds two fields of the next one: 2^40 paths to the last, which
// is compared once.
TEST(ProtobufSchemaCompatTest, DiamondsOfReferencedTypesAreComparedOnce) {
  auto chain = [](const char* last_type) {
    std::string text = "syntax = \"proto3\"; package d; ";
    for (int i = 0; i < 40; ++i) {
      text += "message M" + std::to_string(i) + " { M" + std::to_string(i + 1) + " a = 1; M" +
              std::to_string(i + 1) + " b = 2; } ";
    }
    return text + "message M40 { " + last_type + " x = 1; }";
  };
  const char* user = R"(syntax = "proto3"; import "d.proto"; message U { d.M0 m = 1; })";
  auto w = PbParse(user, {{"d.proto", "d", 1, chain("int32"), {}}});
  auto r = PbParse(user, {{"d.proto", "d", 2, chain("string"), {}}});
  ASSERT_TRUE(w.ok() && r.ok()) << w.status().ToString() << r.status().ToString();
  auto reasons = (*r)->ReadIncompatibilities(**w);
  // M40/1 itself, both fields of M0..M39, and U/1.
  EXPECT_EQ(reasons.size(), 1u + 40 * 2 + 1);
  EXPECT_EQ(
      reasons.front(),
      "Found incompatible change: Difference{fullPath='#/M40/1', type=FIELD_SCALAR_KIND_CHANGED}");
  EXPECT_TRUE((*w)->ReadIncompatibilities(**w).empty());
}

}  // namespace
}  // namespace kappa::registry
