// Avro -> JSON through libavro-c (Codec::DecodeToJson), the JSON spellings both decoders
// share, and the Confluent wire header.
#include <fmt/format.h>
#include <simdjson.h>

#include <cmath>
#include <cstring>

#include "avro/codec_internal.h"

namespace kappa::avro {
namespace {

// avro_value_t of a generic class, released on scope exit.
struct GenericValue {
  explicit GenericValue(avro_value_iface_t* iface) { ok = avro_generic_value_new(iface, &v) == 0; }
  ~GenericValue() {
    if (ok) avro_value_decref(&v);
  }
  avro_value_t v;
  bool ok = false;
};

struct MemoryReader {
  MemoryReader(const char* p, size_t n) : r(avro_reader_memory(p, int64_t(n))) {}
  ~MemoryReader() {
    if (r) avro_reader_free(r);
  }
  avro_reader_t r;
};

Status LibError(std::string_view what) {
  return Status::InvalidArgument(fmt::format("libavro-c {}: {}", what, avro_strerror()));
}

// Renders a value libavro-c decoded; the same spelling as the reader of codec_reader.cc.
Status Render(avro_value_t* v, std::string* out) {
  switch (avro_value_get_type(v)) {
    case AVRO_NULL: *out += "null"; return Status::OK();
    case AVRO_BOOLEAN: {
      int b = 0;
      avro_value_get_boolean(v, &b);
      *out += b ? "true" : "false";
      return Status::OK();
    }
    case AVRO_INT32: {
      int32_t i = 0;
      avro_value_get_int(v, &i);
      fmt::format_to(std::back_inserter(*out), "{}", i);
      return Status::OK();
    }
    case AVRO_INT64: {
      int64_t l = 0;
      avro_value_get_long(v, &l);
      fmt::format_to(std::back_inserter(*out), "{}", l);
      return Status::OK();
    }
    case AVRO_FLOAT: {
      float f = 0;
      avro_value_get_float(v, &f);
      AppendJsonFloat(f, out);
      return Status::OK();
    }
    case AVRO_DOUBLE: {
      double d = 0;
      avro_value_get_double(v, &d);
      AppendJsonDouble(d, out);
      return Status::OK();
    }
    case AVRO_STRING: {
      const char* s = nullptr;
      size_t size = 0;  // includes the terminating NUL
      avro_value_get_string(v, &s, &size);
      AppendJsonString(std::string_view(s, size ? size - 1 : 0), out);
      return Status::OK();
    }
    case AVRO_BYTES:
    case AVRO_FIXED: {
      const void* b = nullptr;
      size_t size = 0;
      if (avro_value_get_type(v) == AVRO_BYTES) {
        avro_value_get_bytes(v, &b, &size);
      } else {
        avro_value_get_fixed(v, &b, &size);
      }
      AppendJsonBytes(std::string_view(static_cast<const char*>(b), size), out);
      return Status::OK();
    }
    case AVRO_ENUM: {
      int symbol = 0;
      avro_value_get_enum(v, &symbol);
      const char* name = avro_schema_enum_get(avro_value_get_schema(v), symbol);
      AppendJsonString(name ? name : "", out);
      return Status::OK();
    }
    case AVRO_UNION: {
      avro_value_t branch;
      if (avro_value_get_current_branch(v, &branch) != 0) return LibError("union");
      return Render(&branch, out);
    }
    case AVRO_RECORD:
    case AVRO_MAP:
    case AVRO_ARRAY: {
      const bool array = avro_value_get_type(v) == AVRO_ARRAY;
      size_t n = 0;
      avro_value_get_size(v, &n);
      out->push_back(array ? '[' : '{');
      for (size_t i = 0; i < n; ++i) {
        avro_value_t child;
        const char* name = nullptr;
        if (avro_value_get_by_index(v, i, &child, array ? nullptr : &name) != 0) {
          return LibError("record, map or array");
        }
        if (i) out->push_back(',');
        if (!array) {
          AppendJsonString(name ? name : "", out);
          out->push_back(':');
        }
        RETURN_IF_ERROR(Render(&child, out));
      }
      out->push_back(array ? ']' : '}');
      return Status::OK();
    }
    default:
      return Status::InvalidArgument("libavro-c: a value of an unknown type");
  }
}

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  // Avro strings are UTF-8, but a payload may carry anything: a string that is not valid
  // UTF-8 is read as Latin-1 (each byte >= 0x80 escaped as \u00XX), so the text is always
  // valid JSON, as `kappa consume` shows binary values.
  const bool utf8 = simdjson::validate_utf8(s.data(), s.size());
  out->push_back('"');
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default:
        if (c < 0x20 || (c >= 0x80 && !utf8)) {
          fmt::format_to(std::back_inserter(*out), "\\u{:04x}", c);
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('"');
}

void AppendJsonBytes(std::string_view bytes, std::string* out) {
  out->push_back('"');
  for (char ch : bytes) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(ch);
    } else if (c < 0x20 || c == 0x7f) {
      fmt::format_to(std::back_inserter(*out), "\\u{:04x}", c);
    } else if (c < 0x80) {
      out->push_back(ch);
    } else {  // code point c as UTF-8
      out->push_back(char(0xc0 | (c >> 6)));
      out->push_back(char(0x80 | (c & 0x3f)));
    }
  }
  out->push_back('"');
}

