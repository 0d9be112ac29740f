// Parser of mapping field values: expressions and string templates (docs/formats/mapping.md).
//
//   value    := template | expr
//   template := text with at least one '{' or '}' outside quotes; {expr} is interpolated,
//               '{{' and '}}' are literal braces
//   expr     := call | path | string | number | 'null' | 'true' | 'false'
//   call     := name '(' [expr (',' expr)*] ')'
//   path     := name ('.' name | '[' digits ']' | '[' string ']')*
//   string   := '"' ... '"' | "'" ... "'"     (backslash escapes \" \' \\ \n \t)
#include <cctype>
#include <charconv>
#include <cstring>

#include "connect/mapping_program.h"
#include "connect/randomuser_generator.h"

namespace kappa::connect {

const std::vector<FuncInfo>& Functions() {
  static const std::vector<FuncInfo> kFuncs = {
      {"uuid", Func::kUuid, 0, 0},         {"lower", Func::kLower, 1, 1},
      {"upper", Func::kUpper, 1, 1},       {"trim", Func::kTrim, 1, 1},
      {"concat", Func::kConcat, 1, -1},    {"str", Func::kStr, 1, 1},
      {"int", Func::kInt, 1, 1},           {"float", Func::kFloat, 1, 1},
      {"coalesce", Func::kCoalesce, 1, -1}, {"default", Func::kDefault, 2, 2},
  };
  return kFuncs;
}

namespace {

bool IsNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

class Parser {
 public:
  explicit Parser(std::string_view s, size_t base) : s_(s), base_(base) {}

  // Parses a whole expression; trailing garbage is an error.
  Result<Expr> ParseAll() {
    ASSIGN_OR_RETURN(Expr e, ParseExpr());
    SkipSpace();
    if (pos_ != s_.size()) return Error("unexpected '" + std::string(1, s_[pos_]) + "' after expression");
    return e;
  }

  size_t error_offset() const { return base_ + err_pos_; }

 private:
  Status Error(std::string msg) { return ErrorAt(pos_, std::move(msg)); }
  Status ErrorAt(size_t at, std::string msg) {
    err_pos_ = at;
    return Status::InvalidArgument(msg);
  }
  void SkipSpace() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool Peek(char c) {
    SkipSpace();
    return pos_ < s_.size() && s_[pos_] == c;
  }

  Result<Expr> ParseExpr() {
    SkipSpace();
    if (pos_ >= s_.size()) return Error("expected an expression");
    char c = s_[pos_];
    if (c == '"' || c == '\'') {
      Expr e;
      e.kind = Expr::Kind::kString;
      ASSIGN_OR_RETURN(e.text, ParseString());
      return e;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+') return ParseNumber();
    if (!IsNameStart(c)) return Error("unexpected '" + std::string(1, c) + "', expected a field path, function call or literal");
    size_t start = pos_;
    std::string name = ParseName();
    if (Peek('(')) return ParseCall(std::move(name), start);
    if (name == "null" || name == "true" || name == "false") {
      Expr e;
      e.kind = name == "null" ? Expr::Kind::kNull : Expr::Kind::kBool;
      e.b = name == "true";
      return e;
    }
    return ParsePath(std::move(name), start);
  }

  std::string ParseName() {
    size_t start = pos_;
    while (pos_ < s_.size() && IsNameChar(s_[pos_])) ++pos_;
    return std::string(s_.substr(start, pos_ - start));
  }

  Result<std::string> ParseString() {
    const char q = s_[pos_];
    const size_t start = pos_++;
    std::string out;
    while (pos_ < s_.size() && s_[pos_] != q) {
      char c = s_[pos_++];
      if (c == '\\') {
        if (pos_ >= s_.size()) break;
        char e = s_[pos_++];
        switch (e) {
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case 'r': out += '\r'; break;
          case '\\': case '"': case '\'': out += e; break;
          default: return ErrorAt(pos_ - 2, std::string("unknown escape '\\") + e + "' in string literal");
        }
      } else {
        out += c;
      }
    }
    if (pos_ >= s_.size()) return ErrorAt(start, "unterminated string literal");
    ++pos_;  // closing quote
    return out;
  }

  Result<Expr> ParseNumber() {
    size_t start = pos_;
    if (s_[pos_] == '-' || s_[pos_] == '+') ++pos_;
    bool is_float = false;
    while (pos_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[pos_])) ||
                                s_[pos_] == '.' || s_[pos_] == 'e' || s_[pos_] == 'E' ||
                                ((s_[pos_] == '-' || s_[pos_] == '+') &&
                                 (s_[pos_ - 1] == 'e' || s_[pos_ - 1] == 'E')))) {
      if (s_[pos_] == '.' || s_[pos_] == 'e' || s_[pos_] == 'E') is_float = true;
      ++pos_;
    }
    std::string_view t = s_.substr(start, pos_ - start);
    if (!t.empty() && t[0] == '+') t.remove_prefix(1);
    Expr e;
    std::from_chars_result r;
    if (is_float) {
      e.kind = Expr::Kind::kFloat;
      r = std::from_chars(t.data(), t.data() + t.size(), e.d);
    } else {
      e.kind = Expr::Kind::kInt;
      r = std::from_chars(t.data(), t.data() + t.size(), e.i);
    }
    if (r.ec != std::errc() || r.ptr != t.data() + t.size()) {
      return ErrorAt(start, "bad number '" + std::string(s_.substr(start, pos_ - start)) + "'");
    }
    return e;
  }

