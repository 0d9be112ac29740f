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
#include <string_view>
#include <vector>

#include "common/status.h"
#include "connect/connect.h"
#include "connect/randomuser_data.h"

namespace kappa::connect {

class Rng;

// The leaf fields of a generated user, for the direct path (connect's producer maps generated
// users without re-parsing their JSON). Strings are views into the page text (generated
// strings never need JSON escaping); valid until the page buffer is reused.
enum SynthField : int {
  kGender, kNameTitle, kNameFirst, kNameLast, kStreetNumber, kStreetName, kCity, kState,
  kCountry, kPostcode, kLatitude, kLongitude, kTzOffset, kTzDescription, kEmail, kLoginUuid,
  kUsername, kPassword, kSalt, kMd5, kSha1, kSha256, kDobDate, kDobAge, kRegDate, kRegAge,
  kPhone, kCell, kIdName, kIdValue, kPicLarge, kPicMedium, kPicThumb, kNat, kNumSynthFields
};
struct SynthValue {
  enum Kind : uint8_t { kString, kInt, kNull } kind = kNull;
  int64_t i = 0;
  std::string_view s;
};
struct SyntheticUser {
  std::string_view json;  // the user's whole JSON object text
  SynthValue f[kNumSynthFields];
  // True when the page was generated without login.md5/sha1/sha256 (nobody asked for them):
  // `json` and f[kMd5..kSha256] then hold zeros of the right length in their place, and
  // SyntheticUserJson gives the exact text.
  bool digests_pending = false;
};
// The user's exact JSON object text (digests computed if they were left pending).
std::string SyntheticUserJson(const SyntheticUser& u);
// "location.city" for kCity.
std::string_view SynthFieldPath(SynthField f);
// The field of a dotted path ("name.first"), or -1 if it is not a leaf of a generated user.
int SynthFieldIndex(std::string_view dotted_path);

// A source that can hand out the structured users of its pages (the synthetic source).
class StructuredSource {
 public:
  virtual ~StructuredSource() = default;
  // Like Source::NextPage, also filling *users (views into *page).
  // With digests == false, login.md5/sha1/sha256 may be left pending (SyntheticUser): the
  // other fields are identical.
  virtual Status NextPageStructured(std::string* page, std::vector<SyntheticUser>* users,
                                    bool digests = true) = 0;
};

// 2026-01-01T00:00:00Z: "now" for ages and the latest registration date.
inline constexpr int64_t kReferenceTimeMs = 1'767'225'600'000;

class RandomUserGenerator {
 public:
  static Result<std::unique_ptr<RandomUserGenerator>> Create(const RandomUserOptions& opts);
  ~RandomUserGenerator();

  // Replaces *out with page `page`; returns the number of users. If `users` is given, it
  // receives each user's fields (views into *out).
  // With digests == false (only with `users`), the login digests are left pending.
  uint32_t GeneratePage(uint64_t page, std::string* out,
                        std::vector<SyntheticUser>* users = nullptr, bool digests = true);

 private:
  RandomUserGenerator() = default;
  char* WriteUser(Rng& rng, char* p, SyntheticUser* u, bool digests);
  char* WriteHex(int md_index, std::string_view data, char* p);

  std::string seed_;
  uint64_t seed_hash_ = 0;
  uint32_t results_ = 0;
  std::vector<const Nationality*> nats_;
  struct Digests;
  std::unique_ptr<Digests> digests_;
};

// The direct path of the mapper: maps generated users without parsing their JSON.
struct MapperAccess {
  // True when every path of the mapping is a leaf of a generated user (SynthFieldIndex >= 0).
  static bool CanMapSynthetic(const Mapper& m);
  // True when the mapping reads login.md5, login.sha1 or login.sha256.
  static bool NeedsDigests(const Mapper& m);
  // Same result as Mapper::MapPage on the page text the users came from (tested).
  static Status MapSynthetic(Mapper& m, const std::vector<SyntheticUser>& users, MappedPage* out);
};

// Largest number of bytes WriteUser can produce (a bound, checked in tests).
inline constexpr size_t kMaxUserBytes = 2600;

}  // namespace kappa::connect
