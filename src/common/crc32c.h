// CRC-32C (Castagnoli), as Kafka RecordBatch v2 uses it. Hardware (SSE4.2) when the CPU has
// it, a slicing table otherwise. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace kappa::crc32c {

// Extends `crc` (the CRC of some prefix; 0 for none) over data[0, n).
uint32_t Extend(uint32_t crc, const void* data, size_t n);
inline uint32_t Value(const void* data, size_t n) { return Extend(0, data, n); }
inline uint32_t Value(std::string_view s) { return Extend(0, s.data(), s.size()); }

}  // namespace kappa::crc32c
