// Schema resolution as a check ("Schema Resolution" in the Avro 1.11 specification): can a
// reader with schema R read everything a writer with schema W can write? The walk and the
// reasons follow Apache Avro's Java SchemaCompatibility (which Confluent's registry uses),
// so locations and messages read the same as theirs.
//
// Invariant: each (reader node, writer node) pair is computed once; meeting a pair again
// while it is being computed (a recursive type) counts as compatible, which is sound because
// any incompatibility inside it is found by the outer computation.
#include <algorithm>
#include <map>
#include <set>

#include "avro/internal.h"

namespace kappa::avro {

namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

using List = std::vector<Incompatibility>;

class Checker {
 public:
  List Get(const Node* r, const Node* w, const char* token = nullptr) {
    if (token) loc_.push_back(token);
    List result;
    auto key = std::make_pair(r, w);
    auto it = memo_.find(key);
    if (it != memo_.end()) {
      if (it->second) result = *it->second;  // else in progress: compatible
    } else {
      memo_[key] = std::nullopt;
      result = Calculate(r, w);
      memo_[key] = result;
    }
    if (token) loc_.pop_back();
    return result;
  }

 private:
  void Add(List& out, IncompatibilityType t, std::string message, const char* token = nullptr) {
    std::string where = "/";
    for (size_t i = 0; i < loc_.size(); ++i) where += (i ? "/" : "") + loc_[i];
    if (token) where += std::string(where.size() > 1 ? "/" : "") + token;
    out.push_back({t, std::move(where), std::move(message)});
  }
  static void Merge(List& out, List more) {
    for (auto& i : more) out.push_back(std::move(i));
  }
  void Mismatch(List& out, const Node* r, const Node* w) {
    Add(out, IncompatibilityType::kTypeMismatch,
        "reader type: " + Upper(TypeName(r->type)) + " not compatible with writer type: " +
            Upper(TypeName(w->type)));
  }

  // Named types match by unqualified name, or by the writer's full name among the reader's
  // aliases (the spec's rule; aliases of the writer play no part).
  void CheckNames(List& out, const Node* r, const Node* w) {
    if (r->name == w->name) return;
    if (std::binary_search(r->aliases.begin(), r->aliases.end(), w->full_name)) return;
    Add(out, IncompatibilityType::kNameMismatch, "expected: " + w->full_name, "name");
  }

  List Calculate(const Node* r, const Node* w) {
    List out;
    if (r->type == w->type) {
      switch (r->type) {
        case Type::kArray:
          return Get(r->items, w->items, "items");
        case Type::kMap:
          return Get(r->items, w->items, "values");
        case Type::kFixed:
          CheckNames(out, r, w);
          if (r->size != w->size) {
            Add(out, IncompatibilityType::kFixedSizeMismatch,
                "expected: " + std::to_string(w->size) + ", found: " + std::to_string(r->size), "size");
          }
          return out;
        case Type::kEnum: {
          CheckNames(out, r, w);
          std::set<std::string> missing(w->symbols.begin(), w->symbols.end());
          for (const auto& s : r->symbols) missing.erase(s);
          // A reader's enum default takes the symbols it does not know.
          if (!missing.empty() && !r->enum_default) {
            std::string list;
            for (const auto& s : missing) list += (list.empty() ? "" : ", ") + s;
            Add(out, IncompatibilityType::kMissingEnumSymbols, "[" + list + "]", "symbols");
          }
          return out;
        }
        case Type::kRecord:
          CheckNames(out, r, w);
          Merge(out, Fields(r, w));
          return out;
        case Type::kUnion:
          // Every branch the writer may use must be readable by the reader's union.
          for (size_t i = 0; i < w->branches.size(); ++i) {
            loc_.push_back(std::to_string(i));
            if (!Get(r, w->branches[i]).empty()) {
              Add(out, IncompatibilityType::kMissingUnionBranch,
                  "reader union lacking writer type: " + Upper(TypeName(w->branches[i]->type)));
            }
            loc_.pop_back();
          }
          return out;
        default:
          return out;  // the same primitive
      }
    }
    if (w->type == Type::kUnion) {
      for (const Node* b : w->branches) Merge(out, Get(r, b));
      return out;
    }
    switch (r->type) {
      case Type::kLong:
        if (w->type != Type::kInt) Mismatch(out, r, w);
        return out;
      case Type::kFloat:
        if (w->type != Type::kInt && w->type != Type::kLong) Mismatch(out, r, w);
        return out;
      case Type::kDouble:
        if (w->type != Type::kInt && w->type != Type::kLong && w->type != Type::kFloat) {
          Mismatch(out, r, w);
        }
        return out;
      case Type::kBytes:
        if (w->type != Type::kString) Mismatch(out, r, w);
        return out;
      case Type::kString:
        if (w->type != Type::kBytes) Mismatch(out, r, w);
        return out;
      case Type::kUnion:
        for (const Node* b : r->branches) {
          if (Get(b, w).empty()) return out;
        }
        Add(out, IncompatibilityType::kMissingUnionBranch,
            "reader union lacking writer type: " + Upper(TypeName(w->type)));
        return out;
      default:
        Mismatch(out, r, w);
        return out;
    }
  }

