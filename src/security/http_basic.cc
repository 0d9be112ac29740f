// HTTP Basic credentials (security.h): RFC 7617's "Basic base64(user:password)".
#include <openssl/evp.h>

#include <cctype>

#include "security/security.h"

namespace kappa::security {

std::optional<BasicCredentials> ParseBasicAuthorization(std::string_view header) {
  // The scheme is case-insensitive (RFC 9110 section 11.1), one or more spaces follow it.
  constexpr std::string_view kScheme = "basic";
  if (header.size() <= kScheme.size()) return std::nullopt;
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != kScheme[i]) return std::nullopt;
  }
  std::string_view b64 = header.substr(kScheme.size());
  if (b64.front() != ' ') return std::nullopt;
  while (!b64.empty() && b64.front() == ' ') b64.remove_prefix(1);
  while (!b64.empty() && b64.back() == ' ') b64.remove_suffix(1);
  if (b64.empty() || b64.size() % 4 != 0 || b64.size() > 4096) return std::nullopt;
  std::string raw(b64.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(raw.data()),
                          reinterpret_cast<const unsigned char*>(b64.data()), int(b64.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding as zero bytes: drop them.
  size_t len = size_t(n);
  if (b64.back() == '=') --len;
  if (b64[b64.size() - 2] == '=') --len;
  raw.resize(len);
  size_t colon = raw.find(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  return BasicCredentials{raw.substr(0, colon), raw.substr(colon + 1)};
}

}  // namespace kappa::security
