#include "cql/protocol/wire.h"

namespace kappa::cql {

void WireWriter::Value(const WireValue& v) {
  switch (v.kind) {
    case WireValue::Kind::kNull: Int(-1); break;
    case WireValue::Kind::kUnset: Int(-2); break;
    case WireValue::Kind::kBytes: Bytes(v.bytes); break;
  }
}

void WireWriter::StringList(const std::vector<std::string>& l) {
  Short(uint16_t(l.size()));
  for (const auto& s : l) String(s);
}

void WireWriter::StringMap(const std::map<std::string, std::string>& m) {
  Short(uint16_t(m.size()));
  for (const auto& [k, v] : m) {
    String(k);
    String(v);
  }
}

void WireWriter::StringMultimap(const std::map<std::string, std::vector<std::string>>& m) {
  Short(uint16_t(m.size()));
  for (const auto& [k, v] : m) {
    String(k);
    StringList(v);
  }
}

void WireWriter::Inet(std::string_view addr_bytes, int32_t port) {
  Byte(uint8_t(addr_bytes.size()));
  Raw(addr_bytes);
  Int(port);
}

bool WireReader::Byte(uint8_t* v) {
  if (!ok_ || remaining() < 1) return Fail();
  *v = uint8_t(*p_++);
  return true;
}

bool WireReader::Short(uint16_t* v) {
  if (!ok_ || remaining() < 2) return Fail();
  *v = coding::GetBE16(p_);
  p_ += 2;
  return true;
}

bool WireReader::Int(int32_t* v) {
  if (!ok_ || remaining() < 4) return Fail();
  *v = int32_t(coding::GetBE32(p_));
  p_ += 4;
  return true;
}

bool WireReader::Long(int64_t* v) {
  if (!ok_ || remaining() < 8) return Fail();
  *v = int64_t(coding::GetBE64(p_));
  p_ += 8;
  return true;
}

bool WireReader::Raw(size_t n, std::string_view* s) {
  if (!ok_ || remaining() < n) return Fail();
  *s = std::string_view(p_, n);
  p_ += n;
  return true;
}

bool WireReader::String(std::string_view* s) {
  uint16_t n;
  return Short(&n) && Raw(n, s);
}

bool WireReader::LongString(std::string_view* s) {
  int32_t n;
  if (!Int(&n)) return false;
  if (n < 0) return Fail();
  return Raw(size_t(n), s);
}

bool WireReader::Bytes(std::string_view* s, bool* null) {
  int32_t n;
  if (!Int(&n)) return false;
  if (n < 0) {
    *null = true;
    *s = {};
    return true;
  }
  *null = false;
  return Raw(size_t(n), s);
}

bool WireReader::ShortBytes(std::string_view* s) {
  uint16_t n;
  return Short(&n) && Raw(n, s);
}

bool WireReader::Value(WireValue* v) {
  int32_t n;
  if (!Int(&n)) return false;
  if (n == -1) { *v = WireValue::Null(); return true; }
  if (n == -2) { *v = WireValue::Unset(); return true; }
  if (n < 0) return Fail();
  std::string_view s;
  if (!Raw(size_t(n), &s)) return false;
  *v = WireValue::View(s);
  return true;
}

bool WireReader::StringList(std::vector<std::string>* l) {
  uint16_t n;
  if (!Short(&n)) return false;
  l->clear();
  for (uint16_t i = 0; i < n; ++i) {
    std::string_view s;
    if (!String(&s)) return false;
    l->emplace_back(s);
  }
  return true;
}

bool WireReader::StringMap(std::map<std::string, std::string>* m) {
  uint16_t n;
  if (!Short(&n)) return false;
  for (uint16_t i = 0; i < n; ++i) {
    std::string_view k, v;
    if (!String(&k) || !String(&v)) return false;
    (*m)[std::string(k)] = std::string(v);
  }
  return true;
}

bool WireReader::StringMultimap(std::map<std::string, std::vector<std::string>>* m) {
  uint16_t n;
  if (!Short(&n)) return false;
  for (uint16_t i = 0; i < n; ++i) {
    std::string_view k;
    std::vector<std::string> v;
    if (!String(&k) || !StringList(&v)) return false;
    (*m)[std::string(k)] = std::move(v);
  }
  return true;
}

}  // namespace kappa::cql
