// Avro schema JSON -> the Node model, validated per the Avro 1.11 specification.
//
// Named types are registered under their full name before their body is parsed, so a record
// can refer to itself; a name used before its definition is an error (as in Java and Python).
// Field defaults are checked after the whole schema is parsed: a default may need a record
// whose fields were still being read when the default was met.
#include <set>
#include <unordered_map>

#include "avro/internal.h"

namespace kappa::avro {

using nlohmann::json;
using internal::IsValidDottedName;
using internal::IsValidName;
using internal::PrimitiveType;

namespace {

std::string At(const std::string& path) { return path.empty() ? "/" : path; }

Status Invalid(const std::string& path, const std::string& msg) {
  return Status::InvalidArgument(At(path) + ": " + msg);
}

// Reads an optional string attribute; InvalidArgument when present with another JSON type.
Result<std::optional<std::string>> OptString(const json& obj, const char* key,
                                             const std::string& path) {
  auto it = obj.find(key);
  if (it == obj.end() || (it->is_null() && std::string_view(key) == "namespace")) {
    return std::optional<std::string>();
  }
  if (!it->is_string()) return Invalid(path, std::string("'") + key + "' must be a string");
  return std::optional<std::string>(it->get<std::string>());
}

struct PendingDefault {
  Field* field;
  json value;
  std::string path;
};

}  // namespace

class Parser {
 public:
  Parser(std::shared_ptr<Schema> s, const std::vector<std::shared_ptr<const Schema>>& prior)
      : s_(std::move(s)) {
    s_->refs_ = prior;
    for (const auto& ref : prior) {
      for (const Node* n : ref->defined()) names_[n->full_name] = n;
    }
  }
  bool Known(const std::string& full) const { return names_.count(full) > 0; }

  Status Run(const json& j) {
    auto root = ParseType(j, "", "");
    if (!root.ok()) return root.status();
    s_->root_ = *root;
    for (auto& p : pending_) {
      auto v = internal::CheckDefault(*p.field->type, p.value, p.path);
      if (!v.ok()) return v.status();
      p.field->default_value = std::move(*v);
    }
    return Status::OK();
  }

 private:
  Node* NewNode(Type t) {
    s_->nodes_.push_back(std::make_unique<Node>());
    s_->nodes_.back()->type = t;
    return s_->nodes_.back().get();
  }

  Result<const Node*> Lookup(const std::string& name, const std::string& space,
                             const std::string& path) {
    if (auto p = PrimitiveType(name)) return static_cast<const Node*>(NewNode(*p));
    if (!IsValidDottedName(name)) {
      return Invalid(path, "'" + name + "' is not a valid type name");
    }
    // A dotless name is looked up in the enclosing namespace, then as a full name (Java does
    // the same; the spec's "null namespace" types stay reachable from inside a namespace).
    if (name.find('.') == std::string::npos && !space.empty()) {
      auto it = names_.find(space + "." + name);
      if (it != names_.end()) return it->second;
    }
    auto it = names_.find(name);
    if (it != names_.end()) return it->second;
    return Invalid(path, "undefined named type '" + name + "'");
  }

  Result<const Node*> ParseType(const json& j, const std::string& space,
                                const std::string& path) {
    if (++depth_ > 200) return Invalid(path, "schema nested deeper than 200 levels");
    struct Leave { int& d; ~Leave() { --d; } } leave{depth_};
    if (j.is_string()) return Lookup(j.get<std::string>(), space, path);
    if (j.is_array()) return ParseUnion(j, space, path);
    if (!j.is_object()) {
      return Invalid(path, "a schema must be a type name, an object or an array (union), not " +
                               internal::Dump(j));
    }
    auto t = j.find("type");
    if (t == j.end()) return Invalid(path, "'type' is missing");
    if (!t->is_string()) return ParseType(*t, space, path + "/type");
    const std::string type = t->get<std::string>();
    if (auto p = PrimitiveType(type)) {
      Node* n = NewNode(*p);
      RETURN_IF_ERROR(ReadLogical(j, n, path));
      return static_cast<const Node*>(n);
    }
    if (type == "record" || type == "enum" || type == "fixed") return ParseNamed(j, type, space, path);
    if (type == "array" || type == "map") {
      const char* key = type == "array" ? "items" : "values";
      auto it = j.find(key);
      if (it == j.end()) return Invalid(path, type + " without '" + key + "'");
      Node* n = NewNode(type == "array" ? Type::kArray : Type::kMap);
      ASSIGN_OR_RETURN(n->items, ParseType(*it, space, path + "/" + key));
      return static_cast<const Node*>(n);
    }
    if (type == "error") return Invalid(path, "'error' types exist only in Avro protocols");
    // {"type": "com.acme.User"}: a reference to a named type, as Java and Python accept.
    return Lookup(type, space, path + "/type");
  }

