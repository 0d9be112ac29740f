// Avro schemas (Apache Avro specification 1.11): an immutable model parsed from schema JSON
// and validated per the spec (and by libavro-c), Parsing Canonical Form, the registry's
// identity form, and the schema-resolution compatibility checker ("can a reader with schema R
// read data written with schema W"), with Confluent-style reasons. See src/avro/README.md.
//
// Below the schemas: the codec (Avro binary data and the Confluent wire format).
//
// Thread safety: a Schema is immutable after Parse and may be shared across threads.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/status.h"

namespace kappa::avro {

enum class Type {
  kNull,
  kBoolean,
  kInt,
  kLong,
  kFloat,
  kDouble,
  kBytes,
  kString,  // primitives
  kRecord,
  kEnum,
  kArray,
  kMap,
  kUnion,
  kFixed,
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
  std::vector<std::string> aliases;             // as given (field aliases have no namespace)
  std::string order = "ascending";              // ascending | descending | ignore
};

// One schema node. Named nodes (record, enum, fixed) are shared by every reference to their
// name, so a recursive record's field points back at the record: walk with a visited set.
struct Node {
  Type type = Type::kNull;
  // Named types.
  std::string name;                  // the short name ("User")
  std::string space;                 // the namespace ("" when none)
  std::string full_name;             // "com.acme.User"
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
  kNameMismatch,
  kFixedSizeMismatch,
  kMissingEnumSymbols,
  kReaderFieldMissingDefaultValue,
  kTypeMismatch,
  kMissingUnionBranch,
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

// ---- data: the codec ---------------------------------------------------------------------
// kappa::avro codec: Avro binary encoding and decoding for one writer schema, and the
// Confluent wire format (docs/formats/avro-wire-format.md).
//
//   Codec        a writer schema compiled once: libavro-c parses and validates it
//                (avro_schema_from_json_length) and holds its generic value class
//                (avro_value_iface_t); kappa keeps a flat plan of the schema beside it for
//                the bounds-checked decoder. Immutable, thread-safe, shared (shared_ptr).
//   Encoder      JSON document -> Avro binary: libavro-c's generic values (avro_value_write),
//                or for the common cases the same bytes written directly over the plan (the
//                producers' hot path). One per thread.
//   Decode*      Avro binary -> JSON text, or -> the top-level record's fields as views
//                into the payload (the jobs' fast path: no JSON, no copies).
//   wire format  magic byte 0, 4-byte big-endian schema id, payload (Avro or JSON Schema).
//
// Why a decoder of kappa's own beside libavro-c's: libavro-c's reader trusts the lengths and
// block counts it reads (it allocates an announced string length before checking the input
// has it, and loops over an announced count of zero-byte items), and it mallocs twice per
// string. Payloads come from the network, so every payload is first walked by kappa's
// bounds-checked reader (the plan); only then does libavro-c read it (DecodeToJson), and the
// jobs take the fields straight from that walk (DecodeRecord). The fuzzer checks that both
// decoders agree on every input.
//
// Errors are Status (common/status.h), InvalidArgument with a message naming where in the
// payload or document it went wrong; nothing throws.
namespace simdjson::dom {
class element;
}

namespace kappa::avro {

// One node of a compiled schema (the plan). Recursive schemas refer to nodes by index.
struct SchemaNode {
  enum class Kind : uint8_t {
    kNull, kBoolean, kInt, kLong, kFloat, kDouble, kBytes, kString,
    kRecord, kEnum, kArray, kMap, kUnion, kFixed,
  };
  Kind kind = Kind::kNull;
  std::string name;                 // full name of a record, enum or fixed
  std::vector<int32_t> children;    // record field types, union branches, array items, map values
  std::vector<std::string> names;   // record field names, enum symbols
  int64_t fixed_size = 0;
  bool may_be_empty = false;        // can encode to zero bytes (null, fixed(0), such records)
};
std::string_view KindName(SchemaNode::Kind kind);  // "record", "string", ...

// A top-level record field as the fast decoder hands it out. Views point into the payload
// (strings, bytes, fixed) or into the caller's scratch (nested values rendered as JSON).
struct FieldValue {
  enum class Kind : uint8_t { kNull, kBoolean, kLong, kFloat, kDouble, kString, kBytes, kJson };
  Kind kind = Kind::kNull;
  bool boolean = false;
  int64_t integer = 0;            // int and long
  double number = 0;              // float and double
  std::string_view text;          // string, bytes, fixed (kBytes), enum symbol (kString), kJson
};

class Codec {
 public:
  ~Codec();
  Codec(const Codec&) = delete;
  Codec& operator=(const Codec&) = delete;

