// Codec::Compile: libavro-c parses the schema; kappa copies its shape into a flat plan
// (SchemaNode vector) for the bounds-checked reader. Named types are visited once, so a
// recursive schema (a linked list) becomes a cycle of node indexes.
#include <avro.h>

#include <fmt/format.h>

#include <map>

#include "avro/codec_internal.h"

namespace kappa::avro {
namespace {

using Kind = SchemaNode::Kind;

class PlanBuilder {
 public:
  explicit PlanBuilder(std::vector<SchemaNode>* nodes) : nodes_(nodes) {}

  Result<int32_t> Add(avro_schema_t s, int depth) {
    if (depth > 1000) return Status::InvalidArgument("the schema nests too deeply");
    while (is_avro_link(s)) s = avro_schema_link_target(s);
    auto seen = named_.find(s);
    if (seen != named_.end()) return seen->second;
    const int32_t index = static_cast<int32_t>(nodes_->size());
    nodes_->emplace_back();
    SchemaNode node;
    switch (avro_typeof(s)) {
      case AVRO_NULL: node.kind = Kind::kNull; break;
      case AVRO_BOOLEAN: node.kind = Kind::kBoolean; break;
      case AVRO_INT32: node.kind = Kind::kInt; break;
      case AVRO_INT64: node.kind = Kind::kLong; break;
      case AVRO_FLOAT: node.kind = Kind::kFloat; break;
      case AVRO_DOUBLE: node.kind = Kind::kDouble; break;
      case AVRO_BYTES: node.kind = Kind::kBytes; break;
      case AVRO_STRING: node.kind = Kind::kString; break;
      case AVRO_RECORD: {
        node.kind = Kind::kRecord;
        node.name = FullName(s);
        named_[s] = index;
        (*nodes_)[size_t(index)].kind = node.kind;  // what a recursive reference sees meanwhile
        (*nodes_)[size_t(index)].name = node.name;
        const size_t n = avro_schema_record_size(s);
        for (size_t i = 0; i < n; ++i) {
          node.names.push_back(avro_schema_record_field_name(s, int(i)));
          ASSIGN_OR_RETURN(int32_t child,
                           Add(avro_schema_record_field_get_by_index(s, int(i)), depth + 1));
          node.children.push_back(child);
        }
        break;
      }
      case AVRO_ENUM: {
        node.kind = Kind::kEnum;
        node.name = FullName(s);
        named_[s] = index;
        const int n = avro_schema_enum_number_of_symbols(s);
        for (int i = 0; i < n; ++i) node.names.push_back(avro_schema_enum_get(s, i));
        if (n == 0) return Status::InvalidArgument("enum " + node.name + " has no symbols");
        break;
      }
      case AVRO_FIXED:
        node.kind = Kind::kFixed;
        node.name = FullName(s);
        named_[s] = index;
        node.fixed_size = avro_schema_fixed_size(s);
        if (node.fixed_size < 0) return Status::InvalidArgument("fixed " + node.name + ": negative size");
        break;
      case AVRO_ARRAY: {
        node.kind = Kind::kArray;
        ASSIGN_OR_RETURN(int32_t child, Add(avro_schema_array_items(s), depth + 1));
        node.children.push_back(child);
        break;
      }
      case AVRO_MAP: {
        node.kind = Kind::kMap;
        ASSIGN_OR_RETURN(int32_t child, Add(avro_schema_map_values(s), depth + 1));
        node.children.push_back(child);
        break;
      }
      case AVRO_UNION: {
        node.kind = Kind::kUnion;
        const size_t n = avro_schema_union_size(s);
        if (n == 0) return Status::InvalidArgument("a union without branches");
        for (size_t i = 0; i < n; ++i) {
          ASSIGN_OR_RETURN(int32_t child, Add(avro_schema_union_branch(s, int(i)), depth + 1));
          // The specification forbids two branches of one unnamed type or one name;
          // libavro-c lets them through.
          const SchemaNode& b = (*nodes_)[size_t(child)];
          for (int32_t other : node.children) {
            const SchemaNode& o = (*nodes_)[size_t(other)];
            if (o.kind == b.kind && o.name == b.name) {
              return Status::InvalidArgument(fmt::format(
                  "a union has two branches of type {}", b.name.empty() ? KindName(b.kind) : b.name));
            }
          }
          node.children.push_back(child);
        }
        break;
      }
      default:
        return Status::InvalidArgument(fmt::format("unsupported schema type {}", int(avro_typeof(s))));
    }
    (*nodes_)[index] = std::move(node);
    return index;
  }

