// A JSON Schema node as the everit library (under Confluent's compatibility rules) models it:
// one typed schema, an enum, a const, a combination, a negation, or several of these at once
// (an implicit allOf). Which keywords make a node an object/array/string/number schema when
// it has no "type" follows everit's loader.
#include "registry/json_schema_diff.h"

namespace kappa::registry::json_schema {
namespace {

bool HasAny(const Json& n, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    if (n.contains(k)) return true;
  }
  return false;
}

Shape Typed(const Loc& loc, const std::string& type) {
  Shape s;
  s.loc = loc;
  if (type == "string") s.kind = Kind::kString;
  else if (type == "number") s.kind = Kind::kNumber;
  else if (type == "integer") { s.kind = Kind::kNumber; s.integer = true; }
  else if (type == "boolean") s.kind = Kind::kBoolean;
  else if (type == "null") s.kind = Kind::kNull;
  else if (type == "object") s.kind = Kind::kObject;
  else if (type == "array") s.kind = Kind::kArray;
  return s;
}

}  // namespace

const Json* Keyword(const Shape& s, const char* k) {
  if (!s.loc.node || !s.loc.node->is_object()) return nullptr;
  auto it = s.loc.node->find(k);
  return it == s.loc.node->end() ? nullptr : &*it;
}

View Child(const Shape& parent, const Json& sub) { return View{Enter(parent.loc, sub), ""}; }

Shape ShapeOf(const View& view) {
  if (!view.part.empty()) {
    const std::string& p = view.part;
    const Json& n = *view.loc.node;
    if (p.rfind("type:", 0) == 0) return Typed(view.loc, p.substr(5));
    if (p.rfind("infer:", 0) == 0) return Typed(view.loc, p.substr(6));
    Shape s;
    s.loc = view.loc;
    if (p == "types") {
      s.kind = Kind::kCombined;
      s.criterion = "anyOf";
      for (const auto& t : n["type"]) s.subs.push_back(View{view.loc, "type:" + t.get<std::string>()});
    } else if (p == "kw:allOf" || p == "kw:anyOf" || p == "kw:oneOf") {
      s.kind = Kind::kCombined;
      s.criterion = p.substr(3);
      for (const auto& sub : n[s.criterion]) s.subs.push_back(View{Enter(view.loc, sub), ""});
    } else if (p == "kw:not") {
      s.kind = Kind::kNot;
    } else if (p == "kw:enum") {
      s.kind = Kind::kEnum;
    } else if (p == "kw:const") {
      s.kind = Kind::kConst;
    } else {
      s.kind = Kind::kConditional;
    }
    return s;
  }

  Loc loc = view.loc.set->Deref(view.loc);
  Shape s;
  s.loc = loc;
  const Json& n = *loc.node;
  if (n.is_boolean()) {
    s.kind = n.get<bool>() ? Kind::kTrue : Kind::kFalse;
    return s;
  }
  std::vector<std::string> parts;
  for (const char* c : {"allOf", "anyOf", "oneOf"}) {
    if (n.contains(c) && n[c].is_array()) parts.push_back(std::string("kw:") + c);
  }
  if (n.contains("not")) parts.push_back("kw:not");
  if (n.contains("enum")) parts.push_back("kw:enum");
  if (n.contains("const")) parts.push_back("kw:const");
  if (n.contains("if")) parts.push_back("kw:if");
  if (auto t = n.find("type"); t != n.end()) {
    if (t->is_string()) {
      parts.push_back("type:" + t->get<std::string>());
    } else if (t->is_array() && t->size() == 1) {
      parts.push_back("type:" + (*t)[0].get<std::string>());
    } else if (t->is_array() && t->size() > 1) {
      parts.push_back("types");
    }
  } else {
    if (HasAny(n, {"properties", "required", "additionalProperties", "patternProperties",
                   "minProperties", "maxProperties", "dependencies", "propertyNames",
                   "dependentRequired", "dependentSchemas"})) {
      parts.push_back("infer:object");
    }
    if (HasAny(n, {"items", "prefixItems", "additionalItems", "minItems", "maxItems",
                   "uniqueItems", "contains"})) {
      parts.push_back("infer:array");
    }
    if (HasAny(n, {"minLength", "maxLength", "pattern"})) parts.push_back("infer:string");
    if (HasAny(n, {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
                   "multipleOf"})) {
      parts.push_back("infer:number");
    }
  }
  if (parts.empty()) {
    s.kind = Kind::kEmpty;
    return s;
  }
  if (parts.size() == 1) return ShapeOf(View{loc, parts[0]});
  s.kind = Kind::kCombined;
  s.criterion = "allOf";
  for (auto& p : parts) s.subs.push_back(View{loc, p});
  return s;
}

}  // namespace kappa::registry::json_schema
