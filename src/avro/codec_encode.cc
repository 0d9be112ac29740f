// Encoder: a JSON document (simdjson DOM) -> libavro-c generic value -> Avro binary
// (avro_value_sizeof + avro_value_write into the caller's string). The rules are in codec.h.
#include <fmt/format.h>
#include <simdjson.h>

#include <charconv>

#include "avro/codec_internal.h"

namespace kappa::avro {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

Status Fail(std::string_view path, std::string_view what) {
  if (path.empty()) return Status::InvalidArgument(std::string(what));
  return Status::InvalidArgument(fmt::format("field '{}': {}", path, what));
}

std::string_view JsonTypeName(element_type t) {
  switch (t) {
    case element_type::ARRAY: return "an array";
    case element_type::OBJECT: return "an object";
    case element_type::INT64: case element_type::UINT64: return "an integer";
    case element_type::DOUBLE: return "a number";
    case element_type::STRING: return "a string";
    case element_type::BOOL: return "a boolean";
    case element_type::NULL_VALUE: return "null";
  }
  return "a value";
}

bool ParseDouble(std::string_view t, double* d) {
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), *d);
  return ec == std::errc() && end == t.data() + t.size() && !t.empty();
}

bool IsInteger(const element& e) {
  return e.type() == element_type::INT64 || e.type() == element_type::UINT64;
}

// Avro's JSON encoding of bytes: each code point 0-255 one byte.
bool BytesFromJson(std::string_view s, std::string* out) {
  out->clear();
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out->push_back(char(c));
    } else if ((c & 0xe0) == 0xc0 && c <= 0xc3 && i + 1 < s.size()) {
      out->push_back(char(((c & 0x03) << 6) | (static_cast<unsigned char>(s[++i]) & 0x3f)));
    } else {
      return false;  // a code point above 255
    }
  }
  return true;
}

// The branch a plain JSON value goes to, or -1.
int PickBranch(avro_schema_t u, const element& e) {
  const size_t n = avro_schema_union_size(u);
  auto find = [&](std::initializer_list<avro_type_t> types) -> int {
    for (avro_type_t t : types) {
      for (size_t i = 0; i < n; ++i) {
        avro_schema_t b = avro_schema_union_branch(u, int(i));
        while (is_avro_link(b)) b = avro_schema_link_target(b);
        if (avro_typeof(b) == t) return int(i);
      }
    }
    return -1;
  };
  switch (e.type()) {
    case element_type::NULL_VALUE: return find({AVRO_NULL});
    case element_type::BOOL: return find({AVRO_BOOLEAN});
    case element_type::INT64: case element_type::UINT64:
      return find({AVRO_INT32, AVRO_INT64, AVRO_FLOAT, AVRO_DOUBLE, AVRO_STRING});
    case element_type::DOUBLE: return find({AVRO_FLOAT, AVRO_DOUBLE, AVRO_STRING});
    case element_type::STRING: return find({AVRO_STRING, AVRO_ENUM, AVRO_BYTES, AVRO_FIXED});
    case element_type::ARRAY: return find({AVRO_ARRAY});
    case element_type::OBJECT: {
      // Avro's JSON encoding of a union: {"<type or full name>": value}.
      simdjson::dom::object o = e.get_object().value_unsafe();
      if (o.size() == 1) {
        std::string_view key = (*o.begin()).key;
        for (size_t i = 0; i < n; ++i) {
          avro_schema_t b = avro_schema_union_branch(u, int(i));
          while (is_avro_link(b)) b = avro_schema_link_target(b);
          const char* name = is_avro_named_type(b) ? avro_schema_name(b) : avro_schema_type_name(b);
          const char* ns = is_avro_named_type(b) ? avro_schema_namespace(b) : nullptr;
          std::string full = ns && *ns ? std::string(ns) + "." + name : std::string(name ? name : "");
          if (key == full || (name && key == name)) return -2 - int(i);  // wrapped form
        }
      }
      return find({AVRO_RECORD, AVRO_MAP});
    }
  }
  return -1;
}

