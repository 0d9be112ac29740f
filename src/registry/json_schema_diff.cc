// Confluent's JSON Schema compatibility rules: compare the schema data was written with
// ("original") to the schema reading it ("update"), record every difference by type and
// JSON path, and report those not in Confluent's list of compatible changes. The rules per
// kind follow Confluent's documented difference types (SchemaDiff, *SchemaDiff); objects and
// arrays are in json_schema_diff_object.cc and json_schema_diff_array.cc.
#include "registry/json_schema_diff.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>

namespace kappa::registry::json_schema {
namespace {

const std::set<std::string>& CompatibleChanges() {
  static const std::set<std::string> kSet = {
      "ID_CHANGED", "DESCRIPTION_CHANGED", "TITLE_CHANGED", "DEFAULT_CHANGED",
      "SCHEMA_REMOVED", "TYPE_EXTENDED",
      "MAX_LENGTH_INCREASED", "MAX_LENGTH_REMOVED", "MIN_LENGTH_DECREASED",
      "MIN_LENGTH_REMOVED", "PATTERN_REMOVED",
      "MAXIMUM_INCREASED", "MAXIMUM_REMOVED", "MINIMUM_DECREASED", "MINIMUM_REMOVED",
      "EXCLUSIVE_MAXIMUM_INCREASED", "EXCLUSIVE_MAXIMUM_REMOVED",
      "EXCLUSIVE_MINIMUM_DECREASED", "EXCLUSIVE_MINIMUM_REMOVED",
      "MULTIPLE_OF_REDUCED", "MULTIPLE_OF_REMOVED",
      "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED", "REQUIRED_ATTRIBUTE_REMOVED",
      "DEPENDENCY_ARRAY_NARROWED", "DEPENDENCY_ARRAY_REMOVED", "DEPENDENCY_SCHEMA_REMOVED",
      "MAX_PROPERTIES_INCREASED", "MAX_PROPERTIES_REMOVED", "MIN_PROPERTIES_DECREASED",
      "MIN_PROPERTIES_REMOVED", "ADDITIONAL_PROPERTIES_ADDED",
      "ADDITIONAL_PROPERTIES_EXTENDED",
      "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL",
      "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL",
      "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
      "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
      "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL",
      "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
      "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
      "MAX_ITEMS_INCREASED", "MAX_ITEMS_REMOVED", "MIN_ITEMS_DECREASED", "MIN_ITEMS_REMOVED",
      "UNIQUE_ITEMS_REMOVED", "ADDITIONAL_ITEMS_ADDED", "ADDITIONAL_ITEMS_EXTENDED",
      "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL",
      "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL",
      "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
      "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL",
      "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
      "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
      "ENUM_ARRAY_EXTENDED", "COMBINED_TYPE_EXTENDED", "PRODUCT_TYPE_NARROWED",
      "SUM_TYPE_EXTENDED", "NOT_TYPE_NARROWED",
      // unevaluatedItems, as its additionalItems counterparts
      "UNEVALUATED_ITEMS_ADDED", "UNEVALUATED_ITEMS_EXTENDED",
      // minContains/maxContains loosened
      "MAX_CONTAINS_INCREASED", "MAX_CONTAINS_REMOVED", "MIN_CONTAINS_DECREASED",
      "MIN_CONTAINS_REMOVED"};
  return kSet;
}

// everit's schema classes: what "the same kind of schema" means. integer and number are one
// class (NumberSchema); true is a TrueSchema, which is also an EmptySchema.
int ClassOf(Kind k) { return static_cast<int>(k); }
bool IsEmptyClass(Kind k) { return k == Kind::kEmpty || k == Kind::kTrue; }

std::optional<double> Num(const Shape& s, const char* k) {
  const Json* v = Keyword(s, k);
  if (!v || !v->is_number()) return std::nullopt;
  return v->get<double>();
}

// One numeric bound: added, removed, increased or decreased.
void Bound(Ctx& ctx, const Shape& o, const Shape& u, const char* attr, const char* prefix) {
  auto a = Num(o, attr), b = Num(u, attr);
  if (a == b) return;
  std::string p(prefix);
  if (!a) ctx.Add(attr, p + "_ADDED");
  else if (!b) ctx.Add(attr, p + "_REMOVED");
  else if (*a < *b) ctx.Add(attr, p + "_INCREASED");
  else ctx.Add(attr, p + "_DECREASED");
}

void CompareStrings(Ctx& ctx, const Shape& o, const Shape& u) {
  Bound(ctx, o, u, "maxLength", "MAX_LENGTH");
  Bound(ctx, o, u, "minLength", "MIN_LENGTH");
  const Json* a = Keyword(o, "pattern");
  const Json* b = Keyword(u, "pattern");
  if (!a && b) ctx.Add("pattern", "PATTERN_ADDED");
  else if (a && !b) ctx.Add("pattern", "PATTERN_REMOVED");
  else if (a && b && *a != *b) ctx.Add("pattern", "PATTERN_CHANGED");
}

bool IsMultiple(double big, double small) {
  if (small == 0) return false;
  double q = big / small;
  return std::isfinite(q) && std::fabs(q - std::round(q)) < 1e-9;
}

void CompareNumbers(Ctx& ctx, const Shape& o, const Shape& u) {
  Bound(ctx, o, u, "maximum", "MAXIMUM");
  Bound(ctx, o, u, "minimum", "MINIMUM");
  // draft-04's boolean exclusiveMaximum/Minimum are modifiers, not limits: Num() skips them.
  Bound(ctx, o, u, "exclusiveMaximum", "EXCLUSIVE_MAXIMUM");
  Bound(ctx, o, u, "exclusiveMinimum", "EXCLUSIVE_MINIMUM");
  auto a = Num(o, "multipleOf"), b = Num(u, "multipleOf");
  if (a != b) {
    if (!a) ctx.Add("multipleOf", "MULTIPLE_OF_ADDED");
    else if (!b) ctx.Add("multipleOf", "MULTIPLE_OF_REMOVED");
    else if (IsMultiple(*b, *a)) ctx.Add("multipleOf", "MULTIPLE_OF_EXPANDED");
    else if (IsMultiple(*a, *b)) ctx.Add("multipleOf", "MULTIPLE_OF_REDUCED");
    else ctx.Add("multipleOf", "MULTIPLE_OF_CHANGED");
  }
  if (o.integer != u.integer) ctx.Add(o.integer ? "TYPE_EXTENDED" : "TYPE_NARROWED");
}

bool Contains(const Json& set, const Json& v) {
  return std::find(set.begin(), set.end(), v) != set.end();
}
bool ContainsAll(const Json& big, const Json& small) {
  return std::all_of(small.begin(), small.end(), [&](const Json& v) { return Contains(big, v); });
}

void CompareEnums(Ctx& ctx, const Shape& o, const Shape& u) {
  const Json& a = *Keyword(o, "enum");
  const Json& b = *Keyword(u, "enum");
  bool a_in_b = ContainsAll(b, a), b_in_a = ContainsAll(a, b);
  if (a_in_b && b_in_a) return;
  if (a_in_b) ctx.Add("enum", "ENUM_ARRAY_EXTENDED");
  else if (b_in_a) ctx.Add("enum", "ENUM_ARRAY_NARROWED");
  else ctx.Add("enum", "ENUM_ARRAY_CHANGED");
}

void CompareNots(Ctx& ctx, const Shape& o, const Shape& u) {
  PathScope scope(ctx, "not");
  Ctx sub = ctx.Sub();
  // The negated schemas swap roles: not(A) accepts less than not(B) when A accepts more.
  sub.Compare(Child(u, *Keyword(u, "not")), Child(o, *Keyword(o, "not")));
  ctx.Add(sub.IsCompatible() ? "NOT_TYPE_NARROWED" : "NOT_TYPE_EXTENDED");
}

bool Singleton(const Shape& s) { return s.subs.size() == 1; }

// Subschemas with identical text count once (Confluent collects them in a set).
std::vector<View> Distinct(const std::vector<View>& subs) {
  std::vector<View> out;
  std::set<std::string> seen;
  for (const View& v : subs) {
    if (seen.insert(v.part + "|" + v.loc.node->dump()).second) out.push_back(v);
  }
  return out;
}

void CompareCombined(Ctx& ctx, const Shape& o, const Shape& u) {
  if (o.criterion != u.criterion) {
    bool extended = u.criterion == "anyOf" ||
                    (u.criterion == "oneOf" && Singleton(o)) ||
                    (u.criterion == "allOf" && Singleton(o) && Singleton(u));
    if (!extended) {
      ctx.Add("COMBINED_TYPE_CHANGED");
      return;
    }
    ctx.Add("COMBINED_TYPE_EXTENDED");
  }
  std::vector<View> a = Distinct(o.subs), b = Distinct(u.subs);
  bool product = u.criterion == "allOf";
  if (a.size() < b.size()) ctx.Add(product ? "PRODUCT_TYPE_EXTENDED" : "SUM_TYPE_EXTENDED");
  if (a.size() > b.size()) ctx.Add(product ? "PRODUCT_TYPE_NARROWED" : "SUM_TYPE_NARROWED");

  // Compatible pairs, then a maximum matching of original to update subschemas (Kuhn's
  // augmenting paths; the lists are short).
  std::vector<std::vector<std::optional<std::vector<Difference>>>> edge(
      a.size(), std::vector<std::optional<std::vector<Difference>>>(b.size()));
  for (size_t i = 0; i < a.size(); ++i) {
    PathScope scope(ctx, o.criterion + "/" + std::to_string(i));
    for (size_t j = 0; j < b.size(); ++j) {
      Ctx sub = ctx.Sub();
      sub.Compare(a[i], b[j]);
      if (sub.IsCompatible()) edge[i][j] = sub.diffs();
    }
  }
  std::vector<int> match_b(b.size(), -1);
  std::function<bool(size_t, std::vector<bool>&)> augment = [&](size_t i,
                                                                 std::vector<bool>& used) {
    for (size_t j = 0; j < b.size(); ++j) {
      if (!edge[i][j] || used[j]) continue;
      used[j] = true;
      if (match_b[j] < 0 || augment(match_b[j], used)) {
        match_b[j] = static_cast<int>(i);
        return true;
      }
    }
    return false;
  };
  size_t matched = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    std::vector<bool> used(b.size(), false);
    if (augment(i, used)) ++matched;
  }
  for (size_t j = 0; j < b.size(); ++j) {
    if (match_b[j] >= 0) ctx.AddAll(*edge[match_b[j]][j]);
  }
  if (matched < std::min(a.size(), b.size())) ctx.Add("COMBINED_TYPE_SUBSCHEMAS_CHANGED");
}

}  // namespace

