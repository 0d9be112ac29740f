// The conversion rules RowConverter's JSON and Avro paths share. Private to src/stream.
#pragma once

#include <fmt/format.h>

#include <string_view>

#include "common/status.h"
#include "store/store.h"

namespace kappa::stream {

using store::TypeKind;
using store::Value;

inline bool IsTextKind(TypeKind k) { return k == TypeKind::kText || k == TypeKind::kAscii; }

inline bool IsNumericKind(TypeKind k) {
  switch (k) {
    case TypeKind::kTinyint: case TypeKind::kSmallint: case TypeKind::kInt:
    case TypeKind::kBigint: case TypeKind::kCounter: case TypeKind::kVarint:
    case TypeKind::kFloat: case TypeKind::kDouble: case TypeKind::kDecimal:
    case TypeKind::kTimestamp:
      return true;
    default:
      return false;
  }
}

inline Status FieldError(std::string_view field, std::string_view msg) {
  return Status::InvalidArgument(fmt::format("field '{}': {}", field, msg));
}

inline Status ParseInto(const store::ColumnSchema& col, std::string_view text, Value* out) {
  auto v = store::ParseFromString(col.type, text);
  if (!v.ok()) return FieldError(col.name, v.status().message());
  *out = std::move(v).value();
  return Status::OK();
}


}  // namespace kappa::stream
