// Private to the mapper: its value type, the user being mapped, the helpers its files
// share, and Mapper::Impl. mapper.cc evaluates and emits records; mapper_functions.cc
// holds the function library (EvalCall).
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

#include "connect/connect.h"
#include "connect/mapping_program.h"
#include "connect/randomuser_generator.h"

namespace kappa::connect {
namespace mapper_internal {

using simdjson::dom::element;
using simdjson::dom::element_type;

struct Value {
  enum class Kind { kMissing, kNull, kBool, kInt, kFloat, kString, kJson };
  Kind kind = Kind::kMissing;
  bool b = false;
  int64_t i = 0;
  double d = 0;
  std::string_view view;  // kString when !owned
  std::string own;        // kString when owned
  bool owned = false;
  element elem;                   // kJson
  std::string_view missing_path;  // kMissing: the path that was not found

  std::string_view str() const { return owned ? std::string_view(own) : view; }
  // Back to a fresh Value (kMissing), keeping `own`'s capacity: cheaper than `= Value()`,
  // which builds and moves a string, once per field of every record.
  void Reset() {
    kind = Kind::kMissing;
    b = false;
    i = 0;
    d = 0;
    view = {};
    own.clear();
    owned = false;
    elem = element();
    missing_path = {};
  }
  bool present() const { return kind != Kind::kMissing && kind != Kind::kNull; }
  static Value String(std::string s) {
    Value v;
    v.kind = Kind::kString;
    v.own = std::move(s);
    v.owned = true;
    return v;
  }
};

// The user being mapped: a DOM element, or a generated user (the direct path).
struct UserRef {
  element dom;
  const SyntheticUser* synth = nullptr;
};

// Appends the text form of v (str()). Null -> nothing. Requires v not missing.
void AppendText(std::string* out, const Value& v);
// Appends a fresh random (version 4) uuid in its 36-character form.
void AppendUuid(std::string* out);
// "a string", "an object", ...: for error messages.
std::string_view KindName(const Value& v);

}  // namespace mapper_internal

struct Mapper::Impl {
  using Value = mapper_internal::Value;
  using UserRef = mapper_internal::UserRef;
  using element = simdjson::dom::element;

  explicit Impl(Mapping m) : mapping(std::move(m)), prog(MappingAccess::Program(mapping)) {}

  Mapping mapping;
  const MappingProgram& prog;
  simdjson::dom::parser parser;
  std::string key_text;  // scratch: the key field's text of the current record
  std::string scratch;   // scratch for intermediate text

  Status Eval(const Expr& e, const UserRef& user, Value* out);
  Status EvalCall(const Expr& e, const UserRef& user, Value* out);
  // Writes the JSON of a field into *buf; sets *missing (and leaves garbage to roll back)
  // when a path was not found.
  Status EmitField(const FieldProgram& f, const UserRef& user, bool is_key, std::string* buf,
                   std::string_view* missing);
  void EmitValue(const Value& v, std::string* buf);
  Status MapOne(const UserRef& user, size_t index, MappedPage* out, std::vector<size_t>* offs);
  Status MapDoc(element doc, bool allow_single, MappedPage* out);
  Status MapSynthetic(const std::vector<SyntheticUser>& users, MappedPage* out);
  // True when every path of the mapping is a leaf of a generated user (direct path usable).
  bool synth_ok = false;
};

}  // namespace kappa::connect