bool IsCompatibleChange(const std::string& type) { return CompatibleChanges().count(type) > 0; }

Ctx::Ctx(const SchemaSet& writer, const SchemaSet& reader)
    : writer_(&writer), reader_(&reader), shared_(std::make_shared<Shared>()) {}

Ctx Ctx::Sub() const {
  Ctx c(*writer_, *reader_);
  c.shared_ = shared_;
  c.path_ = path_;
  return c;
}

std::string Ctx::PathString() const {
  std::string out = "#/";
  for (size_t i = 0; i < path_.size(); ++i) out += (i ? "/" : "") + path_[i];
  return out;
}

void Ctx::Add(const std::string& type) { diffs_.push_back(Difference{type, PathString()}); }

void Ctx::Add(const std::string& attribute, const std::string& type) {
  Push(attribute);
  Add(type);
  Pop();
}

void Ctx::AddAll(const std::vector<Difference>& diffs) {
  diffs_.insert(diffs_.end(), diffs.begin(), diffs.end());
}

bool Ctx::IsCompatible() const {
  return std::all_of(diffs_.begin(), diffs_.end(),
                     [](const Difference& d) { return IsCompatibleChange(d.type); });
}

void Ctx::Compare(const View& original, const View& update) {
  if (!original.loc.node && !update.loc.node) return;
  if (!original.loc.node) return Add("SCHEMA_ADDED");
  if (!update.loc.node) return Add("SCHEMA_REMOVED");
  // Keyed by the nodes $refs lead to, so a recursive schema meets its own pair again.
  const Json* o_node = original.part.empty() ? original.loc.set->Deref(original.loc).node
                                             : original.loc.node;
  const Json* u_node = update.part.empty() ? update.loc.set->Deref(update.loc).node
                                           : update.loc.node;
  auto key = std::make_tuple(o_node, original.part, u_node, update.part);
  auto cached = shared_->memo.find(key);
  std::vector<Difference> relative;
  if (cached != shared_->memo.end()) {
    relative = cached->second;
  } else {
    // A pair met again while being compared is a recursive schema: assume compatible there.
    if (!shared_->in_progress.insert(key).second) return;
    Ctx sub = Sub();
    sub.path_.clear();
    sub.CompareUncached(original, update);
    shared_->in_progress.erase(key);
    relative = sub.diffs_;
    shared_->memo.emplace(key, relative);
  }
  // Paths in the memo are relative to the pair ("#/x"); put them under ours.
  std::string prefix = PathString();
  for (const Difference& d : relative) {
    std::string rel = d.path.size() <= 2 ? "" : d.path.substr(2);
    std::string path = path_.empty() ? "#/" + rel : (rel.empty() ? prefix : prefix + "/" + rel);
    diffs_.push_back(Difference{d.type, path});
  }
}

