// kappa's own Avro reader over the plan: bounds-checked, zero-copy, depth-limited. Validate,
// DecodeToJsonDirect and DecodeRecord (the jobs' fast path) are walks of this reader.
//
// Invariant: the reader never reads past end_ and never trusts a count: a length is checked
// against the bytes left before it is used, a block of items that each take at least one
// byte cannot announce more items than bytes left, and zero-byte items are capped per payload
// (kMaxEmptyItems), so no input makes it allocate or loop more than its size allows.
#include <fmt/format.h>

#include <cstring>
#include <limits>
#include <unordered_set>

#include "avro/codec_internal.h"

namespace kappa::avro {
namespace {

using Kind = SchemaNode::Kind;

class Reader {
 public:
  Reader(const std::vector<SchemaNode>& nodes, std::string_view in)
      : nodes_(nodes), begin_(in.data()), p_(in.data()), end_(in.data() + in.size()) {}

  size_t remaining() const { return size_t(end_ - p_); }
  size_t position() const { return size_t(p_ - begin_); }

  Status Error(std::string_view what) const {
    return Status::InvalidArgument(fmt::format("Avro payload, byte {}: {}", position(), what));
  }

  // Avro's zig-zag varint, up to 10 bytes, as libavro-c reads it.
  Status Long(int64_t* v) {
    uint64_t value = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (p_ == end_) return Error("truncated (in a varint)");
      const uint8_t b = static_cast<uint8_t>(*p_++);
      value |= uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) {
        *v = int64_t((value >> 1) ^ (~(value & 1) + 1));
        return Status::OK();
      }
    }
    return Error("a varint longer than 10 bytes");
  }
  Status Int(int64_t* v) {
    RETURN_IF_ERROR(Long(v));
    if (*v < std::numeric_limits<int32_t>::min() || *v > std::numeric_limits<int32_t>::max()) {
      return Error(fmt::format("int value {} out of range", *v));
    }
    return Status::OK();
  }
  Status Bytes(std::string_view* out) {
    int64_t n;
    RETURN_IF_ERROR(Long(&n));
    if (n < 0) return Error(fmt::format("negative length {}", n));
    if (uint64_t(n) > remaining()) {
      return Error(fmt::format("length {} but only {} bytes left", n, remaining()));
    }
    *out = std::string_view(p_, size_t(n));
    p_ += n;
    return Status::OK();
  }
  Status Fixed(size_t n, std::string_view* out) {
    if (n > remaining()) return Error(fmt::format("fixed of {} bytes but only {} left", n, remaining()));
    *out = std::string_view(p_, n);
    p_ += n;
    return Status::OK();
  }
  // The item count of the next block of an array or map (0: the end). Negative counts carry a
  // byte size, which is read and ignored, as libavro-c does.
  Status BlockCount(const SchemaNode& items, int64_t* count) {
    RETURN_IF_ERROR(Long(count));
    if (*count < 0) {
      if (*count == std::numeric_limits<int64_t>::min()) return Error("invalid block count");
      *count = -*count;
      int64_t size = 0;
      RETURN_IF_ERROR(Long(&size));
      if (size < 0) return Error(fmt::format("negative block size {}", size));
    }
    if (items.may_be_empty) {
      empty_items_ += *count;
      if (empty_items_ > Codec::kMaxEmptyItems) {
        return Error(fmt::format("more than {} items of a zero-byte type", Codec::kMaxEmptyItems));
      }
    } else if (uint64_t(*count) > remaining()) {
      return Error(fmt::format("a block of {} items but only {} bytes left", *count, remaining()));
    }
    return Status::OK();
  }
  Status Branch(const SchemaNode& u, int32_t* node) {
    int64_t b = 0;
    RETURN_IF_ERROR(Long(&b));
    if (b < 0 || uint64_t(b) >= u.children.size()) {
      return Error(fmt::format("union branch {} of {}", b, u.children.size()));
    }
    *node = u.children[size_t(b)];
    return Status::OK();
  }
  Status Symbol(const SchemaNode& e, std::string_view* symbol) {
    int64_t i = 0;
    RETURN_IF_ERROR(Long(&i));
    if (i < 0 || uint64_t(i) >= e.names.size()) {
      return Error(fmt::format("enum {} has no symbol {}", e.name, i));
    }
    *symbol = e.names[size_t(i)];
    return Status::OK();
  }
  template <typename T>
  Status LittleEndian(T* v) {
    if (remaining() < sizeof(T)) return Error("truncated (in a float or double)");
    std::memcpy(v, p_, sizeof(T));  // Avro is little-endian, as is every target kappa runs on
    p_ += sizeof(T);
    return Status::OK();
  }

