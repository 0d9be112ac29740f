#include <gtest/gtest.h>

#include <cmath>

#include "store/types.h"
#include "store/value_text.h"

namespace kappa::store {
namespace {

Value Parse(const Type& t, std::string_view s) {
  auto r = ParseFromString(t, s);
  EXPECT_TRUE(r.ok()) << t.ToString() << " '" << s << "': " << r.status().ToString();
  return r.ok() ? *r : Value();
}

TEST(Types, ParseAndPrintTypeNames) {
  for (const char* s : {"text", "int", "bigint", "uuid", "timeuuid", "list<int>", "set<text>",
                        "map<text, bigint>", "decimal", "varint", "inet", "date", "time"}) {
    auto t = Type::Parse(s);
    ASSERT_TRUE(t.ok()) << s;
    EXPECT_EQ(t->ToString(), s);
  }
  EXPECT_EQ(Type::Parse("VARCHAR")->kind, TypeKind::kText);
  EXPECT_EQ(Type::Parse("frozen<list<int>>")->ToString(), "frozen<list<int>>");
  EXPECT_EQ(Type::Parse("map<text, frozen<set<int>>>")->ToString(), "map<text, frozen<set<int>>>");
  EXPECT_EQ(*Type::Parse("frozen<list<int>>"), *Type::Parse("list<int>"));
  EXPECT_FALSE(Type::Parse("strnig").ok());
  EXPECT_FALSE(Type::Parse("map<int>").ok());
}

TEST(Values, ParseFromStringScalars) {
  EXPECT_EQ(Parse(TypeKind::kInt, "42").as_int(), 42);
  EXPECT_EQ(Parse(TypeKind::kBigint, "-9000000000").as_int(), -9000000000LL);
  EXPECT_FALSE(ParseFromString(TypeKind::kInt, "3000000000").ok());  // out of range
  EXPECT_FALSE(ParseFromString(TypeKind::kTinyint, "128").ok());
  EXPECT_FALSE(ParseFromString(TypeKind::kInt, "12x").ok());
  EXPECT_TRUE(Parse(TypeKind::kBoolean, "TRUE").as_bool());
  EXPECT_DOUBLE_EQ(Parse(TypeKind::kDouble, "3.25").as_double(), 3.25);
  EXPECT_TRUE(std::isnan(Parse(TypeKind::kFloat, "NaN").as_float()));
  EXPECT_EQ(Parse(TypeKind::kText, "héllo").as_bytes(), "héllo");
  EXPECT_FALSE(ParseFromString(TypeKind::kAscii, "héllo").ok());
  EXPECT_EQ(Parse(TypeKind::kBlob, "0xCAFE").as_bytes(), "\xca\xfe");
  EXPECT_EQ(Parse(TypeKind::kUuid, "0b5e0a3a-6e8b-4bd6-9c32-8a6f7c2e9d10").as_uuid().ToString(),
            "0b5e0a3a-6e8b-4bd6-9c32-8a6f7c2e9d10");
  EXPECT_FALSE(ParseFromString(TypeKind::kTimeuuid, "0b5e0a3a-6e8b-4bd6-9c32-8a6f7c2e9d10").ok());
  EXPECT_EQ(Parse(TypeKind::kInet, "10.0.0.1").as_bytes(), std::string("\x0a\0\0\x01", 4));
  EXPECT_EQ(Parse(TypeKind::kInet, "::1").as_bytes().size(), 16u);
}

TEST(Values, Timestamps) {
  const int64_t ms = 1714564800123;  // 2024-05-01T12:00:00.123Z
  EXPECT_EQ(Parse(TypeKind::kTimestamp, "2024-05-01T12:00:00.123Z").as_int(), ms);
  EXPECT_EQ(Parse(TypeKind::kTimestamp, "2024-05-01 12:00:00.123+0000").as_int(), ms);
  EXPECT_EQ(Parse(TypeKind::kTimestamp, "2024-05-01T14:00:00.123+02:00").as_int(), ms);
  EXPECT_EQ(Parse(TypeKind::kTimestamp, "1714564800123").as_int(), ms);
  EXPECT_EQ(Parse(TypeKind::kTimestamp, "1969-12-31T23:59:59.999Z").as_int(), -1);
  EXPECT_EQ(Value::Timestamp(ms).ToString(), "2024-05-01 12:00:00.123000+0000");
  EXPECT_EQ(Value::Timestamp(-1).ToCqlLiteral(), "'1969-12-31T23:59:59.999Z'");
  std::string j;
  Value::Timestamp(ms).AppendJson(&j);
  EXPECT_EQ(j, "\"2024-05-01 12:00:00.123Z\"");
  EXPECT_FALSE(ParseFromString(TypeKind::kTimestamp, "2024-02-30").ok());
  EXPECT_FALSE(ParseFromString(TypeKind::kTimestamp, "yesterday").ok());
}

TEST(Values, DatesAndTimes) {
  Value d = Parse(TypeKind::kDate, "1970-01-01");
  EXPECT_EQ(d.as_int(), int64_t(1) << 31);
  EXPECT_EQ(Parse(TypeKind::kDate, "2024-02-29").ToString(), "2024-02-29");
  EXPECT_EQ(Parse(TypeKind::kDate, "1900-03-01").ToString(), "1900-03-01");
  EXPECT_EQ(Parse(TypeKind::kTime, "12:34:56.789").as_int(), 45296789000000LL);
  EXPECT_EQ(Value::Time(45296789000000LL).ToString(), "12:34:56.789000000");
  EXPECT_FALSE(ParseFromString(TypeKind::kTime, "25:00:00").ok());
}

TEST(Values, VarintAndDecimalText) {
  for (const char* s : {"0", "1", "-1", "127", "128", "-128", "-129", "255", "256",
                        "123456789012345678901234567890", "-98765432109876543210"}) {
    Value v = Parse(TypeKind::kVarint, s);
    EXPECT_EQ(v.ToString(), s);
  }
  EXPECT_EQ(Parse(TypeKind::kVarint, "128").as_bytes(), std::string("\x00\x80", 2));
  EXPECT_EQ(Parse(TypeKind::kVarint, "-128").as_bytes(), "\x80");
  EXPECT_EQ(Parse(TypeKind::kDecimal, "123.45").ToString(), "123.45");
  EXPECT_EQ(Parse(TypeKind::kDecimal, "-0.005").ToString(), "-0.005");
  EXPECT_EQ(Parse(TypeKind::kDecimal, "1.5e3").ToString(), "1500");
  EXPECT_EQ(Parse(TypeKind::kDecimal, "1.50").as_decimal().scale, 2);
  EXPECT_FALSE(ParseFromString(TypeKind::kDecimal, "1.2.3").ok());
}

TEST(Values, NativeSerializationRoundTrips) {
  std::vector<std::pair<Type, std::string>> cases = {
      {TypeKind::kInt, "-7"}, {TypeKind::kBigint, "1234567890123"}, {TypeKind::kSmallint, "-300"},
      {TypeKind::kTinyint, "-5"}, {TypeKind::kBoolean, "true"}, {TypeKind::kFloat, "1.5"},
      {TypeKind::kDouble, "-2.25"}, {TypeKind::kText, "hi"}, {TypeKind::kBlob, "0x00ff"},
      {TypeKind::kTimestamp, "2024-05-01T00:00:00Z"}, {TypeKind::kDate, "2000-01-01"},
      {TypeKind::kTime, "01:02:03"}, {TypeKind::kVarint, "-12345678901234567890"},
      {TypeKind::kDecimal, "-3.14159"}, {TypeKind::kInet, "192.168.1.1"},
      {TypeKind::kUuid, "0b5e0a3a-6e8b-4bd6-9c32-8a6f7c2e9d10"},
      {Type::List(TypeKind::kInt), "[3, 1, 2]"}, {Type::Set(TypeKind::kText), "[\"a\", \"b\"]"},
      {Type::Map(TypeKind::kText, TypeKind::kBigint), "{\"x\": 1, \"y\": 2}"}};
  for (const auto& [t, s] : cases) {
    Value v = Parse(t, s);
    std::string bytes;
    SerializeNative(v, &bytes);
    auto back = DeserializeNative(t, bytes);
    ASSERT_TRUE(back.ok()) << t.ToString() << ": " << back.status().ToString();
    EXPECT_EQ(*back, v) << t.ToString();
  }
  EXPECT_FALSE(DeserializeNative(TypeKind::kInt, "abc").ok());
  EXPECT_FALSE(DeserializeNative(Type::List(TypeKind::kInt), std::string("\0\0\0\x05", 4)).ok());
  EXPECT_FALSE(DeserializeNative(TypeKind::kText, "\xff\xfe").ok());  // bad UTF-8
  // Text is validated past long ASCII runs (the 8-bytes-at-a-time path) and at every offset.
  for (size_t pad = 0; pad < 20; ++pad) {
    std::string ascii(pad, 'a');
    EXPECT_TRUE(DeserializeNative(TypeKind::kText, ascii + "Z\xc3\xa9" + ascii).ok()) << pad;
    EXPECT_TRUE(DeserializeNative(TypeKind::kText, ascii + "\xf0\x9f\x98\x80" + ascii).ok()) << pad;
    EXPECT_FALSE(DeserializeNative(TypeKind::kText, ascii + "\xff" + ascii).ok()) << pad;
    EXPECT_FALSE(DeserializeNative(TypeKind::kText, ascii + "\xc3").ok()) << pad;  // truncated
    EXPECT_FALSE(DeserializeNative(TypeKind::kText, ascii + "\xed\xa0\x80" + ascii).ok()) << pad;  // surrogate
  }
}

TEST(Values, CqlLiterals) {
  EXPECT_EQ(Value::Text("it's").ToCqlLiteral(), "'it''s'");
  auto v = ParseCqlLiteral(TypeKind::kText, "'it''s'");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->as_bytes(), "it's");
  EXPECT_FALSE(ParseCqlLiteral(TypeKind::kText, "bare").ok());
  EXPECT_EQ(ParseCqlLiteral(TypeKind::kBlob, "0xcafe")->as_bytes(), "\xca\xfe");
  auto m = ParseCqlLiteral(Type::Map(TypeKind::kText, Type::List(TypeKind::kInt)),
                           "{'a': [1, 2], 'b': []}");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->ToCqlLiteral(), "{'a': [1, 2], 'b': []}");
  EXPECT_TRUE(ParseCqlLiteral(TypeKind::kInt, "null")->is_null());
  EXPECT_FALSE(ParseCqlLiteral(TypeKind::kInt, "1 2").ok());
  std::string j;
  m->AppendJson(&j);
  EXPECT_EQ(j, "{\"a\": [1, 2], \"b\": []}");
}

