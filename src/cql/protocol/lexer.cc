#include "cql/protocol/lexer.h"

#include <cctype>

namespace kappa::cql {
namespace {

bool IsIdentStart(char c) { return std::isalpha(uint8_t(c)) || c == '_'; }
bool IsIdentChar(char c) { return std::isalnum(uint8_t(c)) || c == '_'; }
bool IsHex(char c) { return std::isxdigit(uint8_t(c)) != 0; }

// True if s[i..] starts with a canonical 8-4-4-4-12 UUID not followed by an identifier char.
bool MatchUuid(std::string_view s, size_t i) {
  static constexpr int kGroups[] = {8, 4, 4, 4, 12};
  size_t p = i;
  for (int g = 0; g < 5; ++g) {
    for (int k = 0; k < kGroups[g]; ++k, ++p) {
      if (p >= s.size() || !IsHex(s[p])) return false;
    }
    if (g < 4) {
      if (p >= s.size() || s[p] != '-') return false;
      ++p;
    }
  }
  return p >= s.size() || !IsIdentChar(s[p]);
}

}  // namespace

Result<Token> Lexer::Next() {
  std::string_view s = s_;
  size_t& i = i_;
  int& line = line_;
  size_t& line_start = line_start_;
  auto error = [&](size_t at, std::string_view what) {
    return Status::InvalidArgument("line " + std::to_string(line) + ":" +
                                   std::to_string(at - line_start) + " " + std::string(what));
  };
  while (i < s.size()) {
    char c = s[i];
    if (c == '\n') {
      ++line;
      line_start = ++i;
      continue;
    }
    if (std::isspace(uint8_t(c))) { ++i; continue; }
    if ((c == '-' && i + 1 < s.size() && s[i + 1] == '-') ||
        (c == '/' && i + 1 < s.size() && s[i + 1] == '/')) {
      while (i < s.size() && s[i] != '\n') ++i;
      continue;
    }
    if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      size_t end = s.find("*/", i + 2);
      if (end == std::string_view::npos) return error(i, "unterminated comment");
      for (size_t k = i; k < end; ++k) {
        if (s[k] == '\n') { ++line; line_start = k + 1; }
      }
      i = end + 2;
      continue;
    }
    Token t;
    t.line = line;
    t.column = int(i - line_start);
    size_t start = i;
    if (c == '\'') {
      t.kind = Token::Kind::kString;
      ++i;
      for (;;) {
        if (i >= s.size()) return error(start, "unterminated string literal");
        if (s[i] == '\'') {
          if (i + 1 < s.size() && s[i + 1] == '\'') { t.text.push_back('\''); i += 2; continue; }
          ++i;
          break;
        }
        if (s[i] == '\n') { ++line; line_start = i + 1; }
        t.text.push_back(s[i++]);
      }
    } else if (c == '$' && i + 1 < s.size() && s[i + 1] == '$') {
      t.kind = Token::Kind::kString;
      size_t end = s.find("$$", i + 2);
      if (end == std::string_view::npos) return error(start, "unterminated $$ string literal");
      t.text = std::string(s.substr(i + 2, end - i - 2));
      i = end + 2;
    } else if (c == '"') {
      t.kind = Token::Kind::kQuotedIdent;
      ++i;
      for (;;) {
        if (i >= s.size()) return error(start, "unterminated quoted identifier");
        if (s[i] == '"') {
          if (i + 1 < s.size() && s[i + 1] == '"') { t.text.push_back('"'); i += 2; continue; }
          ++i;
          break;
        }
        t.text.push_back(s[i++]);
      }
    } else if (MatchUuid(s, i)) {
      t.kind = Token::Kind::kUuid;
      t.text = std::string(s.substr(i, 36));
      i += 36;
    } else if (c == '0' && i + 1 < s.size() && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
      t.kind = Token::Kind::kBlob;
      i += 2;
      while (i < s.size() && IsHex(s[i])) t.text.push_back(s[i++]);
      if (i < s.size() && IsIdentChar(s[i])) return error(start, "invalid blob literal");
    } else if (std::isdigit(uint8_t(c)) ||
               (c == '-' && i + 1 < s.size() &&
                (std::isdigit(uint8_t(s[i + 1])) || s.substr(i + 1, 3) == "NaN" ||
                 s.substr(i + 1, 8) == "Infinity"))) {
      if (c == '-') ++i;
      if (s.substr(i, 3) == "NaN" || s.substr(i, 8) == "Infinity") {
        t.kind = Token::Kind::kFloat;
        i += s[i] == 'N' ? 3 : 8;
      } else {
        t.kind = Token::Kind::kInteger;
        while (i < s.size() && std::isdigit(uint8_t(s[i]))) ++i;
        if (i + 1 < s.size() && s[i] == '.' && std::isdigit(uint8_t(s[i + 1]))) {
          t.kind = Token::Kind::kFloat;
          ++i;
          while (i < s.size() && std::isdigit(uint8_t(s[i]))) ++i;
        }
        if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
          size_t k = i + 1;
          if (k < s.size() && (s[k] == '+' || s[k] == '-')) ++k;
          if (k < s.size() && std::isdigit(uint8_t(s[k]))) {
            t.kind = Token::Kind::kFloat;
            i = k;
            while (i < s.size() && std::isdigit(uint8_t(s[i]))) ++i;
          }
        }
      }
      t.text = std::string(s.substr(start, i - start));
    } else if (IsIdentStart(c)) {
      t.kind = Token::Kind::kIdent;
      while (i < s.size() && IsIdentChar(s[i])) ++i;
      t.text = std::string(s.substr(start, i - start));
    } else {
      t.kind = Token::Kind::kPunct;
      if (i + 1 < s.size() && ((c == '<' || c == '>' || c == '!') && s[i + 1] == '=')) {
        t.text = std::string(s.substr(i, 2));
        i += 2;
      } else if (std::string_view("(),;.*=<>?:[]{}+-").find(c) != std::string_view::npos) {
        t.text = std::string(1, c);
        ++i;
      } else {
        return error(i, std::string("token recognition error at: '") + c + "'");
      }
    }
    t.raw = s.substr(start, i - start);
    return t;
  }
  Token end;
  end.kind = Token::Kind::kEnd;
  end.line = line;
  end.column = int(i - line_start);
  return end;
}

Result<std::vector<Token>> Tokenize(std::string_view s) {
  Lexer lexer(s);
  std::vector<Token> out;
  for (;;) {
    ASSIGN_OR_RETURN(Token t, lexer.Next());
    bool end = t.kind == Token::Kind::kEnd;
    out.push_back(std::move(t));
    if (end) return out;
  }
}

}  // namespace kappa::cql