class Filler {
 public:
  Status Fill(avro_value_t* v, const element& e, const std::string& path, int depth) {
    if (depth > Codec::kMaxDepth) return Fail(path, "nested too deeply");
    avro_schema_t schema = avro_value_get_schema(v);
    const avro_type_t type = avro_value_get_type(v);
    const element_type jt = e.type();
    auto mismatch = [&](std::string_view want) {
      return Fail(path, fmt::format("{} where the schema wants {}", JsonTypeName(jt), want));
    };
    switch (type) {
      case AVRO_NULL:
        if (jt != element_type::NULL_VALUE) return mismatch("null");
        return Check(avro_value_set_null(v), path);
      case AVRO_BOOLEAN: {
        bool b = false;
        if (jt == element_type::BOOL) {
          b = e.get_bool().value_unsafe();
        } else if (jt == element_type::STRING && (e.get_string().value_unsafe() == "true" ||
                                                  e.get_string().value_unsafe() == "false")) {
          b = e.get_string().value_unsafe() == "true";
        } else {
          return mismatch("a boolean");
        }
        return Check(avro_value_set_boolean(v, b), path);
      }
      case AVRO_INT32: case AVRO_INT64: {
        int64_t i = 0;
        if (jt == element_type::STRING) {  // a mapped "42"
          std::string_view t = e.get_string().value_unsafe();
          auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), i);
          if (ec != std::errc() || end != t.data() + t.size()) return mismatch(type == AVRO_INT32 ? "an int" : "a long");
        } else if (!IsInteger(e) || e.get_int64().get(i)) {
          return mismatch(type == AVRO_INT32 ? "an int" : "a long");
        }
        if (type == AVRO_INT32) {
          if (i < INT32_MIN || i > INT32_MAX) return Fail(path, fmt::format("{} is out of range for an int", i));
          return Check(avro_value_set_int(v, int32_t(i)), path);
        }
        return Check(avro_value_set_long(v, i), path);
      }
      case AVRO_FLOAT: case AVRO_DOUBLE: {
        double d;
        if (jt == element_type::INT64) d = double(e.get_int64().value_unsafe());
        else if (jt == element_type::UINT64) d = double(e.get_uint64().value_unsafe());
        else if (jt == element_type::DOUBLE) d = e.get_double().value_unsafe();
        else if (jt != element_type::STRING || !ParseDouble(e.get_string().value_unsafe(), &d)) return mismatch("a number");
        return Check(type == AVRO_FLOAT ? avro_value_set_float(v, float(d)) : avro_value_set_double(v, d), path);
      }
      case AVRO_STRING: {
        std::string_view s;
        if (jt == element_type::STRING) {
          s = e.get_string().value_unsafe();
        } else if (jt != element_type::NULL_VALUE) {
          text_ = simdjson::minify(e);  // a mapped number or object into a text field: its JSON
          s = text_;
        } else {
          return mismatch("a string");
        }
        return Check(avro_value_set_string_len(v, s.data(), s.size() + 1), path, s);
      }
      case AVRO_BYTES: case AVRO_FIXED: {
        if (jt != element_type::STRING || !BytesFromJson(e.get_string().value_unsafe(), &bytes_)) {
          return mismatch("a string of code points 0-255");
        }
        if (type == AVRO_BYTES) return Check(avro_value_set_bytes(v, bytes_.data(), bytes_.size()), path);
        if (int64_t(bytes_.size()) != avro_schema_fixed_size(schema)) {
          return Fail(path, fmt::format("{} bytes for a fixed of {}", bytes_.size(), avro_schema_fixed_size(schema)));
        }
        return Check(avro_value_set_fixed(v, bytes_.data(), bytes_.size()), path);
      }
      case AVRO_ENUM: {
        if (jt != element_type::STRING) return mismatch("an enum symbol");
        std::string symbol(e.get_string().value_unsafe());
        const int i = avro_schema_enum_get_by_name(schema, symbol.c_str());
        if (i < 0) return Fail(path, fmt::format("'{}' is not a symbol of enum {}", symbol, avro_schema_name(schema)));
        return Check(avro_value_set_enum(v, i), path);
      }
      case AVRO_UNION: {
        int branch = PickBranch(schema, e);
        element inner = e;
        if (branch <= -2) {  // {"type": value}
          simdjson::dom::object wrapper = e.get_object().value_unsafe();
          inner = (*wrapper.begin()).value;
          branch = -2 - branch;
        }
        if (branch < 0) return Fail(path, fmt::format("{} fits no branch of the union", JsonTypeName(jt)));
        avro_value_t b;
        RETURN_IF_ERROR(Check(avro_value_set_branch(v, branch, &b), path));
        return Fill(&b, inner, path, depth + 1);
      }
      case AVRO_RECORD: {
        if (jt != element_type::OBJECT) return mismatch("a record (an object)");
        simdjson::dom::object o = e.get_object().value_unsafe();
        const size_t n = avro_schema_record_size(schema);
        for (size_t i = 0; i < n; ++i) {
          const char* name = avro_schema_record_field_name(schema, int(i));
          const std::string child_path = path.empty() ? std::string(name) : path + "." + name;
          avro_value_t field;
          RETURN_IF_ERROR(Check(avro_value_get_by_index(v, i, &field, nullptr), child_path));
          element member;
          if (o.at_key(name).get(member)) {
            if (!NullBranch(&field)) return Fail(child_path, "missing (and its type does not allow null)");
            continue;
          }
          RETURN_IF_ERROR(Fill(&field, member, child_path, depth + 1));
        }
        return Status::OK();
      }
      case AVRO_ARRAY: {
        if (jt != element_type::ARRAY) return mismatch("an array");
        size_t i = 0;
        simdjson::dom::array items = e.get_array().value_unsafe();  // named: the loop keeps a view
        for (element item : items) {
          avro_value_t child;
          RETURN_IF_ERROR(Check(avro_value_append(v, &child, nullptr), path));
          RETURN_IF_ERROR(Fill(&child, item, fmt::format("{}[{}]", path, i++), depth + 1));
        }
        return Status::OK();
      }
      case AVRO_MAP: {
        if (jt != element_type::OBJECT) return mismatch("a map (an object)");
        simdjson::dom::object members = e.get_object().value_unsafe();
        for (auto [key, value] : members) {
          std::string k(key);
          avro_value_t child;
          RETURN_IF_ERROR(Check(avro_value_add(v, k.c_str(), &child, nullptr, nullptr), path));
          RETURN_IF_ERROR(Fill(&child, value, path + "." + k, depth + 1));
        }
        return Status::OK();
      }
      default:
        return Fail(path, "unsupported schema type");
    }
  }

 private:
  // Sets a field whose member is missing to null, if its type is null or a union with null.
  bool NullBranch(avro_value_t* v) {
    if (avro_value_get_type(v) == AVRO_NULL) return avro_value_set_null(v) == 0;
    if (avro_value_get_type(v) != AVRO_UNION) return false;
    avro_schema_t u = avro_value_get_schema(v);
    for (size_t i = 0; i < avro_schema_union_size(u); ++i) {
      if (avro_typeof(avro_schema_union_branch(u, int(i))) == AVRO_NULL) {
        avro_value_t b;
        return avro_value_set_branch(v, int(i), &b) == 0 && avro_value_set_null(&b) == 0;
      }
    }
    return false;
  }
  static Status Check(int rc, std::string_view path, std::string_view = {}) {
    if (rc == 0) return Status::OK();
    return Fail(path, fmt::format("libavro-c: {}", avro_strerror()));
  }

  std::string text_;
  std::string bytes_;
};


