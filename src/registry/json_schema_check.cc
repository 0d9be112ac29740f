// Is a JSON document a schema? The rules of each draft's meta-schema, keyword by keyword:
// what `jsonschema`'s check_schema (python3-jsonschema) and Confluent's loader refuse.
// Unknown keywords are allowed (every draft allows them). Cross-checked against
// python3-jsonschema by tests/registry/test_json_schema_python.py.
#include <cmath>
#include <regex>
#include <set>

#include "registry/json_schema_internal.h"

namespace kappa::registry::json_schema {
namespace {

// Longer patterns are refused rather than compiled: std::regex compiles recursively.
constexpr size_t kMaxPatternLength = 2000;

class Checker {
 public:
  explicit Checker(Dialect d) : d_(d) {}

  Status Schema(const Json& s, const std::string& path, int depth) {
    if (depth > kMaxDepth) return Fail(path, "nested too deeply");
    if (s.is_boolean()) {
      if (d_ == Dialect::kDraft4) return Fail(path, "a schema must be an object in draft-04");
      return Status::OK();
    }
    if (!s.is_object()) return Fail(path, "a schema must be an object or a boolean");
    for (const auto& [k, v] : s.items()) RETURN_IF_ERROR(Keyword(k, v, path, depth));
    return Status::OK();
  }

 private:
  Status Fail(const std::string& path, const std::string& what) const {
    return Status::InvalidArgument("Invalid schema: at " + path + ": " + what);
  }

  bool IsInteger(const Json& v) const {
    if (v.is_number_integer()) return true;
    // From draft-06 on, 1.0 is an integer.
    if (d_ != Dialect::kDraft4 && v.is_number_float()) {
      double x = v.get<double>();
      return std::isfinite(x) && std::floor(x) == x;
    }
    return false;
  }
  bool IsNonNegative(const Json& v) const {
    return IsInteger(v) && (v.is_number_unsigned() || v.get<double>() >= 0);
  }

