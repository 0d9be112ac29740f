// Column types and typed values of the table store (part of the public API; included by
// store/store.h). Types follow CQL: the TypeKind numbers are the CQL native protocol's
// [option] ids, so the CQL server can put them on the wire as they are.
//
// A Value is null, unset, or a typed value. Values own their bytes; they are cheap to move.
// Thread-compatible (no shared state).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/status.h"
#include "common/uuid.h"

namespace kappa::store {

enum class TypeKind : uint16_t {
  kCustom = 0x0000,  // not supported as a column type; reserved
  kAscii = 0x0001,
  kBigint = 0x0002,
  kBlob = 0x0003,
  kBoolean = 0x0004,
  kCounter = 0x0005,  // a 64-bit count; writes are increments (store.h, Counters)
  kDecimal = 0x0006,
  kDouble = 0x0007,
  kFloat = 0x0008,
  kInt = 0x0009,
  kTimestamp = 0x000B,
  kUuid = 0x000C,
  kText = 0x000D,  // a.k.a. varchar
  kVarint = 0x000E,
  kTimeuuid = 0x000F,
  kInet = 0x0010,
  kDate = 0x0011,
  kTime = 0x0012,
  kSmallint = 0x0013,
  kTinyint = 0x0014,
  kList = 0x0020,  // params: [element]
  kMap = 0x0021,   // params: [key, value]
  kSet = 0x0022,   // params: [element]
};

// "text", "bigint", ... (CQL spelling). "list", "map", "set" for collections.
std::string_view TypeKindName(TypeKind k);

struct Type {
  TypeKind kind = TypeKind::kText;
  std::vector<Type> params;  // collection parameters; empty for scalar types
  // A collection declared frozen<...>: written only as a whole. A non-frozen collection
  // column also takes in-place updates (l = l + ?, m[k] = v, DELETE s[e]). Both hold the
  // same values, so operator== ignores the flag.
  bool frozen = false;

  Type() = default;
  Type(TypeKind k) : kind(k) {}  // NOLINT: implicit, a scalar type is just its kind
  static Type List(Type element) { return Type(TypeKind::kList, {std::move(element)}); }
  static Type Set(Type element) { return Type(TypeKind::kSet, {std::move(element)}); }
  static Type Map(Type key, Type value) {
    return Type(TypeKind::kMap, {std::move(key), std::move(value)});
  }

  bool is_collection() const {
    return kind == TypeKind::kList || kind == TypeKind::kSet || kind == TypeKind::kMap;
  }
  // CQL spelling: "text", "list<int>", "map<text, bigint>", "frozen<set<int>>".
  std::string ToString() const;
  // Parses the CQL spelling (case-insensitive; "varchar" = text; "frozen<...>" sets frozen).
  static Result<Type> Parse(std::string_view s);
  // The same type not frozen (for a frozen collection: the type of its elements' collection).
  Type Unfrozen() const {
    Type t = *this;
    t.frozen = false;
    return t;
  }
  bool operator==(const Type& o) const { return kind == o.kind && params == o.params; }

 private:
  Type(TypeKind k, std::vector<Type> p) : kind(k), params(std::move(p)) {}
};

// Decimal: unscaled * 10^-scale, unscaled as big-endian two's-complement bytes (CQL's form).
struct Decimal {
  int32_t scale = 0;
  std::string unscaled;  // minimal two's complement, big-endian; "" means 0
  bool operator==(const Decimal&) const = default;
};

// A typed value. Representation per kind (what the accessors return):
//   tinyint/smallint/int/bigint/counter  int64 (range-checked by the setters' callers)
//   timestamp  int64 milliseconds since the Unix epoch
//   time       int64 nanoseconds since midnight, [0, 86400e9)
//   date       uint32 days, 2^31 = 1970-01-01 (CQL's encoding), in as_int()
//   boolean    bool; float/double: float/double
//   text/ascii/blob  bytes (text is UTF-8, ascii is 7-bit)
//   varint     bytes: big-endian two's complement, minimal
//   inet       bytes: 4 (IPv4) or 16 (IPv6)
//   uuid/timeuuid  Uuid
//   decimal    Decimal
//   list/set   elements (set: sorted, distinct); map: alternating key, value (sorted by key)
class Value {
 public:
  enum class State : uint8_t { kNull, kUnset, kSet };

