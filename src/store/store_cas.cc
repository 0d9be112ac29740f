// Conditional writes (Store::WriteIf): read, check and commit under the row's LWT stripe.
#include <algorithm>

#include "store/store_impl.h"

namespace kappa::store {

Result<CasResult> StoreImpl::WriteIf(const TableSchema& table,
                                     const std::vector<Value>& primary_key,
                                     const RowCondition& condition, WriteBatch& batch,
                                     bool sync) {
  RETURN_IF_ERROR(Writable());
  if (primary_key.size() != table.primary_key_size()) {
    return Status::InvalidArgument("a conditional write to " + table.keyspace + "." +
                                   table.name + " needs " +
                                   std::to_string(table.primary_key_size()) +
                                   " primary key values, got " +
                                   std::to_string(primary_key.size()));
  }
  std::string key;
  RETURN_IF_ERROR(RowKey(table, primary_key, &key));
  // Invariant: every conditional writer of this row holds this stripe between its read and
  // its commit, so no other conditional write can slip in between.
  std::lock_guard stripe(LwtStripe(key));
  CasResult result;
  ASSIGN_OR_RETURN(result.current, Get(table, primary_key));
  if (!condition(result.current)) return result;
  RETURN_IF_ERROR(Write(batch, sync));
  result.applied = true;
  return result;
}

Status StoreImpl::ModifyRows(std::span<const RowRef> rows, const ReadOptions& read,
                             const RowsModifier& modify, WriteBatch& batch, bool sync) {
  RETURN_IF_ERROR(Writable());
  // The rows' stripes, each once, locked in index order: two callers never wait on each
  // other in a cycle (the single-stripe lockers hold one at a time).
  std::vector<size_t> stripes;
  for (const RowRef& r : rows) {
    if (r.primary_key.size() != r.table->primary_key_size()) {
      return Status::InvalidArgument("a read-modify-write of " + r.table->keyspace + "." +
                                     r.table->name + " needs the full primary key");
    }
    std::string key;
    RETURN_IF_ERROR(RowKey(*r.table, r.primary_key, &key));
    stripes.push_back(LwtStripeIndex(key));
  }
  std::sort(stripes.begin(), stripes.end());
  stripes.erase(std::unique(stripes.begin(), stripes.end()), stripes.end());
  std::vector<std::unique_lock<std::mutex>> locks;
  for (size_t i : stripes) locks.emplace_back(lwt_stripes_[i]);
  std::vector<std::optional<Row>> current;
  for (const RowRef& r : rows) {
    ASSIGN_OR_RETURN(std::optional<Row> row, Get(*r.table, r.primary_key, read));
    current.push_back(std::move(row));
  }
  RETURN_IF_ERROR(modify(current, batch));
  return Write(batch, sync);
}

}  // namespace kappa::store
