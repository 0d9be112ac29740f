#include "stream/row_converter.h"

#include <fmt/format.h>

#include "stream/row_converter_rules.h"

namespace kappa::stream {
namespace {

using simdjson::ondemand::json_type;
using store::TypeKind;
using store::Value;

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' ||
                        s.back() == '\t' || s.back() == ',' || s.back() == '}' ||
                        s.back() == ']')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

RowConverter::RowConverter(std::shared_ptr<const store::TableSchema> table)
    : table_(std::move(table)) {
  for (const auto& c : table_->columns) column_names_.push_back(c.name);
  native_ok_ = true;
  for (size_t i = table_->primary_key_size(); i < table_->columns.size(); ++i) {
    native_ok_ &= store::StoresNativeAsIs(table_->columns[i].type.kind);
  }
  native_bytes_.resize(table_->columns.size() - table_->primary_key_size());
}

Status RowConverter::ConvertField(size_t column, simdjson::ondemand::value value,
                                  store::Row* row) {
  const store::ColumnSchema& col = table_->columns[column];
  Value& out = (*row)[column];
  json_type type;
  if (value.type().get(type)) return FieldError(col.name, "malformed JSON value");
  const TypeKind kind = col.type.kind;
  switch (type) {
    case json_type::null:
      out = Value::Null();
      return Status::OK();
    case json_type::string: {
      std::string_view s;
      if (value.get_string().get(s)) return FieldError(col.name, "malformed JSON string");
      if (kind == TypeKind::kText) {
        out.AssignBytes(TypeKind::kText, s);
        return Status::OK();
      }
      return ParseInto(col, s, &out);
    }
    case json_type::number: {
      std::string_view raw = TrimRight(value.raw_json_token());
      if (IsTextKind(kind)) {
        out.AssignBytes(kind, raw);
        return Status::OK();
      }
      if (!IsNumericKind(kind)) {
        return FieldError(col.name, fmt::format("a number ({}) cannot be stored in a {} column",
                                                raw, col.type.ToString()));
      }
      return ParseInto(col, raw, &out);
    }
    case json_type::boolean: {
      bool b;
      if (value.get_bool().get(b)) return FieldError(col.name, "malformed JSON boolean");
      if (kind == TypeKind::kBoolean) {
        out = Value::Boolean(b);
      } else if (IsTextKind(kind)) {
        out = Value::Bytes(kind, b ? "true" : "false");
      } else {
        return FieldError(col.name, fmt::format("a boolean cannot be stored in a {} column",
                                                col.type.ToString()));
      }
      return Status::OK();
    }
    case json_type::object:
    case json_type::array: {
      std::string_view raw;
      simdjson::error_code err;
      if (type == json_type::object) {
        simdjson::ondemand::object o;
        err = value.get_object().get(o);
        if (!err) err = o.raw_json().get(raw);
      } else {
        simdjson::ondemand::array a;
        err = value.get_array().get(a);
        if (!err) err = a.raw_json().get(raw);
      }
      if (err) return FieldError(col.name, "malformed JSON object or array");
      if (IsTextKind(kind)) {
        out.AssignBytes(kind, raw);
        return Status::OK();
      }
      if (!col.type.is_collection()) {
        return FieldError(col.name, fmt::format("a JSON {} cannot be stored in a {} column",
                                                type == json_type::object ? "object" : "array",
                                                col.type.ToString()));
      }
      return ParseInto(col, raw, &out);
    }
  }
  return FieldError(col.name, "unsupported JSON value");
}

Status RowConverter::Parse(std::string_view json, store::Row* row,
                           std::vector<store::NativeCell>* cells) {
  // A row reused across records keeps its text cells' capacity (no allocation per cell).
  if (row->size() == table_->columns.size()) {
    for (Value& v : *row) v.MarkUnset();
  } else {
    row->assign(table_->columns.size(), Value::Unset());
  }
  buffer_.assign(json);
  buffer_.resize(json.size() + simdjson::SIMDJSON_PADDING);
  simdjson::padded_string_view input(buffer_.data(), json.size(), buffer_.size());
  simdjson::ondemand::document doc;
  if (auto err = parser_.iterate(input).get(doc)) {
    return Status::InvalidArgument(fmt::format("not JSON: {}", simdjson::error_message(err)));
  }
  simdjson::ondemand::object obj;
  if (doc.get_object().get(obj)) {
    // Error path only: tell "not JSON at all" from "JSON, but not an object".
    simdjson::dom::parser dom;
    simdjson::dom::element e;
    if (auto err = dom.parse(buffer_.data(), json.size(), false).get(e)) {
      return Status::InvalidArgument(fmt::format("not JSON: {}", simdjson::error_message(err)));
    }
    return Status::InvalidArgument(fmt::format("not a JSON object (a JSON {})",
        e.is_array() ? "array" : e.is_string() ? "string" : e.is_null() ? "null" : e.is_bool() ? "boolean" : "number"));
  }
  for (auto field : obj) {
    std::string_view key;
    if (auto err = field.unescaped_key().get(key)) {
      return Status::InvalidArgument(fmt::format("malformed JSON: {}", simdjson::error_message(err)));
    }
    size_t column = 0;
    while (column < column_names_.size() && column_names_[column] != key) ++column;
    if (column == column_names_.size()) {
      // Unknown members are skipped; the iterator still validates their syntax.
      simdjson::ondemand::value ignored;
      if (auto err = field.value().get(ignored)) {
        return Status::InvalidArgument(fmt::format("malformed JSON: {}", simdjson::error_message(err)));
      }
      continue;
    }
    simdjson::ondemand::value value;
    if (auto err = field.value().get(value)) {
      return Status::InvalidArgument(fmt::format("malformed JSON: {}", simdjson::error_message(err)));
    }
    if (cells && column >= table_->primary_key_size()) {
      RETURN_IF_ERROR(ConvertNativeField(column, value, row, cells));
    } else {
      RETURN_IF_ERROR(ConvertField(column, value, row));
    }
  }
  for (size_t i = 0; i < table_->primary_key_size(); ++i) {
    const Value& v = (*row)[i];
    if (v.is_unset()) {
      return FieldError(table_->columns[i].name, "missing (it is part of the primary key)");
    }
    if (v.is_null()) {
      return FieldError(table_->columns[i].name, "null (it is part of the primary key)");
    }
  }
  return Status::OK();
}

Status RowConverter::Convert(std::string_view json, store::Row* row) {
  return Parse(json, row, nullptr);
}

Status RowConverter::ConvertNative(std::string_view json, store::Row* row,
                                   std::vector<store::NativeCell>* cells) {
  if (!native_ok_) return Status::Internal("ConvertNative on a table with non-native columns");
  cells->assign(table_->columns.size() - table_->primary_key_size(), store::NativeCell{});
  return Parse(json, row, cells);
}

Status RowConverter::ConvertNativeField(size_t column, simdjson::ondemand::value value,
                                        store::Row* row, std::vector<store::NativeCell>* cells) {
  const store::ColumnSchema& col = table_->columns[column];
  store::NativeCell& cell = (*cells)[column - table_->primary_key_size()];
  json_type type;
  if (value.type().get(type)) return FieldError(col.name, "malformed JSON value");
  if (type == json_type::null) {
    cell = {store::NativeCell::State::kNull, {}};
    return Status::OK();
  }
  if (type == json_type::string && col.type.kind == TypeKind::kText) {
    std::string_view s;
    if (value.get_string().get(s)) return FieldError(col.name, "malformed JSON string");
    Status st = store::CheckNative(col.type, s);
    if (!st.ok()) return st.WithContext("column '" + col.name + "'");
    cell = {store::NativeCell::State::kSet, s};
    return Status::OK();
  }
  // Any other conversion: through a Value (the same rules as Convert), then its bytes, with
  // the check WriteBatch::Upsert would make.
  RETURN_IF_ERROR(ConvertField(column, value, row));  // never null: JSON null returned above
  const Value& v = (*row)[column];
  Status st = store::CheckValue(col.type, v);
  if (!st.ok()) return st.WithContext("column '" + col.name + "'");
  std::string& bytes = native_bytes_[column - table_->primary_key_size()];
  bytes.clear();
  store::SerializeNative(v, &bytes);
  cell = {store::NativeCell::State::kSet, bytes};
  return Status::OK();
}

}  // namespace kappa::stream
