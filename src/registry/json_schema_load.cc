// Loading a JSON Schema with its references: parse, check, index every schema resource
// ($id) and anchor, then make sure every $ref resolves. Confluent's registry refuses a schema
// whose $ref it cannot resolve (42201), and so do we.
#include <set>

#include "registry/json_schema_internal.h"

namespace kappa::registry::json_schema {
namespace {

// Deepest bracket nesting of a JSON text, strings skipped; iterative so it cannot overflow.
int NestingDepth(std::string_view text) {
  int depth = 0, max_depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      max_depth = std::max(max_depth, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return max_depth;
}

const char* IdKeyword(Dialect d) { return d == Dialect::kDraft4 ? "id" : "$id"; }

std::string StripFragment(const std::string& uri, std::string* fragment = nullptr) {
  size_t hash = uri.find('#');
  if (fragment) *fragment = hash == std::string::npos ? "" : uri.substr(hash + 1);
  return hash == std::string::npos ? uri : uri.substr(0, hash);
}

// "%7e" and "~1"-style escapes of one JSON pointer token.
std::string UnescapeToken(const std::string& token) {
  std::string pct;
  for (size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '%' && i + 2 < token.size() && isxdigit(token[i + 1]) &&
        isxdigit(token[i + 2])) {
      pct += static_cast<char>(std::stoi(token.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      pct += token[i];
    }
  }
  std::string out;
  for (size_t i = 0; i < pct.size(); ++i) {
    if (pct[i] == '~' && i + 1 < pct.size() && (pct[i + 1] == '0' || pct[i + 1] == '1')) {
      out += pct[i + 1] == '0' ? '~' : '/';
      ++i;
    } else {
      out += pct[i];
    }
  }
  return out;
}

const Json* FollowPointer(const Json* node, const std::string& pointer) {
  size_t pos = 1;  // after the leading '/'
  while (node && pos <= pointer.size()) {
    size_t next = pointer.find('/', pos);
    if (next == std::string::npos) next = pointer.size();
    std::string token = UnescapeToken(pointer.substr(pos, next - pos));
    if (node->is_object()) {
      auto it = node->find(token);
      node = it == node->end() ? nullptr : &*it;
    } else if (node->is_array()) {
      if (token.empty() || token.find_first_not_of("0123456789") != std::string::npos ||
          token.size() > 9) {
        return nullptr;
      }
      size_t i = std::stoul(token);
      node = i < node->size() ? &(*node)[i] : nullptr;
    } else {
      return nullptr;
    }
    pos = next + 1;
  }
  return node;
}

}  // namespace

Result<Dialect> DialectOf(const Json& doc) {
  if (!doc.is_object() || !doc.contains("$schema")) return Dialect::kDraft7;
  const Json& s = doc["$schema"];
  if (!s.is_string()) return Status::InvalidArgument("Invalid schema: $schema must be a string");
  const std::string& uri = s.get_ref<const std::string&>();
  if (uri.find("draft-04") != std::string::npos) return Dialect::kDraft4;
  if (uri.find("draft-06") != std::string::npos) return Dialect::kDraft6;
  if (uri.find("draft-07") != std::string::npos) return Dialect::kDraft7;
  if (uri.find("2019-09") != std::string::npos) return Dialect::kDraft2019;
  if (uri.find("2020-12") != std::string::npos) return Dialect::kDraft2020;
  // An unknown meta-schema: read it as draft-07, the registry's default dialect.
  return Dialect::kDraft7;
}

std::string ResolveUri(const std::string& base_in, const std::string& ref_in) {
  std::string base = StripFragment(base_in);
  std::string ref = StripFragment(ref_in);
  if (ref.empty()) return base;
  size_t colon = ref.find(':');
  if (colon != std::string::npos && ref.find('/') > colon) return ref;  // has a scheme
  if (base.empty()) return ref;
  if (ref[0] == '/') {
    size_t scheme = base.find("://");
    size_t host_end = scheme == std::string::npos ? 0 : base.find('/', scheme + 3);
    if (scheme == std::string::npos || host_end == std::string::npos) return ref;
    return base.substr(0, host_end) + ref;
  }
  size_t slash = base.rfind('/');
  std::string dir = slash == std::string::npos ? "" : base.substr(0, slash + 1);
  while (ref.rfind("./", 0) == 0) ref = ref.substr(2);
  return dir + ref;
}

Result<std::unique_ptr<SchemaSet>> SchemaSet::Load(std::string_view text,
                                                   const std::vector<ResolvedReference>& refs) {
  std::unique_ptr<SchemaSet> set(new SchemaSet());
  RETURN_IF_ERROR(set->AddDocument("", text));
  // References, transitively (a referenced schema's own references), each document once.
  std::vector<const ResolvedReference*> pending;
  for (const auto& r : refs) pending.push_back(&r);
  std::set<std::string> seen;
  while (!pending.empty()) {
    const ResolvedReference* r = pending.back();
    pending.pop_back();
    for (const auto& nested : r->references) pending.push_back(&nested);
    if (!seen.insert(r->name).second) continue;
    Status st = set->AddDocument(r->name, r->schema);
    if (!st.ok()) {
      return Status::InvalidArgument("Invalid schema: reference '" + r->name + "' (subject " +
                                     r->subject + " version " + std::to_string(r->version) +
                                     "): " + st.message());
    }
  }
  // Every $ref must resolve, in every document.
  for (const auto& doc : set->docs_) {
    Result<Dialect> d = DialectOf(doc->json);
    std::vector<std::pair<Loc, std::string>> stack;
    Loc root{set.get(), &doc->json, &doc->json, ResolveUri(doc->name, ""), *d};
    if (doc->json.is_object() && doc->json.contains(IdKeyword(*d)) &&
        doc->json[IdKeyword(*d)].is_string()) {
      root.base = ResolveUri(doc->name, doc->json[IdKeyword(*d)].get<std::string>());
    }
    stack.push_back({root, "#"});
    while (!stack.empty()) {
      auto [loc, path] = stack.back();
      stack.pop_back();
      const Json& n = *loc.node;
      if (!n.is_object()) continue;
      if (auto ref = n.find("$ref"); ref != n.end() && ref->is_string()) {
        if (set->Resolve(loc, ref->get<std::string>()).node == nullptr) {
          std::string where = doc->name.empty() ? "" : " in reference '" + doc->name + "'";
          return Status::InvalidArgument("Invalid schema: $ref '" + ref->get<std::string>() +
                                         "' at " + path + where + " cannot be resolved");
        }
      }
      ForEachSubschema(n, loc.dialect, [&](const std::string& suffix, const Json& sub) {
        stack.push_back({Enter(loc, sub), path + "/" + suffix});
      });
    }
  }
  return set;
}

Status SchemaSet::AddDocument(std::string name, std::string_view text) {
  if (NestingDepth(text) > kMaxDepth) {
    return Status::InvalidArgument("Invalid schema: nested deeper than " +
                                   std::to_string(kMaxDepth) + " levels");
  }
  auto doc = std::make_unique<Doc>();
  doc->name = std::move(name);
  doc->json = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc->json.is_discarded()) {
    return Status::InvalidArgument("Invalid schema: not a JSON document");
  }
  ASSIGN_OR_RETURN(Dialect d, DialectOf(doc->json));
  RETURN_IF_ERROR(CheckSchema(doc->json, d));
  std::string base = ResolveUri(doc->name, "");
  const Json& j = doc->json;
  if (j.is_object() && j.contains(IdKeyword(d)) && j[IdKeyword(d)].is_string()) {
    base = ResolveUri(base, j[IdKeyword(d)].get<std::string>());
  }
  if (!doc->name.empty()) by_name_[doc->name] = Resource{&j, base, d};
  resources_.emplace(base, Resource{&j, base, d});
  Index(j, &j, base, d);
  docs_.push_back(std::move(doc));
  return Status::OK();
}

// Registers embedded resources ($id in a subschema) and anchors ($anchor, or draft-06/07's
// "$id": "#name").
void SchemaSet::Index(const Json& node, const Json* resource, const std::string& base,
                      Dialect d) {
  if (!node.is_object()) return;
  std::string my_base = base;
  const Json* my_resource = resource;
  if (auto id = node.find(IdKeyword(d)); id != node.end() && id->is_string()) {
    const std::string& v = id->get_ref<const std::string&>();
    if (!v.empty() && v[0] == '#') {
      anchors_[StripFragment(base) + v] = Loc{this, &node, resource, base, d};
    } else if (&node != resource) {
      my_base = ResolveUri(base, v);
      my_resource = &node;
      resources_.emplace(StripFragment(my_base), Resource{&node, my_base, d});
      std::string frag;
      StripFragment(v, &frag);
      if (!frag.empty()) anchors_[StripFragment(my_base) + "#" + frag] = Loc{this, &node, &node, my_base, d};
    }
  }
  if (auto a = node.find("$anchor"); a != node.end() && a->is_string()) {
    anchors_[StripFragment(my_base) + "#" + a->get<std::string>()] =
        Loc{this, &node, my_resource, my_base, d};
  }
  ForEachSubschema(node, d, [&](const std::string&, const Json& sub) {
    Index(sub, my_resource, my_base, d);
  });
}

const SchemaSet::Resource* SchemaSet::FindResource(const std::string& uri) const {
  if (auto it = resources_.find(uri); it != resources_.end()) return &it->second;
  return nullptr;
}

Loc Enter(const Loc& parent, const Json& sub) {
  Loc out{parent.set, &sub, parent.resource, parent.base, parent.dialect};
  if (!sub.is_object()) return out;
  auto id = sub.find(IdKeyword(parent.dialect));
  if (id != sub.end() && id->is_string() && !id->get_ref<const std::string&>().empty() &&
      id->get_ref<const std::string&>()[0] != '#') {
    out.base = ResolveUri(parent.base, id->get<std::string>());
    out.resource = &sub;
  }
  return out;
}

Loc SchemaSet::Root() const {
  const Json& j = docs_.front()->json;
  Dialect d = DialectOf(j).ok() ? *DialectOf(j) : Dialect::kDraft7;
  std::string base;
  if (j.is_object() && j.contains(IdKeyword(d)) && j[IdKeyword(d)].is_string()) {
    base = ResolveUri("", j[IdKeyword(d)].get<std::string>());
  }
  return Loc{this, &j, &j, base, d};
}

Loc SchemaSet::Resolve(const Loc& from, const std::string& ref) const {
  std::string fragment;
  std::string target = StripFragment(ref, &fragment);
  Loc out;
  if (target.empty()) {
    out = Loc{this, from.resource, from.resource, from.base, from.dialect};
  } else {
    std::string uri = ResolveUri(from.base, target);
    const Resource* r = FindResource(uri);
    if (!r) {
      // Confluent's references are named by the $ref text itself ("address.json"), which
      // need not match the URI it resolves to against an $id base.
      auto it = by_name_.find(target);
      if (it == by_name_.end()) it = by_name_.find(uri);
      if (it != by_name_.end()) r = &it->second;
    }
    if (!r) return Loc{};
    out = Loc{this, r->root, r->root, r->base, r->dialect};
  }
  if (fragment.empty()) return out;
  if (fragment[0] == '/') {
    out.node = FollowPointer(out.node, fragment);
    if (out.node && !out.node->is_object() && !out.node->is_boolean()) out.node = nullptr;
    return out;
  }
  auto it = anchors_.find(StripFragment(out.base) + "#" + fragment);
  if (it == anchors_.end()) return Loc{};
  return it->second;
}

Loc SchemaSet::Deref(const Loc& loc) const {
  static const Json kTrue = true;
  Loc cur = loc;
  for (int hops = 0; hops < 64; ++hops) {
    if (!cur.node || !cur.node->is_object()) return cur;
    auto ref = cur.node->find("$ref");
    if (ref == cur.node->end() || !ref->is_string()) return cur;
    Loc next = Resolve(cur, ref->get<std::string>());
    if (!next.node) return cur;  // Load made sure this does not happen
    cur = next;
  }
  return Loc{this, &kTrue, &kTrue, "", loc.dialect};  // a cycle of bare $refs constrains nothing
}

}  // namespace kappa::registry::json_schema
