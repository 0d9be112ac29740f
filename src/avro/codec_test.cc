// The Avro codec: encoding against bytes worked out from the specification, both decoders
// agreeing, the fast record path, bad payloads, and the wire format. python3-avro checks the
// same encodings from the outside (tests/pipeline/test_avro_pipeline.py).
#include "avro/avro.h"

#include <gtest/gtest.h>

#include <string>

namespace kappa::avro {
namespace {

std::shared_ptr<const Codec> MustCompile(std::string_view schema) {
  auto c = Codec::Compile(schema);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? *c : nullptr;
}

// Encodes through the direct path and through libavro-c's generic values, which must agree
// byte for byte.
std::string Encode(const std::shared_ptr<const Codec>& c, std::string_view json) {
  Encoder e(c);
  std::string out, lib;
  Status st = e.Encode(json, &out);
  EXPECT_TRUE(st.ok()) << st.ToString();
  st = e.EncodeWithLibavro(json, &lib);
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(out, lib) << json;
  return out;
}

std::string Hex(std::string_view s) {
  std::string h;
  for (unsigned char c : s) h += "0123456789abcdef"[c >> 4], h += "0123456789abcdef"[c & 15];
  return h;
}

// Decodes with both decoders, which must agree; returns the text.
std::string Decode(const Codec& c, std::string_view payload) {
  std::string a, b;
  Status sa = c.DecodeToJson(payload, &a);
  Status sb = c.DecodeToJsonDirect(payload, &b);
  EXPECT_TRUE(sa.ok()) << sa.ToString();
  EXPECT_TRUE(sb.ok()) << sb.ToString();
  EXPECT_EQ(a, b);
  return a;
}

constexpr std::string_view kUser = R"({"type":"record","name":"User","namespace":"kappa.test",
  "fields":[{"name":"id","type":"string"},{"name":"age","type":"int"},
            {"name":"nick","type":["null","string"],"default":null},
            {"name":"score","type":"double"},{"name":"ok","type":"boolean"},
            {"name":"big","type":"long"}]})";

TEST(AvroCodec, EncodesAsTheSpecificationSays) {
  auto c = MustCompile(kUser);
  // "ab" = len 2 (zigzag 4) 61 62; 3 -> 06; union branch 0 (null) -> 00; 1.5 little-endian
  // double; true -> 01; -1 -> 01.
  std::string bin = Encode(c, R"({"id":"ab","age":3,"nick":null,"score":1.5,"ok":true,"big":-1})");
  EXPECT_EQ(Hex(bin), "046162" "06" "00" "000000000000f83f" "01" "01");
  // Branch 1 (string) "x"; a member missing from the object is null for a nullable field.
  bin = Encode(c, R"({"id":"","age":-64,"nick":"x","score":0,"ok":false,"big":300})");
  EXPECT_EQ(Hex(bin), "00" "7f" "020278" "0000000000000000" "00" "d804");
  EXPECT_EQ(Hex(Encode(c, R"({"id":"","age":0,"score":0,"ok":false,"big":0})")),
            "00" "00" "00" "0000000000000000" "00" "00");
}

TEST(AvroCodec, RoundTripsThroughBothDecoders) {
  auto c = MustCompile(kUser);
  const std::string bin =
      Encode(c, R"({"id":"Zoë \"q\"\n","age":2147483647,"nick":{"string":"n"},"score":-2.25,"ok":true,"big":9007199254740993})");
  EXPECT_EQ(Decode(*c, bin),
            R"({"id":"Zoë \"q\"\n","age":2147483647,"nick":"n","score":-2.25,"ok":true,"big":9007199254740993})");
}

TEST(AvroCodec, StringsThatAreNotUtf8ComeOutAsLatin1) {
  auto c = MustCompile(R"("string")");
  EXPECT_EQ(Decode(*c, std::string("\x06\xd3" "b\x01", 4)), R"("\u00d3b\u0001")");
  EXPECT_EQ(Decode(*c, "\x04\xc3\x93"), "\"\xc3\x93\"");  // valid UTF-8 stays as it is
}

