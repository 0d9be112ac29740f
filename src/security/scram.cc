// SCRAM primitives over OpenSSL (scram.h). PBKDF2 is OpenSSL's PKCS5_PBKDF2_HMAC, the
// "well-kept library for the key derivation"; nothing here is hand-rolled crypto.
#include "security/scram.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>

namespace kappa::security::scram {

namespace {

const EVP_MD* Md(ScramMechanism m) { return m == ScramMechanism::kSha256 ? EVP_sha256() : EVP_sha512(); }

[[noreturn]] void Die(const char* what) {
  // A failing digest or RNG is a broken invariant (OpenSSL misconfigured): stop.
  std::fprintf(stderr, "kappa: OpenSSL %s failed\n", what);
  std::abort();
}

}  // namespace

const char* MechanismName(ScramMechanism m) {
  return m == ScramMechanism::kSha256 ? "SCRAM-SHA-256" : "SCRAM-SHA-512";
}

size_t DigestSize(ScramMechanism m) { return size_t(EVP_MD_size(Md(m))); }

std::string Hash(ScramMechanism m, std::string_view data) {
  std::string out(DigestSize(m), '\0');
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &len,
                 Md(m), nullptr) != 1) {
    Die("digest");
  }
  out.resize(len);
  return out;
}

std::string Hmac(ScramMechanism m, std::string_view key, std::string_view data) {
  std::string out(EVP_MAX_MD_SIZE, '\0');
  unsigned int len = 0;
  if (HMAC(Md(m), key.data(), int(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
           data.size(), reinterpret_cast<unsigned char*>(out.data()), &len) == nullptr) {
    Die("HMAC");
  }
  out.resize(len);
  return out;
}

std::string SaltedPassword(ScramMechanism m, std::string_view password, std::string_view salt,
                           int iterations) {
  std::string out(DigestSize(m), '\0');
  if (PKCS5_PBKDF2_HMAC(password.data(), int(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()), int(salt.size()),
                        iterations, Md(m), int(out.size()),
                        reinterpret_cast<unsigned char*>(out.data())) != 1) {
    Die("PBKDF2");
  }
  return out;
}

ScramCredential DeriveCredential(ScramMechanism m, std::string_view password,
                                 std::string_view salt, int iterations) {
  std::string salted = SaltedPassword(m, password, salt, iterations);
  ScramCredential c;
  c.salt = std::string(salt);
  c.iterations = iterations;
  c.stored_key = Hash(m, Hmac(m, salted, "Client Key"));
  c.server_key = Hmac(m, salted, "Server Key");
  OPENSSL_cleanse(salted.data(), salted.size());
  return c;
}

std::string Base64Encode(std::string_view raw) {
  std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(raw.data()), int(raw.size()));
  out.resize(size_t(n));
  return out;
}

Result<std::string> Base64Decode(std::string_view text) {
  auto bad = [&] { return Status::InvalidArgument("invalid base64"); };
  if (text.size() % 4 != 0) return bad();
  for (size_t i = 0; i < text.size(); ++i) {
    char ch = text[i];
    bool pad_ok = ch == '=' && i + 2 >= text.size() && (i + 1 == text.size() || text[i + 1] == '=');
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '+' || ch == '/' || pad_ok)) {
      return bad();
    }
  }
  std::string out(text.size() / 4 * 3, '\0');
  if (text.empty()) return out;
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()), int(text.size()));
  if (n < 0) return bad();
  // EVP_DecodeBlock counts the padding as zero bytes.
  size_t pad = text.ends_with("==") ? 2 : text.ends_with("=") ? 1 : 0;
  out.resize(size_t(n) - pad);
  // Canonical form only: re-encoding gives the same text.
  if (Base64Encode(out) != text) return bad();
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;  // sizes are public (digest sizes)
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), int(n)) != 1) Die("RAND_bytes");
  return out;
}

}  // namespace kappa::security::scram
