// Conditional writes (Store::WriteIf): read, check and commit under the row's LWT stripe.
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

}  // namespace kappa::store
