#include "store/value_text.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <vector>

namespace kappa::store::text {
namespace {

// Magnitude of a two's complement big-endian number, as big-endian unsigned bytes.
std::vector<uint8_t> Magnitude(std::string_view b, bool* negative) {
  std::vector<uint8_t> m(b.begin(), b.end());
  *negative = !m.empty() && (m[0] & 0x80);
  if (*negative) {  // two's complement negate: invert, add one
    for (auto& x : m) x = uint8_t(~x);
    for (size_t i = m.size(); i-- > 0;) {
      if (++m[i] != 0) break;
    }
  }
  return m;
}

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

template <typename T>
bool ParseInt(std::string_view s, T* out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

void VarintSignAndDigits(std::string_view b, int* sign, std::string* digits) {
  bool neg;
  std::vector<uint8_t> m = Magnitude(b, &neg);
  digits->clear();
  // Repeated division of the big-endian magnitude by 10^9; chunks come out least
  // significant first.
  std::vector<uint32_t> chunks;
  while (true) {
    bool zero = true;
    uint64_t rem = 0;
    for (auto& x : m) {
      uint64_t cur = (rem << 8) | x;
      x = uint8_t(cur / 1000000000u);
      rem = cur % 1000000000u;
      if (x) zero = false;
    }
    chunks.push_back(uint32_t(rem));
    if (zero) break;
  }
  for (size_t i = chunks.size(); i-- > 0;) {
    char buf[16];
    std::snprintf(buf, sizeof(buf), "%09u", unsigned(chunks[i]));
    digits->append(buf, 9);
  }
  size_t nz = digits->find_first_not_of('0');
  digits->erase(0, nz == std::string::npos ? digits->size() : nz);
  *sign = digits->empty() ? 0 : (neg ? -1 : 1);
}

std::string VarintToString(std::string_view b) {
  int sign;
  std::string d;
  VarintSignAndDigits(b, &sign, &d);
  if (sign == 0) return "0";
  return sign < 0 ? "-" + d : d;
}

Result<std::string> VarintFromString(std::string_view s) {
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (!IsDigits(s)) return Status::InvalidArgument("not an integer: '" + std::string(s) + "'");
  std::vector<uint8_t> le;  // little-endian magnitude
  for (char c : s) {
    uint32_t carry = uint32_t(c - '0');
    for (auto& x : le) {
      uint32_t cur = uint32_t(x) * 10 + carry;
      x = uint8_t(cur);
      carry = cur >> 8;
    }
    while (carry) {
      le.push_back(uint8_t(carry));
      carry >>= 8;
    }
  }
  le.push_back(0);  // room for the sign bit
  if (neg) {
    for (auto& x : le) x = uint8_t(~x);
    for (auto& x : le) {
      if (++x != 0) break;
    }
  }
  // Minimal: drop redundant leading sign bytes.
  while (le.size() > 1) {
    uint8_t top = le.back(), next = le[le.size() - 2];
    if ((top == 0 && !(next & 0x80)) || (top == 0xff && (next & 0x80))) le.pop_back();
    else break;
  }
  return std::string(le.rbegin(), le.rend());
}

std::string DecimalToString(const Decimal& d) {
  std::string digits;
  int sign;
  VarintSignAndDigits(d.unscaled, &sign, &digits);
  if (digits.empty()) digits.assign(1, '0');
  std::string out;
  if (d.scale <= 0) {
    out = digits;
    if (sign != 0) out.append(size_t(-int64_t(d.scale)), '0');
  } else {
    size_t scale = size_t(d.scale);
    if (digits.size() <= scale) digits = std::string(scale - digits.size() + 1, '0') + digits;
    out = digits.substr(0, digits.size() - scale) + "." + digits.substr(digits.size() - scale);
  }
  return sign < 0 ? "-" + out : out;
}

Result<Decimal> DecimalFromString(std::string_view s) {
  std::string_view orig = s;
  auto bad = [&] { return Status::InvalidArgument("not a decimal: '" + std::string(orig) + "'"); };
  std::string digits;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    if (s[0] == '-') digits = "-";
    s.remove_prefix(1);
  }
  int64_t exp = 0;
  size_t e = s.find_first_of("eE");
  if (e != std::string_view::npos) {
    std::string_view es = s.substr(e + 1);
    if (!es.empty() && es[0] == '+') es.remove_prefix(1);
    if (!ParseInt(es, &exp) || exp > 1'000'000'000 || exp < -1'000'000'000) return bad();
    s = s.substr(0, e);
  }
  size_t dot = s.find('.');
  int64_t scale = 0;
  std::string_view ip = s.substr(0, dot), fp;
  if (dot != std::string_view::npos) fp = s.substr(dot + 1);
  if (ip.empty() && fp.empty()) return bad();
  if ((!ip.empty() && !IsDigits(ip)) || (!fp.empty() && !IsDigits(fp))) return bad();
  digits.append(ip);
  digits.append(fp);
  scale = int64_t(fp.size()) - exp;
  if (scale > INT32_MAX || scale < INT32_MIN) return bad();
  ASSIGN_OR_RETURN(std::string unscaled, VarintFromString(digits));
  return Decimal{int32_t(scale), std::move(unscaled)};
}

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = unsigned(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + int64_t(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = unsigned(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = int64_t(yoe) + era * 400 + (*m <= 2);
}

std::string FormatTimestamp(int64_t ms, TimestampStyle style) {
  int64_t days = ms >= 0 ? ms / 86'400'000 : -((-ms + 86'399'999) / 86'400'000);
  int64_t rem = ms - days * 86'400'000;
  int64_t y;
  unsigned mo, d;
  CivilFromDays(days, &y, &mo, &d);
  int h = int(rem / 3'600'000), mi = int(rem / 60'000 % 60), s = int(rem / 1000 % 60),
      f = int(rem % 1000);
  char buf[64];
  if (style == TimestampStyle::kCqlsh) {
    std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02u %02d:%02d:%02d.%03d000+0000",
                  static_cast<long long>(y), mo, d, h, mi, s, f);
  } else {
    std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ",
                  static_cast<long long>(y), mo, d, h, mi, s, f);
  }
  return buf;
}

namespace {

// Parses "YYYY-MM-DD" at the start of s; advances s.
bool ParseYmd(std::string_view* s, int64_t* days) {
  int64_t y;
  unsigned m, d;
  std::string_view t = *s;
  bool neg = !t.empty() && t[0] == '-';
  if (neg) t.remove_prefix(1);
  size_t p1 = t.find('-');
  if (p1 == std::string_view::npos || p1 < 4) return false;
  if (!ParseInt(t.substr(0, p1), &y)) return false;
  if (neg) y = -y;
  t.remove_prefix(p1 + 1);
  if (t.size() < 5 || t[2] != '-') return false;
  if (!ParseInt(t.substr(0, 2), &m) || !ParseInt(t.substr(3, 2), &d)) return false;
  if (m < 1 || m > 12 || d < 1 || d > 31) return false;
  static const unsigned kDim[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d > kDim[m - 1]) return false;
  if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return false;
  *days = DaysFromCivil(y, m, d);
  *s = t.substr(5);
  return true;
}

// Parses "HH:MM[:SS[.fffffffff]]" at the start of s into nanoseconds; advances s.
bool ParseHms(std::string_view* s, int64_t* ns, bool seconds_required) {
  std::string_view t = *s;
  int h, mi, sec = 0;
  if (t.size() < 5 || t[2] != ':' || !ParseInt(t.substr(0, 2), &h) ||
      !ParseInt(t.substr(3, 2), &mi) || h > 23 || mi > 59 || h < 0 || mi < 0) {
    return false;
  }
  t.remove_prefix(5);
  int64_t frac = 0;
  if (!t.empty() && t[0] == ':') {
    if (t.size() < 3 || !ParseInt(t.substr(1, 2), &sec) || sec > 59 || sec < 0) return false;
    t.remove_prefix(3);
    if (!t.empty() && t[0] == '.') {
      t.remove_prefix(1);
      size_t n = 0;
      while (n < t.size() && t[n] >= '0' && t[n] <= '9') ++n;
      if (n == 0 || n > 9) return false;
      ParseInt(t.substr(0, n), &frac);
      for (size_t i = n; i < 9; ++i) frac *= 10;
      t.remove_prefix(n);
    }
  } else if (seconds_required) {
    return false;
  }
  *ns = ((int64_t(h) * 60 + mi) * 60 + sec) * 1'000'000'000 + frac;
  *s = t;
  return true;
}

}  // namespace

Result<int64_t> ParseTimestamp(std::string_view s) {
  std::string_view orig = s;
  auto bad = [&] {
    return Status::InvalidArgument("not a timestamp: '" + std::string(orig) +
                                   "' (want e.g. 2024-05-01T12:00:00.000Z or epoch ms)");
  };
  int64_t ms;
  if (ParseInt(s, &ms)) return ms;
  int64_t days;
  if (!ParseYmd(&s, &days)) return bad();
  int64_t ns = 0;
  if (!s.empty() && (s[0] == 'T' || s[0] == ' ')) {
    s.remove_prefix(1);
    if (!ParseHms(&s, &ns, false)) return bad();
  }
  int64_t offset_min = 0;
  while (!s.empty() && s[0] == ' ') s.remove_prefix(1);
  if (s == "Z" || s == "z" || s == "UTC") {
    s = {};
  } else if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    int sign = s[0] == '-' ? -1 : 1;
    s.remove_prefix(1);
    int hh, mm = 0;
    if (s.size() == 5 && s[2] == ':') {
      if (!ParseInt(s.substr(0, 2), &hh) || !ParseInt(s.substr(3, 2), &mm)) return bad();
    } else if (s.size() == 4) {
      if (!ParseInt(s.substr(0, 2), &hh) || !ParseInt(s.substr(2, 2), &mm)) return bad();
    } else if (s.size() == 2) {
      if (!ParseInt(s, &hh)) return bad();
    } else {
      return bad();
    }
    offset_min = sign * (hh * 60 + mm);
    s = {};
  }
  if (!s.empty()) return bad();
  return days * 86'400'000 + ns / 1'000'000 - offset_min * 60'000;
}

std::string FormatDate(uint32_t cql_days) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(EpochDaysFromCqlDate(cql_days), &y, &m, &d);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

Result<uint32_t> ParseDate(std::string_view s) {
  std::string_view orig = s;
  uint32_t raw;
  if (ParseInt(s, &raw)) return raw;
  int64_t days;
  if (!ParseYmd(&s, &days) || !s.empty()) {
    return Status::InvalidArgument("not a date: '" + std::string(orig) + "' (want YYYY-MM-DD)");
  }
  int64_t cql = days + (int64_t(1) << 31);
  if (cql < 0 || cql > UINT32_MAX) return Status::InvalidArgument("date out of range");
  return uint32_t(cql);
}

std::string FormatTime(int64_t ns) {
  char buf[32];
  int64_t s = ns / 1'000'000'000;
  std::snprintf(buf, sizeof(buf), "%02lld:%02lld:%02lld.%09lld", static_cast<long long>(s / 3600),
                static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60),
                static_cast<long long>(ns % 1'000'000'000));
  return buf;
}

Result<int64_t> ParseTime(std::string_view s) {
  std::string_view orig = s;
  int64_t ns;
  if (ParseInt(s, &ns)) {
    if (ns < 0 || ns >= 86'400'000'000'000LL) return Status::InvalidArgument("time out of range");
    return ns;
  }
  if (!ParseHms(&s, &ns, true) || !s.empty()) {
    return Status::InvalidArgument("not a time: '" + std::string(orig) +
                                   "' (want HH:MM:SS[.fffffffff])");
  }
  return ns;
}

std::string FormatInet(std::string_view b) {
  char buf[INET6_ADDRSTRLEN];
  int af = b.size() == 4 ? AF_INET : AF_INET6;
  if (b.size() != 4 && b.size() != 16) return "?";
  inet_ntop(af, b.data(), buf, sizeof(buf));
  return buf;
}

Result<std::string> ParseInet(std::string_view s) {
  std::string z(s);
  unsigned char buf[16];
  if (inet_pton(AF_INET, z.c_str(), buf) == 1) return std::string(reinterpret_cast<char*>(buf), 4);
  if (inet_pton(AF_INET6, z.c_str(), buf) == 1) {
    return std::string(reinterpret_cast<char*>(buf), 16);
  }
  return Status::InvalidArgument("not an IP address: '" + z + "'");
}

}  // namespace kappa::store::text
