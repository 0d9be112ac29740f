// The one parser of durations and byte sizes for every command-line flag and config key
// (docs/formats/config.md, "Value syntaxes"). Two copies had drifted: a bare `10` meant
// 10 ms to `kappa up --duration` and 10 s to `kappa connect produce --duration`.
//
// Durations: a number (decimals allowed: 1.5h) followed by a unit, ms, s, m (or min), h or
// d, with optional blanks between. A bare number is refused (InvalidArgument naming the units
// to add) because no single unit is obvious to every reader; `0` alone is accepted, as it
// means the same in every unit. Negative values are refused.
//
// Sizes: a number of bytes, or a number with B, KiB, MiB, GiB, TiB (binary) or KB, MB, GB,
// TB (decimal). A bare number means bytes: the one unit sizes are counted in everywhere.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace kappa {

// "10s" -> 10000, "250ms" -> 250, "1.5h" -> 5400000, "0" -> 0. InvalidArgument otherwise,
// e.g. "'10' has no unit: write 10s, 10ms, 10m, 10h or 10d".
Result<int64_t> ParseDurationMs(std::string_view text);

// "64MiB" -> 67108864, "4096" -> 4096, "1GB" -> 1000000000. InvalidArgument otherwise.
Result<int64_t> ParseByteSize(std::string_view text);

// The inverse forms, for help texts and messages: the largest unit that divides exactly,
// so that parsing the text gives `ms` (or `bytes`) back. 30000 -> "30s", 600000 -> "10m",
// 1500 -> "1500ms", 0 -> "0"; 16777216 -> "16MiB", 1000 -> "1000" (bytes).
std::string FormatDurationMs(int64_t ms);
std::string FormatByteSize(int64_t bytes);

}  // namespace kappa