// The fast path: the same rules written straight to bytes over the plan, without libavro-c's
// generic values (which cost the producer half its time: two copies of every string, a
// virtual call per field, a sizeof pass). It returns false for anything it does not handle
// exactly as the libavro-c path does (then that path runs and gives the answer, or the
// error); where it returns true its bytes are libavro-c's (codec_test.cc and the fuzzer check
// byte equality).
class DirectWriter {
 public:
  explicit DirectWriter(const std::vector<SchemaNode>& nodes) : nodes_(nodes) {}

  bool Write(int32_t index, const element& e, std::string* out, int depth) {
    if (depth > Codec::kMaxDepth) return false;
    const SchemaNode& n = nodes_[size_t(index)];
    const element_type jt = e.type();
    using K = SchemaNode::Kind;
    switch (n.kind) {
      case K::kNull: return jt == element_type::NULL_VALUE;
      case K::kBoolean: {
        if (jt != element_type::BOOL) return false;
        out->push_back(e.get_bool().value_unsafe() ? 1 : 0);
        return true;
      }
      case K::kInt: case K::kLong: {
        int64_t i = 0;
        if (!IsInteger(e) || e.get_int64().get(i)) return false;
        if (n.kind == K::kInt && (i < INT32_MIN || i > INT32_MAX)) return false;
        Varint(i, out);
        return true;
      }
      case K::kString: {
        if (jt != element_type::STRING) return false;
        std::string_view v = e.get_string().value_unsafe();
        Varint(int64_t(v.size()), out);
        out->append(v);
        return true;
      }
      case K::kEnum: {
        if (jt != element_type::STRING) return false;
        std::string_view v = e.get_string().value_unsafe();
        for (size_t i = 0; i < n.names.size(); ++i) {
          if (n.names[i] == v) {
            Varint(int64_t(i), out);
            return true;
          }
        }
        return false;
      }
      case K::kUnion: {
        // Plain values only (objects may be Avro's wrapped form: the libavro-c path).
        int kind_rank = -1;
        int branch = -1;
        for (size_t i = 0; i < n.children.size(); ++i) {
          const int r = Rank(nodes_[size_t(n.children[i])].kind, jt);
          if (r >= 0 && (kind_rank < 0 || r < kind_rank)) kind_rank = r, branch = int(i);
        }
        if (branch < 0) return false;
        Varint(branch, out);
        return Write(n.children[size_t(branch)], e, out, depth + 1);
      }
      case K::kRecord: {
        if (jt != element_type::OBJECT) return false;
        simdjson::dom::object o = e.get_object().value_unsafe();
        for (size_t i = 0; i < n.children.size(); ++i) {
          element member;
          if (o.at_key(n.names[i]).get(member)) {
            const SchemaNode& f = nodes_[size_t(n.children[i])];
            if (f.kind == K::kNull) continue;
            if (f.kind != K::kUnion) return false;
            int null_branch = -1;
            for (size_t b = 0; b < f.children.size() && null_branch < 0; ++b) {
              if (nodes_[size_t(f.children[b])].kind == K::kNull) null_branch = int(b);
            }
            if (null_branch < 0) return false;
            Varint(null_branch, out);
            continue;
          }
          if (!Write(n.children[i], member, out, depth + 1)) return false;
        }
        return true;
      }
      case K::kArray: {
        if (jt != element_type::ARRAY) return false;
        simdjson::dom::array items = e.get_array().value_unsafe();
        const size_t count = items.size();
        if (count) Varint(int64_t(count), out);
        for (element item : items) {
          if (!Write(n.children[0], item, out, depth + 1)) return false;
        }
        out->push_back(0);
        return true;
      }
      default:  // float, double, bytes, fixed, map: the libavro-c path
        return false;
    }
  }

