// The CQL parser: recursive descent over the grammar of Cassandra 4.0's Cql.g for the
// statements kappa supports (see docs/formats/cql.md for the list). Errors read like
// Cassandra's: "line 1:9 no viable alternative at input 'FORM'" or
// "line 1:20 mismatched input ')' expecting ','".
#pragma once

#include <string_view>
#include <vector>

#include "common/status.h"
#include "cql/protocol/ast.h"

namespace kappa::cql {

// Parses exactly one statement (an optional trailing ';' is allowed). InvalidArgument with a
// Cassandra-style message on a syntax error.
Result<Statement> ParseStatement(std::string_view cql);

}  // namespace kappa::cql
