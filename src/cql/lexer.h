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

// Tokenizes `cql`. InvalidArgument ("line 1:7 unterminated string") on a lexical error.
Result<std::vector<Token>> Tokenize(std::string_view cql);

}  // namespace kappa::cql
