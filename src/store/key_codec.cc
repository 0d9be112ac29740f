#include "store/key_codec.h"

#include <cmath>
#include <cstring>

#include "common/coding.h"
#include "store/value_text.h"

namespace kappa::store::keys {
namespace {

// Escaped byte strings: 0x00 -> 0x00 0xff, terminated by 0x00 0x01.
void AppendEscaped(std::string_view b, std::string* out) {
  for (char c : b) {
    out->push_back(c);
    if (c == '\0') out->push_back('\xff');
  }
  out->push_back('\0');
  out->push_back('\x01');
}

void AppendFixedSigned(int64_t v, int width, std::string* out) {
  uint64_t u = uint64_t(v) ^ (uint64_t(1) << (width * 8 - 1));
  for (int i = width - 1; i >= 0; --i) out->push_back(char(u >> (8 * i)));
}

uint64_t FloatBits64(double d) {
  if (std::isnan(d)) d = std::nan("");  // one NaN, greater than +inf (Java's compare)
  uint64_t u;
  std::memcpy(&u, &d, 8);
  if (std::isnan(d)) u &= ~(uint64_t(1) << 63);
  return (u >> 63) ? ~u : u | (uint64_t(1) << 63);
}
uint32_t FloatBits32(float f) {
  if (std::isnan(f)) f = std::nanf("");
  uint32_t u;
  std::memcpy(&u, &f, 4);
  if (std::isnan(f)) u &= ~(uint32_t(1) << 31);
  return (u >> 31) ? ~u : u | (uint32_t(1) << 31);
}

// Magnitude (big-endian, no leading zero bytes) of a two's complement number; sign in *neg.
std::string Magnitude(std::string_view b, bool* neg) {
  std::string m(b);
  *neg = !m.empty() && (uint8_t(m[0]) & 0x80);
  if (*neg) {
    for (auto& x : m) x = char(~x);
    for (size_t i = m.size(); i-- > 0;) {
      if (++m[i] != 0) break;
    }
  }
  size_t nz = m.find_first_not_of('\0');
  return nz == std::string::npos ? std::string() : m.substr(nz);
}

// Two's complement (minimal) of a magnitude.
std::string FromMagnitude(std::string m, bool neg) {
  m.insert(m.begin(), '\0');
  if (neg) {
    for (auto& x : m) x = char(~x);
    for (size_t i = m.size(); i-- > 0;) {
      if (++m[i] != 0) break;
    }
  }
  while (m.size() > 1) {
    uint8_t top = uint8_t(m[0]), next = uint8_t(m[1]);
    if ((top == 0 && !(next & 0x80)) || (top == 0xff && (next & 0x80))) m.erase(0, 1);
    else break;
  }
  return m;
}

void Invert(std::string* s, size_t from) {
  for (size_t i = from; i < s->size(); ++i) (*s)[i] = char(~(*s)[i]);
}

// Reads bytes of a component, undoing the DESC inversion.
class Reader {
 public:
  Reader(std::string_view* in, bool invert) : in_(in), mask_(invert ? 0xff : 0) {}
  bool Get(uint8_t* b) {
    if (in_->empty()) return false;
    *b = uint8_t(in_->front()) ^ mask_;
    in_->remove_prefix(1);
    return true;
  }
  bool GetN(size_t n, std::string* out) {
    if (in_->size() < n) return false;
    out->assign(in_->data(), n);
    if (mask_) for (auto& c : *out) c = char(~c);
    in_->remove_prefix(n);
    return true;
  }
  bool GetFixed(int width, uint64_t* v) {
    *v = 0;
    for (int i = 0; i < width; ++i) {
      uint8_t b;
      if (!Get(&b)) return false;
      *v = (*v << 8) | b;
    }
    return true;
  }
  bool GetEscaped(std::string* out) {
    out->clear();
    while (true) {
      uint8_t b;
      if (!Get(&b)) return false;
      if (b != 0) {
        out->push_back(char(b));
        continue;
      }
      uint8_t n;
      if (!Get(&n)) return false;
      if (n == 0xff) out->push_back('\0');
      else if (n == 0x01) return true;
      else return false;
    }
  }

