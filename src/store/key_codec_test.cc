// Property tests: for every key type, comparing encoded bytes gives the same order as
// comparing the typed values (ascending and descending), and decoding gives the value back.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "store/key_codec.h"
#include "store/value_text.h"

namespace kappa::store {
namespace {

std::mt19937_64 rng(12345);

using uint128_t = unsigned __int128;

std::string Int128ToTwos(__int128 v) {
  std::string b;
  for (int i = 15; i >= 0; --i) b.push_back(char(uint8_t(uint128_t(v) >> (8 * i))));
  while (b.size() > 1 && ((b[0] == 0 && !(uint8_t(b[1]) & 0x80)) ||
                          (uint8_t(b[0]) == 0xff && (uint8_t(b[1]) & 0x80)))) {
    b.erase(0, 1);
  }
  return b;
}

__int128 RandomInt128() {
  switch (rng() % 4) {
    case 0: return __int128(int64_t(rng() % 2001) - 1000);
    case 1: return __int128(int64_t(rng()));
    case 2: return (__int128(int64_t(rng())) << 64) | rng();
    default: return __int128(int64_t(rng() >> (rng() % 64))) * ((rng() & 1) ? 1 : -1);
  }
}

Uuid RandomUuid(int version) {
  Uuid u = Uuid::Random();
  if (rng() % 3 == 0) {  // small differences in the time fields
    u.bytes[0] = u.bytes[1] = 0;
    u.bytes[8] = uint8_t(rng() % 4);
  }
  u.bytes[6] = uint8_t((u.bytes[6] & 0x0f) | (version << 4));
  return u;
}

std::string RandomBytes() {
  std::string s;
  size_t n = rng() % 6;
  for (size_t i = 0; i < n; ++i) {
    static const char kAlpha[] = {'\0', '\x01', 'a', 'b', '\x7f', '\x80', '\xfe', '\xff'};
    s.push_back(kAlpha[rng() % sizeof(kAlpha)]);
  }
  return s;
}

float RandomFloat() {
  static const float kSpecial[] = {0.0f, -0.0f, 1.0f, -1.0f, INFINITY, -INFINITY, NAN,
                                   1e-45f, -1e-45f, 3.4e38f};
  if (rng() % 3 == 0) return kSpecial[rng() % 10];
  uint32_t b = uint32_t(rng());
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}
double RandomDouble() {
  static const double kSpecial[] = {0.0, -0.0, 1.0, -1.0, INFINITY, -INFINITY, NAN, 5e-324};
  if (rng() % 3 == 0) return kSpecial[rng() % 8];
  uint64_t b = rng();
  double d;
  std::memcpy(&d, &b, 8);
  return d;
}

// Java's Float.compare / Double.compare: -0 < 0, NaN above everything, NaNs equal.
template <typename F>
int JavaCompare(F a, F b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) == std::isnan(b) ? 0 : std::isnan(a) ? 1 : -1;
  if (a < b) return -1;
  if (a > b) return 1;
  return std::signbit(b) - std::signbit(a);
}

int CompareBytes(std::string_view a, std::string_view b) {
  int c = a.compare(b);  // char_traits<char>::compare is memcmp: unsigned bytes
  return c < 0 ? -1 : c > 0;
}

uint64_t UuidTime(const Uuid& u) {
  const auto& b = u.bytes;
  return (uint64_t(b[6] & 0x0f) << 56) | (uint64_t(b[7]) << 48) | (uint64_t(b[4]) << 40) |
         (uint64_t(b[5]) << 32) | (uint64_t(b[0]) << 24) | (uint64_t(b[1]) << 16) |
         (uint64_t(b[2]) << 8) | b[3];
}

int CompareTimeuuid(const Uuid& a, const Uuid& b) {
  uint64_t ta = UuidTime(a), tb = UuidTime(b);
  if (ta != tb) return ta < tb ? -1 : 1;
  for (int i = 8; i < 16; ++i) {  // clock sequence and node as signed bytes
    int8_t x = int8_t(a.bytes[i]), y = int8_t(b.bytes[i]);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

__int128 TwosToInt128(std::string_view b) {
  __int128 v = (int8_t(b[0]) < 0) ? -1 : 0;
  for (unsigned char c : b) v = (v << 8) | c;
  return v;
}

int CompareDecimal(const Decimal& a, const Decimal& b) {
  __int128 x = TwosToInt128(a.unscaled), y = TwosToInt128(b.unscaled);
  int32_t s = std::max(a.scale, b.scale);
  for (int i = a.scale; i < s; ++i) x *= 10;
  for (int i = b.scale; i < s; ++i) y *= 10;
  return x < y ? -1 : x > y;
}

Value RandomValue(TypeKind k) {
  switch (k) {
    case TypeKind::kTinyint: return Value::Tinyint(int8_t(rng()));
    case TypeKind::kSmallint: return Value::Smallint(int16_t(rng()));
    case TypeKind::kInt: return Value::Int32(int32_t(rng() % 3 ? rng() : rng() % 5));
    case TypeKind::kBigint: return Value::Bigint(int64_t(rng() % 3 ? rng() : rng() % 5 - 2));
    case TypeKind::kTimestamp: return Value::Timestamp(int64_t(rng()) >> 10);
    case TypeKind::kTime: return Value::Time(int64_t(rng() % 86'400'000'000'000ULL));
    case TypeKind::kDate: return Value::Date(uint32_t(rng()));
    case TypeKind::kBoolean: return Value::Boolean(rng() & 1);
    case TypeKind::kFloat: return Value::Float(RandomFloat());
    case TypeKind::kDouble: return Value::Double(RandomDouble());
    case TypeKind::kUuid: return Value::UuidOf(k, RandomUuid(rng() % 2 ? 1 : 4));
    case TypeKind::kTimeuuid: return Value::UuidOf(k, RandomUuid(1));
    case TypeKind::kVarint: return Value::Bytes(k, Int128ToTwos(RandomInt128()));
    case TypeKind::kDecimal: {
      int64_t u = int64_t(rng()) >> (rng() % 60);
      if (rng() % 2) u = -u;
      if (rng() % 5 == 0) u = int64_t(rng() % 3) * 100;  // zeros and trailing zeros
      return Value::DecimalOf(Decimal{int32_t(rng() % 11) - 5, Int128ToTwos(u)});
    }
    case TypeKind::kInet:
      return Value::Bytes(k, rng() % 2 ? std::string(4, char(rng() % 3)) : std::string(16, char(rng() % 3)));
    default: return Value::Bytes(k, RandomBytes());  // text, ascii (ASCII alphabet), blob
  }
}

// The reference order: CQL's comparison of typed values.
int TypedCompare(const Value& a, const Value& b) {
  switch (a.kind()) {
    case TypeKind::kBoolean: return int(a.as_bool()) - int(b.as_bool());
    case TypeKind::kFloat: return JavaCompare(a.as_float(), b.as_float());
    case TypeKind::kDouble: return JavaCompare(a.as_double(), b.as_double());
    case TypeKind::kTimeuuid: return CompareTimeuuid(a.as_uuid(), b.as_uuid());
    case TypeKind::kUuid: {
      int va = a.as_uuid().version(), vb = b.as_uuid().version();
      if (va != vb) return va < vb ? -1 : 1;
      if (va == 1) return CompareTimeuuid(a.as_uuid(), b.as_uuid());
      return a.as_uuid() < b.as_uuid() ? -1 : a.as_uuid() > b.as_uuid();
    }
    case TypeKind::kVarint: {
      __int128 x = TwosToInt128(a.as_bytes()), y = TwosToInt128(b.as_bytes());
      return x < y ? -1 : x > y;
    }
    case TypeKind::kDecimal: return CompareDecimal(a.as_decimal(), b.as_decimal());
    case TypeKind::kText:
    case TypeKind::kAscii:
    case TypeKind::kBlob:
    case TypeKind::kInet: return CompareBytes(a.as_bytes(), b.as_bytes());
    default: return a.as_int() < b.as_int() ? -1 : a.as_int() > b.as_int();
  }
}

std::string Encode(TypeKind k, const Value& v, ClusteringOrder o) {
  std::string s;
  keys::AppendComponent(Type(k), v, o, &s);
  return s;
}

class KeyOrder : public ::testing::TestWithParam<TypeKind> {};

TEST_P(KeyOrder, EncodedOrderEqualsTypedOrderAscAndDesc) {
  const TypeKind k = GetParam();
  for (int i = 0; i < 3000; ++i) {
    Value a = RandomValue(k), b = rng() % 8 == 0 ? a : RandomValue(k);
    int want = TypedCompare(a, b);
    for (auto o : {ClusteringOrder::kAsc, ClusteringOrder::kDesc}) {
      std::string ea = Encode(k, a, o), eb = Encode(k, b, o);
      int got = CompareBytes(ea, eb);
      int expect = o == ClusteringOrder::kAsc ? want : -want;
      ASSERT_EQ(got, expect) << TypeKindName(k) << " " << a.ToCqlLiteral() << " vs "
                             << b.ToCqlLiteral() << (o == ClusteringOrder::kDesc ? " desc" : "");
      // Component sequences: (a, x) vs (b, y) compare by a/b first, so a must not be a
      // prefix-ambiguous encoding.
      std::string sa = ea + Encode(TypeKind::kText, Value::Text("zz"), ClusteringOrder::kAsc);
      std::string sb = eb + Encode(TypeKind::kText, Value::Text(""), ClusteringOrder::kAsc);
      if (want != 0) {
        ASSERT_EQ(CompareBytes(sa, sb), expect);
      }
      // Round trip (decimal keys are normalized: compare numerically).
      std::string_view in = sa;
      auto d = keys::DecodeComponent(Type(k), o, &in);
      ASSERT_TRUE(d.ok()) << d.status().ToString();
      ASSERT_EQ(TypedCompare(*d, a), 0) << a.ToCqlLiteral() << " decoded as " << d->ToCqlLiteral();
      if (k != TypeKind::kDecimal && k != TypeKind::kFloat && k != TypeKind::kDouble) {
        ASSERT_EQ(*d, a);
      }
      auto rest = keys::DecodeComponent(Type(TypeKind::kText), ClusteringOrder::kAsc, &in);
      ASSERT_TRUE(rest.ok());
      EXPECT_EQ(rest->as_bytes(), "zz");
      EXPECT_TRUE(in.empty());
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllKeyTypes, KeyOrder,
    ::testing::Values(TypeKind::kTinyint, TypeKind::kSmallint, TypeKind::kInt, TypeKind::kBigint,
                      TypeKind::kTimestamp, TypeKind::kTime, TypeKind::kDate, TypeKind::kBoolean,
                      TypeKind::kFloat, TypeKind::kDouble, TypeKind::kUuid, TypeKind::kTimeuuid,
                      TypeKind::kVarint, TypeKind::kDecimal, TypeKind::kText, TypeKind::kAscii,
                      TypeKind::kBlob, TypeKind::kInet),
    [](const auto& info) { return std::string(TypeKindName(info.param)); });

TEST(KeyCodec, TokenEncodingIsOrderPreserving) {
  std::vector<int64_t> tokens = {INT64_MIN, -5, -1, 0, 1, 7, INT64_MAX};
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    std::string a, b;
    keys::AppendToken(tokens[i], &a);
    keys::AppendToken(tokens[i + 1], &b);
    EXPECT_LT(a, b);
    EXPECT_EQ(keys::DecodeToken(a), tokens[i]);
  }
}

TEST(KeyCodec, TruncatedInputIsCorruptionNotACrash) {
  for (TypeKind k : {TypeKind::kText, TypeKind::kBigint, TypeKind::kVarint, TypeKind::kDecimal,
                     TypeKind::kUuid}) {
    std::string full = Encode(k, RandomValue(k), ClusteringOrder::kAsc);
    for (size_t n = 0; n < full.size(); ++n) {
      std::string_view in(full.data(), n);
      auto r = keys::DecodeComponent(Type(k), ClusteringOrder::kAsc, &in);
      // Either a clean error or (for prefixes that happen to be complete) a value.
      if (!r.ok()) {
        EXPECT_TRUE(r.status().IsCorruption());
      }
    }
  }
}

TEST(KeyCodec, PrefixSuccessor) {
  EXPECT_EQ(keys::PrefixSuccessor("ab"), "ac");
  EXPECT_EQ(keys::PrefixSuccessor(std::string("a\xff", 2)), "b");
}

}  // namespace
}  // namespace kappa::store
