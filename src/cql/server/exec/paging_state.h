// The paging state a SELECT hands the client with a page that is not the last one, and
// takes back to produce the next page (native_protocol_v4.spec 8: opaque to the client).
// Layout and rationale: docs/formats/cql.md, "Paging".
//
// Every state resumes *after the last row returned*, by its key, never by a row count: a
// page costs what it returns, not what came before it, and rows written or deleted between
// pages neither repeat nor shift the rows that follow.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cql/server/error.h"
#include "store/store.h"

namespace kappa::cql {

struct PagingState {
  enum class Kind : uint8_t {
    kNone = 0,       // first page
    kOffset = 1,     // in-memory results (system tables): `offset` rows consumed
    kScan = 2,       // token-order scan: the store's scan state
    kPartition = 3,  // partition-restricted read: position in the partition/prefix lists
  };
  Kind kind = Kind::kNone;
  int64_t returned = 0;   // rows returned by earlier pages (LIMIT counts across pages)
  uint32_t table_id = 0;  // storage id of the table (kScan, kPartition)

  int64_t offset = 0;  // kOffset

  std::string scan_state;  // kScan: store::ScanResult::paging_state

  // kScan and kPartition: rows of the last row's partition returned so far (PER PARTITION
  // LIMIT and DISTINCT continue counting in the next page), and for kScan that partition's
  // key (native serialization of each partition key column).
  int64_t in_partition = 0;
  std::vector<std::string> last_partition;

  // kPartition: the last row came from the `partition`-th addressed partition and its
  // `prefix`-th clustering prefix (WherePlan order after sorting); `last_clustering` holds its
  // clustering key (native serialization per clustering column).
  uint32_t partition = 0;
  uint32_t prefix = 0;
  std::vector<std::string> last_clustering;
};

// The bytes sent to the client (a CRC-32C guards against truncation and stray bytes).
std::string EncodePagingState(const PagingState& p);
// Parses what a client sent back; empty input is the first page. Any malformed state is a
// Protocol error "Invalid value for the paging state", as Cassandra answers it.
Outcome<PagingState> DecodePagingState(std::string_view s);
CqlError InvalidPagingState();

// Native serializations of row[from, from + n).
std::vector<std::string> SerializeKey(const store::Row& row, size_t from, size_t n);
// The values of `cols` columns of `t` starting at `from`, decoded from a paging state;
// InvalidPagingState if they do not decode.
Outcome<std::vector<store::Value>> DeserializeKey(const store::TableSchema& t, size_t from,
                                                  const std::vector<std::string>& bytes);

}  // namespace kappa::cql
