// Type names, Value equality, text forms (cqlsh text, CQL literals, JSON) and validation.
#include <charconv>
#include <cmath>
#include <cstring>

#include <simdjson.h>

#include "common/strings.h"
#include "store/types.h"
#include "store/value_text.h"

namespace kappa::store {

std::string_view TypeKindName(TypeKind k) {
  switch (k) {
    case TypeKind::kCustom: return "custom";
    case TypeKind::kAscii: return "ascii";
    case TypeKind::kBigint: return "bigint";
    case TypeKind::kBlob: return "blob";
    case TypeKind::kBoolean: return "boolean";
    case TypeKind::kCounter: return "counter";
    case TypeKind::kDecimal: return "decimal";
    case TypeKind::kDouble: return "double";
    case TypeKind::kFloat: return "float";
    case TypeKind::kInt: return "int";
    case TypeKind::kTimestamp: return "timestamp";
    case TypeKind::kUuid: return "uuid";
    case TypeKind::kText: return "text";
    case TypeKind::kVarint: return "varint";
    case TypeKind::kTimeuuid: return "timeuuid";
    case TypeKind::kInet: return "inet";
    case TypeKind::kDate: return "date";
    case TypeKind::kTime: return "time";
    case TypeKind::kSmallint: return "smallint";
    case TypeKind::kTinyint: return "tinyint";
    case TypeKind::kList: return "list";
    case TypeKind::kMap: return "map";
    case TypeKind::kSet: return "set";
  }
  return "unknown";
}

std::string Type::ToString() const {
  std::string s(TypeKindName(kind));
  if (!params.empty()) {
    s += '<';
    for (size_t i = 0; i < params.size(); ++i) {
      if (i) s += ", ";
      s += params[i].ToString();
    }
    s += '>';
  }
  return frozen ? "frozen<" + s + ">" : s;
}

namespace {

// Splits "a, map<b, c>" at top-level commas.
std::vector<std::string_view> SplitTopLevel(std::string_view s) {
  std::vector<std::string_view> out;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '<') ++depth;
    else if (s[i] == '>') --depth;
    else if (s[i] == ',' && depth == 0) {
      out.push_back(TrimSpace(s.substr(start, i - start)));
      start = i + 1;
    }
  }
  out.push_back(TrimSpace(s.substr(start)));
  return out;
}

}  // namespace

Result<Type> Type::Parse(std::string_view text) {
  std::string_view s = TrimSpace(text);
  size_t lt = s.find('<');
  std::string head = AsciiLower(TrimSpace(s.substr(0, lt)));
  if (lt != std::string_view::npos) {
    if (s.back() != '>') return Status::InvalidArgument("bad type '" + std::string(text) + "'");
    std::string_view inner = s.substr(lt + 1, s.size() - lt - 2);
    if (head == "frozen") {
      ASSIGN_OR_RETURN(Type t, Parse(inner));
      if (t.is_collection()) t.frozen = true;
      return t;
    }
    auto parts = SplitTopLevel(inner);
    std::vector<Type> ps;
    for (auto p : parts) {
      ASSIGN_OR_RETURN(Type t, Parse(p));
      ps.push_back(std::move(t));
    }
    if ((head == "list" || head == "set") && ps.size() == 1) {
      return head == "list" ? List(std::move(ps[0])) : Set(std::move(ps[0]));
    }
    if (head == "map" && ps.size() == 2) return Map(std::move(ps[0]), std::move(ps[1]));
    return Status::InvalidArgument("bad collection type '" + std::string(text) + "'");
  }
  if (head == "varchar") return Type(TypeKind::kText);
  static const TypeKind kScalars[] = {
      TypeKind::kAscii, TypeKind::kBigint, TypeKind::kBlob, TypeKind::kBoolean,
      TypeKind::kCounter, TypeKind::kDecimal, TypeKind::kDouble, TypeKind::kFloat,
      TypeKind::kInt, TypeKind::kTimestamp, TypeKind::kUuid, TypeKind::kText,
      TypeKind::kVarint, TypeKind::kTimeuuid, TypeKind::kInet, TypeKind::kDate,
      TypeKind::kTime, TypeKind::kSmallint, TypeKind::kTinyint};
  for (TypeKind k : kScalars) {
    if (head == TypeKindName(k)) return Type(k);
  }
  return Status::InvalidArgument("unknown type '" + std::string(text) +
                                 "' (want e.g. text, int, bigint, uuid, timestamp, list<int>)");
}

bool Value::operator==(const Value& o) const {
  if (state_ != o.state_) return false;
  if (state_ != State::kSet) return true;
  if (kind_ != o.kind_) return false;
  if (kind_ == TypeKind::kFloat) {
    return as_float() == o.as_float() || (std::isnan(as_float()) && std::isnan(o.as_float()));
  }
  if (kind_ == TypeKind::kDouble) {
    return as_double() == o.as_double() || (std::isnan(as_double()) && std::isnan(o.as_double()));
  }
  return v_ == o.v_;
}

