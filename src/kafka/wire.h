// Kafka wire primitives: a bounds-checked Reader over a request body and a Writer that builds
// a response body. Both know whether the message version is "flexible" (KIP-482): flexible
// versions use compact (unsigned-varint length + 1) strings, bytes and arrays and end every
// struct with a tagged-field section. Format: docs/formats/kafka.md.
//
// Reader never throws and never reads past its buffer: the first truncated or malformed field
// sets a sticky error (ok() == false) and every later read returns a zero value. Callers parse
// a whole request and check ok() once at the end. Thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kafka/error_codes.h"

namespace kappa::kafka {

class Reader {
 public:
  Reader(std::string_view buf, bool flexible) : p_(buf.data()), end_(buf.data() + buf.size()),
                                                flexible_(flexible) {}

  bool ok() const { return ok_; }
  bool flexible() const { return flexible_; }
  void set_flexible(bool f) { flexible_ = f; }
  size_t remaining() const { return size_t(end_ - p_); }
  // Marks the message malformed (e.g. a semantic check in a decoder failed).
  void Fail() { ok_ = false; p_ = end_; }

  int8_t Int8();
  int16_t Int16();
  int32_t Int32();
  int64_t Int64();
  bool Bool() { return Int8() != 0; }
  uint32_t UVarint();
  std::string_view Uuid();  // 16 raw bytes

  // STRING / COMPACT_STRING. A null where a non-null string is required is an error.
  std::string_view String();
  // NULLABLE_STRING / COMPACT_NULLABLE_STRING.
  std::optional<std::string_view> NullableString();
  // Always the classic int16-length nullable string (request header client_id).
  std::optional<std::string_view> LegacyNullableString();
  // BYTES / COMPACT_BYTES and their nullable forms (RECORDS uses NullableBytes).
  std::string_view Bytes();
  std::optional<std::string_view> NullableBytes();
  // ARRAY / COMPACT_ARRAY length; -1 for a null array. A length that cannot fit in the
  // remaining bytes (each element is at least `min_elem_bytes`) is an error, so a hostile
  // count never drives a large allocation or a long loop.
  int32_t ArrayLength(size_t min_elem_bytes = 1);
  // Skips the tagged-field section of a flexible struct (no-op for non-flexible versions).
  void SkipTaggedFields();

 private:
  bool Need(size_t n);
  int64_t Length();  // string/bytes/array length in the current encoding; -1 = null

  const char* p_;
  const char* end_;
  bool flexible_;
  bool ok_ = true;
};

class Writer {
 public:
  explicit Writer(bool flexible) : flexible_(flexible) {}

  bool flexible() const { return flexible_; }
  std::string& buffer() { return buf_; }
  std::string Take() { return std::move(buf_); }
  size_t size() const { return buf_.size(); }

  void Int8(int8_t v) { buf_.push_back(char(v)); }
  void Int16(int16_t v);
  void Int32(int32_t v);
  void Int64(int64_t v);
  void Bool(bool v) { Int8(v ? 1 : 0); }
  void UVarint(uint32_t v);
  void Uuid(std::string_view raw16);
  void String(std::string_view s);
  void NullableString(std::optional<std::string_view> s);
  void Bytes(std::string_view b);
  void NullableBytes(std::optional<std::string_view> b);
  void ArrayLength(int32_t n);  // -1 = null
  void EmptyTaggedFields() {
    if (flexible_) buf_.push_back(0);
  }
  // An error code field: written, and counted in errors() unless it is NONE.
  void Error(ErrorCode e) {
    Int16(Code(e));
    errors_.Add(e);
  }
  // Counts an error code written by other means (a field patched in place).
  void CountError(ErrorCode e) { errors_.Add(e); }
  ErrorTally TakeErrors() { return std::move(errors_); }

 private:
  void Length(int64_t n);  // -1 = null
  std::string buf_;
  bool flexible_;
  ErrorTally errors_;
};

}  // namespace kappa::kafka
