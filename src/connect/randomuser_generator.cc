#include "connect/randomuser_generator.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstring>

#include "connect/rng.h"

namespace kappa::connect {
namespace {

constexpr int64_t kMsPerDay = 86'400'000;
constexpr int64_t kMsPerYear = 31'556'952'000;  // 365.2425 days

// Appends without bounds checks: callers size the buffer with kMaxUserBytes per user.
inline char* Put(char* p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}
inline char* PutUInt(char* p, uint64_t v) {
  char tmp[20];
  int n = 0;
  do {
    tmp[n++] = char('0' + v % 10);
    v /= 10;
  } while (v);
  while (n) *p++ = tmp[--n];
  return p;
}
inline char* PutDigits(char* p, uint32_t v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = char('0' + v % 10);
    v /= 10;
  }
  return p + width;
}
// '#' -> digit, 'A' -> upper-case letter, others copied.
inline char* PutPattern(char* p, Rng& rng, std::string_view pattern) {
  for (char c : pattern) {
    if (c == '#') *p++ = char('0' + rng.Below(10));
    else if (c == 'A') *p++ = char('A' + rng.Below(26));
    else *p++ = c;
  }
  return p;
}

// Lower-case ASCII form of a name for e-mail addresses: Latin-1 letters lose their accents
// ("Müller" -> "muller", "Ørjan" -> "orjan", "ß" -> "ss"); spaces, apostrophes and anything
// else non-alphanumeric are dropped, as in "de Jong" -> "dejong".
char* PutEmailName(char* p, std::string_view s) {
  // Index: second byte of a C3 xx sequence minus 0x80 (U+00C0..U+00FF).
  static constexpr const char* kLatin1[64] = {
      "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
      "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "ss",
      "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
      "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "y"};
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = s[i];
    if (c < 0x80) {
      if (c >= 'A' && c <= 'Z') *p++ = char(c + 32);
      else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) *p++ = char(c);
    } else if (c == 0xC3 && i + 1 < s.size()) {
      unsigned char d = s[++i];
      if (d >= 0x80 && d < 0xC0) p = Put(p, kLatin1[d - 0x80]);
    } else if (c == 0xC5 && i + 1 < s.size()) {  // Œ œ and friends: keep it simple
      ++i;
      *p++ = 'o';
    } else {
      while (i + 1 < s.size() && (static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80) ++i;
    }
  }
  return p;
}

// Howard Hinnant's civil_from_days.
void CivilFromDays(int64_t z, int* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = unsigned(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = int64_t(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = int(yy + (*m <= 2));
}

struct Civil {
  int y;
  unsigned mo, d, h, mi, s, ms;
};
Civil ToCivil(int64_t t_ms) {
  int64_t days = t_ms / kMsPerDay, rem = t_ms % kMsPerDay;
  if (rem < 0) rem += kMsPerDay, --days;
  Civil c;
  CivilFromDays(days, &c.y, &c.mo, &c.d);
  c.h = unsigned(rem / 3'600'000);
  c.mi = unsigned(rem / 60'000 % 60);
  c.s = unsigned(rem / 1000 % 60);
  c.ms = unsigned(rem % 1000);
  return c;
}

// "1992-03-08T15:13:16.688Z"
char* PutIsoDate(char* p, const Civil& c) {
  p = PutDigits(p, unsigned(c.y), 4);
  *p++ = '-';
  p = PutDigits(p, c.mo, 2);
  *p++ = '-';
  p = PutDigits(p, c.d, 2);
  *p++ = 'T';
  p = PutDigits(p, c.h, 2);
  *p++ = ':';
  p = PutDigits(p, c.mi, 2);
  *p++ = ':';
  p = PutDigits(p, c.s, 2);
  *p++ = '.';
  p = PutDigits(p, c.ms, 3);
  *p++ = 'Z';
  return p;
}

// Whole years from `from` to `to` (both civil times), as a birthday-style age.
int AgeYears(const Civil& from, const Civil& to) {
  int age = to.y - from.y;
  auto before = std::make_tuple(to.mo, to.d, to.h, to.mi, to.s, to.ms) <
                std::make_tuple(from.mo, from.d, from.h, from.mi, from.s, from.ms);
  return before ? age - 1 : age;
}

// A coordinate with 4 decimals in [-limit, limit] ("-69.8246"; the API sends it as a string).
char* PutCoordinate(char* p, Rng& rng, uint32_t limit) {
  int64_t v = rng.Between(-int64_t(limit) * 10000, int64_t(limit) * 10000);
  if (v < 0) *p++ = '-', v = -v;
  p = PutUInt(p, uint64_t(v / 10000));
  *p++ = '.';
  p = PutDigits(p, uint32_t(v % 10000), 4);
  return p;
}

}  // namespace

struct RandomUserGenerator::Digests {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_MD* md[3] = {EVP_MD_fetch(nullptr, "MD5", nullptr), EVP_MD_fetch(nullptr, "SHA1", nullptr),
                   EVP_MD_fetch(nullptr, "SHA256", nullptr)};
  ~Digests() {
    for (EVP_MD* m : md) EVP_MD_free(m);
    EVP_MD_CTX_free(ctx);
  }
  bool ok() const { return ctx && md[0] && md[1] && md[2]; }
};

Result<std::unique_ptr<RandomUserGenerator>> RandomUserGenerator::Create(
    const RandomUserOptions& opts) {
  if (opts.results < 1 || opts.results > 5000) {
    return Status::InvalidArgument("randomuser: results must be between 1 and 5000, got " +
                                   std::to_string(opts.results));
  }
  std::unique_ptr<RandomUserGenerator> g(new RandomUserGenerator());
  g->seed_ = opts.seed;
  g->seed_hash_ = Rng::Hash(opts.seed);
  g->results_ = opts.results;
  for (const std::string& want : opts.nationalities) {
    std::string up = want;
    for (char& c : up) c = char(std::toupper(static_cast<unsigned char>(c)));
    auto all = Nationalities();
    auto it = std::find_if(all.begin(), all.end(), [&](const Nationality& n) { return n.code == up; });
    if (it == all.end()) {
      std::string list;
      for (const auto& n : all) {
        if (!list.empty()) list += ',';
        list += n.code;
      }
      return Status::InvalidArgument("randomuser: unknown nationality '" + want +
                                     "' (supported: " + list + ")");
    }
    g->nats_.push_back(&*it);
  }
  if (g->nats_.empty()) {
    for (const Nationality& n : Nationalities()) g->nats_.push_back(&n);
  }
  g->digests_ = std::make_unique<Digests>();
  if (!g->digests_->ok()) return Status::Internal("randomuser: OpenSSL MD5/SHA1/SHA256 unavailable");
  return g;
}

RandomUserGenerator::~RandomUserGenerator() = default;

char* RandomUserGenerator::WriteHex(int md_index, std::string_view data, char* p) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = digests_->ctx;
  // Cannot fail for these digests once fetched; a failure would be a broken OpenSSL.
  if (EVP_DigestInit_ex2(ctx, digests_->md[md_index], nullptr) != 1 ||
      EVP_DigestUpdate(ctx, data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx, digest, &len) != 1) {
    std::abort();
  }
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned i = 0; i < len; ++i) {
    *p++ = kHex[digest[i] >> 4];
    *p++ = kHex[digest[i] & 15];
  }
  return p;
}

uint32_t RandomUserGenerator::GeneratePage(uint64_t page, std::string* out,
                                           std::vector<SyntheticUser>* users, bool digests) {
  digests |= users == nullptr;  // the page text is the product: it must be exact
  Rng rng(seed_hash_ ^ (page * 0x9e3779b97f4a7c15ull));
  out->resize(kMaxUserBytes * results_ + 256 + seed_.size() * 6);
  char* const begin = out->data();
  char* p = begin;
  p = Put(p, "{\"results\":[");
  SyntheticUser scratch;
  if (users) users->resize(results_);
  for (uint32_t i = 0; i < results_; ++i) {
    if (i) *p++ = ',';
    p = WriteUser(rng, p, users ? &(*users)[i] : &scratch, digests);
  }
  p = Put(p, "],\"info\":{\"seed\":\"");
  // The seed is echoed as a JSON string: escape what JSON requires.
  for (char c : seed_) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') *p++ = '\\', *p++ = c;
    else if (u < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      p = Put(p, "\\u00");
      *p++ = kHex[u >> 4];
      *p++ = kHex[u & 15];
    } else *p++ = c;
  }
  p = Put(p, "\",\"results\":");
  p = PutUInt(p, results_);
  p = Put(p, ",\"page\":");
  p = PutUInt(p, page);
  p = Put(p, ",\"version\":\"1.4\"}}");
  out->resize(size_t(p - begin));
  return results_;
}