  Value() = default;  // null
  static Value Null() { return Value(); }
  // "Leave this column alone" in an upsert (CQL's unset bind value).
  static Value Unset() {
    Value v;
    v.state_ = State::kUnset;
    return v;
  }
  static Value Int(TypeKind k, int64_t v) { return Value(k, Storage(v)); }  // integer kinds
  static Value Bigint(int64_t v) { return Int(TypeKind::kBigint, v); }
  static Value Int32(int32_t v) { return Int(TypeKind::kInt, v); }
  static Value Smallint(int16_t v) { return Int(TypeKind::kSmallint, v); }
  static Value Tinyint(int8_t v) { return Int(TypeKind::kTinyint, v); }
  static Value Timestamp(int64_t ms) { return Int(TypeKind::kTimestamp, ms); }
  static Value Time(int64_t ns) { return Int(TypeKind::kTime, ns); }
  static Value Date(uint32_t days_cql) { return Int(TypeKind::kDate, days_cql); }
  static Value Boolean(bool b) { return Value(TypeKind::kBoolean, Storage(b)); }
  static Value Float(float f) { return Value(TypeKind::kFloat, Storage(f)); }
  static Value Double(double d) { return Value(TypeKind::kDouble, Storage(d)); }
  // text, ascii, blob, varint (two's complement bytes), inet (4 or 16 bytes)
  static Value Bytes(TypeKind k, std::string b) { return Value(k, Storage(std::move(b))); }
  static Value Text(std::string s) { return Bytes(TypeKind::kText, std::move(s)); }
  // Makes this unset, keeping a string's capacity for a later AssignBytes (the storage of an
  // unset or null value is never read).
  void MarkUnset() {
    if (auto* s = std::get_if<std::string>(&v_)) {
      s->clear();
    } else {
      v_ = std::monostate();
    }
    state_ = State::kUnset;
  }
  // Makes this a bytes-kind value (text, ascii, blob, ...) holding `b`, reusing the string's
  // capacity when it already holds bytes: no allocation for a row reused across records.
  void AssignBytes(TypeKind k, std::string_view b) {
    if (auto* s = std::get_if<std::string>(&v_)) {
      s->assign(b.data(), b.size());
    } else {
      v_.emplace<std::string>(b);
    }
    state_ = State::kSet;
    kind_ = k;
  }
  static Value Blob(std::string b) { return Bytes(TypeKind::kBlob, std::move(b)); }
  static Value UuidOf(TypeKind k, const Uuid& u) { return Value(k, Storage(u)); }  // uuid, timeuuid
  static Value DecimalOf(Decimal d) { return Value(TypeKind::kDecimal, Storage(std::move(d))); }
  // list/set: elements; map: alternating key, value. Sets and maps are sorted and
  // de-duplicated by the store on write.
  static Value Collection(TypeKind k, std::vector<Value> elems) {
    return Value(k, Storage(std::move(elems)));
  }

  State state() const { return state_; }
  bool is_null() const { return state_ == State::kNull; }
  bool is_unset() const { return state_ == State::kUnset; }
  bool is_set() const { return state_ == State::kSet; }
  TypeKind kind() const { return kind_; }  // meaningful only when is_set()

  // Accessors: precondition is_set() and the matching kind (checked with assert).
  int64_t as_int() const { return std::get<int64_t>(v_); }
  bool as_bool() const { return std::get<bool>(v_); }
  float as_float() const { return std::get<float>(v_); }
  double as_double() const { return std::get<double>(v_); }
  const std::string& as_bytes() const { return std::get<std::string>(v_); }
  const Uuid& as_uuid() const { return std::get<Uuid>(v_); }
  const Decimal& as_decimal() const { return std::get<Decimal>(v_); }
  const std::vector<Value>& as_elements() const { return std::get<std::vector<Value>>(v_); }
  // The memory this value holds, roughly (itself, its bytes, its elements): for sizing reads
  // by bytes rather than rows.
  size_t ApproxBytes() const {
    size_t n = sizeof(Value);
    if (auto* s = std::get_if<std::string>(&v_)) n += s->size();
    if (auto* d = std::get_if<Decimal>(&v_)) n += d->unscaled.size();
    if (auto* e = std::get_if<std::vector<Value>>(&v_)) {
      for (const Value& v : *e) n += v.ApproxBytes();
    }
    return n;
  }