  // Reads one value of `index`; renders it as JSON into *json unless null.
  Status Value(int32_t index, int depth, std::string* json) {
    if (depth > Codec::kMaxDepth) return Error(fmt::format("nested deeper than {}", Codec::kMaxDepth));
    const SchemaNode& n = nodes_[size_t(index)];
    switch (n.kind) {
      case Kind::kNull:
        if (json) *json += "null";
        return Status::OK();
      case Kind::kBoolean: {
        if (p_ == end_) return Error("truncated (in a boolean)");
        const uint8_t b = static_cast<uint8_t>(*p_++);
        if (json) *json += b ? "true" : "false";
        return Status::OK();
      }
      case Kind::kInt:
      case Kind::kLong: {
        int64_t v = 0;
        RETURN_IF_ERROR(n.kind == Kind::kInt ? Int(&v) : Long(&v));
        if (json) fmt::format_to(std::back_inserter(*json), "{}", v);
        return Status::OK();
      }
      case Kind::kFloat: {
        float f;
        RETURN_IF_ERROR(LittleEndian(&f));
        if (json) AppendJsonFloat(f, json);
        return Status::OK();
      }
      case Kind::kDouble: {
        double d;
        RETURN_IF_ERROR(LittleEndian(&d));
        if (json) AppendJsonDouble(d, json);
        return Status::OK();
      }
      case Kind::kString:
      case Kind::kBytes: {
        std::string_view s;
        RETURN_IF_ERROR(Bytes(&s));
        if (json) n.kind == Kind::kString ? AppendJsonString(s, json) : AppendJsonBytes(s, json);
        return Status::OK();
      }
      case Kind::kFixed: {
        std::string_view s;
        RETURN_IF_ERROR(Fixed(size_t(n.fixed_size), &s));
        if (json) AppendJsonBytes(s, json);
        return Status::OK();
      }
      case Kind::kEnum: {
        std::string_view s;
        RETURN_IF_ERROR(Symbol(n, &s));
        if (json) AppendJsonString(s, json);
        return Status::OK();
      }
      case Kind::kUnion: {
        int32_t branch = 0;
        RETURN_IF_ERROR(Branch(n, &branch));
        return Value(branch, depth + 1, json);
      }
      case Kind::kRecord: {
        if (json) json->push_back('{');
        for (size_t i = 0; i < n.children.size(); ++i) {
          if (json) {
            if (i) json->push_back(',');
            AppendJsonString(n.names[i], json);
            json->push_back(':');
          }
          RETURN_IF_ERROR(Value(n.children[i], depth + 1, json));
        }
        if (json) json->push_back('}');
        return Status::OK();
      }
      case Kind::kArray:
      case Kind::kMap: {
        const bool map = n.kind == Kind::kMap;
        const SchemaNode& items = nodes_[size_t(n.children[0])];
        if (json) json->push_back(map ? '{' : '[');
        bool first = true;
        // A key twice has no one meaning (libavro-c keeps the last value at the first place,
        // Java's HashMap the last): such a map is refused.
        std::unordered_set<std::string_view> keys;
        while (true) {
          int64_t count = 0;
          RETURN_IF_ERROR(BlockCount(items, &count));
          if (count == 0) break;
          for (int64_t i = 0; i < count; ++i) {
            if (json && !first) json->push_back(',');
            first = false;
            if (map) {
              std::string_view key;
              RETURN_IF_ERROR(Bytes(&key));
              if (!keys.insert(key).second) return Error("a map key appears twice");
              // libavro-c keeps map keys as C strings, so it would cut this one short.
              if (key.find('\0') != std::string_view::npos) return Error("a map key with a NUL byte");
              if (json) {
                AppendJsonString(key, json);
                json->push_back(':');
              }
            }
            RETURN_IF_ERROR(Value(n.children[0], depth + 1, json));
          }
        }
        if (json) json->push_back(map ? '}' : ']');
        return Status::OK();
      }
    }
    return Error("unknown schema node");
  }

