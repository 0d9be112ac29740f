// RowConverter::ConvertAvro: an Avro record (kappa's fast decoder, avro/avro.h) -> a row, by
// the rules of the JSON path (row_converter.h). Strings reach text cells as views into the
// payload; nothing goes through JSON except nested records, arrays and maps.
#include <fmt/format.h>

#include "avro/avro.h"
#include "stream/row_converter.h"
#include "stream/row_converter_rules.h"

namespace kappa::stream {
namespace {

using avro::FieldValue;

std::string_view AvroTypeName(FieldValue::Kind k) {
  switch (k) {
    case FieldValue::Kind::kNull: return "null";
    case FieldValue::Kind::kBoolean: return "boolean";
    case FieldValue::Kind::kLong: return "long";
    case FieldValue::Kind::kFloat: return "float";
    case FieldValue::Kind::kDouble: return "double";
    case FieldValue::Kind::kString: return "string";
    case FieldValue::Kind::kBytes: return "bytes";
    case FieldValue::Kind::kJson: return "record, array or map";
  }
  return "?";
}

}  // namespace

const std::vector<int>& RowConverter::AvroColumns(const avro::Codec& codec) {
  auto it = avro_columns_.find(&codec);
  if (it != avro_columns_.end()) return it->second;
  std::vector<int> columns;
  const avro::SchemaNode& root = codec.root();
  for (const std::string& field : root.names) {
    int column = -1;
    for (size_t i = 0; i < column_names_.size(); ++i) {
      if (column_names_[i] == field) column = int(i);
    }
    columns.push_back(column);
  }
  return avro_columns_.emplace(&codec, std::move(columns)).first->second;
}

Status RowConverter::ConvertAvroField(size_t column, const FieldValue& f, store::Row* row,
                                      std::vector<store::NativeCell>*) {
  const store::ColumnSchema& col = table_->columns[column];
  Value& out = (*row)[column];
  const TypeKind kind = col.type.kind;
  auto cannot = [&]() {
    return FieldError(col.name, fmt::format("an Avro {} cannot be stored in a {} column",
                                            AvroTypeName(f.kind), col.type.ToString()));
  };
  switch (f.kind) {
    case FieldValue::Kind::kNull:
      out = Value::Null();
      return Status::OK();
    case FieldValue::Kind::kBytes:
      if (kind == TypeKind::kBlob) {
        out.AssignBytes(TypeKind::kBlob, f.text);
        return Status::OK();
      }
      [[fallthrough]];  // otherwise as a string
    case FieldValue::Kind::kString:
      if (kind == TypeKind::kText) {
        out.AssignBytes(TypeKind::kText, f.text);
        return Status::OK();
      }
      return ParseInto(col, f.text, &out);
    case FieldValue::Kind::kLong:
    case FieldValue::Kind::kFloat:
    case FieldValue::Kind::kDouble: {
      avro_text_.clear();
      if (f.kind == FieldValue::Kind::kLong) {
        fmt::format_to(std::back_inserter(avro_text_), "{}", f.integer);
      } else if (f.kind == FieldValue::Kind::kFloat) {
        fmt::format_to(std::back_inserter(avro_text_), "{}", float(f.number));
      } else {
        fmt::format_to(std::back_inserter(avro_text_), "{}", f.number);
      }
      if (IsTextKind(kind)) {
        out.AssignBytes(kind, avro_text_);
        return Status::OK();
      }
      if (!IsNumericKind(kind)) return cannot();
      return ParseInto(col, avro_text_, &out);
    }
    case FieldValue::Kind::kBoolean:
      if (kind == TypeKind::kBoolean) {
        out = Value::Boolean(f.boolean);
      } else if (IsTextKind(kind)) {
        out = Value::Bytes(kind, f.boolean ? "true" : "false");
      } else {
        return cannot();
      }
      return Status::OK();
    case FieldValue::Kind::kJson:
      if (IsTextKind(kind)) {
        out.AssignBytes(kind, f.text);
        return Status::OK();
      }
      if (!col.type.is_collection()) return cannot();
      return ParseInto(col, f.text, &out);
  }
  return cannot();
}

Status RowConverter::ConvertAvro(const avro::Codec& codec, std::string_view payload,
                                 store::Row* row, std::vector<store::NativeCell>* cells) {
  if (cells && !native_ok_) return Status::Internal("ConvertAvro to cells on a table with non-native columns");
  RETURN_IF_ERROR(codec.DecodeRecord(payload, &avro_fields_, &avro_scratch_));
  if (row->size() == table_->columns.size()) {
    for (Value& v : *row) v.MarkUnset();
  } else {
    row->assign(table_->columns.size(), Value::Unset());
  }
  const size_t keys = table_->primary_key_size();
  if (cells) cells->assign(table_->columns.size() - keys, store::NativeCell{});
  const std::vector<int>& columns = AvroColumns(codec);
  for (size_t i = 0; i < avro_fields_.size(); ++i) {
    if (columns[i] < 0) continue;  // a field the table has no column for
    const size_t column = size_t(columns[i]);
    const FieldValue& f = avro_fields_[i];
    if (!cells || column < keys) {
      RETURN_IF_ERROR(ConvertAvroField(column, f, row, cells));
      continue;
    }
    const store::ColumnSchema& col = table_->columns[column];
    store::NativeCell& cell = (*cells)[column - keys];
    if (f.kind == FieldValue::Kind::kNull) {
      cell = {store::NativeCell::State::kNull, {}};
      continue;
    }
    if (f.kind == FieldValue::Kind::kString && col.type.kind == TypeKind::kText) {
      Status st = store::CheckNative(col.type, f.text);  // e.g. not UTF-8
      if (!st.ok()) return st.WithContext("column '" + col.name + "'");
      cell = {store::NativeCell::State::kSet, f.text};
      continue;
    }
    RETURN_IF_ERROR(ConvertAvroField(column, f, row, cells));
    const Value& v = (*row)[column];
    Status st = store::CheckValue(col.type, v);
    if (!st.ok()) return st.WithContext("column '" + col.name + "'");
    std::string& bytes = native_bytes_[column - keys];
    bytes.clear();
    store::SerializeNative(v, &bytes);
    cell = {store::NativeCell::State::kSet, bytes};
  }
  for (size_t i = 0; i < keys; ++i) {
    const Value& v = (*row)[i];
    if (v.is_unset()) {
      return FieldError(table_->columns[i].name, "missing (it is part of the primary key)");
    }
    if (v.is_null()) return FieldError(table_->columns[i].name, "null (it is part of the primary key)");
  }
  return Status::OK();
}

}  // namespace kappa::stream
