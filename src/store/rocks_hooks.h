// The RocksDB merge operator and compaction filter of the rows column family. Internal.
//  - RowMergeOperator: values and operands are encoded RowStates (row_state.h); a merge is
//    MergeRowState over all of them, so an upsert is a blind Merge (no read before write).
//  - ExpiryCompactionFilter: on full values (not merge operands), turns expired TTL cells into
//    tombstones and drops tombstones older than gc grace; removes keys left empty.
#pragma once

#include <rocksdb/compaction_filter.h>
#include <rocksdb/merge_operator.h>

#include <memory>

#include "common/clock.h"

namespace kappa::store {

std::shared_ptr<rocksdb::MergeOperator> NewRowMergeOperator();
// `clock` must outlive the filter.
std::unique_ptr<rocksdb::CompactionFilter> NewExpiryCompactionFilter(Clock* clock,
                                                                     int64_t gc_grace_s);

}  // namespace kappa::store
