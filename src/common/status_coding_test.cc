#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <thread>
#include <vector>

#include "common/coding.h"
#include "common/crc32c.h"
#include "common/status.h"
#include "common/types.h"
#include "common/uuid.h"

namespace kappa {
namespace {

TEST(StatusTest, OkAndErrors) {
  EXPECT_TRUE(Status::OK().ok());
  Status s = Status::Corruption("bad crc").WithContext("segment 0");
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_EQ(s.ToString(), "Corruption: segment 0: bad crc");
  Result<int> r = 5;
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(*r, 5);
  Result<int> e = Status::NotFound("x");
  EXPECT_FALSE(e.ok());
  EXPECT_TRUE(e.status().IsNotFound());
}

TEST(StatusTest, ProtocolCodeIsKeptThroughContext) {
  EXPECT_FALSE(Status::OK().protocol_code());
  EXPECT_FALSE(Status::OK().WithProtocolCode(0x2200).protocol_code());  // OK stays OK
  Status s = Status::IOError("busy", /*retryable=*/true);
  EXPECT_FALSE(s.protocol_code());
  EXPECT_EQ(s.WithProtocolCode(0).protocol_code(), 0);  // a code 0 is a code, not "none"
  Status coded = s.WithProtocolCode(0x1001).WithContext("node 2");
  EXPECT_EQ(coded.protocol_code(), 0x1001);
  EXPECT_TRUE(coded.IsIOError());
  EXPECT_TRUE(coded.retryable());
  EXPECT_EQ(coded.ToString(), "IOError: node 2: busy");
  EXPECT_FALSE(s.protocol_code());  // the original is unchanged
}

// Bit-at-a-time CRC-32C: the definition, to check the fast paths against.
uint32_t ReferenceCrc32c(const uint8_t* p, size_t n) {
  uint32_t c = ~0u;
  for (size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
  }
  return ~c;
}

TEST(Crc32cTest, MatchesTheDefinitionAtEverySizeAndSplit) {
  std::mt19937 rng(7);
  std::vector<uint8_t> buf(20000);
  for (auto& b : buf) b = uint8_t(rng());
  // Sizes around the three-stream block boundaries (3 x 1024 bytes) and unaligned starts.
  for (size_t n : {0u, 1u, 7u, 8u, 9u, 3071u, 3072u, 3073u, 3080u, 6143u, 6144u, 6151u, 9216u,
                   10000u, 19990u}) {
    for (size_t off : {0u, 1u, 5u}) {
      uint32_t want = ReferenceCrc32c(buf.data() + off, n);
      EXPECT_EQ(crc32c::Value(buf.data() + off, n), want) << n << " at " << off;
      size_t half = n / 3;
      uint32_t part = crc32c::Value(buf.data() + off, half);
      EXPECT_EQ(crc32c::Extend(part, buf.data() + off + half, n - half), want) << n;
    }
  }
}

TEST(Crc32cTest, KnownVectors) {
  // RFC 3720 test vectors.
  std::string zeros(32, '\0');
  EXPECT_EQ(crc32c::Value(zeros), 0x8a9136aau);
  std::string ones(32, '\xff');
  EXPECT_EQ(crc32c::Value(ones), 0x62a8ab43u);
  EXPECT_EQ(crc32c::Value("123456789"), 0xe3069283u);
  // Extend composes.
  uint32_t a = crc32c::Value("12345", 5);
  EXPECT_EQ(crc32c::Extend(a, "6789", 4), 0xe3069283u);
}

TEST(CodingTest, VarintRoundTrip) {
  for (int64_t v : std::initializer_list<int64_t>{0, 1, -1, 63, -64, 64, 300, -300, INT32_MAX,
                    INT32_MIN, INT64_MAX, INT64_MIN}) {
    std::string s;
    coding::AppendVarint(&s, v);
    EXPECT_EQ(static_cast<int>(s.size()), coding::VarintSize(v));
    const char* p = s.data();
    int64_t out;
    ASSERT_TRUE(coding::DecodeVarint(&p, s.data() + s.size(), &out));
    EXPECT_EQ(out, v);
    EXPECT_EQ(p, s.data() + s.size());
  }
  // Truncated input fails instead of reading past the end.
  std::string s;
  coding::AppendVarint(&s, 1 << 20);
  const char* p = s.data();
  int64_t out;
  EXPECT_FALSE(coding::DecodeVarint(&p, s.data() + s.size() - 1, &out));
}

TEST(CodingTest, BigEndian) {
  std::string s;
  coding::AppendBE32(&s, 0x01020304);
  EXPECT_EQ(s, std::string("\x01\x02\x03\x04", 4));
  EXPECT_EQ(coding::GetBE32(s.data()), 0x01020304u);
  coding::AppendBE64(&s, 0x0102030405060708ull);
  EXPECT_EQ(coding::GetBE64(s.data() + 4), 0x0102030405060708ull);
}

TEST(UuidTest, RandomAndParse) {
  Uuid u = Uuid::Random();
  EXPECT_EQ(u.version(), 4);
  auto p = Uuid::Parse(u.ToString());
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(*p, u);
  EXPECT_NE(Uuid::Random(), u);
  EXPECT_FALSE(Uuid::Parse("not-a-uuid").has_value());
  // Every position: a non-hex digit or a misplaced dash is rejected.
  const std::string good = "123e4567-e89b-12d3-a456-426614174000";
  ASSERT_TRUE(Uuid::Parse(good).has_value());
  for (size_t i = 0; i < good.size(); ++i) {
    for (char c : {'g', 'G', '-', ' ', '/', ':', '@', '`', '\x80', '\0'}) {
      if (c == good[i]) continue;
      std::string bad = good;
      bad[i] = c;
      EXPECT_FALSE(Uuid::Parse(bad).has_value()) << bad;
    }
  }
  EXPECT_FALSE(Uuid::Parse(good + "0").has_value());
  EXPECT_EQ(Uuid::Parse("123E4567-E89B-12D3-A456-426614174000")->ToString(),
            "123e4567-e89b-12d3-a456-426614174000");
}

TEST(NamedTypeTest, Arithmetic) {
  Offset o(5);
  EXPECT_EQ((o + 3).value(), 8);
  EXPECT_LT(Offset(1), Offset(2));
  EXPECT_EQ(Offset(9) - Offset(4), 5);
}


// ---- the one duration / size / host:port parser -------------------------------------------

}  // namespace
}  // namespace kappa