  // One top-level field for DecodeRecord. kJson values are appended to *scratch and their
  // offset kept in `integer` until the caller fixes the view (scratch may reallocate).
  Status Field(int32_t index, FieldValue* f, std::string* scratch) {
    const SchemaNode* n = &nodes_[size_t(index)];
    if (n->kind == Kind::kUnion) {
      int32_t branch = 0;
      RETURN_IF_ERROR(Branch(*n, &branch));
      index = branch;
      n = &nodes_[size_t(index)];
    }
    switch (n->kind) {
      case Kind::kNull: f->kind = FieldValue::Kind::kNull; return Status::OK();
      case Kind::kBoolean:
        if (p_ == end_) return Error("truncated (in a boolean)");
        f->kind = FieldValue::Kind::kBoolean;
        f->boolean = *p_++ != 0;
        return Status::OK();
      case Kind::kInt: f->kind = FieldValue::Kind::kLong; return Int(&f->integer);
      case Kind::kLong: f->kind = FieldValue::Kind::kLong; return Long(&f->integer);
      case Kind::kFloat: {
        float v;
        RETURN_IF_ERROR(LittleEndian(&v));
        f->kind = FieldValue::Kind::kFloat;
        f->number = v;
        return Status::OK();
      }
      case Kind::kDouble: f->kind = FieldValue::Kind::kDouble; return LittleEndian(&f->number);
      case Kind::kString: f->kind = FieldValue::Kind::kString; return Bytes(&f->text);
      case Kind::kBytes: f->kind = FieldValue::Kind::kBytes; return Bytes(&f->text);
      case Kind::kFixed: f->kind = FieldValue::Kind::kBytes; return Fixed(size_t(n->fixed_size), &f->text);
      case Kind::kEnum: f->kind = FieldValue::Kind::kString; return Symbol(*n, &f->text);
      default: {  // record, array, map (a union's branch is never a union)
        f->kind = FieldValue::Kind::kJson;
        f->integer = int64_t(scratch->size());
        RETURN_IF_ERROR(Value(index, 1, scratch));
        f->number = double(scratch->size() - size_t(f->integer));
        return Status::OK();
      }
    }
  }

 private:
  const std::vector<SchemaNode>& nodes_;
  const char* begin_;
  const char* p_;
  const char* end_;
  int64_t empty_items_ = 0;
};

Status CheckEnd(const Reader& r) {
  if (r.remaining() != 0) return r.Error(fmt::format("{} bytes after the value", r.remaining()));
  return Status::OK();
}

}  // namespace

Status Codec::Validate(std::string_view payload) const {
  Reader r(nodes_, payload);
  RETURN_IF_ERROR(r.Value(0, 0, nullptr));
  return CheckEnd(r);
}

Status Codec::DecodeToJsonDirect(std::string_view payload, std::string* out) const {
  const size_t size = out->size();
  Reader r(nodes_, payload);
  Status st = r.Value(0, 0, out);
  if (st.ok()) st = CheckEnd(r);
  if (!st.ok()) out->resize(size);
  return st;
}

Status Codec::DecodeRecord(std::string_view payload, std::vector<FieldValue>* fields,
                           std::string* scratch) const {
  const SchemaNode& root = nodes_[0];
  if (root.kind != Kind::kRecord) {
    return Status::InvalidArgument(
        fmt::format("the writer schema is a {}, not a record", KindName(root.kind)));
  }
  scratch->clear();
  fields->resize(root.children.size());
  Reader r(nodes_, payload);
  for (size_t i = 0; i < root.children.size(); ++i) {
    Status st = r.Field(root.children[i], &(*fields)[i], scratch);
    if (!st.ok()) return st.WithContext("field '" + root.names[i] + "'");
  }
  RETURN_IF_ERROR(CheckEnd(r));
  for (FieldValue& f : *fields) {
    if (f.kind == FieldValue::Kind::kJson) {
      f.text = std::string_view(*scratch).substr(size_t(f.integer), size_t(f.number));
    }
  }
  return Status::OK();
}

}  // namespace kappa::avro
