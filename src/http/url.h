// Request-target pieces (RFC 3986): the path / query split, percent-decoding, query strings.
// Private to src/http.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kappa::http {

// Decodes %XX escapes (and '+' as a space when `plus_is_space`, as in query strings).
// False on a malformed escape ("%4", "%zz"); `*out` is then unspecified.
bool PercentDecode(std::string_view in, bool plus_is_space, std::string* out);

// "a=1&b=x%20y&flag" -> {{"a","1"},{"b","x y"},{"flag",""}}. Empty pieces are skipped.
// False on a malformed escape.
bool ParseQuery(std::string_view qs, std::vector<std::pair<std::string, std::string>>* out);

// Splits an origin-form target "/p/a?q" into path and query (without '?'); a fragment is not
// part of a request-target and is kept in the query as sent.
void SplitTarget(std::string_view target, std::string_view* path, std::string_view* query);

}  // namespace kappa::http
