// The compiled form of a mapping (docs/formats/mapping.md). Private to connect: built by
// mapping.cc / expression_parser.cc, evaluated by mapper.cc. Immutable once built.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "connect/connect.h"

namespace kappa::connect {

// One step of a field path: an object key, or an array index (index >= 0).
struct PathStep {
  std::string key;
  int64_t index = -1;
};

enum class Func {
  kUuid,      // uuid()                 a fresh random (version 4) UUID string
  kLower,     // lower(x)               ASCII lower-case of str(x)
  kUpper,     // upper(x)               ASCII upper-case of str(x)
  kTrim,      // trim(x)                str(x) without leading/trailing whitespace
  kConcat,    // concat(x, y, ...)      str() of each, joined
  kStr,       // str(x)                 x as text
  kInt,       // int(x)                 x as a 64-bit integer
  kFloat,     // float(x)               x as a double
  kCoalesce,  // coalesce(x, y, ...)    first argument that is present and not null
  kDefault,   // default(x, d)          x unless missing or null, else d
};

struct FuncInfo {
  std::string_view name;
  Func func;
  int min_args;
  int max_args;  // -1 = unbounded
};
// The function table (one entry per function); the docs list the same.
const std::vector<FuncInfo>& Functions();

struct Expr {
  enum class Kind { kPath, kString, kInt, kFloat, kBool, kNull, kTemplate, kCall };
  Kind kind = Kind::kNull;
  std::vector<PathStep> path;  // kPath
  int synth_field = -1;        // kPath: the SynthField of a generated user's leaf, or -1
  std::string text;            // kString: the literal; kPath: the path as written
  int64_t i = 0;               // kInt
  double d = 0;                // kFloat
  bool b = false;              // kBool
  Func func = Func::kStr;      // kCall
  std::vector<Expr> args;      // kCall arguments; kTemplate parts (kString literals and exprs)
};

struct FieldProgram {
  std::string name;
  std::string json_prefix;  // `"name":` (JSON-escaped), with a leading comma except field 0
  Expr expr;
};

enum class OnMissing { kError, kNull };

class MappingProgram {
 public:
  std::string name;
  std::vector<FieldProgram> fields;
  std::vector<std::string> field_names;
  int key_index = -1;  // index into fields, -1 = no key
  std::string key_field;
  OnMissing on_missing = OnMissing::kError;
};

// Builds and opens up Mapping objects (the public class keeps its program private).
struct MappingAccess {
  static Mapping Make(std::shared_ptr<const MappingProgram> p) { return Mapping(std::move(p)); }
  static const MappingProgram& Program(const Mapping& m) { return *m.p_; }
};

// Parses the text of one field value (an expression or a string template). `error_offset`
// receives the byte offset of a syntax error in `text`. Errors are InvalidArgument with a
// message that does not yet carry the location ("unknown function 'uuidd'").
Result<Expr> ParseFieldValue(std::string_view text, size_t* error_offset);

// Appends `s` to *out as the body of a JSON string (no quotes): escapes '"', '\\' and control
// characters; UTF-8 passes through.
void AppendJsonEscaped(std::string* out, std::string_view s);

}  // namespace kappa::connect
