// RandomUserGenerator: writes randomuser.me v1.4-shaped pages. Private to connect; the public
// entry points are NewRandomUserSource and GenerateRandomUserPage in connect/connect.h.
//
// Determinism: page P of seed S is generated from an Rng seeded by hash(S) and P only, so the
// bytes depend on (seed, page, results, nationalities, reference time) and nothing else.
// Ages (`dob.age`, `registered.age`) are computed against a fixed reference date
// (kReferenceTimeMs) rather than "now", for the same reason.
//
// Speed: a page is written through a raw pointer into a buffer sized for the worst case, so
// the hot path has no allocations and no per-field bounds checks; hashes reuse one EVP
// context per generator. Not thread-safe: one generator per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "connect/connect.h"
#include "connect/randomuser_data.h"

namespace kappa::connect {

class Rng;

// 2026-01-01T00:00:00Z: "now" for ages and the latest registration date.
inline constexpr int64_t kReferenceTimeMs = 1'767'225'600'000;

class RandomUserGenerator {
 public:
  static Result<std::unique_ptr<RandomUserGenerator>> Create(const RandomUserOptions& opts);
  ~RandomUserGenerator();

  // Replaces *out with page `page`; returns the number of users.
  uint32_t GeneratePage(uint64_t page, std::string* out);

 private:
  RandomUserGenerator() = default;
  char* WriteUser(Rng& rng, char* p);
  char* WriteHex(int md_index, std::string_view data, char* p);

  std::string seed_;
  uint64_t seed_hash_ = 0;
  uint32_t results_ = 0;
  std::vector<const Nationality*> nats_;
  struct Digests;
  std::unique_ptr<Digests> digests_;
};

// Largest number of bytes WriteUser can produce (a bound, checked in tests).
inline constexpr size_t kMaxUserBytes = 2600;

}  // namespace kappa::connect