  Status ReadLogical(const json& j, Node* n, const std::string& path) {
    auto lt = j.find("logicalType");
    if (lt == j.end()) return Status::OK();
    if (!lt->is_string()) return Invalid(path, "'logicalType' must be a string");
    n->logical_type = lt->get<std::string>();
    for (auto [key, dst] : {std::pair{"precision", &n->precision}, std::pair{"scale", &n->scale}}) {
      auto it = j.find(key);
      if (it == j.end()) continue;
      // A non-integer precision makes the logical type invalid (ignored), not the schema.
      if (it->is_number_integer()) *dst = it->get<int64_t>();
      else *dst = -1;
    }
    internal::ValidateLogicalType(*n);
    return Status::OK();
  }

  Result<const Node*> ParseUnion(const json& j, const std::string& space, const std::string& path) {
    Node* n = NewNode(Type::kUnion);
    std::set<std::string> seen;
    for (size_t i = 0; i < j.size(); ++i) {
      std::string bpath = path + "/" + std::to_string(i);
      if (j[i].is_array()) return Invalid(bpath, "a union may not directly contain a union");
      ASSIGN_OR_RETURN(const Node* b, ParseType(j[i], space, bpath));
      if (b->type == Type::kUnion) return Invalid(bpath, "a union may not directly contain a union");
      std::string key = IsNamed(b->type) ? b->full_name : std::string(TypeName(b->type));
      if (!seen.insert(key).second) {
        return Invalid(bpath, "duplicate type '" + key + "' in union");
      }
      n->branches.push_back(b);
    }
    return static_cast<const Node*>(n);
  }

  // The full name and namespace of a named type per the spec: a dotted name is a full name;
  // otherwise `namespace` if present, else the enclosing namespace.
  Status ResolveName(const json& j, const std::string& space, const std::string& path, Node* n) {
    auto name = j.find("name");
    if (name == j.end() || !name->is_string()) return Invalid(path, "'name' is missing or not a string");
    std::string full = name->get<std::string>();
    ASSIGN_OR_RETURN(std::optional<std::string> ns, OptString(j, "namespace", path));
    if (ns && !IsValidDottedName(*ns)) return Invalid(path + "/namespace", "'" + *ns + "' is not a valid namespace");
    if (full.find('.') == std::string::npos) {
      std::string sp = ns ? *ns : space;
      full = sp.empty() ? full : sp + "." + full;
    }
    if (!IsValidDottedName(full) || full.empty()) {
      return Invalid(path + "/name", "'" + name->get<std::string>() + "' is not a valid Avro name");
    }
    size_t dot = full.rfind('.');
    n->full_name = full;
    n->name = dot == std::string::npos ? full : full.substr(dot + 1);
    n->space = dot == std::string::npos ? "" : full.substr(0, dot);
    if (PrimitiveType(n->name)) return Invalid(path + "/name", "'" + n->name + "' is a primitive type name");
    if (Known(full)) return Invalid(path + "/name", "the named type '" + full + "' is defined twice");
    // Aliases resolve against the type's namespace, like its name.
    if (auto a = j.find("aliases"); a != j.end()) {
      if (!a->is_array()) return Invalid(path + "/aliases", "'aliases' must be an array of names");
      for (const auto& al : *a) {
        if (!al.is_string() || !IsValidDottedName(al.get<std::string>()) || al.get<std::string>().empty()) {
          return Invalid(path + "/aliases", internal::Dump(al) + " is not a valid alias");
        }
        std::string s = al.get<std::string>();
        n->aliases.push_back(s.find('.') == std::string::npos && !n->space.empty() ? n->space + "." + s : s);
      }
      std::sort(n->aliases.begin(), n->aliases.end());
      n->aliases.erase(std::unique(n->aliases.begin(), n->aliases.end()), n->aliases.end());
    }
    ASSIGN_OR_RETURN(std::optional<std::string> doc, OptString(j, "doc", path));
    if (doc) n->doc = *doc;
    names_[full] = n;
    s_->defined_.push_back(n);
    s_->own_.insert(n);
    return Status::OK();
  }

