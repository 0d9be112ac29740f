// The JSON Schema type's internals (private to src/registry): a loaded schema with its
// referenced documents, $id/$anchor index and $ref resolution (json_schema_load.cc), the
// well-formedness check against the dialect's meta-schema rules (json_schema_check.cc), the
// everit-style view of a schema node the compatibility rules are stated over
// (json_schema_shape.cc) and Confluent's compatibility rules (json_schema_diff*.cc).
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "registry/schema_type.h"

namespace kappa::registry::json_schema {

using Json = nlohmann::json;

// The JSON Schema drafts kappa understands, chosen by `$schema` (draft-07 when absent, as
// Confluent does). 2019-09 is read with 2020-12's vocabulary except that `items` may still be
// an array.
enum class Dialect { kDraft4, kDraft6, kDraft7, kDraft2019, kDraft2020 };

// Documents nested deeper than this are refused before parsing: every walk below is
// recursive, and a 10 MB body of `[` must be an error, not a stack overflow.
inline constexpr int kMaxDepth = 200;

// Where a schema node sits: the node, the root of the schema resource it belongs to (a
// document or a subschema with its own $id) and that resource's base URI.
class SchemaSet;
struct Loc {
  const SchemaSet* set = nullptr;  // the loaded schema the node belongs to
  const Json* node = nullptr;
  const Json* resource = nullptr;
  std::string base;
  Dialect dialect = Dialect::kDraft7;
};

// One loaded schema: the main document plus every referenced document, all validated.
// Immutable after Load; Loc pointers stay valid as long as the SchemaSet lives.
class SchemaSet {
 public:
  // InvalidArgument("Invalid schema: ...") when the text is not JSON, not a schema of its
  // dialect, or a $ref does not resolve (within the document or to a reference by name).
  static Result<std::unique_ptr<SchemaSet>> Load(std::string_view text,
                                                 const std::vector<ResolvedReference>& refs);

  Loc Root() const;
  const Json& root_json() const { return docs_.front()->json; }

  // Follows `ref` (a $ref value) from a node of resource `from`. Null node when unresolved.
  Loc Resolve(const Loc& from, const std::string& ref) const;
  // The node itself if it holds no $ref; else the end of its $ref chain (a ref cycle with no
  // schema in it resolves to `true`).
  Loc Deref(const Loc& loc) const;

 private:
  struct Doc {
    std::string name;  // "" for the main document, else the reference's name
    Json json;
  };
  struct Resource {
    const Json* root;
    std::string base;
    Dialect dialect;
  };
  SchemaSet() = default;
  Status AddDocument(std::string name, std::string_view text);
  void Index(const Json& node, const Json* resource, const std::string& base, Dialect d);
  const Resource* FindResource(const std::string& uri) const;

  std::vector<std::unique_ptr<Doc>> docs_;
  std::map<std::string, Resource> resources_;  // by absolute (resolved) URI
  std::map<std::string, Loc> anchors_;         // "uri#name" -> node
  std::map<std::string, Resource> by_name_;    // reference names, as given
};

// The Loc of `sub`, an immediate subschema of `parent` (a new resource when it has an $id).
Loc Enter(const Loc& parent, const Json& sub);

// Dialect named by `$schema` (or draft-07); InvalidArgument for a non-string $schema.
Result<Dialect> DialectOf(const Json& doc);

// RFC 3986 reference resolution, enough for $id/$ref: `ref` against `base`, no fragment.
std::string ResolveUri(const std::string& base, const std::string& ref);

// Checks `doc` (a whole document) against the rules of its dialect's meta-schema: keyword
// value types and bounds, schema positions hold schemas. The message names the JSON path.
Status CheckSchema(const Json& doc, Dialect dialect);

// Calls `fn(path_suffix, subschema)` for every immediate subschema of `node` (properties,
// items, allOf members, definitions, ...), for the dialect. Non-schema keyword values are
// skipped.
template <typename Fn>
void ForEachSubschema(const Json& node, Dialect d, Fn&& fn);

// Confluent's JSON Schema compatibility: every breaking change going from `writer` (the
// schema data was written with, "original") to `reader` ("update"), as
// "Found incompatible change: Difference{jsonPath='#/properties/age', type=TYPE_NARROWED}".
std::vector<std::string> Incompatibilities(const SchemaSet& writer, const SchemaSet& reader);

// ---- implementation of the template above ----
template <typename Fn>
void ForEachSubschema(const Json& node, Dialect d, Fn&& fn) {
  if (!node.is_object()) return;
  static const char* kSingle[] = {"additionalItems", "additionalProperties", "not",
                                  "contains", "propertyNames", "if", "then", "else",
                                  "unevaluatedItems", "unevaluatedProperties",
                                  "contentSchema"};
  static const char* kMaps[] = {"properties", "patternProperties", "definitions", "$defs",
                                "dependentSchemas"};
  static const char* kArrays[] = {"allOf", "anyOf", "oneOf", "prefixItems"};
  for (const char* k : kSingle) {
    auto it = node.find(k);
    if (it != node.end() && (it->is_object() || it->is_boolean())) fn(std::string(k), *it);
  }
  for (const char* k : kMaps) {
    auto it = node.find(k);
    if (it == node.end() || !it->is_object()) continue;
    for (const auto& [name, sub] : it->items()) {
      if (sub.is_object() || sub.is_boolean()) fn(std::string(k) + "/" + name, sub);
    }
  }
  for (const char* k : kArrays) {
    auto it = node.find(k);
    if (it == node.end() || !it->is_array()) continue;
    for (size_t i = 0; i < it->size(); ++i) {
      const Json& sub = (*it)[i];
      if (sub.is_object() || sub.is_boolean()) fn(std::string(k) + "/" + std::to_string(i), sub);
    }
  }
  if (auto it = node.find("items"); it != node.end()) {
    if (it->is_object() || it->is_boolean()) {
      fn(std::string("items"), *it);
    } else if (it->is_array()) {
      for (size_t i = 0; i < it->size(); ++i) {
        const Json& sub = (*it)[i];
        if (sub.is_object() || sub.is_boolean()) fn("items/" + std::to_string(i), sub);
      }
    }
  }
  if (auto it = node.find("dependencies"); it != node.end() && it->is_object()) {
    for (const auto& [name, sub] : it->items()) {
      if (sub.is_object() || sub.is_boolean()) fn("dependencies/" + name, sub);
    }
  }
  (void)d;
}

}  // namespace kappa::registry::json_schema
