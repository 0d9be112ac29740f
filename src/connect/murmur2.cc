// Kafka's default partitioner hash: murmur2 as the Java client implements it
// (org.apache.kafka.common.utils.Utils.murmur2, seed 0x9747b28c), so keyed records land in
// the same partition whether kappa or a Kafka client produced them.
#include "connect/connect.h"

namespace kappa::connect {

uint32_t KafkaMurmur2(std::string_view key) {
  const auto* data = reinterpret_cast<const unsigned char*>(key.data());
  const uint32_t length = uint32_t(key.size());
  const uint32_t m = 0x5bd1e995;
  const int r = 24;
  uint32_t h = 0x9747b28c ^ length;
  const uint32_t length4 = length / 4;
  for (uint32_t i = 0; i < length4; ++i) {
    const uint32_t i4 = i * 4;
    uint32_t k = uint32_t(data[i4]) | uint32_t(data[i4 + 1]) << 8 | uint32_t(data[i4 + 2]) << 16 |
                 uint32_t(data[i4 + 3]) << 24;
    k *= m;
    k ^= k >> r;
    k *= m;
    h *= m;
    h ^= k;
  }
  const uint32_t tail = length & ~3u;
  switch (length % 4) {
    case 3: h ^= uint32_t(data[tail + 2]) << 16; [[fallthrough]];
    case 2: h ^= uint32_t(data[tail + 1]) << 8; [[fallthrough]];
    case 1:
      h ^= uint32_t(data[tail]);
      h *= m;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return h;
}

int32_t PartitionForKey(std::string_view key, int32_t partitions) {
  return int32_t((KafkaMurmur2(key) & 0x7fffffffu) % uint32_t(partitions));
}

}  // namespace kappa::connect
