#include "cql/protocol/frame.h"

#include <gtest/gtest.h>

namespace kappa::cql {
namespace {

TEST(FrameTest, HeaderRoundTrip) {
  FrameHeader h;
  h.version = 4;
  h.response = true;
  h.flags = frame_flags::kWarning;
  h.stream = -1;
  h.opcode = Opcode::kEvent;
  h.length = 1234;
  char buf[kFrameHeaderSize];
  EncodeFrameHeader(h, buf);
  EXPECT_EQ(uint8_t(buf[0]), 0x84);
  FrameHeader d;
  ASSERT_TRUE(DecodeFrameHeader(buf, &d).ok());
  EXPECT_EQ(d.version, 4);
  EXPECT_TRUE(d.response);
  EXPECT_EQ(d.stream, -1);
  EXPECT_EQ(d.opcode, Opcode::kEvent);
  EXPECT_EQ(d.length, 1234u);
}

TEST(FrameTest, RejectsOversizedBody) {
  FrameHeader h;
  h.length = kMaxFrameBody + 1;
  char buf[kFrameHeaderSize];
  EncodeFrameHeader(h, buf);
  FrameHeader d;
  EXPECT_TRUE(DecodeFrameHeader(buf, &d).IsInvalidArgument());
}

class CompressionTest : public testing::TestWithParam<Compression> {};

TEST_P(CompressionTest, RoundTripAndCorruption) {
  std::string body;
  for (int i = 0; i < 1000; ++i) body += "row " + std::to_string(i % 17) + ";";
  auto c = CompressBody(GetParam(), body);
  ASSERT_TRUE(c.ok());
  EXPECT_LT(c->size(), body.size());
  auto d = DecompressBody(GetParam(), *c);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, body);
  // Garbage never crashes; it is reported.
  std::string junk = *c;
  for (size_t i = 0; i < junk.size(); i += 3) junk[i] = char(junk[i] ^ 0x5a);
  auto bad = DecompressBody(GetParam(), junk);
  if (bad.ok()) {
    EXPECT_NE(*bad, body);
  }
  EXPECT_FALSE(DecompressBody(GetParam(), "\x01").ok());
}

INSTANTIATE_TEST_SUITE_P(Algorithms, CompressionTest,
                         testing::Values(Compression::kLz4, Compression::kSnappy));

TEST(FrameTest, EncodeFrameSetsCompressionFlag) {
  FrameHeader h;
  h.opcode = Opcode::kResult;
  std::string body(4096, 'x');
  std::string f = EncodeFrame(h, body, Compression::kLz4);
  FrameHeader d;
  ASSERT_TRUE(DecodeFrameHeader(f.data(), &d).ok());
  EXPECT_TRUE(d.flags & frame_flags::kCompression);
  EXPECT_EQ(d.length, f.size() - kFrameHeaderSize);
  auto plain = DecompressBody(Compression::kLz4, std::string_view(f).substr(kFrameHeaderSize));
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, body);
}

}  // namespace
}  // namespace kappa::cql
