// console.users' password hashes (console.h): PBKDF2-HMAC-SHA512 from OpenSSL, so no
// home-made cryptography; the iteration count is stored in the hash so it can be raised
// later without invalidating existing hashes.
#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <charconv>
#include <vector>

#include "console/console.h"

namespace kappa::console {
namespace {

constexpr std::string_view kScheme = "pbkdf2-sha512";
constexpr size_t kSaltBytes = 16;
constexpr size_t kKeyBytes = 64;
constexpr int kMinIterations = 1000;  // tests use few; configs should use the default
constexpr int kMaxIterations = 10'000'000;

std::string Hex(const unsigned char* p, size_t n) {
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) out += fmt::format("{:02x}", p[i]);
  return out;
}

bool Unhex(std::string_view s, std::vector<unsigned char>* out) {
  if (s.size() % 2 != 0) return false;
  out->clear();
  for (size_t i = 0; i < s.size(); i += 2) {
    unsigned v = 0;
    auto r = std::from_chars(s.data() + i, s.data() + i + 2, v, 16);
    if (r.ec != std::errc() || r.ptr != s.data() + i + 2) return false;
    out->push_back(static_cast<unsigned char>(v));
  }
  return true;
}

struct Parsed {
  int iterations = 0;
  std::vector<unsigned char> salt, key;
};

Result<Parsed> Parse(std::string_view hash) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t d = hash.find('$', start);
    parts.push_back(hash.substr(start, d - start));
    if (d == std::string_view::npos) break;
    start = d + 1;
  }
  const auto bad = [](std::string_view why) {
    return Status::InvalidArgument(fmt::format(
        "not a console password hash ({}); make one with `kappa console hash-password`", why));
  };
  if (parts.size() != 4 || parts[0] != kScheme) {
    return bad("expected pbkdf2-sha512$ITERATIONS$SALT$HASH");
  }
  Parsed p;
  auto r = std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), p.iterations);
  if (r.ec != std::errc() || r.ptr != parts[1].data() + parts[1].size() ||
      p.iterations < kMinIterations || p.iterations > kMaxIterations) {
    return bad(fmt::format("iterations must be {}..{}", kMinIterations, kMaxIterations));
  }
  if (!Unhex(parts[2], &p.salt) || p.salt.size() < 8) return bad("the salt must be >= 8 hex bytes");
  if (!Unhex(parts[3], &p.key) || p.key.size() != kKeyBytes) return bad("the hash must be 64 hex bytes");
  return p;
}

bool Derive(std::string_view password, const std::vector<unsigned char>& salt, int iterations,
            unsigned char* out) {
  return PKCS5_PBKDF2_HMAC(password.data(), int(password.size()), salt.data(), int(salt.size()),
                           iterations, EVP_sha512(), int(kKeyBytes), out) == 1;
}

}  // namespace

Result<std::string> HashPassword(std::string_view password, int iterations) {
  if (password.empty()) return Status::InvalidArgument("the password is empty");
  if (iterations < kMinIterations || iterations > kMaxIterations) {
    return Status::InvalidArgument(
        fmt::format("iterations must be {}..{}", kMinIterations, kMaxIterations));
  }
  std::vector<unsigned char> salt(kSaltBytes);
  if (RAND_bytes(salt.data(), int(salt.size())) != 1) {
    return Status::Internal("OpenSSL's random generator failed");
  }
  std::array<unsigned char, kKeyBytes> key{};
  if (!Derive(password, salt, iterations, key.data())) {
    return Status::Internal("OpenSSL's PBKDF2 failed");
  }
  return fmt::format("{}${}${}${}", kScheme, iterations, Hex(salt.data(), salt.size()),
                     Hex(key.data(), key.size()));
}

bool VerifyPassword(std::string_view password, std::string_view hash) {
  auto p = Parse(hash);
  if (!p.ok()) return false;
  std::array<unsigned char, kKeyBytes> key{};
  if (!Derive(password, p->salt, p->iterations, key.data())) return false;
  return CRYPTO_memcmp(key.data(), p->key.data(), kKeyBytes) == 0;
}

Status CheckPasswordHash(std::string_view hash) { return Parse(hash).status(); }

namespace {
constexpr std::string_view kDefaults[] = {"admin",  "password", "kappa",     "changeme",
                                          "secret", "123456",   "confluent", "airflow"};
}  // namespace

bool IsWellKnownPlainPassword(std::string_view user, std::string_view password) {
  if (password == user) return true;
  for (std::string_view d : kDefaults) {
    if (password == d) return true;
  }
  return false;
}

bool IsWellKnownPassword(std::string_view user, std::string_view hash) {
  if (VerifyPassword(user, hash)) return true;
  for (std::string_view d : kDefaults) {
    if (VerifyPassword(d, hash)) return true;
  }
  return false;
}

}  // namespace kappa::console
