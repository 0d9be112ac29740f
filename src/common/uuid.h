// Uuid: 16 bytes, RFC 4122 text form. Random (v4) generation uses a per-thread PRNG seeded
// from the OS; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kappa {

struct Uuid {
  std::array<uint8_t, 16> bytes{};

  static Uuid Random();  // version 4
  // Accepts "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (any case); nullopt otherwise.
  static std::optional<Uuid> Parse(std::string_view s);
  std::string ToString() const;  // lower-case canonical form
  int version() const { return bytes[6] >> 4; }
  auto operator<=>(const Uuid&) const = default;
};

}  // namespace kappa
