#include "store/murmur3.h"

#include <cstring>

#include "common/coding.h"
#include "store/row_codec.h"
#include "store/store.h"

namespace kappa::store {
namespace {

inline uint64_t Rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

inline uint64_t Fmix(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}

// Cassandra reads tail bytes as Java (signed) bytes widened to long: sign extension.
inline uint64_t Tail(const char* p, int i, int shift) {
  return uint64_t(int64_t(int8_t(p[i]))) << shift;
}

}  // namespace

std::pair<uint64_t, uint64_t> CassandraMurmur3x64_128(std::string_view data, uint64_t seed) {
  const char* p = data.data();
  const size_t len = data.size();
  const size_t nblocks = len / 16;
  uint64_t h1 = seed, h2 = seed;
  const uint64_t c1 = 0x87c37b91114253d5ULL, c2 = 0x4cf5ad432745937fULL;

  for (size_t i = 0; i < nblocks; ++i) {
    uint64_t k1, k2;
    std::memcpy(&k1, p + i * 16, 8);  // little-endian blocks (x86, and asserted below)
    std::memcpy(&k2, p + i * 16 + 8, 8);
    static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "little-endian host assumed");
    k1 *= c1; k1 = Rotl(k1, 31); k1 *= c2; h1 ^= k1;
    h1 = Rotl(h1, 27); h1 += h2; h1 = h1 * 5 + 0x52dce729;
    k2 *= c2; k2 = Rotl(k2, 33); k2 *= c1; h2 ^= k2;
    h2 = Rotl(h2, 31); h2 += h1; h2 = h2 * 5 + 0x38495ab5;
  }

  const char* tail = p + nblocks * 16;
  uint64_t k1 = 0, k2 = 0;
  switch (len & 15) {
    case 15: k2 ^= Tail(tail, 14, 48); [[fallthrough]];
    case 14: k2 ^= Tail(tail, 13, 40); [[fallthrough]];
    case 13: k2 ^= Tail(tail, 12, 32); [[fallthrough]];
    case 12: k2 ^= Tail(tail, 11, 24); [[fallthrough]];
    case 11: k2 ^= Tail(tail, 10, 16); [[fallthrough]];
    case 10: k2 ^= Tail(tail, 9, 8); [[fallthrough]];
    case 9:
      k2 ^= Tail(tail, 8, 0);
      k2 *= c2; k2 = Rotl(k2, 33); k2 *= c1; h2 ^= k2;
      [[fallthrough]];
    case 8: k1 ^= Tail(tail, 7, 56); [[fallthrough]];
    case 7: k1 ^= Tail(tail, 6, 48); [[fallthrough]];
    case 6: k1 ^= Tail(tail, 5, 40); [[fallthrough]];
    case 5: k1 ^= Tail(tail, 4, 32); [[fallthrough]];
    case 4: k1 ^= Tail(tail, 3, 24); [[fallthrough]];
    case 3: k1 ^= Tail(tail, 2, 16); [[fallthrough]];
    case 2: k1 ^= Tail(tail, 1, 8); [[fallthrough]];
    case 1:
      k1 ^= Tail(tail, 0, 0);
      k1 *= c1; k1 = Rotl(k1, 31); k1 *= c2; h1 ^= k1;
  }

  h1 ^= len;
  h2 ^= len;
  h1 += h2;
  h2 += h1;
  h1 = Fmix(h1);
  h2 = Fmix(h2);
  h1 += h2;
  h2 += h1;
  return {h1, h2};
}

int64_t Murmur3Token(std::string_view key_bytes) {
  int64_t t = int64_t(CassandraMurmur3x64_128(key_bytes).first);
  // Murmur3Partitioner.normalize: the minimum token is reserved.
  return t == INT64_MIN ? INT64_MAX : t;
}

std::string SerializePartitionKey(const std::vector<Value>& partition_key) {
  std::string out;
  AppendSerializedPartitionKey(partition_key, &out);
  return out;
}

void AppendSerializedPartitionKey(std::span<const Value> pk, std::string* out) {
  if (pk.size() == 1) {
    SerializeNative(pk[0], out);
    return;
  }
  for (const Value& v : pk) {
    size_t at = out->size();
    out->append(2, '\0');
    SerializeNative(v, out);
    coding::PutBE16(out->data() + at, uint16_t(out->size() - at - 2));
    out->push_back('\0');
  }
}

int64_t PartitionToken(const std::vector<Value>& partition_key) { return TokenOf(partition_key); }

int64_t TokenOf(std::span<const Value> pk) {
  thread_local std::string bytes;
  bytes.clear();
  AppendSerializedPartitionKey(pk, &bytes);
  return Murmur3Token(bytes);
}

}  // namespace kappa::store
