// USING TTL / TIMESTAMP and the protocol's default timestamp, as store WriteOptions.
#pragma once

#include "cql/server/exec/exec.h"

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

// True if `row` writes static columns and nothing else but its key: then it may name the
// partition only (CQL's INSERT/UPDATE/DELETE of static columns without clustering values).
inline bool StaticsOnly(const store::TableSchema& t, const store::Row& row) {
  if (!t.has_static_columns()) return false;
  bool statics = false;
  for (size_t i = t.primary_key_size(); i < row.size(); ++i) {
    if (!row[i].is_unset() && t.columns[i].kind != store::ColumnKind::kStatic) return false;
    statics = statics || !row[i].is_unset();
  }
  return statics;
}

// Checks the primary key columns of a row being written are all set and non-null (only the
// partition key when `partition_only`).
inline Outcome<void> CheckPrimaryKey(const store::TableSchema& t, const store::Row& row,
                                     bool partition_only = false) {
  std::string missing_pk, missing_ck;
  const size_t n = partition_only ? t.partition_key_size() : t.primary_key_size();
  for (size_t i = 0; i < n; ++i) {
    if (row[i].is_set()) continue;
    std::string& m = i < t.partition_key_size() ? missing_pk : missing_ck;
    m += (m.empty() ? "" : ", ") + t.columns[i].name;
    if (row[i].is_null()) {
      return CqlError::Invalid("Invalid null value in condition for column " + t.columns[i].name);
    }
  }
  if (!missing_pk.empty()) return CqlError::Invalid("Some partition key parts are missing: " + missing_pk);
  if (!missing_ck.empty()) return CqlError::Invalid("Some clustering keys are missing: " + missing_ck);
  return {};
}

}  // namespace kappa::cql
