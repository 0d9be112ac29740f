// The RocksDB merge operator and compaction filter of the rows column family. Internal.
//  - RowMergeOperator: values and operands are encoded RowStates (row_state.h); a merge is
//    MergeRowState over all of them, so an upsert is a blind Merge (no read before write).
//  - ExpiryCompactionFilter: on full values (not merge operands), turns expired TTL cells into
//    tombstones and drops tombstones older than gc grace; removes keys left empty.
//  - TableInsertHintPrefix: the memtable insert-hint prefix of a row key (its table).
#pragma once

#include <rocksdb/compaction_filter.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/slice_transform.h>

#include <memory>

#include "common/clock.h"

namespace kappa::store {

std::shared_ptr<rocksdb::MergeOperator> NewRowMergeOperator();
// `clock` must outlive the filter.
std::unique_ptr<rocksdb::CompactionFilter> NewExpiryCompactionFilter(Clock* clock,
                                                                     int64_t gc_grace_s);
// For `memtable_insert_with_hint_prefix_extractor`: the 4-byte storage id of a row key, so
// the memtable keeps one insert position per table. Only keys of 12 bytes or more (storage
// id + token: every row and partition key) are in its domain. Range-deletion keys (a bare
// 4-byte storage id, DeleteTableRows) must stay outside it: RocksDB 7.8 keeps one hint map
// for the point and the range-deletion skip lists of a memtable, so a range tombstone with
// a hinted prefix would hand one list's insert position to the other.
std::shared_ptr<const rocksdb::SliceTransform> NewTableInsertHintPrefix();

}  // namespace kappa::store