  Status SchemaArray(const Json& v, const std::string& p, int depth, bool non_empty) {
    if (!v.is_array()) return Fail(p, "must be an array of schemas");
    if (non_empty && v.empty()) return Fail(p, "must not be empty");
    for (size_t i = 0; i < v.size(); ++i) {
      RETURN_IF_ERROR(Schema(v[i], p + "/" + std::to_string(i), depth + 1));
    }
    return Status::OK();
  }
  Status SchemaMap(const Json& v, const std::string& p, int depth) {
    if (!v.is_object()) return Fail(p, "must be an object of schemas");
    for (const auto& [name, sub] : v.items()) RETURN_IF_ERROR(Schema(sub, p + "/" + name, depth + 1));
    return Status::OK();
  }
  Status StringArray(const Json& v, const std::string& p, bool non_empty, bool unique) {
    if (!v.is_array()) return Fail(p, "must be an array of strings");
    if (non_empty && v.empty()) return Fail(p, "must not be empty");
    std::set<std::string> seen;
    for (const auto& e : v) {
      if (!e.is_string()) return Fail(p, "must be an array of strings");
      if (unique && !seen.insert(e.get<std::string>()).second) {
        return Fail(p, "has duplicate entry \"" + e.get<std::string>() + "\"");
      }
    }
    return Status::OK();
  }
  Status Regex(const Json& v, const std::string& p) {
    if (!v.is_string()) return Fail(p, "must be a string");
    return RegexText(v.get<std::string>(), p);
  }
  Status RegexText(const std::string& pattern, const std::string& p) {
    if (pattern.size() > kMaxPatternLength) return Fail(p, "regular expression too long");
    try {
      std::regex re(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      return Fail(p, "invalid regular expression '" + pattern + "'");
    }
    return Status::OK();
  }
  Status Type(const Json& v, const std::string& p) {
    static const std::set<std::string> kTypes = {"array", "boolean", "integer", "null",
                                                 "number", "object", "string"};
    auto one = [&](const Json& t) {
      return t.is_string() && kTypes.count(t.get<std::string>()) > 0;
    };
    if (v.is_string()) {
      if (!one(v)) return Fail(p, "unknown type \"" + v.get<std::string>() + "\"");
      return Status::OK();
    }
    if (!v.is_array()) return Fail(p, "must be a type name or an array of type names");
    if (v.empty() && d_ == Dialect::kDraft4) return Fail(p, "must not be empty");
    std::set<std::string> seen;
    for (const auto& t : v) {
      if (!one(t)) return Fail(p, "must be a type name or an array of type names");
      if (!seen.insert(t.get<std::string>()).second) return Fail(p, "has duplicate types");
    }
    return Status::OK();
  }

  Status Keyword(const std::string& k, const Json& v, const std::string& path, int depth) {
    const std::string p = path + "/" + k;
    bool modern = d_ == Dialect::kDraft2019 || d_ == Dialect::kDraft2020;
    if (k == "type") return Type(v, p);
    if (k == "properties" || k == "definitions" || k == "patternProperties" ||
        (modern && (k == "$defs" || k == "dependentSchemas"))) {
      RETURN_IF_ERROR(SchemaMap(v, p, depth));
      if (k == "patternProperties") {
        for (const auto& [pattern, sub] : v.items()) RETURN_IF_ERROR(RegexText(pattern, p));
      }
      return Status::OK();
    }
    if (k == "allOf" || k == "anyOf" || k == "oneOf") return SchemaArray(v, p, depth, true);
    if (k == "prefixItems" && d_ == Dialect::kDraft2020) return SchemaArray(v, p, depth, true);
    if (k == "items") {
      if (v.is_array() && d_ != Dialect::kDraft2020) return SchemaArray(v, p, depth, true);
      return Schema(v, p, depth + 1);
    }
    if (k == "additionalItems" || k == "additionalProperties" || k == "not" ||
        (d_ != Dialect::kDraft4 && (k == "contains" || k == "propertyNames")) ||
        (d_ >= Dialect::kDraft7 && (k == "if" || k == "then" || k == "else")) ||
        (modern && (k == "unevaluatedItems" || k == "unevaluatedProperties" ||
                    k == "contentSchema"))) {
      return Schema(v, p, depth + 1);
    }
    if (k == "required") {
      // draft-04's required is a non-empty array; later drafts allow [].
      return StringArray(v, p, d_ == Dialect::kDraft4, true);
    }
    if (k == "enum") {
      if (!v.is_array()) return Fail(p, "must be an array");
      if (d_ == Dialect::kDraft4 && v.empty()) return Fail(p, "must not be empty");
      if (d_ == Dialect::kDraft4) {
        for (size_t i = 0; i < v.size(); ++i) {
          for (size_t j = i + 1; j < v.size(); ++j) {
            if (v[i] == v[j]) return Fail(p, "has duplicate values");
          }
        }
      }
      return Status::OK();
    }
    if (k == "maxLength" || k == "minLength" || k == "maxItems" || k == "minItems" ||
        k == "maxProperties" || k == "minProperties" ||
        (modern && (k == "maxContains" || k == "minContains"))) {
      if (!IsNonNegative(v)) return Fail(p, "must be a non-negative integer");
      return Status::OK();
    }
    if (k == "maximum" || k == "minimum") {
      if (!v.is_number()) return Fail(p, "must be a number");
      return Status::OK();
    }
    if (k == "exclusiveMaximum" || k == "exclusiveMinimum") {
      if (d_ == Dialect::kDraft4) {
        if (!v.is_boolean()) return Fail(p, "must be a boolean in draft-04");
      } else if (!v.is_number()) {
        return Fail(p, "must be a number");
      }
      return Status::OK();
    }
    if (k == "multipleOf") {
      if (!v.is_number() || v.get<double>() <= 0) return Fail(p, "must be a number above 0");
      return Status::OK();
    }
    if (k == "pattern") return Regex(v, p);
    if (k == "uniqueItems" || (d_ >= Dialect::kDraft7 && (k == "readOnly" || k == "writeOnly")) ||
        (modern && k == "deprecated")) {
      if (!v.is_boolean()) return Fail(p, "must be a boolean");
      return Status::OK();
    }
    if (k == "title" || k == "description" || k == "format" || k == "$ref" ||
        k == "$schema" || (d_ == Dialect::kDraft4 ? k == "id" : k == "$id") ||
        (d_ >= Dialect::kDraft7 && (k == "$comment" || k == "contentMediaType" ||
                                    k == "contentEncoding")) ||
        (modern && (k == "$anchor" || k == "$dynamicRef" || k == "$dynamicAnchor" ||
                    k == "$recursiveRef"))) {
      if (!v.is_string()) return Fail(p, "must be a string");
      return Status::OK();
    }
    if (k == "examples" && d_ != Dialect::kDraft4) {
      if (!v.is_array()) return Fail(p, "must be an array");
      return Status::OK();
    }
    if (k == "dependencies") {
      if (!v.is_object()) return Fail(p, "must be an object");
      for (const auto& [name, dep] : v.items()) {
        if (dep.is_array()) {
          RETURN_IF_ERROR(StringArray(dep, p + "/" + name, d_ == Dialect::kDraft4, true));
        } else {
          RETURN_IF_ERROR(Schema(dep, p + "/" + name, depth + 1));
        }
      }
      return Status::OK();
    }
    if (modern && k == "dependentRequired") {
      if (!v.is_object()) return Fail(p, "must be an object");
      for (const auto& [name, dep] : v.items()) {
        RETURN_IF_ERROR(StringArray(dep, p + "/" + name, false, true));
      }
      return Status::OK();
    }
    return Status::OK();  // const, default and unknown keywords take any value
  }

  Dialect d_;
};

}  // namespace

Status CheckSchema(const Json& doc, Dialect dialect) {
  return Checker(dialect).Schema(doc, "#", 0);
}

}  // namespace kappa::registry::json_schema
