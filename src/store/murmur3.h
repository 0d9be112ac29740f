// MurmurHash3 x64_128 exactly as Apache Cassandra computes it (Murmur3Partitioner): the
// standard algorithm except that tail bytes are sign-extended before shifting (Java bytes
// are signed). The partition token is the first 64-bit half. Pure functions; thread-safe.
// Part of the store's public API (store/store.h includes it) and of its value model
// (library kappa_store_types, with store/types.h): the CQL client routes by these tokens
// without linking the store.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/types.h"

namespace kappa::store {

// Returns {h1, h2}.
std::pair<uint64_t, uint64_t> CassandraMurmur3x64_128(std::string_view data, uint64_t seed = 0);

// Cassandra's Murmur3Partitioner token of a serialized partition key: the first 64 bits of
// MurmurHash3 x64_128 (seed 0, Cassandra's sign-extended tail), as a signed integer;
// Long.MIN_VALUE is mapped to Long.MAX_VALUE as Cassandra does.
int64_t Murmur3Token(std::string_view key_bytes);
// The serialized partition key Cassandra hashes: the native serialization of the single
// key column, or for compound keys each component as [u16 length][bytes][0x00].
std::string SerializePartitionKey(const std::vector<Value>& partition_key);
// Token of a row's partition key values (partition key columns only, in position order).
int64_t PartitionToken(const std::vector<Value>& partition_key);

inline constexpr int64_t kMinToken = INT64_MIN;
inline constexpr int64_t kMaxToken = INT64_MAX;

}  // namespace kappa::store
