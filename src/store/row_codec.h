// Row-level encoding between the public Row/Value world and RocksDB keys and values
// (key_codec.h for keys, row_state.h for values). Internal to src/store.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/row_state.h"
#include "store/schema.h"
#include "store/store.h"

namespace kappa::store {

// Time of a write, resolved once: cell timestamp and the clock's now in seconds.
struct WriteTime {
  int64_t timestamp_us;
  uint32_t now_s;
};

// [table][token][partition key components]. `pk` holds the partition key values (the first
// partition_key_size() values of a row or primary key). InvalidArgument for null/unset/bad
// values, naming the column.
Status AppendPartitionPrefix(const TableSchema& t, std::span<const Value> pk, std::string* out);
// Appends clustering components for the given values (a prefix of the clustering columns).
Status AppendClustering(const TableSchema& t, std::span<const Value> ck, std::string* out);
// Full row key from the primary key values (partition key then all clustering values).
Status RowKey(const TableSchema& t, std::span<const Value> primary_key, std::string* out);
// The partition record key (tombstone of a clustered table's partition).
Status PartitionRecordKey(const TableSchema& t, std::span<const Value> pk, std::string* out);

// Which cells of a row an upsert encodes: all of them (tables without static columns), the
// regular ones under the row key, or the static ones under the partition record key.
enum class UpsertPart { kAll, kRegular, kStatic };
// Builds the key and merge operand of an upsert of `row` (aligned with t.columns). kStatic
// needs only the partition key set; it carries the row marker only when the row has no
// clustering values (an INSERT of static columns alone).
Status EncodeUpsert(const TableSchema& t, const Row& row, const WriteOptions& w,
                    const WriteTime& when, std::string* key, std::string* value,
                    UpsertPart part = UpsertPart::kAll);
// The same for UpsertNative (store.h): the key from `primary_key`, the regular columns'
// cells from native bytes stored as they are.
Status EncodeUpsertNative(const TableSchema& t, std::span<const Value> primary_key,
                          std::span<const NativeCell> regular, const WriteOptions& w,
                          const WriteTime& when, std::string* key, std::string* value);
// A row tombstone operand (also used for partition deletes).
std::string EncodeTombstone(const WriteTime& when);

// Decodes a stored row. Returns false (and leaves *row unspecified) if the row is not live
// at now_s given the partition tombstone `shadow_ts`. Corruption on undecodable bytes.
// cell_metadata: append write timestamps and remaining TTLs (ReadOptions::cell_metadata).
Result<bool> DecodeRow(const TableSchema& t, std::string_view key, std::string_view value,
                       uint32_t now_s, int64_t shadow_ts, Row* row, bool cell_metadata = false);
// The live cells of a stored row in CQL native serialization (as stored), indexed by column;
// nullopt for null and for the primary key columns (the key holds those). Counter cells
// are serialized into `scratch`. Views point into `value`/`scratch`.
// False if the row is not live; Corruption on undecodable bytes.
Result<bool> DecodeRowNative(const TableSchema& t, std::string_view value, uint32_t now_s,
                             int64_t shadow_ts, std::vector<std::optional<std::string_view>>* cells,
                             std::vector<std::string>* scratch);
// The static cells of one partition (tables with static columns), decoded once from its
// partition record and copied into every row read from the partition.
struct StaticCells {
  bool cell_metadata = false;   // decode write times and TTLs too (ReadOptions::cell_metadata)
  bool live = false;            // some static cell (or a static-only INSERT's marker) is live
  Row row;                      // partition key and static columns; the rest null
  std::vector<size_t> indexes;  // the static columns' indexes in the table's columns
  // Copies the static values (and with cell metadata their write times and TTLs) into a
  // row of the partition decoded with the same cell_metadata.
  void ApplyTo(const TableSchema& t, Row* row) const;
};
// Decodes a partition record (`record_key`, `value`; empty value: none) into *out.
Status DecodeStatics(const TableSchema& t, std::string_view record_key, std::string_view value,
                     uint32_t now_s, StaticCells* out);
// Native cells of the static columns from a partition record into `cells` (DecodeRowNative's
// layout); other entries untouched.
Status DecodeStaticsNative(const TableSchema& t, std::string_view value, uint32_t now_s,
                           std::vector<std::optional<std::string_view>>* cells,
                           std::vector<std::string>* scratch);

// Liveness only (Count).
Result<bool> RowIsLive(std::string_view value, uint32_t now_s, int64_t shadow_ts);

// Length of the [table][token][partition key] prefix of a row key; Corruption if malformed.
Result<size_t> PartitionPrefixLength(const TableSchema& t, std::string_view key);

// Token of partition key values (internal form of PartitionToken).
int64_t TokenOf(std::span<const Value> pk);
// The bytes Cassandra hashes for a partition key (SerializePartitionKey), appended.
void AppendSerializedPartitionKey(std::span<const Value> pk, std::string* out);

}  // namespace kappa::store
