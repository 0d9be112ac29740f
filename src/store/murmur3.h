// MurmurHash3 x64_128 exactly as Apache Cassandra computes it (Murmur3Partitioner): the
// standard algorithm except that tail bytes are sign-extended before shifting (Java bytes
// are signed). The partition token is the first 64-bit half. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>

namespace kappa::store {

// Returns {h1, h2}.
std::pair<uint64_t, uint64_t> CassandraMurmur3x64_128(std::string_view data, uint64_t seed = 0);

}  // namespace kappa::store