char* RandomUserGenerator::WriteUser(Rng& rng, char* p, SyntheticUser* u, bool digests) {
  char* const user_begin = p;
  char* b;  // start of the value being written
  auto str = [&](SynthField k) { u->f[k] = SynthValue{SynthValue::kString, 0, std::string_view(b, size_t(p - b))}; };
  auto num = [&](SynthField k, int64_t v) { u->f[k] = SynthValue{SynthValue::kInt, v, {}}; };

  const Nationality& nat = *nats_[rng.Below(uint32_t(nats_.size()))];
  const bool male = rng.Below(2) == 0;
  std::string_view first = male ? nat.male[rng.Below(uint32_t(nat.male.size()))]
                                : nat.female[rng.Below(uint32_t(nat.female.size()))];
  std::string_view last = nat.last[rng.Below(uint32_t(nat.last.size()))];
  std::string_view title;
  if (male) {
    title = "Mr";
  } else {
    static constexpr std::string_view kTitles[] = {"Ms", "Mrs", "Miss"};
    title = kTitles[rng.Below(3)];
  }

  p = Put(p, "{\"gender\":\"");
  b = p, p = Put(p, male ? "male" : "female"), str(kGender);
  p = Put(p, "\",\"name\":{\"title\":\"");
  b = p, p = Put(p, title), str(kNameTitle);
  p = Put(p, "\",\"first\":\"");
  b = p, p = Put(p, first), str(kNameFirst);
  p = Put(p, "\",\"last\":\"");
  b = p, p = Put(p, last), str(kNameLast);

  // location
  const Place& place = nat.places[rng.Below(uint32_t(nat.places.size()))];
  p = Put(p, "\"},\"location\":{\"street\":{\"number\":");
  const int64_t number = rng.Between(1, 9999);
  p = PutUInt(p, uint64_t(number)), num(kStreetNumber, number);
  p = Put(p, ",\"name\":\"");
  b = p, p = Put(p, nat.streets[rng.Below(uint32_t(nat.streets.size()))]), str(kStreetName);
  p = Put(p, "\"},\"city\":\"");
  b = p, p = Put(p, place.city), str(kCity);
  p = Put(p, "\",\"state\":\"");
  b = p, p = Put(p, place.state), str(kState);
  p = Put(p, "\",\"country\":\"");
  b = p, p = Put(p, nat.country), str(kCountry);
  p = Put(p, "\",\"postcode\":");
  if (nat.postcode_pattern.empty()) {
    const int64_t pc = rng.Between(nat.postcode_min, nat.postcode_max);
    p = PutUInt(p, uint64_t(pc)), num(kPostcode, pc);
  } else {
    *p++ = '"';
    b = p, p = PutPattern(p, rng, nat.postcode_pattern), str(kPostcode);
    *p++ = '"';
  }
  p = Put(p, ",\"coordinates\":{\"latitude\":\"");
  b = p, p = PutCoordinate(p, rng, 90), str(kLatitude);
  p = Put(p, "\",\"longitude\":\"");
  b = p, p = PutCoordinate(p, rng, 180), str(kLongitude);
  const TimeZone& tz = TimeZones()[rng.Below(uint32_t(TimeZones().size()))];
  p = Put(p, "\"},\"timezone\":{\"offset\":\"");
  b = p, p = Put(p, tz.offset), str(kTzOffset);
  p = Put(p, "\",\"description\":\"");
  b = p, p = Put(p, tz.description), str(kTzDescription);

  // email: first.last@example.com
  p = Put(p, "\"}},\"email\":\"");
  b = p;
  p = PutEmailName(p, first);
  *p++ = '.';
  p = PutEmailName(p, last);
  p = Put(p, "@example.com"), str(kEmail);
  p = Put(p, "\",\"login\":{\"uuid\":\"");
  b = p;
  {
    uint64_t a = rng.Next(), c = rng.Next();
    unsigned char id[16];
    for (int i = 0; i < 8; ++i) id[i] = uint8_t(a >> (56 - 8 * i)), id[8 + i] = uint8_t(c >> (56 - 8 * i));
    id[6] = (id[6] & 0x0f) | 0x40;
    id[8] = (id[8] & 0x3f) | 0x80;
    static constexpr char kHex[] = "0123456789abcdef";
    for (int i = 0; i < 16; ++i) {
      if (i == 4 || i == 6 || i == 8 || i == 10) *p++ = '-';
      *p++ = kHex[id[i] >> 4];
      *p++ = kHex[id[i] & 15];
    }
  }
  str(kLoginUuid);
  p = Put(p, "\",\"username\":\"");
  b = p;
  p = Put(p, UsernameAdjectives()[rng.Below(uint32_t(UsernameAdjectives().size()))]);
  p = Put(p, UsernameNouns()[rng.Below(uint32_t(UsernameNouns().size()))]);
  p = PutUInt(p, uint64_t(rng.Between(100, 999))), str(kUsername);

  // password, salt and the real digests of password + salt
  std::string_view password = Passwords()[rng.Below(uint32_t(Passwords().size()))];
  char salted[64];
  std::memcpy(salted, password.data(), password.size());
  static constexpr char kAlnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  for (int i = 0; i < 8; ++i) salted[password.size() + i] = kAlnum[rng.Below(62)];
  std::string_view salted_sv(salted, password.size() + 8);
  p = Put(p, "\",\"password\":\"");
  b = p, p = Put(p, password), str(kPassword);
  p = Put(p, "\",\"salt\":\"");
  b = p, p = Put(p, salted_sv.substr(password.size())), str(kSalt);
  p = Put(p, "\",\"md5\":\"");
  // Pending digests are zeros of the same length (SyntheticUserJson computes them).
  auto hex = [&](int md) {
    if (digests) return WriteHex(md, salted_sv, p);
    static constexpr size_t kLen[3] = {32, 40, 64};
    std::memset(p, '0', kLen[md]);
    return p + kLen[md];
  };
  u->digests_pending = !digests;
  b = p, p = hex(0), str(kMd5);
  p = Put(p, "\",\"sha1\":\"");
  b = p, p = hex(1), str(kSha1);
  p = Put(p, "\",\"sha256\":\"");
  b = p, p = hex(2), str(kSha256);

  // dob: age 21..77 at the reference time; registered: 1..20 years before it, after 18th birthday
  const Civil ref = ToCivil(kReferenceTimeMs);
  const int64_t dob_ms = kReferenceTimeMs - rng.Between(21 * kMsPerYear, 77 * kMsPerYear);
  const Civil dob = ToCivil(dob_ms);
  p = Put(p, "\"},\"dob\":{\"date\":\"");
  b = p, p = PutIsoDate(p, dob), str(kDobDate);
  p = Put(p, "\",\"age\":");
  const int dob_age = AgeYears(dob, ref);
  p = PutUInt(p, uint64_t(dob_age)), num(kDobAge, dob_age);
  const int64_t earliest = std::max(dob_ms + 18 * kMsPerYear, kReferenceTimeMs - 20 * kMsPerYear);
  const int64_t reg_ms = rng.Between(earliest, kReferenceTimeMs - 30 * kMsPerDay);
  const Civil reg = ToCivil(reg_ms);
  p = Put(p, "},\"registered\":{\"date\":\"");
  b = p, p = PutIsoDate(p, reg), str(kRegDate);
  p = Put(p, "\",\"age\":");
  const int reg_age = AgeYears(reg, ref);
  p = PutUInt(p, uint64_t(reg_age)), num(kRegAge, reg_age);

  p = Put(p, "},\"phone\":\"");
  b = p, p = PutPattern(p, rng, nat.phone_pattern), str(kPhone);
  p = Put(p, "\",\"cell\":\"");
  b = p, p = PutPattern(p, rng, nat.cell_pattern), str(kCell);
  p = Put(p, "\",\"id\":{\"name\":\"");
  b = p, p = Put(p, nat.id_name), str(kIdName);
  if (nat.id_pattern.empty()) {
    p = Put(p, "\",\"value\":null}");
    u->f[kIdValue] = SynthValue{SynthValue::kNull, 0, {}};
  } else {
    p = Put(p, "\",\"value\":\"");
    b = p, p = PutPattern(p, rng, nat.id_pattern), str(kIdValue);
    p = Put(p, "\"}");
  }

  const uint32_t portrait = rng.Below(100);
  const std::string_view who = male ? "men/" : "women/";
  p = Put(p, ",\"picture\":{\"large\":\"");
  b = p;
  p = Put(p, "https://randomuser.me/api/portraits/");
  p = Put(p, who);
  p = PutUInt(p, portrait);
  p = Put(p, ".jpg"), str(kPicLarge);
  p = Put(p, "\",\"medium\":\"");
  b = p;
  p = Put(p, "https://randomuser.me/api/portraits/med/");
  p = Put(p, who);
  p = PutUInt(p, portrait);
  p = Put(p, ".jpg"), str(kPicMedium);
  p = Put(p, "\",\"thumbnail\":\"");
  b = p;
  p = Put(p, "https://randomuser.me/api/portraits/thumb/");
  p = Put(p, who);
  p = PutUInt(p, portrait);
  p = Put(p, ".jpg"), str(kPicThumb);
  p = Put(p, "\"},\"nat\":\"");
  b = p, p = Put(p, nat.code), str(kNat);
  p = Put(p, "\"}");
  u->json = std::string_view(user_begin, size_t(p - user_begin));
  return p;
}

