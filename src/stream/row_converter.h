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
#include <unordered_map>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "avro/avro.h"
#include "store/store.h"

namespace kappa::stream {

class RowConverter {
 public:
  explicit RowConverter(std::shared_ptr<const store::TableSchema> table);

  const store::TableSchema& table() const { return *table_; }
  // Fills *row (resized to the table's columns). On error *row is unspecified.
  Status Convert(std::string_view json, store::Row* row);

  // True when every regular column is of a type stored as its native bytes
  // (store::StoresNativeAsIs): ConvertNative applies.
  bool native_ok() const { return native_ok_; }
  // The same rules as Convert, for store::WriteBatch::UpsertNative: the primary key columns
  // come out as values in (*row)[0..key size), the regular columns as native cells (resized to
  // their number). A JSON string into a text column is used as simdjson unescaped it (its
  // bytes checked by store::CheckNative), never copied into a Value; other conversions go
  // through a Value and its native serialization. The cells' bytes stay valid until the next
  // call. Requires native_ok().
  Status ConvertNative(std::string_view json, store::Row* row, std::vector<store::NativeCell>* cells);

  // An Avro record (the payload of a wire-format value, written with `codec`'s schema) by the
  // same rules (row_converter_avro.cc): each top-level field whose name is a column fills it;
  // a union's value is its branch's; strings as JSON strings, int/long/float/double as JSON
  // numbers, booleans as such; bytes and fixed into blob columns as they are (else as text);
  // enums as their symbol; records, arrays and maps as their JSON text (into text or
  // collection columns). With `cells` (native_ok() only) the regular columns come out as
  // ConvertNative's do, strings as views into the payload. `codec` must outlive the call.
  Status ConvertAvro(const avro::Codec& codec, std::string_view payload, store::Row* row,
                     std::vector<store::NativeCell>* cells);

 private:
  Status Parse(std::string_view json, store::Row* row, std::vector<store::NativeCell>* cells);
  Status ConvertField(size_t column, simdjson::ondemand::value value, store::Row* row);
  Status ConvertNativeField(size_t column, simdjson::ondemand::value value, store::Row* row,
                            std::vector<store::NativeCell>* cells);

  std::shared_ptr<const store::TableSchema> table_;
  // Column names in schema order; a linear scan with string_view compares beats hashing an
  // allocated key for the dozen columns a table has.
  std::vector<std::string> column_names_;
  simdjson::ondemand::parser parser_;
  std::string buffer_;  // the record copied with simdjson's padding
  bool native_ok_ = false;
  std::vector<std::string> native_bytes_;  // per regular column: serialized non-text values

  Status ConvertAvroField(size_t column, const avro::FieldValue& f, store::Row* row,
                          std::vector<store::NativeCell>* cells);
  const std::vector<int>& AvroColumns(const avro::Codec& codec);
  // Per writer schema: the column of each top-level field (-1: none). Keyed by the codec,
  // which the job's schema cache keeps alive for the job's life.
  std::unordered_map<const avro::Codec*, std::vector<int>> avro_columns_;
  std::vector<avro::FieldValue> avro_fields_;
  std::string avro_scratch_;
  std::string avro_text_;
};

}  // namespace kappa::stream
