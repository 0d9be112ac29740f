// gzip (RFC 1952) through zlib, for response bodies. Private to src/http.
#pragma once

#include <string>
#include <string_view>

namespace kappa::http {

// Compresses `in` at `level` (1..9) into `*out`. False only if zlib fails (out of memory).
bool Gzip(std::string_view in, int level, std::string* out);
// Decompresses a gzip stream (tests and clients). False on corrupt or truncated input.
bool Gunzip(std::string_view in, std::string* out);

}  // namespace kappa::http