  // Parses an Avro schema (JSON text) with libavro-c. InvalidArgument with libavro-c's message
  // for a schema it rejects.
  static Result<std::shared_ptr<const Codec>> Compile(std::string_view schema_json);

  const std::string& schema_json() const { return schema_json_; }
  const std::vector<SchemaNode>& nodes() const { return nodes_; }
  const SchemaNode& root() const { return nodes_[0]; }

  // Walks a payload without materializing it: InvalidArgument if it is not exactly one datum
  // of this schema (truncated, trailing bytes, a length past the end, a union branch or enum
  // symbol out of range, an int out of range, nesting deeper than kMaxDepth, more than
  // kMaxEmptyItems zero-byte array/map items).
  Status Validate(std::string_view payload) const;

  // Avro binary -> JSON text appended to *out: records as objects, unions as their plain value
  // (as Confluent's JSON converter prints them), enums as their symbol, bytes and fixed as
  // strings of code points 0-255 (Avro's JSON encoding), NaN and infinities as strings.
  // Validates first, then decodes with libavro-c (avro_value_read).
  Status DecodeToJson(std::string_view payload, std::string* out) const;
  // The same text from kappa's own reader (no libavro-c; used for nested fields and by the
  // fuzzer as a cross-check).
  Status DecodeToJsonDirect(std::string_view payload, std::string* out) const;

  // The fast path for records: one FieldValue per top-level field, in schema order. Nested
  // records, arrays and maps come out as kJson rendered into *scratch (cleared first); union
  // values as their branch's value. The views stay valid while the payload and *scratch do.
  // InvalidArgument if the schema is not a record or the payload is not one of it.
  Status DecodeRecord(std::string_view payload, std::vector<FieldValue>* fields,
                      std::string* scratch) const;

  static constexpr int kMaxDepth = 64;
  static constexpr int64_t kMaxEmptyItems = 1 << 20;

 private:
  friend class Encoder;
  Codec() = default;
  std::string schema_json_;
  std::vector<SchemaNode> nodes_;
  struct Avro;                   // libavro-c's schema and value class
  std::unique_ptr<Avro> avro_;
};

// JSON -> Avro binary with libavro-c, for one codec. Not thread-safe (owns a generic value, a
// writer and a JSON parser): one per thread.
//
// The document is read as Avro's JSON encoding with Confluent's converter's leniencies:
// a union takes a plain value (the first branch that fits it: null; boolean; int, long,
// float, double for numbers; string, enum, bytes, fixed for strings; record or map for
// objects; array) or Avro's {"<branch name>": value} form; a record field missing from the
// object is null when its type allows null. For producers (a mapping writes what it reads):
// any non-null value into a string field is its JSON text, and a string into an int, long,
// float, double or boolean field is parsed ("42", "2.5", "true").
class Encoder {
 public:
  explicit Encoder(std::shared_ptr<const Codec> codec);
  ~Encoder();
  Encoder(const Encoder&) = delete;
  Encoder& operator=(const Encoder&) = delete;

  // Appends the encoding of `json` to *out. InvalidArgument "field 'age': ..." when the
  // document does not fit the schema (nothing appended then).
  Status Encode(std::string_view json, std::string* out);
  // The same through libavro-c's generic values only (Encode takes a direct path for the
  // common cases, byte for byte the same; this is its reference in tests and the fuzzer).
  Status EncodeWithLibavro(std::string_view json, std::string* out);
  const Codec& codec() const { return *codec_; }

 private:
  Status EncodeWithLibavro(const simdjson::dom::element& doc, std::string* out);
  struct Impl;
  std::shared_ptr<const Codec> codec_;
  std::unique_ptr<Impl> impl_;
};

// ---- Confluent wire format -------------------------------------------------------------------

inline constexpr uint8_t kMagicByte = 0;
inline constexpr size_t kWireHeaderSize = 5;

// Appends magic byte 0 and the big-endian schema id.
void AppendWireHeader(int32_t schema_id, std::string* out);

struct WireFrame {
  int32_t schema_id = 0;
  std::string_view payload;  // a view into the framed value
};
// Whether a record value is framed: starts with the magic byte. JSON text never starts with a
// zero byte, so this tells framed from plain JSON values.
inline bool LooksFramed(std::string_view value) {
  return !value.empty() && static_cast<uint8_t>(value[0]) == kMagicByte;
}
// Splits a framed value. InvalidArgument "unknown magic byte 0x7b" or "a framed value of 3
// bytes is shorter than the 5-byte header".
Result<WireFrame> ParseWireFrame(std::string_view value);

// JSON string literal of `s` appended to *out (UTF-8 kept; control bytes escaped).
void AppendJsonString(std::string_view s, std::string* out);

}  // namespace kappa::avro
