#include "cql/server/bind.h"

#include <atomic>
#include <chrono>
#include <random>

namespace kappa::cql {
namespace {

using store::Type;
using store::TypeKind;
using store::Value;

const char* TermKindName(Term::Kind k) {
  switch (k) {
    case Term::Kind::kString: return "STRING";
    case Term::Kind::kInteger: return "INTEGER";
    case Term::Kind::kFloat: return "FLOAT";
    case Term::Kind::kBoolean: return "BOOLEAN";
    case Term::Kind::kUuid: return "UUID";
    case Term::Kind::kBlob: return "HEX";
    default: return "constant";
  }
}

bool IsTextual(TypeKind k) { return k == TypeKind::kText || k == TypeKind::kAscii; }

CqlError BadConstant(const Term& t, const Type& type, std::string_view column) {
  return CqlError::Invalid(std::string("Invalid ") + TermKindName(t.kind) + " constant (" +
                           (t.kind == Term::Kind::kBlob ? "0x" : "") + t.text + ") for \"" +
                           std::string(column) + "\" of type " + type.ToString());
}

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Outcome<Value> EvalFunction(const Term& t, const Type& type, std::string_view column) {
  const std::string& f = t.text;
  auto want = [&](TypeKind k) -> Outcome<Value> {
    if (type.kind != k && !(k == TypeKind::kTimeuuid && type.kind == TypeKind::kUuid)) {
      return CqlError::Invalid("Type error: cannot assign result of function " + f + " (type " +
                               std::string(store::TypeKindName(k)) + ") to " +
                               std::string(column) + " (type " + type.ToString() + ")");
    }
    return Value();
  };
  if (f == "now" && t.args.empty()) {
    CQL_TRY(Value ignored, want(TypeKind::kTimeuuid));
    (void)ignored;
    return Value::UuidOf(type.kind, NewTimeUuid());
  }
  if (f == "uuid" && t.args.empty()) {
    CQL_TRY(Value ignored, want(TypeKind::kUuid));
    (void)ignored;
    return Value::UuidOf(TypeKind::kUuid, Uuid::Random());
  }
  if ((f == "currenttimestamp" && t.args.empty()) ||
      ((f == "totimestamp" || f == "totimestamp") && t.args.size() == 1 &&
       t.args[0].kind == Term::Kind::kFunction && t.args[0].text == "now")) {
    CQL_TRY(Value ignored, want(TypeKind::kTimestamp));
    (void)ignored;
    return Value::Timestamp(NowMillis());
  }
  if (f == "currentdate" && t.args.empty()) {
    CQL_TRY(Value ignored, want(TypeKind::kDate));
    (void)ignored;
    return Value::Date(store::CqlDateFromEpochDays(NowMillis() / 86400000));
  }
  return CqlError::Invalid("Unknown function " + f + " called");
}

}  // namespace

Uuid NewTimeUuid() {
  static std::atomic<uint64_t> last{0};
  static const std::array<uint8_t, 8> tail = [] {
    std::random_device rd;
    std::array<uint8_t, 8> t{};
    for (auto& b : t) b = uint8_t(rd());
    t[0] = uint8_t((t[0] & 0x3f) | 0x80);  // RFC 4122 variant
    t[2] |= 0x01;                          // multicast bit: a random node id
    return t;
  }();
  // 100 ns intervals since 1582-10-15; strictly increasing within the process.
  uint64_t now = uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count() / 100) + 0x01B21DD213814000ull;
  uint64_t prev = last.load();
  uint64_t ts;
  do {
    ts = std::max(now, prev + 1);
  } while (!last.compare_exchange_weak(prev, ts));
  Uuid u;
  uint32_t low = uint32_t(ts);
  uint16_t mid = uint16_t(ts >> 32);
  uint16_t hi = uint16_t(((ts >> 48) & 0x0fff) | 0x1000);
  u.bytes[0] = uint8_t(low >> 24); u.bytes[1] = uint8_t(low >> 16);
  u.bytes[2] = uint8_t(low >> 8);  u.bytes[3] = uint8_t(low);
  u.bytes[4] = uint8_t(mid >> 8);  u.bytes[5] = uint8_t(mid);
  u.bytes[6] = uint8_t(hi >> 8);   u.bytes[7] = uint8_t(hi);
  for (int i = 0; i < 8; ++i) u.bytes[8 + i] = tail[size_t(i)];
  return u;
}

