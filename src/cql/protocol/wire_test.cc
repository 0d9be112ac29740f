#include "cql/protocol/wire.h"

#include <gtest/gtest.h>

namespace kappa::cql {
namespace {

TEST(WireTest, RoundTripsEveryNotation) {
  std::string buf;
  WireWriter w(&buf);
  w.Byte(7);
  w.Short(0xBEEF);
  w.Int(-5);
  w.Long(INT64_MIN);
  w.String("héllo");
  w.LongString("long");
  w.Bytes(std::string_view("\x00\x01", 2));
  w.NullBytes();
  w.Value(WireValue::Unset());
  w.ShortBytes("id");
  w.StringList({"a", "bc"});
  w.StringMap({{"k", "v"}, {"CQL_VERSION", "3.0.0"}});
  w.StringMultimap({{"COMPRESSION", {"lz4", "snappy"}}});

  WireReader r(buf);
  uint8_t b; uint16_t s; int32_t i; int64_t l;
  std::string_view sv; bool null = false;
  ASSERT_TRUE(r.Byte(&b)); EXPECT_EQ(b, 7);
  ASSERT_TRUE(r.Short(&s)); EXPECT_EQ(s, 0xBEEF);
  ASSERT_TRUE(r.Int(&i)); EXPECT_EQ(i, -5);
  ASSERT_TRUE(r.Long(&l)); EXPECT_EQ(l, INT64_MIN);
  ASSERT_TRUE(r.String(&sv)); EXPECT_EQ(sv, "héllo");
  ASSERT_TRUE(r.LongString(&sv)); EXPECT_EQ(sv, "long");
  ASSERT_TRUE(r.Bytes(&sv, &null)); EXPECT_FALSE(null); EXPECT_EQ(sv.size(), 2u);
  ASSERT_TRUE(r.Bytes(&sv, &null)); EXPECT_TRUE(null);
  WireValue v;
  ASSERT_TRUE(r.Value(&v)); EXPECT_TRUE(v.is_unset());
  ASSERT_TRUE(r.ShortBytes(&sv)); EXPECT_EQ(sv, "id");
  std::vector<std::string> list;
  ASSERT_TRUE(r.StringList(&list)); EXPECT_EQ(list, (std::vector<std::string>{"a", "bc"}));
  std::map<std::string, std::string> m;
  ASSERT_TRUE(r.StringMap(&m)); EXPECT_EQ(m["CQL_VERSION"], "3.0.0");
  std::map<std::string, std::vector<std::string>> mm;
  ASSERT_TRUE(r.StringMultimap(&mm)); EXPECT_EQ(mm["COMPRESSION"].size(), 2u);
  EXPECT_EQ(r.remaining(), 0u);
  EXPECT_TRUE(r.ok());
}

TEST(WireTest, TruncatedInputFailsWithoutReadingPastTheEnd) {
  std::string buf;
  WireWriter(&buf).String("hello");
  for (size_t n = 0; n < buf.size(); ++n) {
    WireReader r(buf.data(), n);
    std::string_view sv;
    EXPECT_FALSE(r.String(&sv)) << n;
    EXPECT_FALSE(r.ok());
  }
  // A negative [long string] length is malformed.
  std::string neg;
  WireWriter(&neg).Int(-3);
  WireReader r(neg);
  std::string_view sv;
  EXPECT_FALSE(r.LongString(&sv));
  // Value lengths below -2 are malformed.
  std::string bad;
  WireWriter(&bad).Int(-7);
  WireReader r2(bad);
  WireValue v;
  EXPECT_FALSE(r2.Value(&v));
}

}  // namespace
}  // namespace kappa::cql
