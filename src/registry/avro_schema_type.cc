// The AVRO schema type of the registry, over src/avro: parsing (with Confluent references),
// the identity form that decides "same schema, same id", normalization, and the
// schema-resolution checker behind every compatibility level.
#include "avro/avro.h"
#include "registry/schema_type.h"

namespace kappa::registry {

namespace {

class AvroParsedSchema final : public ParsedSchema {
 public:
  AvroParsedSchema(std::string text, std::shared_ptr<const avro::Schema> schema)
      : text_(std::move(text)), schema_(std::move(schema)), canonical_(schema_->IdentityForm()) {}

  std::string_view type() const override { return "AVRO"; }
  const std::string& canonical() const override { return canonical_; }
  // Normalized: the identity form (full names, fixed attribute order, no docs, no
  // whitespace), so a normalized registration and the identity it is compared by agree.
  std::string Text(bool normalize) const override { return normalize ? canonical_ : text_; }

  std::vector<std::string> ReadIncompatibilities(const ParsedSchema& writer,
                                                 bool reader_is_new) const override {
    const auto* w = dynamic_cast<const AvroParsedSchema*>(&writer);
    if (w == nullptr) return {"TYPE_MISMATCH: the writer schema is not an Avro schema"};
    std::vector<std::string> out;
    // Confluent names the schemas by role in the check: in BACKWARD the new schema reads
    // (reader "new", writer "old"), in FORWARD the old one does.
    std::string_view reader = reader_is_new ? "new" : "old";
    std::string_view written = reader_is_new ? "old" : "new";
    for (const auto& i : avro::CheckCompatibility(*schema_, *w->schema_)) {
      out.push_back(avro::Describe(i, reader, written));
    }
    return out;
  }

 private:
  std::string text_;
  std::shared_ptr<const avro::Schema> schema_;
  std::string canonical_;
};

class AvroType final : public SchemaType {
 public:
  std::string_view name() const override { return "AVRO"; }

  Result<std::shared_ptr<const ParsedSchema>> Parse(
      std::string_view text, const std::vector<ResolvedReference>& references) const override {
    auto schema = avro::Parse(text, FlattenReferences(references));
    if (!schema.ok())
      return Status::InvalidArgument("Invalid schema: " + schema.status().message());
    return std::shared_ptr<const ParsedSchema>(
        std::make_shared<AvroParsedSchema>(std::string(text), std::move(*schema)));
  }
};

}  // namespace

const SchemaType& AvroSchemaType() {
  static const AvroType kType;
  return kType;
}

}  // namespace kappa::registry
