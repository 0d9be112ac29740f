// Evaluation of CQL terms (literals, bind markers, functions, collection literals) into
// typed store values for a column of a known type.
#pragma once

#include <string>
#include <vector>

#include "cql/protocol/ast.h"
#include "cql/server/error.h"
#include "cql/protocol/wire.h"
#include "store/store.h"

namespace kappa::cql {

// The bound values of one execution, in bind marker order (named values already mapped to
// their markers by the handler).
struct BindValues {
  const std::vector<WireValue>* values = nullptr;
};

// `column` names the receiver in error messages, as Cassandra does:
// Invalid STRING constant (abc) for "age" of type int.
Outcome<store::Value> EvalTerm(const Term& t, const store::Type& type, const BindValues& binds,
                               std::string_view column);
// EvalTerm into `*out`: a bound value is decoded in place (store::DeserializeNativeInto),
// the hot path of a prepared INSERT; anything else is EvalTerm's result moved in.
Outcome<void> EvalTermInto(const Term& t, const store::Type& type, const BindValues& binds,
                           std::string_view column, store::Value* out);

// An integer-valued term (LIMIT, TTL, TIMESTAMP): a literal or a bind marker of int/bigint.
// `what` names it in errors ("LIMIT"). Null or unset yields `dflt`.
Outcome<int64_t> EvalInteger(const Term& t, const BindValues& binds, std::string_view what,
                             int64_t dflt);

// A new version 1 (time-based) UUID for now(): monotonic within the process.
Uuid NewTimeUuid();

}  // namespace kappa::cql}  // namespace kappa::cql
