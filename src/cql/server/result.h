// RESULT messages (native_protocol_v4.spec section 4.2.5) built by the executors, and their
// encoding. Rows are encoded as they are produced (cells appended to `data`), so a large
// page costs one buffer, not a tree of values.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cql/protocol/type_option.h"
#include "cql/protocol/wire.h"
#include "store/store.h"

namespace kappa::cql {

struct ColumnSpec {
  std::string keyspace;
  std::string table;
  std::string name;
  store::Type type;
};

struct RowsResult {
  std::vector<ColumnSpec> columns;
  int32_t row_count = 0;
  std::string data;           // row_count rows of columns.size() [bytes] cells
  std::string paging_state;   // non-empty: more pages follow
  bool skip_metadata = false; // the client has the metadata (EXECUTE with flag 0x02)
  // With skip_metadata an executor may leave `columns` empty and give only their number
  // here (saves copying specs per request); -1: columns.size().
  int32_t column_count = -1;
  int32_t ColumnCount() const { return column_count >= 0 ? column_count : int32_t(columns.size()); }

  // Appends one cell of the current row: the native serialization, or null.
  void AppendCell(const store::Value& v);
  void AppendNull() { WireWriter(&data).NullBytes(); }
  void AppendBytes(std::string_view b) { WireWriter(&data).Bytes(b); }
};

struct PreparedResult {
  std::string id;
  std::vector<ColumnSpec> bind_columns;
  std::vector<int16_t> pk_indexes;  // for each partition key column, its bind marker index
  std::vector<ColumnSpec> result_columns;
};

struct SchemaChangeResult {
  std::string change_type;  // CREATED, UPDATED, DROPPED
  std::string target;       // KEYSPACE, TABLE
  std::string keyspace;
  std::string table;
};

struct ResultMessage {
  enum class Kind : int32_t { kVoid = 1, kRows = 2, kSetKeyspace = 3, kPrepared = 4, kSchemaChange = 5 };
  Kind kind = Kind::kVoid;
  RowsResult rows;
  std::string keyspace;  // kSetKeyspace
  // The rare kinds' payloads are boxed: a result is moved several times per request, and
  // the per-request kinds (Rows, Void) should not pay for moving their strings.
  std::unique_ptr<PreparedResult> prepared;         // kPrepared
  std::unique_ptr<SchemaChangeResult> schema_change;  // kSchemaChange

  static ResultMessage Void() { return {}; }
};

// Column metadata as in a Rows result (flags, count, [paging state], specs).
// column_count: the number of columns (cols.size() unless no_metadata left cols empty).
void EncodeRowsMetadata(const std::vector<ColumnSpec>& cols, int32_t column_count,
                        const std::string& paging_state, bool no_metadata, uint8_t version,
                        WireWriter* w);
// The RESULT body for a connection of protocol `version` (3 or 4): v3's Prepared metadata
// has no partition key indexes (native_protocol_v3.spec 4.2.5.4), and its type options
// differ (EncodeTypeOption).
std::string EncodeResultBody(const ResultMessage& r, uint8_t version);
// The body of a SCHEMA_CHANGE event (also the tail of a SCHEMA_CHANGE result).
void EncodeSchemaChange(const SchemaChangeResult& c, WireWriter* w);

}  // namespace kappa::cql
