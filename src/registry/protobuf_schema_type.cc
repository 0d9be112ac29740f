// The PROTOBUF schema type: .proto (proto2 or proto3) files, validated by libprotobuf as
// protoc would, with imports resolved from the schema's references by import path.
#include "registry/protobuf_internal.h"
#include "registry/schema_type.h"

namespace kappa::registry {
namespace {

class ProtobufParsedSchema final : public ParsedSchema {
 public:
  ProtobufParsedSchema(std::string text, protobuf::LoadedProto loaded)
      : text_(std::move(text)),
        loaded_(std::move(loaded)),
        canonical_(protobuf::Canonical(*loaded_.file)) {}

  std::string_view type() const override { return "PROTOBUF"; }
  const std::string& canonical() const override { return canonical_; }
  std::string Text(bool normalize) const override { return normalize ? canonical_ : text_; }

  // Confluent's JSON/PROTOBUF messages name paths, not which schema is new: the flag is unused.
  std::vector<std::string> ReadIncompatibilities(const ParsedSchema& writer,
                                                 bool /*reader_is_new*/) const override {
    const auto* w = dynamic_cast<const ProtobufParsedSchema*>(&writer);
    if (!w) return {"Found incompatible change: Difference{fullPath='#/', type=TYPE_CHANGED}"};
    return protobuf::Incompatibilities(*w->loaded_.file, *loaded_.file);
  }

 private:
  std::string text_;
  protobuf::LoadedProto loaded_;  // owns the pool the descriptors live in
  std::string canonical_;
};

class ProtobufSchemaTypeImpl final : public SchemaType {
 public:
  std::string_view name() const override { return "PROTOBUF"; }
  Result<std::shared_ptr<const ParsedSchema>> Parse(
      std::string_view text, const std::vector<ResolvedReference>& references) const override {
    ASSIGN_OR_RETURN(protobuf::LoadedProto loaded, protobuf::Load(text, references));
    return std::shared_ptr<const ParsedSchema>(
        std::make_shared<ProtobufParsedSchema>(std::string(text), std::move(loaded)));
  }
};

}  // namespace

const SchemaType& ProtobufSchemaType() {
  static const ProtobufSchemaTypeImpl kType;
  return kType;
}

}  // namespace kappa::registry
