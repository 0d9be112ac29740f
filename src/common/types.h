// Distinct types for distinct quantities (redpanda's named_type): an Offset is not a
// PartitionId. Zero-cost wrappers; compare and hash like the underlying integer.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <ostream>

namespace kappa {

template <typename T, typename Tag>
class NamedType {
 public:
  using value_type = T;
  constexpr NamedType() = default;
  constexpr explicit NamedType(T v) : v_(v) {}
  constexpr T value() const { return v_; }
  constexpr T operator()() const { return v_; }
  constexpr auto operator<=>(const NamedType&) const = default;
  constexpr NamedType& operator++() { ++v_; return *this; }
  constexpr NamedType operator+(T d) const { return NamedType(v_ + d); }
  constexpr NamedType operator-(T d) const { return NamedType(v_ - d); }
  constexpr T operator-(NamedType o) const { return v_ - o.v_; }
  friend std::ostream& operator<<(std::ostream& os, NamedType n) { return os << n.v_; }

 private:
  T v_{};
};

// Position of a record within a partition; the next offset to be written is the "end".
using Offset = NamedType<int64_t, struct OffsetTag>;
using PartitionId = NamedType<int32_t, struct PartitionIdTag>;
// Milliseconds since the Unix epoch (Kafka record timestamps, retention ages).
using TimestampMs = NamedType<int64_t, struct TimestampMsTag>;

}  // namespace kappa

template <typename T, typename Tag>
struct std::hash<kappa::NamedType<T, Tag>> {
  size_t operator()(kappa::NamedType<T, Tag> n) const noexcept { return std::hash<T>()(n.value()); }
};