namespace {

std::string Hex(std::string_view b) {
  static const char* kHex = "0123456789abcdef";
  std::string s = "0x";
  s.reserve(2 + b.size() * 2);
  for (unsigned char c : b) {
    s += kHex[c >> 4];
    s += kHex[c & 15];
  }
  return s;
}

template <typename F>
std::string FloatText(F f) {
  if (std::isnan(f)) return "NaN";
  if (std::isinf(f)) return f > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), f);
  return std::string(buf, r.ptr);
}

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default:
        if (c < 0x20) {
          char b[8];
          std::snprintf(b, sizeof(b), "\\u%04x", c);
          *out += b;
        } else {
          out->push_back(char(c));
        }
    }
  }
  out->push_back('"');
}

std::string Quote(std::string_view s) {
  std::string o = "'";
  for (char c : s) {
    if (c == '\'') o += "''";
    else o += c;
  }
  return o + "'";
}

// Text of a scalar without quotes (shared by the three forms).
std::string ScalarText(const Value& v, text::TimestampStyle ts) {
  switch (v.kind()) {
    case TypeKind::kTinyint:
    case TypeKind::kSmallint:
    case TypeKind::kInt:
    case TypeKind::kBigint:
    case TypeKind::kCounter: return std::to_string(v.as_int());
    case TypeKind::kTimestamp: return text::FormatTimestamp(v.as_int(), ts);
    case TypeKind::kDate: return text::FormatDate(uint32_t(v.as_int()));
    case TypeKind::kTime: return text::FormatTime(v.as_int());
    case TypeKind::kBoolean: return v.as_bool() ? "true" : "false";
    case TypeKind::kFloat: return FloatText(v.as_float());
    case TypeKind::kDouble: return FloatText(v.as_double());
    case TypeKind::kUuid:
    case TypeKind::kTimeuuid: return v.as_uuid().ToString();
    case TypeKind::kVarint: return text::VarintToString(v.as_bytes());
    case TypeKind::kDecimal: return text::DecimalToString(v.as_decimal());
    case TypeKind::kInet: return text::FormatInet(v.as_bytes());
    case TypeKind::kBlob: return Hex(v.as_bytes());
    default: return v.as_bytes();
  }
}

bool QuotedInCql(TypeKind k) {
  switch (k) {
    case TypeKind::kText:
    case TypeKind::kAscii:
    case TypeKind::kTimestamp:
    case TypeKind::kDate:
    case TypeKind::kTime:
    case TypeKind::kInet: return true;
    default: return false;
  }
}

std::string CollectionText(const Value& v, bool cql_literal) {
  const auto& e = v.as_elements();
  bool map = v.kind() == TypeKind::kMap;
  std::string s = v.kind() == TypeKind::kList ? "[" : "{";
  for (size_t i = 0; i < e.size(); ++i) {
    if (i) s += (map && i % 2 == 1) ? ": " : ", ";
    s += e[i].ToCqlLiteral();
  }
  s += v.kind() == TypeKind::kList ? "]" : "}";
  (void)cql_literal;
  return s;
}

}  // namespace

std::string Value::ToString() const {
  if (state_ == State::kNull) return "null";
  if (state_ == State::kUnset) return "unset";
  if (kind_ == TypeKind::kBoolean) return as_bool() ? "True" : "False";
  if (std::holds_alternative<std::vector<Value>>(v_)) return CollectionText(*this, false);
  return ScalarText(*this, text::TimestampStyle::kCqlsh);
}

std::string Value::ToCqlLiteral() const {
  if (state_ != State::kSet) return "null";
  if (std::holds_alternative<std::vector<Value>>(v_)) return CollectionText(*this, true);
  std::string t = ScalarText(*this, text::TimestampStyle::kIso);
  return QuotedInCql(kind_) ? Quote(t) : t;
}

void Value::AppendJson(std::string* out) const {
  if (state_ != State::kSet) {
    *out += "null";
    return;
  }
  switch (kind_) {
    case TypeKind::kList:
    case TypeKind::kSet: {
      out->push_back('[');
      const auto& e = as_elements();
      for (size_t i = 0; i < e.size(); ++i) {
        if (i) out->append(", ");
        e[i].AppendJson(out);
      }
      out->push_back(']');
      return;
    }
    case TypeKind::kMap: {
      out->push_back('{');
      const auto& e = as_elements();
      for (size_t i = 0; i + 1 < e.size(); i += 2) {
        if (i) out->append(", ");
        if (e[i].is_set() && (e[i].kind() == TypeKind::kText || e[i].kind() == TypeKind::kAscii)) {
          AppendJsonString(e[i].as_bytes(), out);
        } else {
          std::string k;
          e[i].AppendJson(&k);
          if (!k.empty() && k[0] == '"') *out += k; else AppendJsonString(k, out);
        }
        out->append(": ");
        e[i + 1].AppendJson(out);
      }
      out->push_back('}');
      return;
    }
    case TypeKind::kTimestamp: {
      std::string t = text::FormatTimestamp(as_int(), text::TimestampStyle::kIso);
      t[10] = ' ';  // Cassandra's toJson: "2024-05-01 12:00:00.000Z"
      AppendJsonString(t, out);
      return;
    }
    case TypeKind::kTinyint:
    case TypeKind::kSmallint:
    case TypeKind::kInt:
    case TypeKind::kBigint:
    case TypeKind::kCounter:
    case TypeKind::kBoolean:
    case TypeKind::kVarint:
    case TypeKind::kDecimal:
      *out += ScalarText(*this, text::TimestampStyle::kIso);
      return;
    case TypeKind::kFloat:
    case TypeKind::kDouble: {
      std::string t = ScalarText(*this, text::TimestampStyle::kIso);
      if (t == "NaN" || t.find("Infinity") != std::string::npos) AppendJsonString(t, out);
      else *out += t;
      return;
    }
    default:
      AppendJsonString(ScalarText(*this, text::TimestampStyle::kIso), out);
  }
}

