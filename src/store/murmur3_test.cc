#include <gtest/gtest.h>

#include "store/murmur3.h"
#include "store/store.h"

namespace kappa::store {
namespace {

// Vectors from the DataStax Python driver's tests (TESTING.md).
TEST(Murmur3, CassandraVectors) {
  EXPECT_EQ(Murmur3Token("123"), -7468325962851647638LL);
  EXPECT_EQ(Murmur3Token(std::string(8, '\xfe')), -8927430733708461935LL);
  EXPECT_EQ(Murmur3Token(std::string(8, '\x10')), 1446172840243228796LL);
}

TEST(Murmur3, TokenOfTypedKeys) {
  // A text key hashes its UTF-8 bytes; an int key its 4 big-endian bytes.
  EXPECT_EQ(PartitionToken({Value::Text("123")}), -7468325962851647638LL);
  EXPECT_EQ(SerializePartitionKey({Value::Int32(1)}), std::string("\0\0\0\x01", 4));
  // Compound keys: [u16 len][bytes][0] per component.
  EXPECT_EQ(SerializePartitionKey({Value::Text("ab"), Value::Int32(1)}),
            std::string("\0\x02" "ab\0" "\0\x04\0\0\0\x01\0", 12));
}

TEST(Murmur3, AllTailLengthsAreStable) {
  // Every tail length (0..15) and a multi-block input hash deterministically, and differ.
  std::string s;
  std::set<int64_t> seen;
  for (int i = 0; i < 40; ++i) {
    seen.insert(Murmur3Token(s));
    s.push_back(char(0x80 + i));  // high bytes exercise the sign-extended tail
  }
  EXPECT_EQ(seen.size(), 40u);
  EXPECT_EQ(Murmur3Token(""), 0);  // all-zero state: fmix(0) == 0
}

}  // namespace
}  // namespace kappa::store
