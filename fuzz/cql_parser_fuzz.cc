// libFuzzer target: arbitrary text as a CQL statement (the parser, protocol/) and as a
// script (the client's SplitStatements). The parser must return a statement or a syntax
// error, never crash or hang. Run by fuzz/cql_fuzz.sh
// (CTest: cql.fuzz_parser).
#include <cstddef>
#include <cstdint>
#include <string>

#include "cql/client.h"
#include "cql/protocol/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)kappa::cql::ParseStatement(text);
  std::string rest;
  (void)kappa::cql::SplitStatements(text, &rest);
  return 0;
}
