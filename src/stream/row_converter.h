// RowConverter: one JSON record (a topic record's value) -> one row of a table, by the
// table's schema. Private to src/stream.
//
// Rules (docs/formats/config.md, "How records become rows"):
// - The value must be a JSON object; each member whose name is a column fills that column;
//   other members are ignored (like Spark's from_json with a schema). A member named twice:
//   the last one wins.
// - A missing member leaves the column unset (an upsert leaves the stored cell alone); a
//   JSON null stores null. Every primary key column must be present and non-null.
// - JSON strings are parsed by the column type (store::ParseFromString: "42" into int, a
//   uuid text into uuid, ISO-8601 into timestamp, ...); text/ascii take them as they are.
//   Numbers go to numeric columns (range-checked), to timestamp as epoch milliseconds, and
//   to text as their JSON spelling; booleans to boolean or to text ("true"); objects and
//   arrays to text as their JSON text, or to collections.
// - Any failure is InvalidArgument "field 'dob': ..." (the record goes to the dead letters).
//
// Not thread-safe: one converter per worker (it owns a simdjson parser and buffers).
#pragma once

#include <simdjson.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/store.h"

namespace kappa::stream {

class RowConverter {
 public:
  explicit RowConverter(std::shared_ptr<const store::TableSchema> table);

  const store::TableSchema& table() const { return *table_; }
  // Fills *row (resized to the table's columns). On error *row is unspecified.
  Status Convert(std::string_view json, store::Row* row);

 private:
  Status ConvertField(size_t column, simdjson::ondemand::value value, store::Row* row);

  std::shared_ptr<const store::TableSchema> table_;
  // Column names in schema order; a linear scan with string_view compares beats hashing an
  // allocated key for the dozen columns a table has.
  std::vector<std::string> column_names_;
  simdjson::ondemand::parser parser_;
  std::string buffer_;  // the record copied with simdjson's padding
};

}  // namespace kappa::stream