  static const Field* WriterField(const Node* w, const Field& rf) {
    auto find = [&](const std::string& name) -> const Field* {
      for (const Field& f : w->fields) {
        if (f.name == name) return &f;
      }
      return nullptr;
    };
    if (const Field* f = find(rf.name)) return f;
    for (const auto& alias : rf.aliases) {
      if (const Field* f = find(alias)) return f;
    }
    return nullptr;
  }

  List Fields(const Node* r, const Node* w) {
    List out;
    loc_.push_back("fields");
    for (size_t i = 0; i < r->fields.size(); ++i) {
      const Field& rf = r->fields[i];
      loc_.push_back(std::to_string(i));
      if (const Field* wf = WriterField(w, rf)) {
        Merge(out, Get(rf.type, wf->type, "type"));
      } else if (!rf.default_value) {
        Add(out, IncompatibilityType::kReaderFieldMissingDefaultValue, rf.name);
      }
      loc_.pop_back();
    }
    loc_.pop_back();
    return out;
  }

  std::vector<std::string> loc_;
  std::map<std::pair<const Node*, const Node*>, std::optional<List>> memo_;
};

}  // namespace

std::string_view IncompatibilityName(IncompatibilityType t) {
  switch (t) {
    case IncompatibilityType::kNameMismatch: return "NAME_MISMATCH";
    case IncompatibilityType::kFixedSizeMismatch: return "FIXED_SIZE_MISMATCH";
    case IncompatibilityType::kMissingEnumSymbols: return "MISSING_ENUM_SYMBOLS";
    case IncompatibilityType::kReaderFieldMissingDefaultValue: return "READER_FIELD_MISSING_DEFAULT_VALUE";
    case IncompatibilityType::kTypeMismatch: return "TYPE_MISMATCH";
    case IncompatibilityType::kMissingUnionBranch: return "MISSING_UNION_BRANCH";
  }
  return "?";
}

std::vector<Incompatibility> CheckCompatibility(const Schema& reader, const Schema& writer) {
  List all = Checker().Get(&reader.root(), &writer.root());
  // A pair met twice (a shared named type) reports its reasons twice; keep the first.
  List out;
  for (auto& i : all) {
    bool dup = std::any_of(out.begin(), out.end(), [&](const Incompatibility& o) {
      return o.type == i.type && o.location == i.location && o.message == i.message;
    });
    if (!dup) out.push_back(std::move(i));
  }
  return out;
}

std::string Describe(const Incompatibility& i, std::string_view reader_label,
                     std::string_view writer_label) {
  const std::string r(reader_label), w(writer_label), at = i.location;
  std::string d;
  switch (i.type) {
    case IncompatibilityType::kFixedSizeMismatch:
      d = "The size of FIXED type field at path '" + at + "' in the " + r +
          " schema does not match with the " + w + " schema";
      break;
    case IncompatibilityType::kTypeMismatch:
      d = "The type (path '" + at + "') of a field in the " + r + " schema does not match with the " +
          w + " schema";
      break;
    case IncompatibilityType::kNameMismatch:
      d = "The name of the schema has changed (path '" + at + "')";
      break;
    case IncompatibilityType::kMissingEnumSymbols:
      d = "The " + r + " schema is missing enum symbols '" + i.message + "' at path '" + at +
          "' in the " + w + " schema";
      break;
    case IncompatibilityType::kMissingUnionBranch:
      d = "The " + r + " schema is missing a type inside a union field at path '" + at +
          "' in the " + w + " schema";
      break;
    case IncompatibilityType::kReaderFieldMissingDefaultValue:
      d = "The field '" + i.message + "' at path '" + at + "' in the " + r +
          " schema has no default value and is missing in the " + w + " schema";
      break;
  }
  return "{errorType:'" + std::string(IncompatibilityName(i.type)) + "', description:'" + d +
         "', additionalInfo:'" + i.message + "'}";
}

}  // namespace kappa::avro
