#include "kafka/wire.h"

#include "common/coding.h"

namespace kappa::kafka {

bool Reader::Need(size_t n) {
  if (!ok_ || remaining() < n) {
    Fail();
    return false;
  }
  return true;
}

int8_t Reader::Int8() {
  if (!Need(1)) return 0;
  return int8_t(*p_++);
}
int16_t Reader::Int16() {
  if (!Need(2)) return 0;
  int16_t v = int16_t(coding::GetBE16(p_));
  p_ += 2;
  return v;
}
int32_t Reader::Int32() {
  if (!Need(4)) return 0;
  int32_t v = int32_t(coding::GetBE32(p_));
  p_ += 4;
  return v;
}
int64_t Reader::Int64() {
  if (!Need(8)) return 0;
  int64_t v = int64_t(coding::GetBE64(p_));
  p_ += 8;
  return v;
}
uint32_t Reader::UVarint() {
  if (!ok_) return 0;
  uint64_t v = 0;
  if (!coding::DecodeUVarint(&p_, end_, &v) || v > UINT32_MAX) {
    Fail();
    return 0;
  }
  return uint32_t(v);
}
std::string_view Reader::Uuid() {
  if (!Need(16)) return {};
  std::string_view v(p_, 16);
  p_ += 16;
  return v;
}

int64_t Reader::Length() {
  if (flexible_) return int64_t(UVarint()) - 1;  // 0 encodes null
  return Int16();
}

std::optional<std::string_view> Reader::NullableString() {
  int64_t n = Length();
  if (!ok_) return std::nullopt;
  if (n < 0) {
    if (n != -1) Fail();
    return std::nullopt;
  }
  if (!Need(size_t(n))) return std::nullopt;
  std::string_view v(p_, size_t(n));
  p_ += n;
  return v;
}

std::string_view Reader::String() {
  auto v = NullableString();
  if (!v) {
    Fail();
    return {};
  }
  return *v;
}

std::optional<std::string_view> Reader::LegacyNullableString() {
  bool f = flexible_;
  flexible_ = false;
  auto v = NullableString();
  flexible_ = f;
  return v;
}

std::optional<std::string_view> Reader::NullableBytes() {
  int64_t n = flexible_ ? int64_t(UVarint()) - 1 : int64_t(Int32());
  if (!ok_) return std::nullopt;
  if (n < 0) {
    if (n != -1) Fail();
    return std::nullopt;
  }
  if (!Need(size_t(n))) return std::nullopt;
  std::string_view v(p_, size_t(n));
  p_ += n;
  return v;
}

std::string_view Reader::Bytes() {
  auto v = NullableBytes();
  if (!v) {
    Fail();
    return {};
  }
  return *v;
}

int32_t Reader::ArrayLength(size_t min_elem_bytes) {
  int64_t n = flexible_ ? int64_t(UVarint()) - 1 : int64_t(Int32());
  if (!ok_) return 0;
  if (n < -1) {
    Fail();
    return 0;
  }
  if (n > 0 && uint64_t(n) * (min_elem_bytes ? min_elem_bytes : 1) > remaining()) {
    Fail();
    return 0;
  }
  return int32_t(n);
}

void Reader::SkipTaggedFields() {
  if (!flexible_ || !ok_) return;
  uint32_t count = UVarint();
  for (uint32_t i = 0; i < count && ok_; ++i) {
    UVarint();  // tag
    uint32_t size = UVarint();
    if (!Need(size)) return;
    p_ += size;
  }
}

void Writer::Int16(int16_t v) { coding::AppendBE16(&buf_, uint16_t(v)); }
void Writer::Int32(int32_t v) { coding::AppendBE32(&buf_, uint32_t(v)); }
void Writer::Int64(int64_t v) { coding::AppendBE64(&buf_, uint64_t(v)); }
void Writer::UVarint(uint32_t v) { coding::AppendUVarint(&buf_, v); }
void Writer::Uuid(std::string_view raw16) {
  std::string v(raw16.substr(0, 16));
  v.resize(16, '\0');
  buf_.append(v);
}

void Writer::Length(int64_t n) {
  if (flexible_) {
    UVarint(uint32_t(n + 1));
  } else {
    Int16(int16_t(n));
  }
}
void Writer::String(std::string_view s) {
  Length(int64_t(s.size()));
  buf_.append(s);
}
void Writer::NullableString(std::optional<std::string_view> s) {
  if (!s) {
    Length(-1);
    return;
  }
  String(*s);
}
void Writer::NullableBytes(std::optional<std::string_view> b) {
  if (!b) {
    if (flexible_) UVarint(0); else Int32(-1);
    return;
  }
  if (flexible_) UVarint(uint32_t(b->size() + 1)); else Int32(int32_t(b->size()));
  buf_.append(*b);
}
void Writer::Bytes(std::string_view b) { NullableBytes(b); }
void Writer::ArrayLength(int32_t n) {
  if (flexible_) {
    UVarint(uint32_t(n + 1));
  } else {
    Int32(n);
  }
}

}  // namespace kappa::kafka
