// Byte-level encodings shared by the on-disk log format and the wire protocols:
// big-endian fixed-width integers (Kafka, CQL) and Kafka's zig-zag varints
// (protobuf-style; used inside RecordBatch v2 records and flexible-version fields).
// All functions are pure; the Decode* ones never read past `end` and return false on
// truncated or overlong input.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>

namespace kappa::coding {

inline void PutBE16(char* p, uint16_t v) { p[0] = char(v >> 8); p[1] = char(v); }
inline void PutBE32(char* p, uint32_t v) {
  v = __builtin_bswap32(v);
  std::memcpy(p, &v, 4);
}
inline void PutBE64(char* p, uint64_t v) {
  v = __builtin_bswap64(v);
  std::memcpy(p, &v, 8);
}
inline uint16_t GetBE16(const char* p) {
  return uint16_t((uint8_t(p[0]) << 8) | uint8_t(p[1]));
}
inline uint32_t GetBE32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return __builtin_bswap32(v);
}
inline uint64_t GetBE64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return __builtin_bswap64(v);
}

inline void AppendBE16(std::string* s, uint16_t v) { char b[2]; PutBE16(b, v); s->append(b, 2); }
inline void AppendBE32(std::string* s, uint32_t v) { char b[4]; PutBE32(b, v); s->append(b, 4); }
inline void AppendBE64(std::string* s, uint64_t v) { char b[8]; PutBE64(b, v); s->append(b, 8); }

inline uint64_t ZigZag64(int64_t v) { return (uint64_t(v) << 1) ^ uint64_t(v >> 63); }
inline int64_t UnZigZag64(uint64_t v) { return int64_t(v >> 1) ^ -int64_t(v & 1); }

// Unsigned LEB128 varint. Returns bytes written (<= 10).
inline int PutUVarint(char* p, uint64_t v) {
  int n = 0;
  while (v >= 0x80) {
    p[n++] = char(v | 0x80);
    v >>= 7;
  }
  p[n++] = char(v);
  return n;
}
inline void AppendUVarint(std::string* s, uint64_t v) {
  char b[10];
  s->append(b, PutUVarint(b, v));
}
inline void AppendVarint(std::string* s, int64_t v) { AppendUVarint(s, ZigZag64(v)); }
inline int UVarintSize(uint64_t v) {
  int n = 1;
  while (v >= 0x80) { v >>= 7; ++n; }
  return n;
}
inline int VarintSize(int64_t v) { return UVarintSize(ZigZag64(v)); }

// Decodes an unsigned varint from [*p, end); advances *p.
inline bool DecodeUVarint(const char** p, const char* end, uint64_t* out) {
  uint64_t result = 0;
  for (int shift = 0; shift <= 63 && *p < end; shift += 7) {
    uint8_t byte = uint8_t(**p);
    ++*p;
    result |= uint64_t(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *out = result;
      return true;
    }
  }
  return false;
}
inline bool DecodeVarint(const char** p, const char* end, int64_t* out) {
  uint64_t u;
  if (!DecodeUVarint(p, end, &u)) return false;
  *out = UnZigZag64(u);
  return true;
}

}  // namespace kappa::coding