Outcome<void> EvalTermInto(const Term& t, const Type& type, const BindValues& binds,
                           std::string_view column, Value* out) {
  if (t.kind == Term::Kind::kBindMarker && binds.values && t.bind_index >= 0 &&
      size_t(t.bind_index) < binds.values->size()) {
    const WireValue& v = (*binds.values)[size_t(t.bind_index)];
    if (v.kind == WireValue::Kind::kBytes) {
      Status st = store::DeserializeNativeInto(type, v.bytes, out);
      if (!st.ok()) {
        return CqlError::Invalid("Invalid value for " + std::string(column) + " of type " +
                                 type.ToString() + ": " + st.message());
      }
      return {};
    }
  }
  CQL_TRY(*out, EvalTerm(t, type, binds, column));
  return {};
}

Outcome<Value> EvalTerm(const Term& t, const Type& type, const BindValues& binds,
                        std::string_view column) {
  switch (t.kind) {
    case Term::Kind::kNull:
      return Value::Null();
    case Term::Kind::kBindMarker: {
      if (!binds.values || t.bind_index < 0 || size_t(t.bind_index) >= binds.values->size()) {
        return CqlError::Invalid("No value bound for marker " + std::to_string(t.bind_index) +
                                 " (" + std::string(column) + ")");
      }
      const WireValue& v = (*binds.values)[size_t(t.bind_index)];
      if (v.is_null()) return Value::Null();
      if (v.is_unset()) return Value::Unset();
      auto r = store::DeserializeNative(type, v.bytes);
      if (!r.ok()) {
        return CqlError::Invalid("Invalid value for " + std::string(column) + " of type " +
                                 type.ToString() + ": " + r.status().message());
      }
      return std::move(r).value();
    }
    case Term::Kind::kFunction:
      return EvalFunction(t, type, column);
    case Term::Kind::kList:
    case Term::Kind::kSet:
    case Term::Kind::kMap: {
      bool empty_braces = t.kind == Term::Kind::kSet && t.args.empty();
      bool ok = (t.kind == Term::Kind::kList && type.kind == TypeKind::kList) ||
                (t.kind == Term::Kind::kSet && type.kind == TypeKind::kSet) ||
                (t.kind == Term::Kind::kMap && type.kind == TypeKind::kMap) ||
                (empty_braces && type.kind == TypeKind::kMap);
      if (!ok) {
        return CqlError::Invalid("Invalid collection literal for " + std::string(column) +
                                 " of type " + type.ToString());
      }
      std::vector<Value> elems;
      for (size_t i = 0; i < t.args.size(); ++i) {
        const Type& et = type.kind == TypeKind::kMap ? type.params[i % 2] : type.params[0];
        CQL_TRY(Value e, EvalTerm(t.args[i], et, binds, column));
        if (!e.is_set()) return CqlError::Invalid("null is not supported inside collections");
        elems.push_back(std::move(e));
      }
      return Value::Collection(type.kind, std::move(elems));
    }
    case Term::Kind::kString:
      if (IsTextual(type.kind)) {
        Value v = Value::Bytes(type.kind, t.text);
        CQL_RETURN_IF_ERROR(store::CheckValue(type, v));
        return v;
      }
      if (type.kind == TypeKind::kBlob || type.is_collection() ||
          type.kind == TypeKind::kBoolean) {
        return BadConstant(t, type, column);
      }
      break;
    case Term::Kind::kBlob:
      if (type.kind != TypeKind::kBlob) return BadConstant(t, type, column);
      {
        auto r = store::ParseFromString(type, "0x" + t.text);
        if (!r.ok()) return BadConstant(t, type, column);
        return std::move(r).value();
      }
    default:
      if (IsTextual(type.kind) || type.kind == TypeKind::kBlob || type.is_collection()) {
        return BadConstant(t, type, column);
      }
      break;
  }
  auto r = store::ParseFromString(type, t.text);
  if (!r.ok()) return BadConstant(t, type, column);
  return std::move(r).value();
}

Outcome<int64_t> EvalInteger(const Term& t, const BindValues& binds, std::string_view what,
                             int64_t dflt) {
  if (t.kind == Term::Kind::kInteger) {
    try {
      return int64_t(std::stoll(t.text));
    } catch (...) {
      return CqlError::Invalid("Invalid " + std::string(what) + " value: " + t.text);
    }
  }
  if (t.kind == Term::Kind::kBindMarker) {
    if (!binds.values || size_t(t.bind_index) >= binds.values->size()) {
      return CqlError::Invalid("No value bound for " + std::string(what));
    }
    const WireValue& v = (*binds.values)[size_t(t.bind_index)];
    if (v.is_null() || v.is_unset()) return dflt;
    if (v.bytes.size() == 4) return int64_t(int32_t(coding::GetBE32(v.bytes.data())));
    if (v.bytes.size() == 8) return int64_t(coding::GetBE64(v.bytes.data()));
    return CqlError::Invalid("Invalid bound value for " + std::string(what));
  }
  return CqlError::Invalid("Invalid " + std::string(what) + ": expected an integer");
}

}  // namespace kappa::cql
