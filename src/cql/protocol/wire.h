// Encoding and decoding of the CQL native protocol "notations" (native_protocol_v4.spec
// section 3): [int] [long] [short] [byte] [string] [long string] [uuid] [string list]
// [bytes] [value] [short bytes] [option] [inet] [consistency] [string map]
// [string multimap] [bytes map]. See docs/formats/cql.md.
//
// WireReader never reads past its buffer: every Read* returns false on truncated or
// malformed input and leaves the reader in a failed state (ok() == false), so a handler can
// decode a whole body and check once. WireWriter appends to a std::string.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/coding.h"

namespace kappa::cql {

// A [value]: bytes, null (length -1) or "not set" (length -2, protocol v4+).
// A bound [value]. Decoded from a request, `bytes` points into the request's body, which
// outlives the request's execution (the server keeps it until the response is built); Of()
// makes a value that owns its bytes (tests, values built in code).
struct WireValue {
  enum class Kind : uint8_t { kBytes, kNull, kUnset };
  Kind kind = Kind::kNull;
  std::string_view bytes;
  std::shared_ptr<const std::string> owned;  // only from Of()
  static WireValue Null() { return {}; }
  static WireValue Unset() { return {Kind::kUnset, {}, nullptr}; }
  static WireValue View(std::string_view b) { return {Kind::kBytes, b, nullptr}; }
  static WireValue Of(std::string b) {
    auto s = std::make_shared<const std::string>(std::move(b));
    return {Kind::kBytes, *s, std::move(s)};
  }
  bool is_null() const { return kind == Kind::kNull; }
  bool is_unset() const { return kind == Kind::kUnset; }
};

class WireWriter {
 public:
  explicit WireWriter(std::string* out) : out_(out) {}
  void Byte(uint8_t v) { out_->push_back(char(v)); }
  void Short(uint16_t v) { coding::AppendBE16(out_, v); }
  void Int(int32_t v) { coding::AppendBE32(out_, uint32_t(v)); }
  void Long(int64_t v) { coding::AppendBE64(out_, uint64_t(v)); }
  void String(std::string_view s) { Short(uint16_t(s.size())); out_->append(s); }
  void LongString(std::string_view s) { Int(int32_t(s.size())); out_->append(s); }
  void Bytes(std::string_view s) { Int(int32_t(s.size())); out_->append(s); }
  void NullBytes() { Int(-1); }
  void ShortBytes(std::string_view s) { Short(uint16_t(s.size())); out_->append(s); }
  void Value(const WireValue& v);
  void Raw(std::string_view s) { out_->append(s); }
  void StringList(const std::vector<std::string>& l);
  void StringMap(const std::map<std::string, std::string>& m);
  void StringMultimap(const std::map<std::string, std::vector<std::string>>& m);
  // An [inet]: one byte of address length, the address bytes, then an [int] port.
  void Inet(std::string_view addr_bytes, int32_t port);
  std::string* out() { return out_; }

 private:
  std::string* out_;
};

class WireReader {
 public:
  WireReader(const char* p, size_t n) : p_(p), end_(p + n) {}
  explicit WireReader(std::string_view s) : WireReader(s.data(), s.size()) {}

  bool ok() const { return ok_; }
  size_t remaining() const { return size_t(end_ - p_); }
  bool Byte(uint8_t* v);
  bool Short(uint16_t* v);
  bool Int(int32_t* v);
  bool Long(int64_t* v);
  bool String(std::string_view* s);
  bool LongString(std::string_view* s);
  // [bytes]: *null is set for a negative length.
  bool Bytes(std::string_view* s, bool* null);
  bool ShortBytes(std::string_view* s);
  bool Value(WireValue* v);
  bool StringList(std::vector<std::string>* l);
  bool StringMap(std::map<std::string, std::string>* m);
  bool StringMultimap(std::map<std::string, std::vector<std::string>>* m);
  bool Raw(size_t n, std::string_view* s);

 private:
  bool Fail() { ok_ = false; p_ = end_; return false; }
  const char* p_;
  const char* end_;
  bool ok_ = true;
};

}  // namespace kappa::cql
