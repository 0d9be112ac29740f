// WHERE clause analysis shared by SELECT, UPDATE and DELETE: which partitions and clustering
// ranges a statement addresses, and which predicates remain to be checked row by row.
#pragma once

#include <optional>
#include <vector>

#include "cql/server/exec/exec.h"

namespace kappa::cql {

// A predicate checked against each candidate row (column index into TableSchema::columns).
struct RowFilter {
  int column = -1;
  RelationOp op = RelationOp::kEq;
  std::vector<store::Value> values;  // one value; several for IN
  bool Matches(const store::Row& row) const;
};

struct WherePlan {
  // Per partition key column (position order): the EQ value or the IN values. All set, or
  // `partition_complete` is false.
  std::vector<std::vector<store::Value>> partition;
  bool partition_complete = false;
  // EQ/IN values of a prefix of the clustering columns.
  std::vector<std::vector<store::Value>> clustering;
  // A slice on the clustering column after the prefix, in value terms.
  int slice_column = -1;  // clustering position, or -1
  std::optional<std::pair<store::Value, bool>> slice_lower;  // (value, inclusive)
  std::optional<std::pair<store::Value, bool>> slice_upper;
  std::optional<store::TokenRange> token;
  // Predicates the key plan does not enforce.
  std::vector<RowFilter> filters;
  bool needs_filtering = false;  // a filter on a non-key column, or a key used out of order

  // All partition keys addressed (cartesian product of the IN lists).
  std::vector<std::vector<store::Value>> PartitionKeys() const;
  // All clustering prefixes addressed (cartesian product); one empty prefix if none.
  std::vector<std::vector<store::Value>> ClusteringPrefixes() const;
  // The clustering range for one prefix, in the table's clustering order.
  store::ClusteringRange RangeFor(const store::TableSchema& t,
                                  const std::vector<store::Value>& prefix) const;
};

Outcome<WherePlan> AnalyzeWhere(const std::vector<Relation>& where, const store::TableSchema& t,
                                const ExecContext& ctx);

// Cartesian product of value lists.
std::vector<std::vector<store::Value>> Product(const std::vector<std::vector<store::Value>>& l);

}  // namespace kappa::cql
