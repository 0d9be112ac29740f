#include "cql/client/token_ring.h"

#include <algorithm>
#include <charconv>

#include "store/murmur3.h"

namespace kappa::cql {

Status TokenRing::AddText(std::string_view token, int host) {
  int64_t t = 0;
  auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), t);
  if (ec != std::errc() || end != token.data() + token.size()) {
    return Status::InvalidArgument("not a Murmur3 token: '" + std::string(token) + "'");
  }
  Add(t, host);
  return Status::OK();
}

void TokenRing::Finish() {
  std::sort(entries_.begin(), entries_.end());
  // Keep the first claim of each token (lowest host index after the sort).
  entries_.erase(std::unique(entries_.begin(), entries_.end(),
                             [](const auto& a, const auto& b) { return a.first == b.first; }),
                 entries_.end());
}

int TokenRing::OwnerOf(int64_t token) const {
  if (entries_.empty()) return -1;
  auto it = std::lower_bound(entries_.begin(), entries_.end(), token,
                             [](const auto& e, int64_t t) { return e.first < t; });
  if (it == entries_.end()) it = entries_.begin();  // past the largest token: wrap around
  return it->second;
}

std::vector<int> TokenRing::HostsFor(int64_t token, size_t max) const {
  std::vector<int> out;
  if (entries_.empty() || max == 0) return out;
  auto it = std::lower_bound(entries_.begin(), entries_.end(), token,
                             [](const auto& e, int64_t t) { return e.first < t; });
  size_t start = size_t(it - entries_.begin()) % entries_.size();
  for (size_t k = 0; k < entries_.size() && out.size() < max; ++k) {
    int h = entries_[(start + k) % entries_.size()].second;
    if (std::find(out.begin(), out.end(), h) == out.end()) out.push_back(h);
  }
  return out;
}

std::optional<std::string> RoutingKey(const std::vector<int>& pk_indexes,
                                      const std::vector<store::Value>& values) {
  if (pk_indexes.empty()) return std::nullopt;
  std::vector<store::Value> pk;
  pk.reserve(pk_indexes.size());
  for (int i : pk_indexes) {
    if (i < 0 || size_t(i) >= values.size() || !values[size_t(i)].is_set()) return std::nullopt;
    pk.push_back(values[size_t(i)]);
  }
  return store::SerializePartitionKey(pk);
}

int64_t TokenOfRoutingKey(std::string_view routing_key) {
  return store::Murmur3Token(routing_key);
}

}  // namespace kappa::cql
