// USING TTL / TIMESTAMP and the protocol's default timestamp, as store WriteOptions.
#pragma once

#include "cql/exec/exec.h"

namespace kappa::cql {

inline Outcome<store::WriteOptions> WriteOptionsFor(const UsingClause& u, const ExecContext& ctx,
                                                    bool row_marker) {
  store::WriteOptions w;
  w.row_marker = row_marker;
  w.timestamp_micros = ctx.options->default_timestamp;
  if (u.ttl) {
    CQL_TRY(int64_t ttl, EvalInteger(*u.ttl, ctx.binds, "TTL", 0));
    if (ttl < 0) return CqlError::Invalid("A TTL must be greater or equal to 0, but was " + std::to_string(ttl));
    if (ttl > 630720000) {
      return CqlError::Invalid("ttl is too large. requested (" + std::to_string(ttl) +
                               ") maximum (630720000)");
    }
    w.ttl_seconds = int32_t(ttl);
  }
  if (u.timestamp) {
    CQL_TRY(int64_t ts, EvalInteger(*u.timestamp, ctx.binds, "TIMESTAMP",
                                    store::WriteOptions::kNow));
    w.timestamp_micros = ts;
  }
  return w;
}

// Checks the primary key columns of a row being written are all set and non-null.
inline Outcome<bool> CheckPrimaryKey(const store::TableSchema& t, const store::Row& row) {
  std::string missing_pk, missing_ck;
  for (size_t i = 0; i < t.primary_key_size(); ++i) {
    if (row[i].is_set()) continue;
    std::string& m = i < t.partition_key_size() ? missing_pk : missing_ck;
    m += (m.empty() ? "" : ", ") + t.columns[i].name;
    if (row[i].is_null()) {
      return CqlError::Invalid("Invalid null value in condition for column " + t.columns[i].name);
    }
  }
  if (!missing_pk.empty()) return CqlError::Invalid("Some partition key parts are missing: " + missing_pk);
  if (!missing_ck.empty()) return CqlError::Invalid("Some clustering keys are missing: " + missing_ck);
  return true;
}

}  // namespace kappa::cql
