// Reading registered values outside the registry (registry.h), for readers such as the
// console's message browser; references resolved through the registry's public API:
// - SelfContainedAvroSchema: an AVRO schema with its references written in (avro::Parse's
//   self-contained form), for a codec;
// - ProtobufDecoder: Confluent-framed Protobuf values as JSON. The schema and everything it
//   imports are built once into a DescriptorPool (protobuf_load.cc); each value's message
//   indexes pick the message type, libprotobuf's DynamicMessage parses the bytes and its JSON
//   printer writes them (proto3's JSON mapping, field names as in the .proto).
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>

#include <fmt/format.h>

#include "avro/avro.h"
#include "registry/protobuf_internal.h"
#include "registry/registry.h"

namespace kappa::registry {
namespace {

namespace gp = google::protobuf;

constexpr int kMaxReferenceDepth = 32;
constexpr uint64_t kMaxIndexes = 64;  // message nesting a value may name

Status Resolve(const Registry& registry, const std::vector<SchemaReference>& refs, int depth,
               std::vector<ResolvedReference>* out) {
  if (depth > kMaxReferenceDepth) return Status::InvalidArgument("schema references nest too deeply");
  for (const SchemaReference& r : refs) {
    auto v = registry.GetVersion(r.subject, r.version, /*include_deleted=*/true);
    if (!v.ok()) {
      return Status::NotFound(fmt::format("reference '{}' ({} version {}): {}", r.name, r.subject,
                                          r.version, v.status().message()));
    }
    ResolvedReference rr{r.name, v->subject, v->version, v->schema, {}};
    RETURN_IF_ERROR(Resolve(registry, v->references, depth + 1, &rr.references));
    out->push_back(std::move(rr));
  }
  return Status::OK();
}

// A zigzag varint (Confluent writes the message indexes with Kafka's varint encoding).
bool ReadZigZag(std::string_view* in, int64_t* out) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in->empty()) return false;
    const uint8_t b = uint8_t(in->front());
    in->remove_prefix(1);
    v |= uint64_t(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      *out = int64_t(v >> 1) ^ -int64_t(v & 1);
      return true;
    }
  }
  return false;
}

}  // namespace

Result<std::string> SelfContainedAvroSchema(const Registry& registry,
                                            const RegisteredSchema& schema) {
  if (schema.type != "AVRO") {
    return Status::InvalidArgument("schema " + std::to_string(schema.id) + " is " + schema.type +
                                   ", not AVRO");
  }
  if (schema.references.empty()) return schema.schema;
  std::vector<ResolvedReference> refs;
  RETURN_IF_ERROR(Resolve(registry, schema.references, 0, &refs));
  auto parsed = avro::Parse(schema.schema, FlattenReferences(refs));
  if (!parsed.ok()) return parsed.status();
  return (*parsed)->SelfContainedForm();
}

struct ProtobufDecoder::Impl {
  protobuf::LoadedProto loaded;
  std::unique_ptr<gp::DynamicMessageFactory> factory;
};

ProtobufDecoder::ProtobufDecoder() = default;
ProtobufDecoder::~ProtobufDecoder() = default;

Result<std::shared_ptr<const ProtobufDecoder>> ProtobufDecoder::ForSchema(
    const Registry& registry, const RegisteredSchema& schema) {
  if (schema.type != "PROTOBUF") {
    return Status::InvalidArgument("schema " + std::to_string(schema.id) + " is " + schema.type +
                                   ", not PROTOBUF");
  }
  std::vector<ResolvedReference> refs;
  RETURN_IF_ERROR(Resolve(registry, schema.references, 0, &refs));
  ASSIGN_OR_RETURN(protobuf::LoadedProto loaded, protobuf::Load(schema.schema, refs));
  auto d = std::shared_ptr<ProtobufDecoder>(new ProtobufDecoder());
  d->impl_ = std::make_unique<Impl>();
  d->impl_->loaded = std::move(loaded);
  d->impl_->factory = std::make_unique<gp::DynamicMessageFactory>(d->impl_->loaded.pool.get());
  return std::shared_ptr<const ProtobufDecoder>(std::move(d));
}

Result<std::string> ProtobufDecoder::ToJson(std::string_view payload, std::string* type) const {
  // The message indexes: a count, then each index; a lone 0 means the first message.
  int64_t count = 0;
  if (!ReadZigZag(&payload, &count) || count < 0 || uint64_t(count) > kMaxIndexes) {
    return Status::InvalidArgument("malformed message indexes before the Protobuf message");
  }
  std::vector<int64_t> indexes;
  for (int64_t i = 0; i < count; ++i) {
    int64_t ix = 0;
    if (!ReadZigZag(&payload, &ix)) {
      return Status::InvalidArgument("malformed message indexes before the Protobuf message");
    }
    indexes.push_back(ix);
  }
  if (indexes.empty()) indexes.push_back(0);
  const gp::FileDescriptor* file = impl_->loaded.file;
  const gp::Descriptor* desc = nullptr;
  for (size_t k = 0; k < indexes.size(); ++k) {
    const int64_t ix = indexes[k];
    const int n = k == 0 ? file->message_type_count() : desc->nested_type_count();
    if (ix < 0 || ix >= n) {
      return Status::InvalidArgument(fmt::format(
          "message index {} is out of range (the schema has {} message types there)", ix, n));
    }
    desc = k == 0 ? file->message_type(int(ix)) : desc->nested_type(int(ix));
  }
  if (type != nullptr) *type = desc->full_name();
  const gp::Message* prototype = impl_->factory->GetPrototype(desc);
  std::unique_ptr<gp::Message> m(prototype->New());
  if (!m->ParseFromArray(payload.data(), int(payload.size()))) {
    return Status::InvalidArgument("not a Protobuf message of type " + desc->full_name());
  }
  gp::util::JsonPrintOptions o;
  o.preserve_proto_field_names = true;
  std::string out;
  auto st = gp::util::MessageToJsonString(*m, &out, o);
  if (!st.ok()) return Status::InvalidArgument("printing as JSON: " + std::string(st.message()));
  return out;
}

}  // namespace kappa::registry