void Ctx::CompareUncached(const View& ov, const View& uv) {
  Shape o = ShapeOf(ov), u = ShapeOf(uv);
  if (o.kind != Kind::kCombined && u.kind == Kind::kCombined) {
    if (Singleton(u)) {
      Ctx sub = Sub();
      sub.Compare(ov, u.subs[0]);
      if (sub.IsCompatible()) return AddAll(sub.diffs_);
    } else if (u.criterion == "anyOf" || u.criterion == "oneOf") {
      // A schema widened into a union that has a compatible member.
      for (const View& member : u.subs) {
        Ctx sub = Sub();
        sub.Compare(ov, member);
        if (sub.IsCompatible()) {
          AddAll(sub.diffs_);
          return Add("SUM_TYPE_EXTENDED");
        }
      }
    }
  } else if (o.kind == Kind::kCombined && u.kind != Kind::kCombined && Singleton(o)) {
    Ctx sub = Sub();
    sub.Compare(o.subs[0], uv);
    if (sub.IsCompatible()) return AddAll(sub.diffs_);
  }
  if (ClassOf(o.kind) != ClassOf(u.kind)) {
    // Anything may become {} or true (accepts all); false (accepted nothing) may become anything.
    if (o.kind == Kind::kFalse || IsEmptyClass(u.kind)) return;
    return Add("TYPE_CHANGED");
  }
  switch (o.kind) {
    case Kind::kString: return CompareStrings(*this, o, u);
    case Kind::kNumber: return CompareNumbers(*this, o, u);
    case Kind::kEnum: return CompareEnums(*this, o, u);
    case Kind::kConst:
      if (*Keyword(o, "const") != *Keyword(u, "const")) Add("const", "ENUM_ARRAY_CHANGED");
      return;
    case Kind::kCombined: return CompareCombined(*this, o, u);
    case Kind::kNot: return CompareNots(*this, o, u);
    case Kind::kObject: return CompareObjects(*this, o, u);
    case Kind::kArray: return CompareArrays(*this, o, u);
    default: return;
  }
}

std::vector<std::string> Incompatibilities(const SchemaSet& writer, const SchemaSet& reader) {
  Ctx ctx(writer, reader);
  ctx.Compare(View{writer.Root(), ""}, View{reader.Root(), ""});
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const Difference& d : ctx.diffs()) {
    if (IsCompatibleChange(d.type)) continue;
    std::string msg = "Found incompatible change: Difference{jsonPath='" + d.path +
                      "', type=" + d.type + "}";
    if (seen.insert(msg).second) out.push_back(std::move(msg));
  }
  return out;
}

}  // namespace kappa::registry::json_schema