  // Typed equality (same state, kind and value; floats compare bitwise-equal or ==).
  bool operator==(const Value& o) const;

  // Human text, as cqlsh prints it: strings unquoted, blobs 0x..., timestamps
  // "2024-05-01 12:00:00.000000+0000", null as "null".
  std::string ToString() const;
  // CQL literal: 'it''s', 0xcafe, 42, '2024-05-01T12:00:00.000Z', {1, 2}, [..], {k: v}.
  std::string ToCqlLiteral() const;
  // Appends the JSON form Cassandra's toJson() produces: strings and uuids and
  // timestamps quoted, numbers bare, blobs "0x..", null as null.
  void AppendJson(std::string* out) const;

 private:
  using Storage =
      std::variant<std::monostate, int64_t, bool, float, double, std::string, Uuid, Decimal,
                   std::vector<Value>>;
  Value(TypeKind k, Storage s) : state_(State::kSet), kind_(k), v_(std::move(s)) {}

  State state_ = State::kNull;
  TypeKind kind_ = TypeKind::kText;
  Storage v_;
};

// Text to a typed value, for data that arrives as text (JSON fields, CSV, the CLI): "42",
// "true", "3.5", a uuid, "2024-05-01T12:00:00Z" / "2024-05-01 12:00:00.123+0000" / epoch
// milliseconds for timestamps, "2024-05-01" for dates, "12:00:00.5" for times, "0xcafe" or
// raw bytes for blobs, "1.2.3.4" / "::1" for inet. Text and ascii take the string as is
// (ascii rejects non-7-bit bytes). Collections take a JSON array/object text.
// InvalidArgument names the type and the offending text.
Result<Value> ParseFromString(const Type& type, std::string_view text);

// A CQL literal (what ToCqlLiteral prints; quoted strings, 0x blobs, bare numbers) to a value.
Result<Value> ParseCqlLiteral(const Type& type, std::string_view literal);

// Checks that `v` can be stored in a column of `type`: matching kind (text and ascii accept
// each other's values when valid; integer kinds are range-checked), valid UTF-8/ASCII, inet
// of 4/16 bytes, time in range. Null and unset are always valid here.
Status CheckValue(const Type& type, const Value& v);
// True if `s` is well-formed UTF-8 (no overlong forms, surrogates or code points above
// U+10FFFF), as a CQL text value must be.
bool IsValidUtf8(std::string_view s);
// True if every byte of `s` is below 0x80 (a CQL ascii value).
bool IsAscii(std::string_view s);

// CQL native protocol v4 serialization of a non-null value (the [bytes] body, without the
// length): what the CQL server sends and receives, and how cells are stored on disk.
void SerializeNative(const Value& v, std::string* out);
Result<Value> DeserializeNative(const Type& type, std::string_view bytes);
// Checks that `bytes` are a valid native serialization of `type`, as DeserializeNative
// would accept them, without building a Value (text, ascii and blob need no allocation).
Status CheckNative(const Type& type, std::string_view bytes);
// True if a valid native serialization of `type` is stored exactly as received (what
// DeserializeNative then SerializeNative would give back): every scalar type except
// boolean (any non-zero byte is true), float/double and counter. Collections are normalized
// (sets and maps sorted), so they are not.
bool StoresNativeAsIs(TypeKind k);

// The same into `*out`, reusing its string's capacity for text/ascii/blob (no moves of a
// Result): how a client decodes a row's cells and the server its bound values. On error
// `*out` is left null.
Status DeserializeNativeInto(const Type& type, std::string_view bytes, Value* out);

// Date helpers: CQL date (uint32, 2^31 = epoch) <-> days since the Unix epoch.
inline uint32_t CqlDateFromEpochDays(int64_t days) { return uint32_t(days + (int64_t(1) << 31)); }
inline int64_t EpochDaysFromCqlDate(uint32_t d) { return int64_t(d) - (int64_t(1) << 31); }

}  // namespace kappa::store