 private:
  // Which branch a plain JSON value takes: the first of the kinds PickBranch tries, in its
  // order (lower is earlier); -1: not this one.
  static int Rank(SchemaNode::Kind k, element_type jt) {
    using K = SchemaNode::Kind;
    switch (jt) {
      case element_type::NULL_VALUE: return k == K::kNull ? 0 : -1;
      case element_type::BOOL: return k == K::kBoolean ? 0 : -1;
      case element_type::INT64: case element_type::UINT64:
        return k == K::kInt ? 0 : k == K::kLong ? 1 : -1;  // float/double/string: slow path
      case element_type::STRING: return k == K::kString ? 0 : k == K::kEnum ? 1 : -1;
      case element_type::ARRAY: return k == K::kArray ? 0 : -1;
      default: return -1;
    }
  }
  static void Varint(int64_t v, std::string* out) {
    uint64_t z = (uint64_t(v) << 1) ^ uint64_t(v >> 63);
    while (z >= 0x80) {
      out->push_back(char(z | 0x80));
      z >>= 7;
    }
    out->push_back(char(z));
  }

  const std::vector<SchemaNode>& nodes_;
};

}  // namespace

struct Encoder::Impl {
  avro_value_t value;
  bool has_value = false;
  avro_writer_t writer = nullptr;
  simdjson::dom::parser parser;
  Filler filler;
  ~Impl() {
    if (has_value) avro_value_decref(&value);
    if (writer) avro_writer_free(writer);
  }
};