  Result<const Node*> ParseNamed(const json& j, const std::string& type, const std::string& space,
                                 const std::string& path) {
    Node* n = NewNode(type == "record" ? Type::kRecord : type == "enum" ? Type::kEnum : Type::kFixed);
    RETURN_IF_ERROR(ResolveName(j, space, path, n));
    if (n->type == Type::kFixed) {
      auto size = j.find("size");
      if (size == j.end() || !size->is_number_integer() || size->get<int64_t>() < 0) {
        return Invalid(path, "fixed '" + n->full_name + "' needs a non-negative integer 'size'");
      }
      n->size = size->get<int64_t>();
      RETURN_IF_ERROR(ReadLogical(j, n, path));
      return static_cast<const Node*>(n);
    }
    if (n->type == Type::kEnum) {
      RETURN_IF_ERROR(ReadEnum(j, path, n));
      return static_cast<const Node*>(n);
    }
    auto fields = j.find("fields");
    if (fields == j.end() || !fields->is_array()) {
      return Invalid(path, "record '" + n->full_name + "' needs a 'fields' array");
    }
    n->fields.reserve(fields->size());  // pending defaults keep pointers into it
    std::set<std::string> seen;
    for (size_t i = 0; i < fields->size(); ++i) {
      const json& f = (*fields)[i];
      std::string fpath = path + "/fields/" + std::to_string(i);
      if (!f.is_object()) return Invalid(fpath, "a field must be an object");
      Field field;
      auto name = f.find("name");
      if (name == f.end() || !name->is_string() || !IsValidName(name->get<std::string>())) {
        return Invalid(fpath, "field name " + (name == f.end() ? std::string("is missing") : internal::Dump(*name) + " is not a valid Avro name"));
      }
      field.name = name->get<std::string>();
      if (!seen.insert(field.name).second) {
        return Invalid(fpath, "duplicate field '" + field.name + "' in record '" + n->full_name + "'");
      }
      auto t = f.find("type");
      if (t == f.end()) return Invalid(fpath, "field '" + field.name + "' has no 'type'");
      ASSIGN_OR_RETURN(field.type, ParseType(*t, n->space, fpath + "/type"));
      ASSIGN_OR_RETURN(std::optional<std::string> doc, OptString(f, "doc", fpath));
      if (doc) field.doc = *doc;
      ASSIGN_OR_RETURN(std::optional<std::string> order, OptString(f, "order", fpath));
      if (order) {
        if (*order != "ascending" && *order != "descending" && *order != "ignore") {
          return Invalid(fpath + "/order", "order must be ascending, descending or ignore");
        }
        field.order = *order;
      }
      if (auto a = f.find("aliases"); a != f.end()) {
        if (!a->is_array()) return Invalid(fpath + "/aliases", "'aliases' must be an array of names");
        for (const auto& al : *a) {
          if (!al.is_string() || !IsValidName(al.get<std::string>())) {
            return Invalid(fpath + "/aliases", internal::Dump(al) + " is not a valid field alias");
          }
          field.aliases.push_back(al.get<std::string>());
        }
      }
      // The raw default is kept until checked: a record default may need to know that a
      // field of a record still being parsed has one.
      if (auto d = f.find("default"); d != f.end()) field.default_value = *d;
      n->fields.push_back(std::move(field));
      if (n->fields.back().default_value) {
        pending_.push_back({&n->fields.back(), *n->fields.back().default_value, fpath + "/default"});
      }
    }
    return static_cast<const Node*>(n);
  }

  Status ReadEnum(const json& j, const std::string& path, Node* n) {
    auto symbols = j.find("symbols");
    if (symbols == j.end() || !symbols->is_array()) {
      return Invalid(path, "enum '" + n->full_name + "' needs a 'symbols' array");
    }
    std::set<std::string> seen;
    for (size_t i = 0; i < symbols->size(); ++i) {
      const json& s = (*symbols)[i];
      std::string spath = path + "/symbols/" + std::to_string(i);
      if (!s.is_string() || !IsValidName(s.get<std::string>())) {
        return Invalid(spath, internal::Dump(s) + " is not a valid enum symbol");
      }
      if (!seen.insert(s.get<std::string>()).second) {
        return Invalid(spath, "duplicate symbol '" + s.get<std::string>() + "' in enum '" + n->full_name + "'");
      }
      n->symbols.push_back(s.get<std::string>());
    }
    if (auto d = j.find("default"); d != j.end()) {
      if (!d->is_string() || !seen.count(d->get<std::string>())) {
        return Invalid(path + "/default", "enum default " + internal::Dump(*d) +
                                              " is not a symbol of '" + n->full_name + "'");
      }
      n->enum_default = d->get<std::string>();
    }
    return Status::OK();
  }

  std::shared_ptr<Schema> s_;
  std::unordered_map<std::string, const Node*> names_;
  std::vector<PendingDefault> pending_;
  int depth_ = 0;
};

namespace {

// One schema over the already parsed schemas it may use.
Result<std::shared_ptr<const Schema>> ParseOne(std::string_view text,
                                               const std::vector<std::shared_ptr<const Schema>>& prior) {
  auto s = std::make_shared<Schema>();
  Parser parser(s, prior);
  json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument("schema is not valid JSON");
  RETURN_IF_ERROR(parser.Run(j));
  // The second opinion of the maintained C parser. With references it cannot know their
  // types, so it gets the schema with them written out.
  RETURN_IF_ERROR(internal::CheckWithLibavro(*s, prior.empty() ? std::string(text)
                                                               : s->SelfContainedForm()));
  return std::shared_ptr<const Schema>(std::move(s));
}

}  // namespace

Result<std::shared_ptr<const Schema>> Parse(std::string_view text,
                                            const std::vector<std::string>& references) {
  std::vector<std::shared_ptr<const Schema>> prior;
  for (size_t i = 0; i < references.size(); ++i) {
    auto r = ParseOne(references[i], prior);
    if (!r.ok()) {
      return Status::InvalidArgument("reference " + std::to_string(i + 1) + ": " +
                                     r.status().message());
    }
    prior.push_back(std::move(*r));
  }
  return ParseOne(text, prior);
}

}  // namespace kappa::avro