TEST(AvroCodec, ComplexTypes) {
  auto c = MustCompile(R"({"type":"record","name":"R","fields":[
    {"name":"e","type":{"type":"enum","name":"Color","symbols":["RED","GREEN"]}},
    {"name":"a","type":{"type":"array","items":"long"}},
    {"name":"m","type":{"type":"map","values":["null","float"]}},
    {"name":"f","type":{"type":"fixed","name":"Two","size":2}},
    {"name":"b","type":"bytes"},
    {"name":"n","type":{"type":"record","name":"Inner","fields":[{"name":"x","type":"int"}]}},
    {"name":"u","type":["null","Inner","string"]}]})");
  const std::string json =
      R"({"e":"GREEN","a":[1,-2,3],"m":{"k":0.5,"z":null},"f":"\u00ff\u0001","b":"a\u00e9","n":{"x":7},"u":{"x":8}})";
  const std::string bin = Encode(c, json);
  EXPECT_EQ(Decode(*c, bin),
            R"({"e":"GREEN","a":[1,-2,3],"m":{"k":0.5,"z":null},"f":"ÿ\u0001","b":"aé","n":{"x":7},"u":{"x":8}})");
  std::vector<FieldValue> fields;
  std::string scratch;
  ASSERT_TRUE(c->DecodeRecord(bin, &fields, &scratch).ok());
  ASSERT_EQ(fields.size(), 7u);
  EXPECT_EQ(fields[0].kind, FieldValue::Kind::kString);
  EXPECT_EQ(fields[0].text, "GREEN");
  EXPECT_EQ(fields[1].kind, FieldValue::Kind::kJson);
  EXPECT_EQ(fields[1].text, "[1,-2,3]");
  EXPECT_EQ(fields[2].text, R"({"k":0.5,"z":null})");
  EXPECT_EQ(fields[3].kind, FieldValue::Kind::kBytes);
  EXPECT_EQ(fields[3].text, std::string("\xff\x01", 2));
  EXPECT_EQ(fields[4].text, "a\xe9");
  EXPECT_EQ(fields[5].text, R"({"x":7})");
  EXPECT_EQ(fields[6].text, R"({"x":8})");
}

TEST(AvroCodec, DecodeRecordGivesViewsIntoThePayload) {
  auto c = MustCompile(kUser);
  const std::string bin = Encode(c, R"({"id":"abc","age":-5,"nick":null,"score":2,"ok":true,"big":1})");
  std::vector<FieldValue> f;
  std::string scratch;
  ASSERT_TRUE(c->DecodeRecord(bin, &f, &scratch).ok());
  EXPECT_EQ(f[0].text, "abc");
  EXPECT_EQ(f[0].text.data(), bin.data() + 1);  // no copy
  EXPECT_EQ(f[1].kind, FieldValue::Kind::kLong);
  EXPECT_EQ(f[1].integer, -5);
  EXPECT_EQ(f[2].kind, FieldValue::Kind::kNull);
  EXPECT_EQ(f[3].kind, FieldValue::Kind::kDouble);
  EXPECT_EQ(f[3].number, 2.0);
  EXPECT_TRUE(f[4].boolean);
  auto not_record = MustCompile(R"("string")");
  Status st = not_record->DecodeRecord("\x02x", &f, &scratch);
  EXPECT_NE(st.message().find("not a record"), std::string::npos) << st.ToString();
}

TEST(AvroCodec, RejectsBadPayloads) {
  auto c = MustCompile(kUser);
  const std::string good = Encode(c, R"({"id":"ab","age":3,"score":1,"ok":true,"big":1})");
  std::string out;
  std::vector<FieldValue> f;
  std::string scratch;
  auto bad = [&](std::string payload, std::string_view why) {
    SCOPED_TRACE(Hex(payload));
    for (Status st : {c->Validate(payload), c->DecodeToJson(payload, &out),
                      c->DecodeToJsonDirect(payload, &out), c->DecodeRecord(payload, &f, &scratch)}) {
      EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
      EXPECT_NE(st.message().find(why), std::string::npos) << st.ToString();
    }
    EXPECT_EQ(out, "");
  };
  bad(good.substr(0, good.size() - 1), "truncated");
  bad(good + "x", "1 bytes after the value");
  bad("\x7f", "negative length");                                 // length -64
  bad(std::string("\xfe\xff\xff\xff\x0f", 5) + "ab", "length 2147483647 but only 2 bytes left");
  bad(std::string("\x00\x06\x04", 3), "union branch 2 of 2");
  bad(std::string("\x00\x80\x80\x80\x80\x10", 6), "out of range");  // int 2^31
  bad(std::string("\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 11), "longer than 10 bytes");
  bad("", "truncated");
}

TEST(AvroCodec, BoundsCountsOfItems) {
  auto longs = MustCompile(R"({"type":"array","items":"long"})");
  std::string out;
  // A block announcing 2^30 longs in 6 bytes.
  Status st = longs->DecodeToJson(std::string("\x80\x80\x80\x80\x08\x02", 6), &out);
  EXPECT_NE(st.message().find("items but only"), std::string::npos) << st.ToString();
  // Zero-byte items: a block of 2^40 nulls is capped, not looped over.
  auto nulls = MustCompile(R"({"type":"array","items":"null"})");
  st = nulls->DecodeToJson(std::string("\x80\x80\x80\x80\x80\x40\x00", 7), &out);
  EXPECT_NE(st.message().find("zero-byte type"), std::string::npos) << st.ToString();
  // A negative count carries a byte size: 2 items in a block of 2 bytes.
  EXPECT_EQ(Decode(*longs, std::string("\x03\x04\x02\x04\x00", 5)), "[1,2]");
  // A map key twice.
  auto map = MustCompile(R"({"type":"map","values":"int"})");
  st = map->Validate(std::string("\x04\x02k\x02\x02k\x04\x00", 8));
  EXPECT_NE(st.message().find("a map key appears twice"), std::string::npos) << st.ToString();
  // Recursion through a union is bounded by kMaxDepth.
  auto list = MustCompile(R"({"type":"record","name":"L","fields":[{"name":"next","type":["null","L"]}]})");
  EXPECT_EQ(Decode(*list, std::string("\x02\x02\x00", 3)), R"({"next":{"next":{"next":null}}})");
  std::string deep(200, '\x02');
  deep.push_back('\x00');
  st = list->Validate(deep);
  EXPECT_NE(st.message().find("nested deeper"), std::string::npos) << st.ToString();
}

TEST(AvroCodec, DirectEncoderWritesLibavrosBytes) {
  auto c = MustCompile(R"({"type":"record","name":"R","fields":[
    {"name":"s","type":"string"},{"name":"i","type":["null","int","string"]},
    {"name":"l","type":["string","long"]},{"name":"e","type":["null",{"type":"enum","name":"E","symbols":["A","B"]}]},
    {"name":"a","type":{"type":"array","items":["null","string"]}},
    {"name":"r","type":["null",{"type":"record","name":"In","fields":[{"name":"x","type":"long"}]}]},
    {"name":"n","type":"null"}]})");
  for (std::string_view json : {
           R"({"s":"x","i":5,"l":7,"e":"B","a":["p",null,"q"],"r":null,"n":null})",
           R"({"s":"","i":"five","l":"seven","a":[]})",
           R"({"s":"é","i":null,"l":-1,"e":null,"a":[null],"r":{"x":-9223372036854775808}})",
       }) {
    SCOPED_TRACE(json);
    Encode(c, json);
  }
}

