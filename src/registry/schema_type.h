// The seam between the registry core and its schema types (AVRO, JSON, PROTOBUF): the core
// stores subjects, versions and ids and applies compatibility levels; a SchemaType parses,
// canonicalizes and compares schemas of one kind. Internal to src/registry.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <utility>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace kappa::registry {

// A schema this one names, already resolved by the core from `subject`/`version`
// (Confluent's "references": [{"name", "subject", "version"}]). `name` is how the referring
// schema names it: an Avro full name, a JSON Schema $ref URL, a .proto import path.
struct ResolvedReference {
  std::string name;
  std::string subject;
  int32_t version = 0;
  std::string schema;  // the referenced schema's text, as registered
  // The referenced schema's own references, transitively resolved (depth-first order).
  std::vector<ResolvedReference> references;
};

// The texts of `refs` and everything they reference, each after the ones it uses (depth
// first), each once (a schema referenced twice, a diamond, would otherwise define its types
// twice): what avro::Parse takes as references.
inline void FlattenReferences(const std::vector<ResolvedReference>& refs,
                              std::set<std::pair<std::string, int32_t>>* seen,
                              std::vector<std::string>* out) {
  for (const auto& r : refs) {
    if (!seen->insert({r.subject, r.version}).second) continue;
    FlattenReferences(r.references, seen, out);
    out->push_back(r.schema);
  }
}
inline std::vector<std::string> FlattenReferences(const std::vector<ResolvedReference>& refs) {
  std::set<std::pair<std::string, int32_t>> seen;
  std::vector<std::string> out;
  FlattenReferences(refs, &seen, &out);
  return out;
}

// One parsed, valid schema. Immutable and thread-safe once built.
class ParsedSchema {
 public:
  virtual ~ParsedSchema() = default;

  // "AVRO", "JSON" or "PROTOBUF".
  virtual std::string_view type() const = 0;

  // The form two schemas are compared by to decide they are "the same schema" (one id,
  // re-registration returns the existing version). Avro: Parsing Canonical Form extended with
  // what changes resolution (defaults, aliases, logical types); JSON: the document with
  // object keys sorted and insignificant whitespace removed.
  virtual const std::string& canonical() const = 0;

  // The text stored and served for this schema: the text as given, or with
  // `?normalize=true` the normalized form (Confluent: canonical form with references
  // resolved by name).
  virtual std::string Text(bool normalize) const = 0;

  // Why data written with `writer` cannot be read with this schema as the reader, one
  // human-readable reason per incompatibility (Confluent's verbose messages, e.g.
  // "READER_FIELD_MISSING_DEFAULT_VALUE at /fields/2: field 'age' has no default").
  // Empty: compatible. `writer` is always of the same type().
  // `reader_is_new`: this schema (the reader) is the one being registered or checked, as in
  // a BACKWARD check; false in the FORWARD direction, where the old schema reads the new
  // one's data. Confluent's messages name the two schemas "new" and "old" by it (Avro:
  // "... in the new schema has no default value and is missing in the old schema"); a type
  // whose messages do not name them may ignore it.
  virtual std::vector<std::string> ReadIncompatibilities(const ParsedSchema& writer,
                                                         bool reader_is_new) const = 0;
  // The BACKWARD direction: ReadIncompatibilities(writer, /*reader_is_new=*/true).
  std::vector<std::string> ReadIncompatibilities(const ParsedSchema& writer) const {
    return ReadIncompatibilities(writer, true);
  }
};

// Parses one kind of schema.
class SchemaType {
 public:
  virtual ~SchemaType() = default;
  virtual std::string_view name() const = 0;  // "AVRO", "JSON", "PROTOBUF"
  // InvalidArgument with a message Confluent would give (error 42201) when `text` is not a
  // valid schema of this type or a reference cannot be resolved.
  virtual Result<std::shared_ptr<const ParsedSchema>> Parse(
      std::string_view text, const std::vector<ResolvedReference>& references) const = 0;
};

// One instance of each type, defined next to its implementation:
// avro_schema_type.cc (over src/avro), json_schema_type.cc, protobuf_schema_type.cc.
const SchemaType& AvroSchemaType();
const SchemaType& JsonSchemaType();
const SchemaType& ProtobufSchemaType();

// The schema types this build supports, by Confluent name ("AVRO" is the default when a
// request names none). Defined in schema_types.cc.
const SchemaType* FindSchemaType(std::string_view name);
std::vector<std::string> SchemaTypeNames();

}  // namespace kappa::registry
