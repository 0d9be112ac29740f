// TokenRing: which host of a Cassandra cluster owns a Murmur3 token, and the routing key
// of a bound statement. Private to src/cql (the client's token-aware routing).
//
// Ring rule (Cassandra's, Murmur3Partitioner): a host owning token T owns the range
// (previous token, T]; a key's token K belongs to the host with the smallest token >= K,
// wrapping past the largest token to the smallest. With replication, the next distinct hosts
// clockwise are the further replicas (SimpleStrategy); the client tries them in that order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "store/types.h"

namespace kappa::cql {

class TokenRing {
 public:
  // Adds `token` owned by host index `host` (>= 0). Call Finish() once all are added.
  void Add(int64_t token, int host) { entries_.emplace_back(token, host); }
  // Parses a token as written in system.local/peers.tokens ("-9223372036854775808".."...").
  Status AddText(std::string_view token, int host);
  // Sorts the ring. Two hosts claiming the same token: the lower host index keeps it.
  void Finish();

  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }
  // The owner of `token`, or -1 for an empty ring.
  int OwnerOf(int64_t token) const;
  // Distinct hosts clockwise from the owner of `token` (the owner first), at most `max`.
  std::vector<int> HostsFor(int64_t token, size_t max) const;

 private:
  std::vector<std::pair<int64_t, int>> entries_;  // sorted by token after Finish()
};

// The routing key of a statement whose bound values are `values` and whose partition key
// columns are values[pk_indexes[0]], values[pk_indexes[1]], ... (the PREPARED result's
// pk_indexes): the serialized partition key Cassandra hashes (one column: its native bytes;
// compound: each component as [u16 length][bytes][0x00]). nullopt when a key value is
// missing, null or unset, or pk_indexes is empty (no token-aware routing possible).
std::optional<std::string> RoutingKey(const std::vector<int>& pk_indexes,
                                      const std::vector<store::Value>& values);

// The Murmur3Partitioner token of a routing key.
int64_t TokenOfRoutingKey(std::string_view routing_key);

}  // namespace kappa::cql