 private:
  std::string_view* in_;
  uint8_t mask_;
};

int IntWidth(TypeKind k) {
  switch (k) {
    case TypeKind::kTinyint: return 1;
    case TypeKind::kSmallint: return 2;
    case TypeKind::kInt: return 4;
    case TypeKind::kBigint:
    case TypeKind::kTimestamp:
    case TypeKind::kTime: return 8;
    default: return 0;
  }
}

void AppendUuid(const Uuid& u, bool with_version, std::string* out) {
  const auto& b = u.bytes;
  int version = u.version();
  if (with_version) out->push_back(char(version));
  if (version == 1) {
    // Time order: time_hi (without the version nibble), time_mid, time_low; then the
    // clock sequence and node compared as signed bytes.
    const uint8_t reordered[8] = {uint8_t(b[6] & 0x0f), b[7], b[4], b[5], b[0], b[1], b[2], b[3]};
    out->append(reinterpret_cast<const char*>(reordered), 8);
    for (int i = 8; i < 16; ++i) out->push_back(char(b[i] ^ 0x80));
  } else {
    out->append(reinterpret_cast<const char*>(b.data()), 16);
  }
}

bool ReadUuid(Reader* r, bool with_version, Uuid* u) {
  uint8_t version = 1;
  if (with_version && !r->Get(&version)) return false;
  std::string raw;
  if (!r->GetN(16, &raw)) return false;
  auto& b = u->bytes;
  if (version == 1) {
    const auto* p = reinterpret_cast<const uint8_t*>(raw.data());
    b[6] = uint8_t(0x10 | (p[0] & 0x0f));
    b[7] = p[1];
    b[4] = p[2];
    b[5] = p[3];
    b[0] = p[4];
    b[1] = p[5];
    b[2] = p[6];
    b[3] = p[7];
    for (int i = 8; i < 16; ++i) b[i] = p[i] ^ 0x80;
    return true;
  }
  std::memcpy(b.data(), raw.data(), 16);
  return u->version() == version;
}

}  // namespace

bool IsKeyType(const Type& t) {
  return !t.is_collection() && t.kind != TypeKind::kCounter && t.kind != TypeKind::kCustom;
}

void AppendComponent(const Type& t, const Value& v, ClusteringOrder order, std::string* out) {
  const size_t start = out->size();
  switch (t.kind) {
    case TypeKind::kTinyint:
    case TypeKind::kSmallint:
    case TypeKind::kInt:
    case TypeKind::kBigint:
    case TypeKind::kTimestamp:
    case TypeKind::kTime:
      AppendFixedSigned(v.as_int(), IntWidth(t.kind), out);
      break;
    case TypeKind::kDate:
      coding::AppendBE32(out, uint32_t(v.as_int()));
      break;
    case TypeKind::kBoolean:
      out->push_back(v.as_bool() ? 1 : 0);
      break;
    case TypeKind::kFloat:
      coding::AppendBE32(out, FloatBits32(v.as_float()));
      break;
    case TypeKind::kDouble:
      coding::AppendBE64(out, FloatBits64(v.as_double()));
      break;
    case TypeKind::kUuid:
      AppendUuid(v.as_uuid(), true, out);
      break;
    case TypeKind::kTimeuuid:
      AppendUuid(v.as_uuid(), false, out);
      break;
    case TypeKind::kVarint: {
      bool neg;
      std::string mag = Magnitude(v.as_bytes(), &neg);
      if (mag.empty()) {
        out->push_back(1);
        break;
      }
      out->push_back(neg ? 0 : 2);
      size_t body = out->size();
      coding::AppendBE32(out, uint32_t(mag.size()));
      *out += mag;
      if (neg) Invert(out, body);
      break;
    }
    case TypeKind::kDecimal: {
      // Normalized: 0.d1d2...dk x 10^E with d1 != 0 and dk != 0, so 1.0 and 1.00 are
      // the same key (as in CQL, where they compare equal).
      int sign;
      std::string digits;
      text::VarintSignAndDigits(v.as_decimal().unscaled, &sign, &digits);
      if (sign == 0) {
        out->push_back(1);
        break;
      }
      int64_t exp = int64_t(digits.size()) - v.as_decimal().scale;
      size_t nz = digits.find_last_not_of('0');
      digits.resize(nz + 1);
      out->push_back(sign < 0 ? 0 : 2);
      size_t body = out->size();
      AppendFixedSigned(exp, 8, out);
      *out += digits;
      out->push_back('\0');
      if (sign < 0) Invert(out, body);
      break;
    }
    default:  // text, ascii, blob, inet: unsigned byte order
      AppendEscaped(v.as_bytes(), out);
      break;
  }
  if (order == ClusteringOrder::kDesc) Invert(out, start);
}

Result<Value> DecodeComponent(const Type& t, ClusteringOrder order, std::string_view* in) {
  Reader r(in, order == ClusteringOrder::kDesc);
  auto corrupt = [&] {
    return Status::Corruption("bad " + t.ToString() + " key component");
  };
  uint64_t u;
  switch (t.kind) {
    case TypeKind::kTinyint:
    case TypeKind::kSmallint:
    case TypeKind::kInt:
    case TypeKind::kBigint:
    case TypeKind::kTimestamp:
    case TypeKind::kTime: {
      int w = IntWidth(t.kind);
      if (!r.GetFixed(w, &u)) return corrupt();
      u ^= uint64_t(1) << (w * 8 - 1);
      int64_t x = w == 8 ? int64_t(u) : int64_t(u << (64 - 8 * w)) >> (64 - 8 * w);
      return Value::Int(t.kind, x);
    }
    case TypeKind::kDate:
      if (!r.GetFixed(4, &u)) return corrupt();
      return Value::Date(uint32_t(u));
    case TypeKind::kBoolean:
      if (!r.GetFixed(1, &u)) return corrupt();
      return Value::Boolean(u != 0);
    case TypeKind::kFloat: {
      if (!r.GetFixed(4, &u)) return corrupt();
      uint32_t b = uint32_t(u);
      b = (b >> 31) ? b & ~(uint32_t(1) << 31) : ~b;
      float f;
      std::memcpy(&f, &b, 4);
      return Value::Float(f);
    }
    case TypeKind::kDouble: {
      if (!r.GetFixed(8, &u)) return corrupt();
      u = (u >> 63) ? u & ~(uint64_t(1) << 63) : ~u;
      double d;
      std::memcpy(&d, &u, 8);
      return Value::Double(d);
    }
    case TypeKind::kUuid:
    case TypeKind::kTimeuuid: {
      Uuid id;
      if (!ReadUuid(&r, t.kind == TypeKind::kUuid, &id)) return corrupt();
      return Value::UuidOf(t.kind, id);
    }
    case TypeKind::kVarint: {
      uint8_t s;
      if (!r.Get(&s) || s > 2) return corrupt();
      if (s == 1) return Value::Bytes(TypeKind::kVarint, std::string(1, '\0'));
      Reader body(in, (order == ClusteringOrder::kDesc) != (s == 0));
      std::string mag;
      if (!body.GetFixed(4, &u) || !body.GetN(size_t(u), &mag)) return corrupt();
      return Value::Bytes(TypeKind::kVarint, FromMagnitude(std::move(mag), s == 0));
    }
    case TypeKind::kDecimal: {
      uint8_t s;
      if (!r.Get(&s) || s > 2) return corrupt();
      if (s == 1) return Value::DecimalOf(Decimal{0, std::string(1, '\0')});
      Reader body(in, (order == ClusteringOrder::kDesc) != (s == 0));
      if (!body.GetFixed(8, &u)) return corrupt();
      int64_t exp = int64_t(u ^ (uint64_t(1) << 63));
      std::string digits;
      uint8_t c;
      while (true) {
        if (!body.Get(&c)) return corrupt();
        if (c == 0) break;
        if (c < '0' || c > '9') return corrupt();
        digits.push_back(char(c));
      }
      if (s == 0) digits.insert(0, "-");
      auto unscaled = text::VarintFromString(digits);
      if (!unscaled.ok()) return corrupt();
      int64_t scale = int64_t(digits.size() - (s == 0 ? 1 : 0)) - exp;
      return Value::DecimalOf(Decimal{int32_t(scale), std::move(*unscaled)});
    }
    default: {
      std::string b;
      if (!r.GetEscaped(&b)) return corrupt();
      return Value::Bytes(t.kind, std::move(b));
    }
  }
}

Status SkipComponent(const Type& t, ClusteringOrder order, std::string_view* in) {
  auto r = DecodeComponent(t, order, in);
  return r.status();
}

void AppendTableId(uint32_t storage_id, std::string* out) { coding::AppendBE32(out, storage_id); }

void AppendToken(int64_t token, std::string* out) {
  coding::AppendBE64(out, uint64_t(token) ^ (uint64_t(1) << 63));
}

int64_t DecodeToken(std::string_view b) {
  return int64_t(coding::GetBE64(b.data()) ^ (uint64_t(1) << 63));
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    if (uint8_t(s.back()) != 0xff) {
      s.back() = char(uint8_t(s.back()) + 1);
      return s;
    }
    s.pop_back();
  }
  return s;  // all 0xff: no successor (callers never pass such prefixes)
}

}  // namespace kappa::store::keys
