// Avro schemas (Apache Avro specification 1.11): an immutable model parsed from schema JSON
// and validated per the spec (and by libavro-c), Parsing Canonical Form, the registry's
// identity form, and the schema-resolution compatibility checker ("can a reader with schema R
// read data written with schema W"), with Confluent-style reasons. See src/avro/README.md.
//
// Thread safety: a Schema is immutable after Parse and may be shared across threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace kappa::avro {

enum class Type {
  kNull, kBoolean, kInt, kLong, kFloat, kDouble, kBytes, kString,  // primitives
  kRecord, kEnum, kArray, kMap, kUnion, kFixed,
};
// "null", "record", ... (the spec's lower-case names).
std::string_view TypeName(Type t);
bool IsNamed(Type t);  // record, enum, fixed

struct Node;

// A record field. `type` points into the owning Schema (or a referenced one).
struct Field {
  std::string name;
  const Node* type = nullptr;
  std::string doc;
  std::optional<nlohmann::json> default_value;  // normalized for `type` (see Parse)
  std::vector<std::string> aliases;              // as given (field aliases have no namespace)
  std::string order = "ascending";               // ascending | descending | ignore
};

// One schema node. Named nodes (record, enum, fixed) are shared by every reference to their
// name, so a recursive record's field points back at the record: walk with a visited set.
struct Node {
  Type type = Type::kNull;
  // Named types.
  std::string name;        // the short name ("User")
  std::string space;       // the namespace ("" when none)
  std::string full_name;   // "com.acme.User"
  std::vector<std::string> aliases;  // full names, resolved against `space`, sorted
  std::string doc;
  // record
  std::vector<Field> fields;
  // enum
  std::vector<std::string> symbols;
  std::optional<std::string> enum_default;
  // fixed
  int64_t size = 0;
  // array items / map values
  const Node* items = nullptr;
  // union
  std::vector<const Node*> branches;
  // Logical type attributes as given ("decimal", precision, scale); empty when none.
  // `logical_valid` is false when the spec says to ignore it (wrong base type, bad precision).
  std::string logical_type;
  std::optional<int64_t> precision, scale;
  bool logical_valid = false;
};

// A parsed, validated schema: owns its nodes; named types of the referenced schemas it was
// parsed with stay alive through `refs` and are printed by name only (they are not part of
// this schema's text).
class Schema {
 public:
  const Node& root() const { return *root_; }
  // The named types this schema defines itself (not those of references), by full name.
  const std::vector<const Node*>& defined() const { return defined_; }
  // Named types that came from referenced schemas (printed by name, never inlined).
  bool IsExternal(const Node* n) const;

  // Parsing Canonical Form, exactly per the spec ([PRIMITIVES], [FULLNAMES], [STRIP],
  // [ORDER], [STRINGS], [INTEGERS], [WHITESPACE]). Named types of references appear by name.
  std::string CanonicalForm() const;
  // The registry's identity: Parsing Canonical Form plus what changes how data resolves
  // (field and enum defaults, aliases, logical type attributes), in a fixed order
  // (docs/formats/avro_identity.md). Two schemas with equal identity form get one id.
  std::string IdentityForm() const;
  // The same form with every named type written out where it is first used, references
  // included: a self-contained schema (what libavro-c is given when there are references).
  std::string SelfContainedForm() const;

 private:
  friend class Parser;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<const Node*> defined_;
  std::unordered_set<const Node*> own_;  // defined_, for IsExternal
  std::vector<std::shared_ptr<const Schema>> refs_;
  const Node* root_ = nullptr;
};

// Parses and validates `text` (Avro schema JSON). `references` are the texts of schemas whose
// named types `text` may use (Confluent schema references), in dependency order: each may use
// the named types of the ones before it. InvalidArgument with a message naming the JSON path
// and the rule (e.g. "/fields/1/default: default for field 'age' is not a valid int").
Result<std::shared_ptr<const Schema>> Parse(std::string_view text,
                                            const std::vector<std::string>& references = {});

// --- compatibility (schema resolution) ---

enum class IncompatibilityType {
  kNameMismatch, kFixedSizeMismatch, kMissingEnumSymbols, kReaderFieldMissingDefaultValue,
  kTypeMismatch, kMissingUnionBranch,
};
std::string_view IncompatibilityName(IncompatibilityType t);  // "TYPE_MISMATCH", ...

struct Incompatibility {
  IncompatibilityType type;
  std::string location;  // JSON-pointer-like path in the reader schema: "/fields/1/type"
  std::string message;   // Avro's (and Confluent's additionalInfo): "reader type: INT not ..."
};

// Why data written with `writer` cannot be read with `reader` (Avro 1.11 resolution rules,
// as Apache Avro's Java SchemaCompatibility reports them). Empty: compatible. Recursive
// types are handled (a pair being checked counts as compatible when met again).
std::vector<Incompatibility> CheckCompatibility(const Schema& reader, const Schema& writer);

// Confluent's verbose text for one incompatibility: "{errorType:'...', description:'...',
// additionalInfo:'...'}"; `reader_label`/`writer_label` are "new"/"old" in Confluent's
// backward check and "old"/"new" in its forward check.
std::string Describe(const Incompatibility& i, std::string_view reader_label = "reader",
                     std::string_view writer_label = "writer");

}  // namespace kappa::avro
