// Array schemas under Confluent's JSON Schema compatibility rules: the schema of all items,
// tuple items (draft-07 `items: [...]`, 2020-12 `prefixItems`) against the content model
// given by additionalItems (2020-12: `items` beside prefixItems) and unevaluatedItems, and the
// size bounds.
#include "registry/json_schema_diff.h"

namespace kappa::registry::json_schema {

namespace {

struct ArrayModel {
  View all_items;           // one schema for every item
  std::vector<View> tuple;  // a schema per position
  const Json* additional = nullptr;
  const Json* unevaluated = nullptr;
};

ArrayModel ModelOf(const Shape& s) {
  ArrayModel m;
  const Json* items = Keyword(s, "items");
  const Json* prefix = Keyword(s, "prefixItems");
  if (s.loc.dialect == Dialect::kDraft2020) {
    if (prefix && prefix->is_array()) {
      for (const auto& sub : *prefix) m.tuple.push_back(Child(s, sub));
      m.additional = items;
    } else if (items && items->is_boolean()) {
      m.additional = items;  // items: false closes the array, as additionalItems did
    } else if (items) {
      m.all_items = Child(s, *items);
    }
  } else {
    if (items && items->is_array()) {
      for (const auto& sub : *items) m.tuple.push_back(Child(s, sub));
    } else if (items) {
      m.all_items = Child(s, *items);
    }
    m.additional = Keyword(s, "additionalItems");
  }
  m.unevaluated = Keyword(s, "unevaluatedItems");
  return m;
}

// Open: extra items allowed without constraint.
bool Open(const ArrayModel& m) {
  if (!Permits(m.additional) || SchemaOf(m.additional)) return false;
  return !m.unevaluated || IsEmptyJson(m.unevaluated);
}

View Partial(const Shape& s, const ArrayModel& m) {
  if (const Json* a = SchemaOf(m.additional)) return Child(s, *a);
  if (!m.additional && m.unevaluated && !IsFalseJson(m.unevaluated) &&
      !IsEmptyJson(m.unevaluated)) {
    return Child(s, *m.unevaluated);
  }
  return None();
}

bool IsFalseView(const View& v) {
  Loc l = v.loc.set->Deref(v.loc);
  return l.node->is_boolean() && !l.node->get<bool>();
}
bool IsEmptyView(const View& v) {
  Kind k = ShapeOf(v).kind;
  return k == Kind::kEmpty || k == Kind::kTrue;
}

void CompareTuples(Ctx& ctx, const Shape& o, const ArrayModel& om, const Shape& u,
                   const ArrayModel& um) {
  size_t common = std::min(om.tuple.size(), um.tuple.size());
  for (size_t i = 0; i < common; ++i) {
    PathScope scope(ctx, "items/" + std::to_string(i));
    ctx.Compare(om.tuple[i], um.tuple[i]);
  }
  for (size_t i = common; i < om.tuple.size(); ++i) {
    PathScope scope(ctx, "items/" + std::to_string(i));
    if (Open(um)) {
      ctx.Add("ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL");
    } else if (View partial = Partial(u, um); partial.loc.node) {
      Ctx sub = ctx.Sub();
      sub.Compare(om.tuple[i], partial);
      ctx.AddAll(sub.diffs());
      ctx.Add(sub.IsCompatible() ? "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                                 : "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL");
    } else {
      ctx.Add(IsFalseView(om.tuple[i]) ? "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL"
                                       : "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL");
    }
  }
  for (size_t i = common; i < um.tuple.size(); ++i) {
    PathScope scope(ctx, "items/" + std::to_string(i));
    if (Open(om)) {
      ctx.Add(IsEmptyView(um.tuple[i]) ? "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
                                       : "ITEM_ADDED_TO_OPEN_CONTENT_MODEL");
    } else if (View partial = Partial(o, om); partial.loc.node) {
      Ctx sub = ctx.Sub();
      sub.Compare(partial, um.tuple[i]);
      ctx.AddAll(sub.diffs());
      ctx.Add(sub.IsCompatible() ? "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                                 : "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL");
    } else {
      ctx.Add("ITEM_ADDED_TO_CLOSED_CONTENT_MODEL");
    }
  }
}

void CompareAdditional(Ctx& ctx, const Shape& o, const ArrayModel& om, const Shape& u,
                       const ArrayModel& um) {
  PathScope scope(ctx, "additionalItems");
  const Json* a = om.additional;
  const Json* b = um.additional;
  if (Permits(a) != Permits(b)) {
    ctx.Add(Permits(a) ? "ADDITIONAL_ITEMS_REMOVED" : "ADDITIONAL_ITEMS_ADDED");
  } else if (!SchemaOf(a) && SchemaOf(b)) {
    ctx.Add("ADDITIONAL_ITEMS_NARROWED");
  } else if (SchemaOf(a) && !SchemaOf(b)) {
    ctx.Add("ADDITIONAL_ITEMS_EXTENDED");
  } else if (SchemaOf(a) && SchemaOf(b)) {
    ctx.Compare(Child(o, *a), Child(u, *b));
  }
}

void CompareUnevaluated(Ctx& ctx, const Shape& o, const ArrayModel& om, const Shape& u,
                        const ArrayModel& um) {
  const Json* a = om.unevaluated;
  const Json* b = um.unevaluated;
  if (!a && !b) return;
  PathScope scope(ctx, "unevaluatedItems");
  if (!a)
    ctx.Add(IsFalseJson(b) ? "UNEVALUATED_ITEMS_REMOVED" : "UNEVALUATED_ITEMS_NARROWED");
  else if (!b)
    ctx.Add(IsFalseJson(a) ? "UNEVALUATED_ITEMS_ADDED" : "UNEVALUATED_ITEMS_EXTENDED");
  else if (IsFalseJson(a) && !IsFalseJson(b))
    ctx.Add("UNEVALUATED_ITEMS_ADDED");
  else if (!IsFalseJson(a) && IsFalseJson(b))
    ctx.Add("UNEVALUATED_ITEMS_REMOVED");
  else if (IsEmptyJson(a) && !IsEmptyJson(b))
    ctx.Add("UNEVALUATED_ITEMS_NARROWED");
  else if (!IsEmptyJson(a) && IsEmptyJson(b))
    ctx.Add("UNEVALUATED_ITEMS_EXTENDED");
  else
    ctx.Compare(Child(o, *a), Child(u, *b));
}

}  // namespace

void CompareArrays(Ctx& ctx, const Shape& o, const Shape& u) {
  ArrayModel om = ModelOf(o), um = ModelOf(u);
  {
    PathScope scope(ctx, "items");
    ctx.Compare(om.all_items, um.all_items);
  }
  CompareTuples(ctx, o, om, u, um);
  CompareAdditional(ctx, o, om, u, um);
  CompareUnevaluated(ctx, o, om, u, um);
  CompareBounds(ctx, o, u, "maxItems", "MAX_ITEMS");
  CompareBounds(ctx, o, u, "minItems", "MIN_ITEMS");
  auto unique = [](const Shape& s) {
    const Json* j = Keyword(s, "uniqueItems");
    return j && j->is_boolean() && j->get<bool>();
  };
  if (unique(o) != unique(u)) {
    ctx.Add("uniqueItems", unique(o) ? "UNIQUE_ITEMS_REMOVED" : "UNIQUE_ITEMS_ADDED");
  }
  CompareBounds(ctx, o, u, "maxContains", "MAX_CONTAINS");
  CompareBounds(ctx, o, u, "minContains", "MIN_CONTAINS");
}

}  // namespace kappa::registry::json_schema
