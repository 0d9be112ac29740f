// Parsing Canonical Form (Avro 1.11 specification, "Parsing Canonical Form for Schemas") and
// the registry's identity form, which extends it with what changes resolution: defaults,
// aliases and logical types (docs/formats/avro_identity.md).
//
// The model already holds full names and no docs, so [FULLNAMES] and [STRIP] are by
// construction; [ORDER] is the order of the writes below; [STRINGS] and [WHITESPACE] come
// from printing strings with nlohmann's dump (UTF-8 kept, only the escapes JSON requires) and
// no spaces; [INTEGERS] from printing `size` as a number.
#include <algorithm>

#include "avro/internal.h"

namespace kappa::avro {

namespace {

enum class Mode { kCanonical, kIdentity, kSelfContained };

class Printer {
 public:
  Printer(const Schema& s, Mode m) : s_(s), m_(m) {}

  std::string Run() {
    Print(&s_.root());
    return std::move(out_);
  }

 private:
  bool Extended() const { return m_ != Mode::kCanonical; }

  void Str(std::string_view s) { out_ += internal::Dump(nlohmann::json(s)); }
  void Key(std::string_view k) {
    out_ += ',';
    Str(k);
    out_ += ':';
  }
  void Names(const std::vector<std::string>& names) {
    std::vector<std::string> sorted = names;
    std::sort(sorted.begin(), sorted.end());
    out_ += '[';
    for (size_t i = 0; i < sorted.size(); ++i) {
      if (i) out_ += ',';
      Str(sorted[i]);
    }
    out_ += ']';
  }
  void Logical(const Node& n) {
    if (!Extended() || n.logical_type.empty()) return;
    Key("logicalType");
    Str(n.logical_type);
    if (n.precision) Key("precision"), out_ += std::to_string(*n.precision);
    if (n.scale) Key("scale"), out_ += std::to_string(*n.scale);
  }

  void Print(const Node* n) {
    if (IsNamed(n->type)) {
      // A named type is defined where it first appears and named afterwards; a type of a
      // referenced schema is only named (unless a self-contained form is asked for).
      const bool external = m_ != Mode::kSelfContained && s_.IsExternal(n);
      if (external || !seen_.insert(n).second) {
        Str(n->full_name);
        return;
      }
      out_ += "{\"name\":";
      Str(n->full_name);
      Key("type");
      Str(TypeName(n->type));
      if (n->type == Type::kRecord) {
        Key("fields");
        out_ += '[';
        for (size_t i = 0; i < n->fields.size(); ++i) {
          if (i) out_ += ',';
          PrintField(n->fields[i]);
        }
        out_ += ']';
      } else if (n->type == Type::kEnum) {
        Key("symbols");
        out_ += '[';
        for (size_t i = 0; i < n->symbols.size(); ++i) {
          if (i) out_ += ',';
          Str(n->symbols[i]);
        }
        out_ += ']';
        if (Extended() && n->enum_default) Key("default"), Str(*n->enum_default);
      } else {
        Key("size");
        out_ += std::to_string(n->size);
      }
      if (Extended() && !n->aliases.empty()) Key("aliases"), Names(n->aliases);
      Logical(*n);
      out_ += '}';
      return;
    }
    switch (n->type) {
      case Type::kArray:
      case Type::kMap:
        out_ += "{\"type\":";
        Str(TypeName(n->type));
        Key(n->type == Type::kArray ? "items" : "values");
        Print(n->items);
        out_ += '}';
        return;
      case Type::kUnion:
        out_ += '[';
        for (size_t i = 0; i < n->branches.size(); ++i) {
          if (i) out_ += ',';
          Print(n->branches[i]);
        }
        out_ += ']';
        return;
      default:  // a primitive: [PRIMITIVES] the bare name, unless a logical type is kept
        if (!Extended() || n->logical_type.empty()) {
          Str(TypeName(n->type));
          return;
        }
        out_ += "{\"type\":";
        Str(TypeName(n->type));
        Logical(*n);
        out_ += '}';
    }
  }

  void PrintField(const Field& f) {
    out_ += "{\"name\":";
    Str(f.name);
    Key("type");
    Print(f.type);
    if (Extended() && f.default_value) Key("default"), out_ += internal::Dump(*f.default_value);
    if (Extended() && !f.aliases.empty()) Key("aliases"), Names(f.aliases);
    out_ += '}';
  }

  const Schema& s_;
  Mode m_;
  std::string out_;
  std::unordered_set<const Node*> seen_;
};

}  // namespace

bool Schema::IsExternal(const Node* n) const { return IsNamed(n->type) && !own_.count(n); }

std::string Schema::CanonicalForm() const { return Printer(*this, Mode::kCanonical).Run(); }
std::string Schema::IdentityForm() const { return Printer(*this, Mode::kIdentity).Run(); }
std::string Schema::SelfContainedForm() const { return Printer(*this, Mode::kSelfContained).Run(); }

}  // namespace kappa::avro
