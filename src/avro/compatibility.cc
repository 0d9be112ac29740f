// Schema resolution as a check ("Schema Resolution" in the Avro 1.11 specification): can a
// reader with schema R read everything a writer with schema W can write? The walk and the
// reasons follow Apache Avro's Java SchemaCompatibility (which Confluent's registry uses),
// so locations and messages read the same as theirs.
//
// Invariant: each (reader node, writer node) pair is computed once; meeting a pair again
// while it is being computed (a recursive type) counts as compatible, which is sound because
// any incompatibility inside it is found by the outer computation. At most 100 reasons are
// kept (the verdict is exact regardless), and paths longer than 2000 levels are not walked.
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

// The walk records, per (reader node, writer node) pair, its own reasons and the pairs below
// it that are incompatible, in the order they were met; the answer is read from the root
// pair at the end, each pair once. A pair's reasons are thus stored once however often the
// pair is met (Java copies them into every parent: quadratic for long paths), and reasons a
// reader union discards while trying its branches are simply never linked.
class Checker {
 public:
  // The reasons reachable from the pair of the two roots, at most kMaxReasons.
  List Run(const Node* r, const Node* w) {
    int root = Get(r, w);
    List out;
    std::vector<bool> seen(pairs_.size());
    Collect(root, seen, out);
    return out;
  }

 private:
  static constexpr size_t kMaxDepth = 2000;
  static constexpr size_t kMaxReasons = 100;

  struct Item {
    int reason = -1;  // into reasons_
    int child = -1;   // into pairs_
  };
  struct Pair {
    bool done = false;
    bool incompatible = false;
    std::vector<Item> items;
  };
  struct Builder {
    bool incompatible = false;
    std::vector<Item> items;
  };

  void Collect(int id, std::vector<bool>& seen, List& out) {
    if (id < 0 || seen[id]) return;
    seen[id] = true;
    for (const Item& i : pairs_[id].items) {
      if (i.reason >= 0)
        out.push_back(reasons_[i.reason]);
      else
        Collect(i.child, seen, out);
    }
  }

  // The pair's id; -1 when the pair is being computed further up (a recursive type), which
  // counts as compatible.
  int Get(const Node* r, const Node* w, const char* token = nullptr) {
    if (token) loc_.push_back(token);
    int id;
    // Parsing bounds how deep a schema is written, but named types defined deep in one part
    // and used deep in another can make a longer path; the walk stops before the stack does.
    if (loc_.size() > kMaxDepth) {
      Builder b;
      Add(b, IncompatibilityType::kTypeMismatch,
          "schemas nested deeper than " + std::to_string(kMaxDepth) + " levels are not checked");
      id = Store(std::move(b));
    } else if (auto it = index_.find({r, w}); it != index_.end()) {
      id = pairs_[it->second].done ? it->second : -1;
    } else {
      id = static_cast<int>(pairs_.size());
      pairs_.emplace_back();
      index_[{r, w}] = id;
      Builder b = Calculate(r, w);
      pairs_[id] = Pair{true, b.incompatible, std::move(b.items)};
    }
    if (token) loc_.pop_back();
    return id;
  }
  int Store(Builder b) {
    pairs_.push_back(Pair{true, b.incompatible, std::move(b.items)});
    return static_cast<int>(pairs_.size()) - 1;
  }
  bool Bad(int id) const { return id >= 0 && pairs_[id].incompatible; }
  void Link(Builder& b, int child) {
    if (!Bad(child)) return;
    b.incompatible = true;
    b.items.push_back({-1, child});
  }

