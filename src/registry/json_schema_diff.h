// The pieces of the JSON Schema compatibility check (private to src/registry): a schema node
// seen the way Confluent's rules (written over the everit library's schema classes) see it,
// and the comparison context that collects Confluent's difference types with JSON paths.
#pragma once

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "registry/json_schema_internal.h"

namespace kappa::registry::json_schema {

// Which part of a node a view looks at. A node such as {"type": ["string", "null"],
// "maxLength": 3} is several schemas at once (everit builds an anyOf of a string and a null
// schema), {"type": "object", "anyOf": [...]} an allOf of an object and an anyOf schema.
struct View {
  Loc loc;
  std::string part;  // "" the whole node; "type:string"; "types"; "kw:anyOf"; "infer:object"
};

enum class Kind {
  kEmpty,
  kTrue,
  kFalse,
  kString,
  kNumber,
  kBoolean,
  kNull,
  kObject,
  kArray,
  kEnum,
  kConst,
  kCombined,
  kNot,
  kConditional
};

struct Shape {
  Kind kind = Kind::kEmpty;
  Loc loc;                 // the (dereferenced) node holding the keywords
  bool integer = false;    // kNumber: "integer"
  std::string criterion;   // kCombined: "allOf", "anyOf" or "oneOf"
  std::vector<View> subs;  // kCombined: the member schemas
};

Shape ShapeOf(const View& view);

struct Difference {
  std::string type;  // Confluent's Difference.Type name, e.g. "TYPE_NARROWED"
  std::string path;  // "#/properties/age"
};

bool IsCompatibleChange(const std::string& type);

// One comparison in progress. Subcontexts share the set of pairs being compared (a pair met
// again while in progress is a recursive schema: compatible by assumption) and the memo.
class Ctx {
 public:
  Ctx(const SchemaSet& writer, const SchemaSet& reader);
  Ctx Sub() const;  // same path, no differences yet

  const SchemaSet& writer() const { return *writer_; }
  const SchemaSet& reader() const { return *reader_; }

  void Add(const std::string& type);
  void Add(const std::string& attribute, const std::string& type);
  void AddAll(const std::vector<Difference>& diffs);
  bool IsCompatible() const;
  const std::vector<Difference>& diffs() const { return diffs_; }

  void Push(const std::string& segment) { path_.push_back(segment); }
  void Pop() { path_.pop_back(); }

  // Compares two (possibly absent: loc.node == nullptr) schemas, memoized per pair.
  void Compare(const View& original, const View& update);

 private:
  struct Shared {
    std::set<std::tuple<const Json*, std::string, const Json*, std::string>> in_progress;
    std::map<std::tuple<const Json*, std::string, const Json*, std::string>,
             std::vector<Difference>>
        memo;
  };
  std::string PathString() const;
  void CompareUncached(const View& original, const View& update);

  const SchemaSet* writer_;
  const SchemaSet* reader_;
  std::shared_ptr<Shared> shared_;
  std::vector<std::string> path_;
  std::vector<Difference> diffs_;
};

// RAII path segment.
class PathScope {
 public:
  PathScope(Ctx& ctx, const std::string& segment) : ctx_(ctx) { ctx_.Push(segment); }
  ~PathScope() { ctx_.Pop(); }
  PathScope(const PathScope&) = delete;
  PathScope& operator=(const PathScope&) = delete;

 private:
  Ctx& ctx_;
};

// Per-kind rules, same kind on both sides (json_schema_diff_object.cc, _array.cc).
void CompareObjects(Ctx& ctx, const Shape& original, const Shape& update);
void CompareArrays(Ctx& ctx, const Shape& original, const Shape& update);
// A non-negative bound keyword (maxItems, minProperties, ...): PREFIX_ADDED/REMOVED/
// INCREASED/DECREASED at the keyword's path.
void CompareBounds(Ctx& ctx, const Shape& original, const Shape& update, const char* attr,
                   const char* prefix);

// The keyword `k` of a shape's node, or null.
const Json* Keyword(const Shape& s, const char* k);
// A view of the subschema `sub` (inside `parent`'s node), whole.
View Child(const Shape& parent, const Json& sub);
// No schema (an absent subschema).
inline View None() { return View{}; }

// additionalProperties / additionalItems: `false` forbids extras; a schema (even {}) limits
// them; absent or `true` allows anything.
inline bool Permits(const Json* additional) {
  return !(additional && additional->is_boolean() && !additional->get<bool>());
}
inline const Json* SchemaOf(const Json* additional) {
  return additional && additional->is_object() ? additional : nullptr;
}
inline bool IsFalseJson(const Json* j) { return j && j->is_boolean() && !j->get<bool>(); }
inline bool IsEmptyJson(const Json* j) {
  return j && ((j->is_boolean() && j->get<bool>()) || (j->is_object() && j->empty()));
}

}  // namespace kappa::registry::json_schema