// Every text cell written or read by a client is validated, and most are short and ASCII: a
// word-at-a-time high-bit test settles those in a few instructions.
bool IsAscii(std::string_view s) {
  const char* p = s.data();
  size_t n = s.size();
  uint64_t high = 0;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    high |= w;
  }
  for (; n > 0; ++p, --n) high |= uint8_t(*p);
  return (high & 0x8080808080808080ULL) == 0;
}

// Anything not ASCII goes to simdjson's SIMD validator, which rejects overlong forms,
// surrogates and code points above U+10FFFF, as CQL requires.
bool IsValidUtf8(std::string_view s) {
  return IsAscii(s) || simdjson::validate_utf8(s.data(), s.size());
}

namespace {

bool IsIntKind(TypeKind k) {
  return k == TypeKind::kTinyint || k == TypeKind::kSmallint || k == TypeKind::kInt ||
         k == TypeKind::kBigint || k == TypeKind::kCounter || k == TypeKind::kTimestamp ||
         k == TypeKind::kTime || k == TypeKind::kDate;
}

}  // namespace

Status CheckValue(const Type& type, const Value& v) {
  if (!v.is_set()) return Status::OK();
  auto mismatch = [&] {
    return Status::InvalidArgument("a " + std::string(TypeKindName(v.kind())) +
                                   " value cannot be stored in a " + type.ToString() + " column");
  };
  TypeKind k = type.kind, vk = v.kind();
  bool same = k == vk || ((k == TypeKind::kText || k == TypeKind::kAscii) &&
                          (vk == TypeKind::kText || vk == TypeKind::kAscii)) ||
              (k == TypeKind::kUuid && vk == TypeKind::kTimeuuid);
  if (!same) return mismatch();
  if (IsIntKind(k)) {
    int64_t x = v.as_int();
    bool ok = true;
    switch (k) {
      case TypeKind::kTinyint: ok = x >= INT8_MIN && x <= INT8_MAX; break;
      case TypeKind::kSmallint: ok = x >= INT16_MIN && x <= INT16_MAX; break;
      case TypeKind::kInt: ok = x >= INT32_MIN && x <= INT32_MAX; break;
      case TypeKind::kDate: ok = x >= 0 && x <= int64_t(UINT32_MAX); break;
      case TypeKind::kTime: ok = x >= 0 && x < 86'400'000'000'000LL; break;
      default: break;
    }
    if (!ok) {
      return Status::InvalidArgument("value " + std::to_string(x) + " is out of range for " +
                                     type.ToString());
    }
    return Status::OK();
  }
  switch (k) {
    case TypeKind::kText:
      if (!IsValidUtf8(v.as_bytes())) return Status::InvalidArgument("text value is not valid UTF-8");
      return Status::OK();
    case TypeKind::kAscii:
      if (!IsAscii(v.as_bytes())) return Status::InvalidArgument("ascii value has a non-ASCII byte");
      return Status::OK();
    case TypeKind::kInet:
      if (v.as_bytes().size() != 4 && v.as_bytes().size() != 16) {
        return Status::InvalidArgument("inet value must have 4 or 16 bytes");
      }
      return Status::OK();
    case TypeKind::kTimeuuid:
      if (v.as_uuid().version() != 1) return Status::InvalidArgument("timeuuid must be version 1");
      return Status::OK();
    case TypeKind::kList:
    case TypeKind::kSet:
    case TypeKind::kMap: {
      const auto& e = v.as_elements();
      bool map = k == TypeKind::kMap;
      if (map && e.size() % 2) return Status::InvalidArgument("map value with a dangling key");
      for (size_t i = 0; i < e.size(); ++i) {
        if (!e[i].is_set()) return Status::InvalidArgument("collections cannot hold null");
        RETURN_IF_ERROR(CheckValue(type.params[map ? i % 2 : 0], e[i]));
      }
      return Status::OK();
    }
    default:
      return Status::OK();
  }
}

}  // namespace kappa::store
