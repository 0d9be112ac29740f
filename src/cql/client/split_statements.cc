// SplitStatements (cql/client.h): the client-side script splitting of cqlsh. A scanner of
// its own rather than the lexer's: it must pass through text the parser would refuse (the
// server reports those errors, statement by statement) and only needs to know where strings,
// $$ literals and comments start and end.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "cql/client.h"

namespace kappa::cql {

std::vector<std::string> SplitStatements(std::string_view s, std::string* rest) {
  std::vector<std::string> out;
  size_t start = 0;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '\'' || c == '"') {
      ++i;
      while (i < s.size() && s[i] != c) ++i;
      ++i;
    } else if (c == '$' && i + 1 < s.size() && s[i + 1] == '$') {
      size_t e = s.find("$$", i + 2);
      i = e == std::string_view::npos ? s.size() : e + 2;
    } else if ((c == '-' && i + 1 < s.size() && s[i + 1] == '-') ||
               (c == '/' && i + 1 < s.size() && s[i + 1] == '/')) {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      size_t e = s.find("*/", i + 2);
      i = e == std::string_view::npos ? s.size() : e + 2;
    } else if (c == ';') {
      std::string stmt(s.substr(start, i - start));
      if (stmt.find_first_not_of(" \t\r\n") != std::string::npos) out.push_back(stmt);
      start = ++i;
    } else {
      ++i;
    }
  }
  if (rest) {
    *rest = std::string(s.substr(std::min(start, s.size())));
    if (rest->find_first_not_of(" \t\r\n") == std::string::npos) rest->clear();
  }
  return out;
}

}  // namespace kappa::cql
