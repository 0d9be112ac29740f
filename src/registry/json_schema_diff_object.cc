// Object and array schemas under Confluent's JSON Schema compatibility rules: the content
// model (open: any extra property/item is allowed; closed: additionalProperties or
// additionalItems false; partially open: extra ones must match a schema) decides whether
// adding or removing a property or a tuple item breaks readers.
#include <regex>

#include "registry/json_schema_diff.h"

namespace kappa::registry::json_schema {
namespace {

View Sub(const Shape& s, const Json* j) { return j ? Child(s, *j) : None(); }

const Json* Member(const Shape& s, const char* k, const std::string& name) {
  const Json* m = Keyword(s, k);
  if (!m || !m->is_object()) return nullptr;
  auto it = m->find(name);
  return it == m->end() ? nullptr : &*it;
}

bool Required(const Shape& s, const std::string& name) {
  const Json* r = Keyword(s, "required");
  return r && r->is_array() && std::find(r->begin(), r->end(), Json(name)) != r->end();
}

bool HasDefault(const View& v) {
  Loc l = v.loc.set->Deref(v.loc);
  return l.node->is_object() && l.node->contains("default");
}

bool IsFalse(const View& v) {
  Loc l = v.loc.set->Deref(v.loc);
  return l.node->is_boolean() && !l.node->get<bool>();
}

bool IsEmptySchema(const View& v) {
  Kind k = ShapeOf(v).kind;
  return k == Kind::kEmpty || k == Kind::kTrue;
}

// Open: any extra property allowed (no patternProperties, additionalProperties absent or
// true, unevaluatedProperties absent or true).
bool OpenObject(const Shape& s) {
  const Json* pp = Keyword(s, "patternProperties");
  const Json* ap = Keyword(s, "additionalProperties");
  const Json* up = Keyword(s, "unevaluatedProperties");
  return (!pp || pp->empty()) && !SchemaOf(ap) && Permits(ap) && (!up || IsEmptyJson(up));
}

View PartialObjectSchema(const Shape& s, const std::string& name) {
  if (const Json* pp = Keyword(s, "patternProperties"); pp && pp->is_object()) {
    for (const auto& [pattern, sub] : pp->items()) {
      try {
        // __polynomial (libstdc++): match without backtracking when the pattern has no
        // back-references, so a pattern like ^(a+)+$ cannot take exponential time on a
        // property name from the other schema.
        if (std::regex_search(name, std::regex(pattern, std::regex::ECMAScript |
                                                            std::regex_constants::__polynomial))) {
          return Child(s, sub);
        }
      } catch (const std::exception&) {
        // CheckSchema compiled every pattern; a regex engine limit just means "no match".
      }
    }
  }
  const Json* ap = Keyword(s, "additionalProperties");
  if (SchemaOf(ap)) return Child(s, *ap);
  const Json* up = Keyword(s, "unevaluatedProperties");
  if (Permits(ap) && up && !IsFalseJson(up) && !IsEmptyJson(up)) return Child(s, *up);
  return None();
}

std::set<std::string> Keys(const Shape& s, const char* k) {
  std::set<std::string> out;
  if (const Json* m = Keyword(s, k); m && m->is_object()) {
    for (const auto& [name, v] : m->items()) out.insert(name);
  }
  return out;
}

void CompareRequired(Ctx& ctx, const Shape& o, const Shape& u) {
  PathScope scope(ctx, "required");
  for (const std::string& name : Keys(o, "properties")) {
    const Json* up = Member(u, "properties", name);
    if (!up) continue;
    PathScope p(ctx, name);
    bool was = Required(o, name), is = Required(u, name);
    if (was && !is) ctx.Add("REQUIRED_ATTRIBUTE_REMOVED");
    if (!was && is) {
      ctx.Add(HasDefault(Child(u, *up)) ? "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED"
                                        : "REQUIRED_ATTRIBUTE_ADDED");
    }
  }
}

void CompareProperties(Ctx& ctx, const Shape& o, const Shape& u) {
  PathScope scope(ctx, "properties");
  std::set<std::string> names = Keys(o, "properties");
  for (const auto& n : Keys(u, "properties")) names.insert(n);
  for (const std::string& name : names) {
    PathScope p(ctx, name);
    View op = Sub(o, Member(o, "properties", name));
    View up = Sub(u, Member(u, "properties", name));
    if (!up.loc.node) {
      // Removing a property is fine when the reader still accepts it as an extra.
      if (OpenObject(u)) {
        ctx.Add("PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL");
      } else if (View partial = PartialObjectSchema(u, name); partial.loc.node) {
        Ctx sub = ctx.Sub();
        sub.Compare(op, partial);
        ctx.AddAll(sub.diffs());
        ctx.Add(sub.IsCompatible()
                    ? "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                    : "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL");
      } else {
        ctx.Add(IsFalse(op) ? "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL"
                            : "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL");
      }
    } else if (!op.loc.node) {
      // Adding a property is fine when the writer could not have written it differently.
      if (OpenObject(o)) {
        ctx.Add(IsEmptySchema(up) ? "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
                                  : "PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL");
      } else {
        if (View partial = PartialObjectSchema(o, name); partial.loc.node) {
          Ctx sub = ctx.Sub();
          sub.Compare(partial, up);
          ctx.AddAll(sub.diffs());
          ctx.Add(sub.IsCompatible()
                      ? "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                      : "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL");
        }
        if (Required(u, name)) {
          ctx.Add(HasDefault(up) ? "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL"
                                 : "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL");
        } else {
          ctx.Add("OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL");
        }
      }
    } else {
      ctx.Compare(op, up);
    }
  }
}

// Property dependencies ("dependencies" arrays, draft 2019+ "dependentRequired") and schema
// dependencies ("dependencies" schemas, "dependentSchemas").
void Dependencies(const Shape& s, std::map<std::string, std::set<std::string>>* props,
                  std::map<std::string, View>* schemas) {
  for (const char* k : {"dependencies", "dependentRequired", "dependentSchemas"}) {
    const Json* m = Keyword(s, k);
    if (!m || !m->is_object()) continue;
    for (const auto& [name, dep] : m->items()) {
      if (dep.is_array()) {
        auto& set = (*props)[name];
        for (const auto& p : dep) {
          if (p.is_string()) set.insert(p.get<std::string>());
        }
      } else {
        (*schemas)[name] = Child(s, dep);
      }
    }
  }
}

void CompareDependencies(Ctx& ctx, const Shape& o, const Shape& u) {
  PathScope scope(ctx, "dependencies");
  std::map<std::string, std::set<std::string>> op, up;
  std::map<std::string, View> os, us;
  Dependencies(o, &op, &os);
  Dependencies(u, &up, &us);
  std::set<std::string> names;
  for (const auto& [n, v] : op) names.insert(n);
  for (const auto& [n, v] : up) names.insert(n);
  for (const std::string& name : names) {
    PathScope p(ctx, name);
    auto a = op.find(name), b = up.find(name);
    if (b == up.end()) {
      ctx.Add("DEPENDENCY_ARRAY_REMOVED");
      continue;
    }
    if (a == op.end()) {
      ctx.Add("DEPENDENCY_ARRAY_ADDED");
      continue;
    }
    if (a->second == b->second) continue;
    auto includes = [](const std::set<std::string>& x, const std::set<std::string>& y) {
      return std::includes(x.begin(), x.end(), y.begin(), y.end());
    };
    if (includes(b->second, a->second))
      ctx.Add("DEPENDENCY_ARRAY_EXTENDED");
    else if (includes(a->second, b->second))
      ctx.Add("DEPENDENCY_ARRAY_NARROWED");
    else
      ctx.Add("DEPENDENCY_ARRAY_CHANGED");
  }
  names.clear();
  for (const auto& [n, v] : os) names.insert(n);
  for (const auto& [n, v] : us) names.insert(n);
  for (const std::string& name : names) {
    PathScope p(ctx, name);
    auto a = os.find(name), b = us.find(name);
    if (b == us.end())
      ctx.Add("DEPENDENCY_SCHEMA_REMOVED");
    else if (a == os.end())
      ctx.Add("DEPENDENCY_SCHEMA_ADDED");
    else
      ctx.Compare(a->second, b->second);
  }
}

void CompareAdditionalProperties(Ctx& ctx, const Shape& o, const Shape& u) {
  PathScope scope(ctx, "additionalProperties");
  const Json* a = Keyword(o, "additionalProperties");
  const Json* b = Keyword(u, "additionalProperties");
  if (Permits(a) != Permits(b)) {
    ctx.Add(Permits(b) ? "ADDITIONAL_PROPERTIES_ADDED" : "ADDITIONAL_PROPERTIES_REMOVED");
  } else if (!SchemaOf(a) && SchemaOf(b)) {
    ctx.Add("ADDITIONAL_PROPERTIES_NARROWED");
  } else if (SchemaOf(a) && !SchemaOf(b)) {
    ctx.Add("ADDITIONAL_PROPERTIES_EXTENDED");
  } else if (SchemaOf(a) && SchemaOf(b)) {
    ctx.Compare(Child(o, *a), Child(u, *b));
  }
}

void CompareUnevaluatedProperties(Ctx& ctx, const Shape& o, const Shape& u) {
  const Json* a = Keyword(o, "unevaluatedProperties");
  const Json* b = Keyword(u, "unevaluatedProperties");
  if (!a && !b) return;
  PathScope scope(ctx, "unevaluatedProperties");
  if (!a) {
    ctx.Add(IsFalseJson(b) ? "UNEVALUATED_PROPERTIES_REMOVED" : "UNEVALUATED_PROPERTIES_NARROWED");
  } else if (!b) {
    ctx.Add(IsFalseJson(a) ? "UNEVALUATED_PROPERTIES_ADDED" : "UNEVALUATED_PROPERTIES_EXTENDED");
  } else if (IsFalseJson(a) && !IsFalseJson(b)) {
    ctx.Add("UNEVALUATED_PROPERTIES_ADDED");
  } else if (!IsFalseJson(a) && IsFalseJson(b)) {
    ctx.Add("UNEVALUATED_PROPERTIES_REMOVED");
  } else if (IsEmptyJson(a) && !IsEmptyJson(b)) {
    ctx.Add("UNEVALUATED_PROPERTIES_NARROWED");
  } else if (!IsEmptyJson(a) && IsEmptyJson(b)) {
    ctx.Add("UNEVALUATED_PROPERTIES_EXTENDED");
  } else {
    ctx.Compare(Child(o, *a), Child(u, *b));
  }
}

}  // namespace

void CompareBounds(Ctx& ctx, const Shape& o, const Shape& u, const char* attr, const char* prefix) {
  const Json* a = Keyword(o, attr);
  const Json* b = Keyword(u, attr);
  bool ha = a && a->is_number(), hb = b && b->is_number();
  if (!ha && !hb) return;
  std::string p(prefix);
  if (!ha) return ctx.Add(attr, p + "_ADDED");
  if (!hb) return ctx.Add(attr, p + "_REMOVED");
  double x = a->get<double>(), y = b->get<double>();
  if (x < y) ctx.Add(attr, p + "_INCREASED");
  if (x > y) ctx.Add(attr, p + "_DECREASED");
}

void CompareObjects(Ctx& ctx, const Shape& o, const Shape& u) {
  CompareRequired(ctx, o, u);
  CompareProperties(ctx, o, u);
  CompareDependencies(ctx, o, u);
  CompareAdditionalProperties(ctx, o, u);
  CompareUnevaluatedProperties(ctx, o, u);
  CompareBounds(ctx, o, u, "maxProperties", "MAX_PROPERTIES");
  CompareBounds(ctx, o, u, "minProperties", "MIN_PROPERTIES");
}

}  // namespace kappa::registry::json_schema