Encoder::Encoder(std::shared_ptr<const Codec> codec)
    : codec_(std::move(codec)), impl_(std::make_unique<Impl>()) {
  // A generic value of a valid class only fails to allocate when memory is exhausted.
  impl_->has_value = avro_generic_value_new(codec_->avro_->iface, &impl_->value) == 0;
  static const char kEmpty[1] = {0};
  impl_->writer = avro_writer_memory(kEmpty, 0);
}

Encoder::~Encoder() = default;

Status Encoder::Encode(std::string_view json, std::string* out) {
  if (!impl_->has_value || !impl_->writer) return Status::Internal("libavro-c: out of memory");
  simdjson::dom::element doc;
  if (auto err = impl_->parser.parse(json.data(), json.size()).get(doc)) {
    return Status::InvalidArgument(fmt::format("not JSON: {}", simdjson::error_message(err)));
  }
  const size_t start = out->size();
  if (DirectWriter(codec_->nodes_).Write(0, doc, out, 0)) return Status::OK();
  out->resize(start);  // not a case the fast path takes: libavro-c's generic values
  return EncodeWithLibavro(doc, out);
}

Status Encoder::EncodeWithLibavro(std::string_view json, std::string* out) {
  if (!impl_->has_value || !impl_->writer) return Status::Internal("libavro-c: out of memory");
  simdjson::dom::element doc;
  if (auto err = impl_->parser.parse(json.data(), json.size()).get(doc)) {
    return Status::InvalidArgument(fmt::format("not JSON: {}", simdjson::error_message(err)));
  }
  return EncodeWithLibavro(doc, out);
}

Status Encoder::EncodeWithLibavro(const simdjson::dom::element& doc, std::string* out) {
  avro_value_reset(&impl_->value);
  RETURN_IF_ERROR(impl_->filler.Fill(&impl_->value, doc, "", 0));
  size_t size = 0;
  if (avro_value_sizeof(&impl_->value, &size) != 0) {
    return Status::InvalidArgument(fmt::format("libavro-c: {}", avro_strerror()));
  }
  const size_t at = out->size();
  out->resize(at + size);
  avro_writer_memory_set_dest(impl_->writer, out->data() + at, int64_t(size));
  if (avro_value_write(impl_->writer, &impl_->value) != 0) {
    out->resize(at);
    return Status::InvalidArgument(fmt::format("libavro-c: {}", avro_strerror()));
  }
  return Status::OK();
}

}  // namespace kappa::avro