std::string SyntheticUserJson(const SyntheticUser& u) {
  std::string out(u.json);
  if (!u.digests_pending) return out;
  // password + salt, as WriteUser hashed them
  std::string salted(u.f[kPassword].s);
  salted += u.f[kSalt].s;
  static const char* const kNames[3] = {"MD5", "SHA1", "SHA256"};
  const SynthField kFields[3] = {kMd5, kSha1, kSha256};
  for (int md = 0; md < 3; ++md) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_MD* m = EVP_MD_fetch(nullptr, kNames[md], nullptr);
    if (m == nullptr || EVP_Digest(salted.data(), salted.size(), digest, &len, m, nullptr) != 1) {
      std::abort();  // fetched at generator creation; cannot fail afterwards
    }
    EVP_MD_free(m);
    // The field's view points into the page; its offset in `json` is the same in `out`.
    size_t at = size_t(u.f[kFields[md]].s.data() - u.json.data());
    static constexpr char kHex[] = "0123456789abcdef";
    for (unsigned i = 0; i < len; ++i) {
      out[at + 2 * i] = kHex[digest[i] >> 4];
      out[at + 2 * i + 1] = kHex[digest[i] & 15];
    }
  }
  return out;
}

std::string_view SynthFieldPath(SynthField f) {
  static constexpr std::string_view kPaths[kNumSynthFields] = {
      "gender", "name.title", "name.first", "name.last", "location.street.number",
      "location.street.name", "location.city", "location.state", "location.country",
      "location.postcode", "location.coordinates.latitude", "location.coordinates.longitude",
      "location.timezone.offset", "location.timezone.description", "email", "login.uuid",
      "login.username", "login.password", "login.salt", "login.md5", "login.sha1",
      "login.sha256", "dob.date", "dob.age", "registered.date", "registered.age", "phone",
      "cell", "id.name", "id.value", "picture.large", "picture.medium", "picture.thumbnail",
      "nat"};
  return kPaths[f];
}

int SynthFieldIndex(std::string_view dotted_path) {
  for (int i = 0; i < kNumSynthFields; ++i) {
    if (SynthFieldPath(SynthField(i)) == dotted_path) return i;
  }
  return -1;
}

}  // namespace kappa::connect
