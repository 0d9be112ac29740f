// Text to typed values: ParseFromString (JSON-ish field text) and ParseCqlLiteral.
#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "common/strings.h"
#include "store/types.h"
#include "store/value_text.h"

namespace kappa::store {
namespace {

Status BadText(const Type& t, std::string_view text, std::string_view why = {}) {
  std::string m = "cannot read '" + std::string(text.substr(0, 200)) + "' as " + t.ToString();
  if (!why.empty()) m += ": " + std::string(why);
  return Status::InvalidArgument(m);
}

Result<Value> ParseInteger(const Type& t, std::string_view s) {
  int64_t x;
  std::string_view z = TrimSpace(s);
  if (!z.empty() && z[0] == '+') z.remove_prefix(1);
  auto r = std::from_chars(z.data(), z.data() + z.size(), x);
  if (r.ec != std::errc() || r.ptr != z.data() + z.size()) return BadText(t, s, "not an integer");
  Value v = Value::Int(t.kind, x);
  RETURN_IF_ERROR(CheckValue(t, v));
  return v;
}

Result<double> ParseFloating(const Type& t, std::string_view s) {
  std::string z(TrimSpace(s));
  if (z == "NaN") return std::nan("");
  if (z == "Infinity" || z == "+Infinity") return HUGE_VAL;
  if (z == "-Infinity") return -HUGE_VAL;
  char* end = nullptr;
  errno = 0;
  double d = std::strtod(z.c_str(), &end);
  if (z.empty() || end != z.c_str() + z.size() || std::isspace(static_cast<unsigned char>(z[0]))) {
    return BadText(t, s, "not a number");
  }
  return d;
}

Result<std::string> ParseHex(const Type& t, std::string_view s) {
  if (s.size() < 2 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || s.size() % 2) {
    return BadText(t, s, "want 0x followed by hex digits");
  }
  std::string out;
  out.reserve(s.size() / 2 - 1);
  for (size_t i = 2; i < s.size(); i += 2) {
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    int h = hex(s[i]), l = hex(s[i + 1]);
    if (h < 0 || l < 0) return BadText(t, s, "bad hex digit");
    out.push_back(char(h << 4 | l));
  }
  return out;
}

Result<Value> CollectionFromJson(const Type& t, simdjson::dom::element e);

Result<Value> ElementFromJson(const Type& t, simdjson::dom::element e) {
  if (t.is_collection()) return CollectionFromJson(t, e);
  std::string_view str;
  if (e.get_string().get(str) == simdjson::SUCCESS) return ParseFromString(t, str);
  if (e.is_null()) return BadText(t, "null", "collections cannot hold null");
  return ParseFromString(t, simdjson::minify(e));
}

Result<Value> CollectionFromJson(const Type& t, simdjson::dom::element e) {
  std::vector<Value> elems;
  if (t.kind == TypeKind::kMap) {
    if (!e.is_object()) return BadText(t, simdjson::minify(e), "want a JSON object");
    simdjson::dom::object obj;
    if (e.get_object().get(obj) != simdjson::SUCCESS) return BadText(t, "", "want a JSON object");
    for (auto field : obj) {
      ASSIGN_OR_RETURN(Value k, ParseFromString(t.params[0], field.key));
      ASSIGN_OR_RETURN(Value v, ElementFromJson(t.params[1], field.value));
      elems.push_back(std::move(k));
      elems.push_back(std::move(v));
    }
  } else {
    if (!e.is_array()) return BadText(t, simdjson::minify(e), "want a JSON array");
    simdjson::dom::array arr;
    if (e.get_array().get(arr) != simdjson::SUCCESS) return BadText(t, "", "want a JSON array");
    for (auto x : arr) {
      ASSIGN_OR_RETURN(Value v, ElementFromJson(t.params[0], x));
      elems.push_back(std::move(v));
    }
  }
  return Value::Collection(t.kind, std::move(elems));
}

}  // namespace

Result<Value> ParseFromString(const Type& t, std::string_view s) {
  switch (t.kind) {
    case TypeKind::kText:
    case TypeKind::kAscii: {
      Value v = Value::Bytes(t.kind, std::string(s));
      RETURN_IF_ERROR(CheckValue(t, v));
      return v;
    }
    case TypeKind::kBlob:
      if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        ASSIGN_OR_RETURN(std::string b, ParseHex(t, s));
        return Value::Blob(std::move(b));
      }
      return Value::Blob(std::string(s));
    case TypeKind::kTinyint:
    case TypeKind::kSmallint:
    case TypeKind::kInt:
    case TypeKind::kBigint:
    case TypeKind::kCounter:
      return ParseInteger(t, s);
    case TypeKind::kTimestamp: {
      auto r = text::ParseTimestamp(TrimSpace(s));
      if (!r.ok()) return BadText(t, s, r.status().message());
      return Value::Timestamp(*r);
    }
    case TypeKind::kDate: {
      auto r = text::ParseDate(TrimSpace(s));
      if (!r.ok()) return BadText(t, s, r.status().message());
      return Value::Date(*r);
    }
    case TypeKind::kTime: {
      auto r = text::ParseTime(TrimSpace(s));
      if (!r.ok()) return BadText(t, s, r.status().message());
      return Value::Time(*r);
    }
    case TypeKind::kBoolean: {
      std::string z(TrimSpace(s));
      for (char& c : z) c = char(std::tolower(static_cast<unsigned char>(c)));
      if (z == "true") return Value::Boolean(true);
      if (z == "false") return Value::Boolean(false);
      return BadText(t, s, "want true or false");
    }
    case TypeKind::kFloat: {
      ASSIGN_OR_RETURN(double d, ParseFloating(t, s));
      return Value::Float(float(d));
    }
    case TypeKind::kDouble: {
      ASSIGN_OR_RETURN(double d, ParseFloating(t, s));
      return Value::Double(d);
    }
    case TypeKind::kUuid:
    case TypeKind::kTimeuuid: {
      auto u = Uuid::Parse(TrimSpace(s));
      if (!u) return BadText(t, s, "want xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx");
      Value v = Value::UuidOf(t.kind, *u);
      RETURN_IF_ERROR(CheckValue(t, v));
      return v;
    }
    case TypeKind::kVarint: {
      auto r = text::VarintFromString(TrimSpace(s));
      if (!r.ok()) return BadText(t, s, "not an integer");
      return Value::Bytes(TypeKind::kVarint, std::move(*r));
    }
    case TypeKind::kDecimal: {
      auto r = text::DecimalFromString(TrimSpace(s));
      if (!r.ok()) return BadText(t, s, "not a decimal number");
      return Value::DecimalOf(std::move(*r));
    }
    case TypeKind::kInet: {
      auto r = text::ParseInet(TrimSpace(s));
      if (!r.ok()) return BadText(t, s, "not an IPv4 or IPv6 address");
      return Value::Bytes(TypeKind::kInet, std::move(*r));
    }
    case TypeKind::kList:
    case TypeKind::kSet:
    case TypeKind::kMap: {
      simdjson::dom::parser parser;
      simdjson::padded_string padded(s);
      simdjson::dom::element e;
      if (parser.parse(padded).get(e) != simdjson::SUCCESS) return BadText(t, s, "not valid JSON");
      return CollectionFromJson(t, e);
    }
    default:
      return BadText(t, s, "unsupported type");
  }
}