  Result<Expr> ParseCall(std::string name, size_t start) {
    const FuncInfo* info = nullptr;
    for (const FuncInfo& f : Functions()) {
      if (f.name == name) info = &f;
    }
    if (!info) return ErrorAt(start, "unknown function '" + name + "'");
    Expr e;
    e.kind = Expr::Kind::kCall;
    e.func = info->func;
    ++pos_;  // '('
    if (!Peek(')')) {
      while (true) {
        SkipSpace();
        if (pos_ >= s_.size()) return Error("missing ')' to close " + name + "(");
        ASSIGN_OR_RETURN(Expr arg, ParseExpr());
        e.args.push_back(std::move(arg));
        if (Peek(',')) {
          ++pos_;
          continue;
        }
        if (Peek(')')) break;
        if (pos_ >= s_.size()) return Error("missing ')' to close " + name + "(");
        return Error("expected ',' or ')' in arguments of " + name + "(), found '" +
                     std::string(1, s_[pos_]) + "'");
      }
    }
    ++pos_;  // ')'
    const int n = int(e.args.size());
    if (n < info->min_args || (info->max_args >= 0 && n > info->max_args)) {
      std::string want = info->min_args == info->max_args ? std::to_string(info->min_args)
                         : info->max_args < 0 ? "at least " + std::to_string(info->min_args)
                                              : std::to_string(info->min_args) + " to " +
                                                    std::to_string(info->max_args);
      return ErrorAt(start, name + "() takes " + want + " argument" +
                                (want == "1" ? "" : "s") + ", got " + std::to_string(n));
    }
    return e;
  }

  Result<Expr> ParsePath(std::string first, size_t start) {
    Expr e;
    e.kind = Expr::Kind::kPath;
    e.path.push_back(PathStep{std::move(first), -1});
    while (pos_ < s_.size()) {
      if (s_[pos_] == '.') {
        ++pos_;
        if (pos_ >= s_.size() || !IsNameStart(s_[pos_])) {
          return Error("bad path: expected a field name after '.'");
        }
        e.path.push_back(PathStep{ParseName(), -1});
      } else if (s_[pos_] == '[') {
        ++pos_;
        SkipSpace();
        if (pos_ < s_.size() && (s_[pos_] == '"' || s_[pos_] == '\'')) {
          ASSIGN_OR_RETURN(std::string key, ParseString());
          e.path.push_back(PathStep{std::move(key), -1});
        } else {
          size_t num_start = pos_;
          while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
          int64_t idx = 0;
          auto r = std::from_chars(s_.data() + num_start, s_.data() + pos_, idx);
          if (num_start == pos_ || r.ec != std::errc()) {
            return ErrorAt(num_start, "bad path: expected an array index or a quoted key after '['");
          }
          e.path.push_back(PathStep{"", idx});
        }
        SkipSpace();
        if (pos_ >= s_.size() || s_[pos_] != ']') return Error("bad path: missing ']'");
        ++pos_;
      } else {
        break;
      }
    }
    e.text = std::string(s_.substr(start, pos_ - start));
    std::string dotted;
    for (const PathStep& st : e.path) {
      if (st.index >= 0) return e;
      if (!dotted.empty()) dotted += '.';
      dotted += st.key;
    }
    e.synth_field = SynthFieldIndex(dotted);
    return e;
  }

