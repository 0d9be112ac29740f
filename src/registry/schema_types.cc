// The schema types of this build. Each type is defined next to its implementation
// (avro_schema_type.cc, json_schema_type.cc, protobuf_schema_type.cc); CMakeLists.txt
// compiles the ones present and defines KAPPA_REGISTRY_HAS_<TYPE> for them.

#include "registry/schema_type.h"

namespace kappa::registry {

namespace {

std::vector<const SchemaType*> Types() {
  std::vector<const SchemaType*> types;
#ifdef KAPPA_REGISTRY_HAS_AVRO
  types.push_back(&AvroSchemaType());
#endif
#ifdef KAPPA_REGISTRY_HAS_JSON
  types.push_back(&JsonSchemaType());
#endif
#ifdef KAPPA_REGISTRY_HAS_PROTOBUF
  types.push_back(&ProtobufSchemaType());
#endif
  return types;
}

const std::vector<const SchemaType*>& AllTypes() {
  static const std::vector<const SchemaType*> types = Types();
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
