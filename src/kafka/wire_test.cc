#include "kafka/wire.h"

#include <gtest/gtest.h>

namespace kappa::kafka {
namespace {

TEST(WireTest, ClassicRoundTrip) {
  Writer w(false);
  w.Int8(-3);
  w.Int16(-2);
  w.Int32(123456);
  w.Int64(-9876543210);
  w.String("topic");
  w.NullableString(std::nullopt);
  w.Bytes(std::string("\0\1", 2));
  w.NullableBytes(std::nullopt);
  w.ArrayLength(-1);
  std::string b = w.Take();
  // int16-length string: 00 05 't' 'o' 'p' 'i' 'c'
  EXPECT_EQ(b.substr(15, 7), std::string("\0\5topic", 7));
  Reader r(b, false);
  EXPECT_EQ(r.Int8(), -3);
  EXPECT_EQ(r.Int16(), -2);
  EXPECT_EQ(r.Int32(), 123456);
  EXPECT_EQ(r.Int64(), -9876543210);
  EXPECT_EQ(r.String(), "topic");
  EXPECT_FALSE(r.NullableString().has_value());
  EXPECT_EQ(r.Bytes(), std::string("\0\1", 2));
  EXPECT_FALSE(r.NullableBytes().has_value());
  EXPECT_EQ(r.ArrayLength(), -1);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(WireTest, FlexibleEncodingUsesCompactLengths) {
  Writer w(true);
  w.String("ab");               // varint(3) 'a' 'b'
  w.NullableString(std::nullopt);  // varint(0)
  w.ArrayLength(2);             // varint(3)
  w.EmptyTaggedFields();        // 0
  EXPECT_EQ(w.Take(), std::string("\x03" "ab" "\x00" "\x03" "\x00", 6));

  // Tagged fields with payloads are skipped.
  std::string in("\x02" "x" "\x02" "\x01\x02" "ab" "\x05\x00" "\x07", 10);
  Reader r(in, true);
  EXPECT_EQ(r.String(), "x");
  r.SkipTaggedFields();  // 2 fields: tag 1 len 2 "ab"; tag 5 len 0
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.Int8(), 7);
}

TEST(WireTest, TruncationIsStickyAndSafe) {
  std::string b("\x00\x10" "abc", 5);  // claims 16 bytes, has 3
  Reader r(b, false);
  EXPECT_EQ(r.String(), "");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.Int32(), 0);
  EXPECT_FALSE(r.ok());
}

TEST(WireTest, HostileArrayCountFails) {
  Writer w(false);
  w.Int32(1'000'000'000);
  std::string b = w.Take();
  Reader r(b, false);
  EXPECT_EQ(r.ArrayLength(4), 0);
  EXPECT_FALSE(r.ok());

  std::string neg("\xff\xff\xff\xfe", 4);  // -2
  Reader r2(neg, false);
  r2.ArrayLength();
  EXPECT_FALSE(r2.ok());
}

TEST(WireTest, NullWhereStringRequiredFails) {
  std::string b("\xff\xff", 2);
  Reader r(b, false);
  r.String();
  EXPECT_FALSE(r.ok());
}

TEST(WireTest, LegacyStringInFlexibleHeader) {
  std::string b("\x00\x03" "cli", 5);
  Reader r(b, true);
  EXPECT_EQ(*r.LegacyNullableString(), "cli");
  EXPECT_TRUE(r.flexible());
}

}  // namespace
}  // namespace kappa::kafka
