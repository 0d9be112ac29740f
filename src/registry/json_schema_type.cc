// The JSON schema type (Confluent's "JSON"): JSON Schema draft-04, -06, -07, 2019-09 and
// 2020-12 documents, with references to other JSON schemas by $ref URL.
#include "registry/json_schema_internal.h"
#include "registry/schema_type.h"

namespace kappa::registry {
namespace {

class JsonParsedSchema final : public ParsedSchema {
 public:
  JsonParsedSchema(std::string text, std::unique_ptr<json_schema::SchemaSet> set)
      : text_(std::move(text)), set_(std::move(set)), canonical_(set_->root_json().dump()) {}

  std::string_view type() const override { return "JSON"; }
  const std::string& canonical() const override { return canonical_; }
  std::string Text(bool normalize) const override { return normalize ? canonical_ : text_; }

  // Confluent's JSON/PROTOBUF messages name paths, not which schema is new: the flag is unused.
  std::vector<std::string> ReadIncompatibilities(const ParsedSchema& writer,
                                                 bool /*reader_is_new*/) const override {
    const auto* w = dynamic_cast<const JsonParsedSchema*>(&writer);
    if (!w) return {"Found incompatible change: Difference{jsonPath='#/', type=TYPE_CHANGED}"};
    return json_schema::Incompatibilities(*w->set_, *set_);
  }

 private:
  std::string text_;
  std::unique_ptr<json_schema::SchemaSet> set_;
  std::string canonical_;  // keys sorted (nlohmann's object is an ordered map), no spaces
};

class JsonSchemaTypeImpl final : public SchemaType {
 public:
  std::string_view name() const override { return "JSON"; }
  Result<std::shared_ptr<const ParsedSchema>> Parse(
      std::string_view text, const std::vector<ResolvedReference>& references) const override {
    ASSIGN_OR_RETURN(auto set, json_schema::SchemaSet::Load(text, references));
    return std::shared_ptr<const ParsedSchema>(
        std::make_shared<JsonParsedSchema>(std::string(text), std::move(set)));
  }
};

}  // namespace

const SchemaType& JsonSchemaType() {
  static const JsonSchemaTypeImpl kType;
  return kType;
}

}  // namespace kappa::registry