TEST(AvroCodec, EncoderErrorsNameTheField) {
  auto c = MustCompile(kUser);
  Encoder e(c);
  std::string out;
  auto err = [&](std::string_view json) {
    Status st = e.Encode(json, &out);
    EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
    return st.message();
  };
  EXPECT_EQ(err(R"({"id":"a","age":"x","score":1,"ok":true,"big":1})"),
            "field 'age': a string where the schema wants an int");
  EXPECT_EQ(err(R"({"age":1,"score":1,"ok":true,"big":1})"),
            "field 'id': missing (and its type does not allow null)");
  EXPECT_EQ(err(R"({"id":"a","age":4294967296,"score":1,"ok":true,"big":1})"),
            "field 'age': 4294967296 is out of range for an int");
  EXPECT_EQ(err(R"({"id":"a","age":1,"nick":[1],"score":1,"ok":true,"big":1})"),
            "field 'nick': an array fits no branch of the union");
  EXPECT_NE(err("{").find("not JSON"), std::string::npos);
  EXPECT_EQ(out, "");
  // A producer's mapping writes what it reads: "42" into an int, 12 into a string.
  ASSERT_TRUE(e.Encode(R"({"id":"a","age":"42","score":"2.5","ok":"true","big":"-1"})", &out).ok());
  EXPECT_EQ(Hex(out), "0261" "54" "00" "0000000000000440" "01" "01");
  out.clear();
  ASSERT_TRUE(e.Encode(R"({"id":12,"age":1,"score":1,"ok":true,"big":1})", &out).ok());
  EXPECT_EQ(out.substr(0, 3), "\x04" "12");
}

TEST(AvroCodec, RejectsInvalidSchemas) {
  for (std::string_view s : {R"({"type":"record","name":"R","fields":[{"name":"a","type":"nope"}]})",
                             R"({"type":"enum","name":"E"})", "not json", R"(["int","int"])"}) {
    auto c = Codec::Compile(s);
    EXPECT_FALSE(c.ok()) << s;
    if (!c.ok()) {
      EXPECT_NE(c.status().message().find("invalid Avro schema"), std::string::npos);
    }
  }
}

TEST(AvroWireFormat, FramesAndParses) {
  std::string v;
  AppendWireHeader(0x01020304, &v);
  v += "payload";
  EXPECT_EQ(Hex(v.substr(0, 5)), "0001020304");
  EXPECT_TRUE(LooksFramed(v));
  auto f = ParseWireFrame(v);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->schema_id, 0x01020304);
  EXPECT_EQ(f->payload, "payload");
  EXPECT_FALSE(LooksFramed(R"({"a":1})"));
  EXPECT_NE(ParseWireFrame(std::string("\x00\x01", 2)).status().message().find("shorter than the 5-byte header"),
            std::string::npos);
  EXPECT_NE(ParseWireFrame("\x01xxxx").status().message().find("unknown magic byte 0x01"),
            std::string::npos);
}

}  // namespace
}  // namespace kappa::avro
