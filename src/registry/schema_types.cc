// The schema types of this build, each defined next to its implementation
// (avro_schema_type.cc over src/avro, json_schema_type.cc, protobuf_schema_type.cc).

#include "registry/schema_type.h"

namespace kappa::registry {

namespace {

// Confluent's order for GET /schemas/types.
const std::vector<const SchemaType*>& AllTypes() {
  static const std::vector<const SchemaType*> types = {&JsonSchemaType(), &ProtobufSchemaType(),
                                                       &AvroSchemaType()};
  return types;
}

}  // namespace

const SchemaType* FindSchemaType(std::string_view name) {
  if (name.empty()) name = "AVRO";
  for (const SchemaType* t : AllTypes()) {
    if (t->name() == name) return t;
  }
  return nullptr;
}

std::vector<std::string> SchemaTypeNames() {
  std::vector<std::string> names;
  for (const SchemaType* t : AllTypes()) names.emplace_back(t->name());
  return names;
}

}  // namespace kappa::registry
