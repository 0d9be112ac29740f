#include "common/uuid.h"

#include <array>
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

namespace {

// Hex digit values; 0xff for anything else.
constexpr std::array<uint8_t, 256> kHexValue = [] {
  std::array<uint8_t, 256> t{};
  for (auto& v : t) v = 0xff;
  for (int c = '0'; c <= '9'; ++c) t[size_t(c)] = uint8_t(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) t[size_t(c)] = uint8_t(c - 'a' + 10);
  for (int c = 'A'; c <= 'F'; ++c) t[size_t(c)] = uint8_t(c - 'A' + 10);
  return t;
}();

// Where each byte's two digits start in the 36-character form.
constexpr uint8_t kDigitPos[16] = {0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34};

}  // namespace

// Runs for every uuid key a streaming job converts: a table lookup per digit, and one check
// of all digits at the end instead of a branch each.
std::optional<Uuid> Uuid::Parse(std::string_view s) {
  if (s.size() != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-') {
    return std::nullopt;
  }
  Uuid u;
  uint8_t bad = 0;
  for (int i = 0; i < 16; ++i) {
    uint8_t h = kHexValue[uint8_t(s[kDigitPos[i]])], l = kHexValue[uint8_t(s[kDigitPos[i] + 1])];
    bad |= uint8_t(h | l);
    u.bytes[i] = uint8_t(h << 4 | l);
  }
  if (bad & 0xf0) return std::nullopt;
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