TEST(Values, CheckValueRejectsMismatches) {
  EXPECT_FALSE(CheckValue(TypeKind::kInt, Value::Text("x")).ok());
  EXPECT_FALSE(CheckValue(TypeKind::kInt, Value::Int(TypeKind::kInt, int64_t(1) << 40)).ok());
  EXPECT_TRUE(CheckValue(TypeKind::kText, Value::Bytes(TypeKind::kAscii, "x")).ok());
  EXPECT_TRUE(CheckValue(TypeKind::kInt, Value::Null()).ok());
  EXPECT_FALSE(CheckValue(TypeKind::kInet, Value::Bytes(TypeKind::kInet, "abc")).ok());
}

TEST(Values, TextMustBeValidUtf8) {
  EXPECT_TRUE(CheckValue(TypeKind::kText, Value::Text("plain ascii")).ok());
  EXPECT_TRUE(CheckValue(TypeKind::kText, Value::Text("h\xc3\xa9llo \xe2\x82\xac \xf0\x9d\x84\x9e")).ok());
  for (const char* bad : {"\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82", "\xff", "a\x80" "b"}) {
    EXPECT_FALSE(CheckValue(TypeKind::kText, Value::Text(bad)).ok()) << bad;
  }
}

// IsValidUtf8 settles all-ASCII input a word at a time: a non-ASCII byte at any position
// (inside a word, in the tail, at either end) must still reach the full validator.
TEST(Values, Utf8CheckFindsBadBytesAtAnyPosition) {
  for (size_t len : {0, 1, 7, 8, 9, 15, 16, 17, 64, 65}) {
    std::string ascii(len, 'a');
    EXPECT_TRUE(IsValidUtf8(ascii)) << len;
    for (size_t at = 0; at < len; ++at) {
      std::string bad = ascii;
      bad[at] = '\xff';
      EXPECT_FALSE(IsValidUtf8(bad)) << len << " " << at;
      EXPECT_FALSE(DeserializeNative(TypeKind::kText, bad).ok()) << len << " " << at;
      EXPECT_FALSE(DeserializeNative(TypeKind::kAscii, bad).ok()) << len << " " << at;
      EXPECT_TRUE(DeserializeNative(TypeKind::kBlob, bad).ok()) << len << " " << at;
      if (at + 2 <= len) {
        std::string good = ascii;
        good[at] = '\xc3';
        good[at + 1] = '\xa9';
        EXPECT_TRUE(IsValidUtf8(good)) << len << " " << at;
        EXPECT_TRUE(DeserializeNative(TypeKind::kText, good).ok()) << len << " " << at;
      }
    }
  }
}

}  // namespace
}  // namespace kappa::store