namespace {

// A small reader of CQL literals: 'quoted' strings ('' escapes a quote), bare tokens, and
// [..] / {..} collections with ',' and ':' separators.
class LiteralReader {
 public:
  explicit LiteralReader(std::string_view s) : s_(s) {}

  Result<Value> Read(const Type& t) {
    Skip();
    if (t.is_collection()) return ReadCollection(t);
    std::string_view tok;
    bool quoted = false;
    std::string unq;
    if (p_ < s_.size() && s_[p_] == '\'') {
      quoted = true;
      ++p_;
      while (true) {
        if (p_ >= s_.size()) return BadText(t, s_, "unterminated string");
        if (s_[p_] == '\'') {
          if (p_ + 1 < s_.size() && s_[p_ + 1] == '\'') {
            unq += '\'';
            p_ += 2;
            continue;
          }
          ++p_;
          break;
        }
        unq += s_[p_++];
      }
    } else {
      size_t b = p_;
      while (p_ < s_.size() && s_[p_] != ',' && s_[p_] != ':' && s_[p_] != ']' && s_[p_] != '}' &&
             !std::isspace(static_cast<unsigned char>(s_[p_]))) {
        ++p_;
      }
      tok = s_.substr(b, p_ - b);
      if (tok.empty()) return BadText(t, s_, "missing value");
    }
    if (!quoted) {
      std::string lower(tok);
      for (char& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
      if (lower == "null") return Value::Null();
      bool stringy = t.kind == TypeKind::kText || t.kind == TypeKind::kAscii;
      if (stringy) return BadText(t, tok, "strings must be quoted");
      if (t.kind == TypeKind::kBlob) {
        ASSIGN_OR_RETURN(std::string b, ParseHex(t, tok));
        return Value::Blob(std::move(b));
      }
      return ParseFromString(t, tok);
    }
    if (t.kind == TypeKind::kBlob) return BadText(t, unq, "blobs are written 0x..., unquoted");
    return ParseFromString(t, unq);
  }

  bool AtEnd() {
    Skip();
    return p_ >= s_.size();
  }

 private:
  void Skip() {
    while (p_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[p_]))) ++p_;
  }
  bool Eat(char c) {
    Skip();
    if (p_ < s_.size() && s_[p_] == c) {
      ++p_;
      return true;
    }
    return false;
  }

  Result<Value> ReadCollection(const Type& t) {
    char open = t.kind == TypeKind::kList ? '[' : '{';
    char close = t.kind == TypeKind::kList ? ']' : '}';
    if (!Eat(open)) {
      Skip();
      if (s_.substr(p_, 4) == "null" || s_.substr(p_, 4) == "NULL") {
        p_ += 4;
        return Value::Null();
      }
      return BadText(t, s_, std::string("want '") + open + "'");
    }
    std::vector<Value> elems;
    if (Eat(close)) return Value::Collection(t.kind, std::move(elems));
    while (true) {
      bool map = t.kind == TypeKind::kMap;
      ASSIGN_OR_RETURN(Value k, Read(t.params[0]));
      if (!k.is_set()) return BadText(t, s_, "collections cannot hold null");
      elems.push_back(std::move(k));
      if (map) {
        if (!Eat(':')) return BadText(t, s_, "want ':' in a map literal");
        ASSIGN_OR_RETURN(Value v, Read(t.params[1]));
        if (!v.is_set()) return BadText(t, s_, "collections cannot hold null");
        elems.push_back(std::move(v));
      }
      if (Eat(close)) break;
      if (!Eat(',')) return BadText(t, s_, "want ',' between elements");
    }
    return Value::Collection(t.kind, std::move(elems));
  }

  std::string_view s_;
  size_t p_ = 0;
};

}  // namespace

Result<Value> ParseCqlLiteral(const Type& type, std::string_view literal) {
  LiteralReader r(literal);
  ASSIGN_OR_RETURN(Value v, r.Read(type));
  if (!r.AtEnd()) return BadText(type, literal, "unexpected text after the value");
  return v;
}

}  // namespace kappa::store
