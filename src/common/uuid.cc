#include "common/uuid.h"

#include <random>

namespace kappa {

Uuid Uuid::Random() {
  thread_local std::mt19937_64 rng([] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }());
  Uuid u;
  uint64_t a = rng(), b = rng();
  for (int i = 0; i < 8; ++i) {
    u.bytes[i] = uint8_t(a >> (56 - 8 * i));
    u.bytes[8 + i] = uint8_t(b >> (56 - 8 * i));
  }
  u.bytes[6] = (u.bytes[6] & 0x0f) | 0x40;  // version 4
  u.bytes[8] = (u.bytes[8] & 0x3f) | 0x80;  // RFC 4122 variant
  return u;
}

std::optional<Uuid> Uuid::Parse(std::string_view s) {
  if (s.size() != 36) return std::nullopt;
  Uuid u;
  int bi = 0;
  for (size_t i = 0; i < 36;) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    int h = hex(s[i]), l = hex(s[i + 1]);
    if (h < 0 || l < 0) return std::nullopt;
    u.bytes[bi++] = uint8_t(h << 4 | l);
    i += 2;
  }
  return u;
}

std::string Uuid::ToString() const {
  static const char* kHex = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
    s += kHex[bytes[i] >> 4];
    s += kHex[bytes[i] & 15];
  }
  return s;
}

}  // namespace kappa
