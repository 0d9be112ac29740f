// The CQL tokenizer. Produces every token of a statement up front, each with its line and
// column (1-based line, 0-based column, as Cassandra reports syntax errors).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace kappa::cql {

struct Token {
  enum class Kind {
    kIdent,        // word: keyword or unquoted identifier (text as written)
    kQuotedIdent,  // "Name" (text unescaped, case kept)
    kString,       // 'text' or $$text$$ (text unescaped)
    kInteger,
    kFloat,
    kUuid,
    kBlob,         // 0x... (text: the hex digits)
    kPunct,        // ( ) , ; . * = < > <= >= != ? : [ ] { } + -
    kEnd,
  };
  Kind kind = Kind::kEnd;
  std::string text;
  int line = 1;
  int column = 0;
  std::string_view raw;  // the token's source text, for error messages
};

// Produces the tokens of `cql` one at a time, so a parser that fails early never lexes (nor
// allocates tokens for) the rest of a huge input. Linear in the input. Not thread-safe.
class Lexer {
 public:
  explicit Lexer(std::string_view cql) : s_(cql) {}
  // The next token; kEnd (repeatedly) at the end. InvalidArgument ("line 1:7 unterminated
  // string literal") on a lexical error.
  Result<Token> Next();

 private:
  std::string_view s_;
  size_t i_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
};

// Tokenizes all of `cql` (ending with kEnd). InvalidArgument on a lexical error.
Result<std::vector<Token>> Tokenize(std::string_view cql);

}  // namespace kappa::cql
