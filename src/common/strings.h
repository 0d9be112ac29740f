// Small ASCII string helpers every subsystem shares (one copy of each).
#pragma once

#include <cctype>
#include <string>
#include <string_view>

namespace kappa {

// `s` without leading and trailing whitespace (std::isspace: space, \t, \n, \v, \f, \r).
inline std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// `s` with A-Z mapped to a-z; other bytes (UTF-8 included) unchanged.
inline std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace kappa