void AppendJsonDouble(double v, std::string* out) {
  if (std::isnan(v)) {
    *out += "\"NaN\"";
  } else if (std::isinf(v)) {
    *out += v > 0 ? "\"Infinity\"" : "\"-Infinity\"";
  } else {
    fmt::format_to(std::back_inserter(*out), "{}", v);
  }
}

void AppendJsonFloat(float v, std::string* out) {
  if (std::isnan(v) || std::isinf(v)) return AppendJsonDouble(double(v), out);
  fmt::format_to(std::back_inserter(*out), "{}", v);
}

Status Codec::DecodeToJson(std::string_view payload, std::string* out) const {
  // libavro-c reads only what kappa's reader accepted (see codec.h).
  RETURN_IF_ERROR(Validate(payload));
  GenericValue value(avro_->iface);
  if (!value.ok) return LibError("value");
  MemoryReader reader(payload.data(), payload.size());
  if (!reader.r) return LibError("reader");
  if (avro_value_read(reader.r, &value.v) != 0) return LibError("read");
  const size_t size = out->size();
  Status st = Render(&value.v, out);
  if (!st.ok()) out->resize(size);
  return st;
}

void AppendWireHeader(int32_t schema_id, std::string* out) {
  const uint32_t id = static_cast<uint32_t>(schema_id);
  const char header[kWireHeaderSize] = {char(kMagicByte), char(id >> 24), char(id >> 16),
                                        char(id >> 8), char(id)};
  out->append(header, kWireHeaderSize);
}

Result<WireFrame> ParseWireFrame(std::string_view value) {
  if (value.empty()) return Status::InvalidArgument("an empty value has no wire-format header");
  const uint8_t magic = static_cast<uint8_t>(value[0]);
  if (magic != kMagicByte) {
    return Status::InvalidArgument(
        fmt::format("unknown magic byte 0x{:02x} (the Confluent wire format starts with 0x00)", magic));
  }
  if (value.size() < kWireHeaderSize) {
    return Status::InvalidArgument(fmt::format(
        "a framed value of {} bytes is shorter than the 5-byte header", value.size()));
  }
  WireFrame f;
  const auto* b = reinterpret_cast<const uint8_t*>(value.data());
  f.schema_id = int32_t(uint32_t(b[1]) << 24 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 8 | b[4]);
  f.payload = value.substr(kWireHeaderSize);
  return f;
}

}  // namespace kappa::avro
