// CQL native protocol v4 value serialization ([bytes] bodies). The same bytes are what
// the store keeps in cells on disk (docs/formats/store.md), so the CQL server can move them
// without re-encoding.
#include <cstring>

#include "common/coding.h"
#include "store/types.h"

namespace kappa::store {
namespace {

int FixedWidth(TypeKind k) {
  switch (k) {
    case TypeKind::kTinyint:
    case TypeKind::kBoolean: return 1;
    case TypeKind::kSmallint: return 2;
    case TypeKind::kInt:
    case TypeKind::kDate:
    case TypeKind::kFloat: return 4;
    case TypeKind::kBigint:
    case TypeKind::kCounter:
    case TypeKind::kTimestamp:
    case TypeKind::kTime:
    case TypeKind::kDouble: return 8;
    case TypeKind::kUuid:
    case TypeKind::kTimeuuid: return 16;
    default: return -1;
  }
}

void AppendElement(const Value& v, std::string* out) {
  if (!v.is_set()) {
    coding::AppendBE32(out, uint32_t(-1));
    return;
  }
  size_t at = out->size();
  out->append(4, '\0');
  SerializeNative(v, out);
  coding::PutBE32(out->data() + at, uint32_t(out->size() - at - 4));
}

Status BadNative(const Type& t, std::string_view why) {
  return Status::InvalidArgument("cannot decode a " + t.ToString() + " value: " +
                                 std::string(why));
}

}  // namespace

void SerializeNative(const Value& v, std::string* out) {
  switch (v.kind()) {
    case TypeKind::kTinyint: out->push_back(char(int8_t(v.as_int()))); return;
    case TypeKind::kSmallint: coding::AppendBE16(out, uint16_t(v.as_int())); return;
    case TypeKind::kInt:
    case TypeKind::kDate: coding::AppendBE32(out, uint32_t(v.as_int())); return;
    case TypeKind::kBigint:
    case TypeKind::kCounter:
    case TypeKind::kTimestamp:
    case TypeKind::kTime: coding::AppendBE64(out, uint64_t(v.as_int())); return;
    case TypeKind::kBoolean: out->push_back(v.as_bool() ? 1 : 0); return;
    case TypeKind::kFloat: {
      uint32_t b;
      float f = v.as_float();
      std::memcpy(&b, &f, 4);
      coding::AppendBE32(out, b);
      return;
    }
    case TypeKind::kDouble: {
      uint64_t b;
      double d = v.as_double();
      std::memcpy(&b, &d, 8);
      coding::AppendBE64(out, b);
      return;
    }
    case TypeKind::kUuid:
    case TypeKind::kTimeuuid:
      out->append(reinterpret_cast<const char*>(v.as_uuid().bytes.data()), 16);
      return;
    case TypeKind::kVarint:
      if (v.as_bytes().empty()) out->push_back('\0'); else *out += v.as_bytes();
      return;
    case TypeKind::kDecimal:
      coding::AppendBE32(out, uint32_t(v.as_decimal().scale));
      if (v.as_decimal().unscaled.empty()) out->push_back('\0');
      else *out += v.as_decimal().unscaled;
      return;
    case TypeKind::kList:
    case TypeKind::kSet: {
      const auto& e = v.as_elements();
      coding::AppendBE32(out, uint32_t(e.size()));
      for (const Value& x : e) AppendElement(x, out);
      return;
    }
    case TypeKind::kMap: {
      const auto& e = v.as_elements();
      coding::AppendBE32(out, uint32_t(e.size() / 2));
      for (const Value& x : e) AppendElement(x, out);
      return;
    }
    default:  // text, ascii, blob, inet
      *out += v.as_bytes();
      return;
  }
}

Result<Value> DeserializeNative(const Type& type, std::string_view b) {
  const TypeKind k = type.kind;
  int w = FixedWidth(k);
  if (w > 0 && int(b.size()) != w) {
    return BadNative(type, "expected " + std::to_string(w) + " bytes, got " + std::to_string(b.size()));
  }
  const char* p = b.data();
  switch (k) {
    case TypeKind::kTinyint: return Value::Int(k, int8_t(p[0]));
    case TypeKind::kSmallint: return Value::Int(k, int16_t(coding::GetBE16(p)));
    case TypeKind::kInt: return Value::Int(k, int32_t(coding::GetBE32(p)));
    case TypeKind::kDate: return Value::Int(k, coding::GetBE32(p));
    case TypeKind::kBigint:
    case TypeKind::kCounter:
    case TypeKind::kTimestamp: return Value::Int(k, int64_t(coding::GetBE64(p)));
    case TypeKind::kTime: {
      int64_t ns = int64_t(coding::GetBE64(p));
      if (ns < 0 || ns >= 86'400'000'000'000LL) return BadNative(type, "time out of range");
      return Value::Time(ns);
    }
    case TypeKind::kBoolean: return Value::Boolean(p[0] != 0);
    case TypeKind::kFloat: {
      uint32_t u = coding::GetBE32(p);
      float f;
      std::memcpy(&f, &u, 4);
      return Value::Float(f);
    }
    case TypeKind::kDouble: {
      uint64_t u = coding::GetBE64(p);
      double d;
      std::memcpy(&d, &u, 8);
      return Value::Double(d);
    }
    case TypeKind::kUuid:
    case TypeKind::kTimeuuid: {
      Uuid u;
      std::memcpy(u.bytes.data(), p, 16);
      if (k == TypeKind::kTimeuuid && u.version() != 1) return BadNative(type, "not a version 1 uuid");
      return Value::UuidOf(k, u);
    }
    case TypeKind::kVarint:
      if (b.empty()) return BadNative(type, "empty");
      return Value::Bytes(k, std::string(b));
    case TypeKind::kDecimal: {
      if (b.size() < 5) return BadNative(type, "shorter than 5 bytes");
      return Value::DecimalOf(Decimal{int32_t(coding::GetBE32(p)), std::string(b.substr(4))});
    }
    case TypeKind::kInet:
      if (b.size() != 4 && b.size() != 16) return BadNative(type, "inet must be 4 or 16 bytes");
      return Value::Bytes(k, std::string(b));
    case TypeKind::kText:
    case TypeKind::kAscii:
    case TypeKind::kBlob:
      RETURN_IF_ERROR(CheckNative(type, b));
      return Value::Bytes(k, std::string(b));
    case TypeKind::kList:
    case TypeKind::kSet:
    case TypeKind::kMap: {
      if (type.params.size() != (k == TypeKind::kMap ? 2u : 1u)) return BadNative(type, "bad type");
      if (b.size() < 4) return BadNative(type, "truncated element count");
      uint32_t n = coding::GetBE32(p);
      size_t pos = 4;
      const size_t per = k == TypeKind::kMap ? 2 : 1;
      if (n > b.size()) return BadNative(type, "element count larger than the value");
      std::vector<Value> elems;
      elems.reserve(size_t(n) * per);
      for (size_t i = 0; i < size_t(n) * per; ++i) {
        if (b.size() - pos < 4) return BadNative(type, "truncated element");
        int32_t len = int32_t(coding::GetBE32(p + pos));
        pos += 4;
        if (len < 0) return BadNative(type, "null collection element");
        if (b.size() - pos < size_t(len)) return BadNative(type, "truncated element");
        const Type& et = type.params[per == 2 ? i % 2 : 0];
        ASSIGN_OR_RETURN(Value e, DeserializeNative(et, b.substr(pos, size_t(len))));
        elems.push_back(std::move(e));
        pos += size_t(len);
      }
      if (pos != b.size()) return BadNative(type, "trailing bytes");
      return Value::Collection(k, std::move(elems));
    }
    default:
      return BadNative(type, "unsupported type");
  }
}

Status DeserializeNativeInto(const Type& type, std::string_view b, Value* out) {
  switch (type.kind) {
    case TypeKind::kText:
      if (!IsValidUtf8(b)) break;
      out->AssignBytes(TypeKind::kText, b);
      return Status::OK();
    case TypeKind::kBlob:
      out->AssignBytes(TypeKind::kBlob, b);
      return Status::OK();
    case TypeKind::kUuid:
      if (b.size() != 16) break;
      {
        Uuid u;
        std::memcpy(u.bytes.data(), b.data(), 16);
        *out = Value::UuidOf(TypeKind::kUuid, u);
      }
      return Status::OK();
    default:
      break;
  }
  // Everything else, and every error (with its message), the general way.
  Result<Value> v = DeserializeNative(type, b);
  if (!v.ok()) {
    *out = Value::Null();
    return v.status();
  }
  *out = std::move(v).value();
  return Status::OK();
}

Status CheckNative(const Type& type, std::string_view b) {
  // Text, ascii and blob are checked here (DeserializeNative relies on it); every other type
  // by decoding it.
  switch (type.kind) {
    case TypeKind::kText:
      if (!IsValidUtf8(b)) return BadNative(type, "text value is not valid UTF-8");
      return Status::OK();
    case TypeKind::kAscii:
      if (!IsAscii(b)) return BadNative(type, "ascii value has a non-ASCII byte");
      return Status::OK();
    case TypeKind::kBlob:
      return Status::OK();
    default:
      return DeserializeNative(type, b).status();
  }
}

bool StoresNativeAsIs(TypeKind k) {
  switch (k) {
    case TypeKind::kText:
    case TypeKind::kAscii:
    case TypeKind::kBlob:
    case TypeKind::kUuid:
    case TypeKind::kTimeuuid:
    case TypeKind::kTinyint:
    case TypeKind::kSmallint:
    case TypeKind::kInt:
    case TypeKind::kBigint:
    case TypeKind::kTimestamp:
    case TypeKind::kDate:
    case TypeKind::kTime:
    case TypeKind::kInet:
    case TypeKind::kVarint:
    case TypeKind::kDecimal:
      return true;
    default:
      return false;
  }
}

}  // namespace kappa::store
