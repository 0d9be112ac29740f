// SCHEMA_CHANGE results of the DDL executors.
#pragma once

#include "cql/server/result.h"

namespace kappa::cql {

inline ResultMessage SchemaChanged(const char* change, const std::string& ks,
                                   const std::string& table = {}) {
  ResultMessage r;
  r.kind = ResultMessage::Kind::kSchemaChange;
  r.schema_change = std::make_unique<SchemaChangeResult>(
      SchemaChangeResult{change, table.empty() ? "KEYSPACE" : "TABLE", ks, table});
  return r;
}

}  // namespace kappa::cql