  std::string_view s_;
  size_t base_;
  size_t pos_ = 0;
  size_t err_pos_ = 0;
};

// True when `s` has a '{' or '}' outside quoted strings: then it is a template.
bool IsTemplate(std::string_view s) {
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote) {
      if (c == '\\') ++i;
      else if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '{' || c == '}') {
      return true;
    }
  }
  return false;
}

Result<Expr> ParseTemplate(std::string_view s, size_t* error_offset) {
  Expr t;
  t.kind = Expr::Kind::kTemplate;
  std::string lit;
  auto flush = [&] {
    if (!lit.empty()) {
      Expr e;
      e.kind = Expr::Kind::kString;
      e.text = std::move(lit);
      t.args.push_back(std::move(e));
      lit.clear();
    }
  };
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '{' && i + 1 < s.size() && s[i + 1] == '{') {
      lit += '{';
      ++i;
    } else if (c == '}' && i + 1 < s.size() && s[i + 1] == '}') {
      lit += '}';
      ++i;
    } else if (c == '}') {
      *error_offset = i;
      return Status::InvalidArgument("unbalanced '}' in template (write '}}' for a literal brace)");
    } else if (c == '{') {
      // Find the matching '}' outside quotes.
      size_t j = i + 1;
      char quote = 0;
      for (; j < s.size(); ++j) {
        if (quote) {
          if (s[j] == '\\') ++j;
          else if (s[j] == quote) quote = 0;
        } else if (s[j] == '"' || s[j] == '\'') {
          quote = s[j];
        } else if (s[j] == '{') {
          *error_offset = j;
          return Status::InvalidArgument("'{' inside a template placeholder (unbalanced template?)");
        } else if (s[j] == '}') {
          break;
        }
      }
      if (j >= s.size()) {
        *error_offset = i;
        return Status::InvalidArgument("unbalanced '{' in template: no closing '}'");
      }
      flush();
      Parser p(s.substr(i + 1, j - i - 1), i + 1);
      auto e = p.ParseAll();
      if (!e.ok()) {
        *error_offset = p.error_offset();
        return e.status();
      }
      t.args.push_back(std::move(e).value());
      i = j;
    } else {
      lit += c;
    }
  }
  flush();
  return t;
}

}  // namespace

Result<Expr> ParseFieldValue(std::string_view text, size_t* error_offset) {
  *error_offset = 0;
  if (IsTemplate(text)) return ParseTemplate(text, error_offset);
  Parser p(text, 0);
  auto e = p.ParseAll();
  if (!e.ok()) *error_offset = p.error_offset();
  return e;
}

namespace {
// True if any of the 8 bytes of x is < 0x20, '"' or '\\' (SWAR; Hacker's Delight haszero).
inline bool NeedsEscape8(uint64_t x) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  const uint64_t lt20 = (x - kOnes * 0x20) & ~x & kHigh;  // bytes < 0x20 (for bytes < 0x80)
  return (lt20 | has_zero(x ^ (kOnes * '"')) | has_zero(x ^ (kOnes * '\\'))) != 0;
}
}  // namespace

void AppendJsonEscaped(std::string* out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  // Fast path: skip 8 clean bytes at a time (the common case: no escapes at all).
  size_t i = 0;
  while (i + 8 <= s.size()) {
    uint64_t x;
    std::memcpy(&x, s.data() + i, 8);
    if (NeedsEscape8(x)) break;
    i += 8;
  }
  size_t run = 0;  // start of the pending run of bytes that need no escaping
  for (; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      default: {
        char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        out->append(u, 6);
      }
    }
  }
  out->append(s.data() + run, s.size() - run);
}

}  // namespace kappa::connect
