// Text forms of the value kinds that need more than printf: arbitrary-precision integers
// (varint, decimal), dates, times, timestamps and inet addresses. Internal to src/store.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "store/types.h"

namespace kappa::store::text {

// Big-endian two's complement <-> decimal digits ("-123"). "" reads as 0.
std::string VarintToString(std::string_view twos_complement);
Result<std::string> VarintFromString(std::string_view digits);  // minimal two's complement
// Plain notation: unscaled 12345, scale 2 -> "123.45"; scale -2 -> "1234500".
std::string DecimalToString(const Decimal& d);
// "-1.25", "3", "1e-3", "2.5E+4".
Result<Decimal> DecimalFromString(std::string_view s);
// Sign (-1, 0, 1) and the magnitude's decimal digits without leading zeros ("" for 0).
void VarintSignAndDigits(std::string_view twos_complement, int* sign, std::string* digits);

enum class TimestampStyle { kCqlsh, kIso };
// kCqlsh: "2024-05-01 12:00:00.000000+0000"; kIso: "2024-05-01T12:00:00.000Z".
std::string FormatTimestamp(int64_t ms, TimestampStyle style);
// "2024-05-01", "2024-05-01 12:00", "2024-05-01T12:00:00.123Z", "...+0200", "...+02:00",
// or an integer (milliseconds since the epoch).
Result<int64_t> ParseTimestamp(std::string_view s);
std::string FormatDate(uint32_t cql_days);  // "2024-05-01"
Result<uint32_t> ParseDate(std::string_view s);  // "2024-05-01" or the raw uint32
std::string FormatTime(int64_t ns);  // "12:00:00.000000000"
Result<int64_t> ParseTime(std::string_view s);  // "12:00:00[.fffffffff]" or nanoseconds
std::string FormatInet(std::string_view bytes);
Result<std::string> ParseInet(std::string_view s);

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d);

}  // namespace kappa::store::text