 private:
  static std::string FullName(avro_schema_t s) {
    const char* ns = avro_schema_namespace(s);
    const char* name = avro_schema_name(s);
    std::string full = ns && *ns ? std::string(ns) + "." : std::string();
    return full + (name ? name : "");
  }

  std::vector<SchemaNode>* nodes_;
  std::map<avro_schema_t, int32_t> named_;
};

// may_be_empty: the least fixpoint from "nothing is empty": a record is empty when all its
// fields are; a recursive record never is (its recursion goes through a union or a container,
// which take at least one byte).
void MarkEmpty(std::vector<SchemaNode>* nodes) {
  bool changed = true;
  while (changed) {
    changed = false;
    for (SchemaNode& n : *nodes) {
      if (n.may_be_empty) continue;
      bool empty = false;
      switch (n.kind) {
        case Kind::kNull: empty = true; break;
        case Kind::kFixed: empty = n.fixed_size == 0; break;
        case Kind::kRecord: {
          empty = true;
          for (int32_t c : n.children) empty &= (*nodes)[c].may_be_empty;
          break;
        }
        default: break;
      }
      if (empty) {
        n.may_be_empty = true;
        changed = true;
      }
    }
  }
}

}  // namespace

std::string_view KindName(SchemaNode::Kind kind) {
  switch (kind) {
    case Kind::kNull: return "null";
    case Kind::kBoolean: return "boolean";
    case Kind::kInt: return "int";
    case Kind::kLong: return "long";
    case Kind::kFloat: return "float";
    case Kind::kDouble: return "double";
    case Kind::kBytes: return "bytes";
    case Kind::kString: return "string";
    case Kind::kRecord: return "record";
    case Kind::kEnum: return "enum";
    case Kind::kArray: return "array";
    case Kind::kMap: return "map";
    case Kind::kUnion: return "union";
    case Kind::kFixed: return "fixed";
  }
  return "?";
}

Codec::Avro::~Avro() {
  if (iface) avro_value_iface_decref(iface);
  if (schema) avro_schema_decref(schema);
}

Codec::~Codec() = default;

Result<std::shared_ptr<const Codec>> Codec::Compile(std::string_view schema_json) {
  std::shared_ptr<Codec> c(new Codec());
  c->schema_json_.assign(schema_json);
  c->avro_ = std::make_unique<Avro>();
  avro_schema_error_t unused;
  if (avro_schema_from_json_length(c->schema_json_.data(), c->schema_json_.size(),
                                   &c->avro_->schema) != 0) {
    (void)unused;
    return Status::InvalidArgument(fmt::format("invalid Avro schema: {}", avro_strerror()));
  }
  c->avro_->iface = avro_generic_class_from_schema(c->avro_->schema);
  if (!c->avro_->iface) {
    return Status::InvalidArgument(fmt::format("invalid Avro schema: {}", avro_strerror()));
  }
  PlanBuilder b(&c->nodes_);
  auto root = b.Add(c->avro_->schema, 0);  // always node 0: the first added
  if (!root.ok()) return root.status().WithContext("invalid Avro schema");
  MarkEmpty(&c->nodes_);
  return std::shared_ptr<const Codec>(std::move(c));
}

}  // namespace kappa::avro