  void Add(Builder& b, IncompatibilityType t, std::string message, const char* token = nullptr) {
    b.incompatible = true;
    if (reasons_.size() >= kMaxReasons) return;  // the verdict stands; the list is long enough
    std::string where = "/";
    for (size_t i = 0; i < loc_.size(); ++i) where += (i ? "/" : "") + loc_[i];
    if (token) where += std::string(where.size() > 1 ? "/" : "") + token;
    b.items.push_back({static_cast<int>(reasons_.size()), -1});
    reasons_.push_back({t, std::move(where), std::move(message)});
  }
  void Mismatch(Builder& out, const Node* r, const Node* w) {
    Add(out, IncompatibilityType::kTypeMismatch,
        "reader type: " + Upper(TypeName(r->type)) +
            " not compatible with writer type: " + Upper(TypeName(w->type)));
  }

  // Named types match by unqualified name, or by the writer's full name among the reader's
  // aliases (the spec's rule; aliases of the writer play no part).
  void CheckNames(Builder& out, const Node* r, const Node* w) {
    if (r->name == w->name) return;
    if (std::binary_search(r->aliases.begin(), r->aliases.end(), w->full_name)) return;
    Add(out, IncompatibilityType::kNameMismatch, "expected: " + w->full_name, "name");
  }

  Builder Calculate(const Node* r, const Node* w) {
    Builder out;
    if (r->type == w->type) {
      switch (r->type) {
        case Type::kArray:
          Link(out, Get(r->items, w->items, "items"));
          return out;
        case Type::kMap:
          Link(out, Get(r->items, w->items, "values"));
          return out;
        case Type::kFixed:
          CheckNames(out, r, w);
          if (r->size != w->size) {
            Add(out, IncompatibilityType::kFixedSizeMismatch,
                "expected: " + std::to_string(w->size) + ", found: " + std::to_string(r->size),
                "size");
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
          Fields(out, r, w);
          return out;
        case Type::kUnion:
          // Every branch the writer may use must be readable by the reader's union; why a
          // branch is not is not said (as in Java), only that the reader lacks it.
          for (size_t i = 0; i < w->branches.size(); ++i) {
            loc_.push_back(std::to_string(i));
            if (Bad(Get(r, w->branches[i]))) {
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
      for (const Node* b : w->branches) Link(out, Get(r, b));
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
          if (!Bad(Get(b, w))) return out;
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

  void Fields(Builder& out, const Node* r, const Node* w) {
    loc_.push_back("fields");
    for (size_t i = 0; i < r->fields.size(); ++i) {
      const Field& rf = r->fields[i];
      loc_.push_back(std::to_string(i));
      if (const Field* wf = WriterField(w, rf)) {
        Link(out, Get(rf.type, wf->type, "type"));
      } else if (!rf.default_value) {
        Add(out, IncompatibilityType::kReaderFieldMissingDefaultValue, rf.name);
      }
      loc_.pop_back();
    }
    loc_.pop_back();
  }

  std::vector<std::string> loc_;
  std::map<std::pair<const Node*, const Node*>, int> index_;
  std::vector<Pair> pairs_;
  List reasons_;
};

}  // namespace

std::string_view IncompatibilityName(IncompatibilityType t) {
  switch (t) {
    case IncompatibilityType::kNameMismatch:
      return "NAME_MISMATCH";
    case IncompatibilityType::kFixedSizeMismatch:
      return "FIXED_SIZE_MISMATCH";
    case IncompatibilityType::kMissingEnumSymbols:
      return "MISSING_ENUM_SYMBOLS";
    case IncompatibilityType::kReaderFieldMissingDefaultValue:
      return "READER_FIELD_MISSING_DEFAULT_VALUE";
    case IncompatibilityType::kTypeMismatch:
      return "TYPE_MISMATCH";
    case IncompatibilityType::kMissingUnionBranch:
      return "MISSING_UNION_BRANCH";
  }
  return "?";
}

std::vector<Incompatibility> CheckCompatibility(const Schema& reader, const Schema& writer) {
  return Checker().Run(&reader.root(), &writer.root());
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
      d = "The type (path '" + at + "') of a field in the " + r +
          " schema does not match with the " + w + " schema";
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
