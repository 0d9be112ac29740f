// SCRAM's primitives (RFC 5802 section 2.2 and 3) over OpenSSL, and the SASL servers'
// constructors. Private to src/security: users.cc derives stored credentials with them,
// the SASL servers check proofs with them, and the tests feed RFC 7677's vector through
// them. Stored form: docs/formats/security.md.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "security/security.h"

namespace kappa::security::scram {

// Kafka's minimum (ScramMechanism.minIterations) and kappa's default.
inline constexpr int kMinIterations = 4096;
inline constexpr int kDefaultIterations = 4096;
inline constexpr size_t kSaltBytes = 24;

const char* MechanismName(ScramMechanism m);  // "SCRAM-SHA-256", "SCRAM-SHA-512"
size_t DigestSize(ScramMechanism m);
std::string Hash(ScramMechanism m, std::string_view data);
std::string Hmac(ScramMechanism m, std::string_view key, std::string_view data);
// Hi(password, salt, i): PBKDF2 with HMAC of the mechanism's hash.
std::string SaltedPassword(ScramMechanism m, std::string_view password, std::string_view salt,
                           int iterations);
// StoredKey and ServerKey of a password (RFC 5802 section 3).
ScramCredential DeriveCredential(ScramMechanism m, std::string_view password,
                                 std::string_view salt, int iterations);

std::string Base64Encode(std::string_view raw);
// InvalidArgument for anything but canonical padded base64.
Result<std::string> Base64Decode(std::string_view text);
bool ConstantTimeEquals(std::string_view a, std::string_view b);
std::string RandomBytes(size_t n);  // RAND_bytes; CHECKs that it worked

// The SASL servers. `nonce` makes the SCRAM server's nonce (printable, no ','); default:
// 24 random bytes in base64. Tests pass RFC 7677's.
std::unique_ptr<SaslServer> NewScramServer(ScramMechanism m, std::shared_ptr<const UserStore> users,
                                           std::function<std::string()> nonce = {});
std::unique_ptr<SaslServer> NewPlainServer(std::shared_ptr<const UserStore> users);

}  // namespace kappa::security::scram
