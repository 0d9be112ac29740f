// Default values ("Complex Types / Records": a field default is a JSON value of the field's
// type; a union's default is one of its first branch) and logical types ("Logical Types":
// an invalid one is ignored and the base type used).
#include <cmath>
#include <limits>

#include "avro/internal.h"

namespace kappa::avro::internal {

namespace {

using nlohmann::json;

// The code points of a UTF-8 string if all are <= 0xFF (Avro's JSON encoding of bytes and
// fixed: one character per byte); nullopt otherwise.
std::optional<size_t> ByteStringLength(const std::string& s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      i += 1;
    } else if ((c & 0xE0) == 0xC0 && i + 1 < s.size()) {
      unsigned cp = ((c & 0x1F) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3F);
      if (cp > 0xFF) return std::nullopt;
      i += 2;
    } else {
      return std::nullopt;  // a code point above U+07FF is certainly above U+00FF
    }
  }
  return n;
}

Result<json> Check(const Node& t, const json& v, const std::string& path, int depth) {
  if (depth > 500) return Status::InvalidArgument(path + ": default nested too deeply");
  auto bad = [&](std::string_view what) {
    return Status::InvalidArgument(path + ": " + Dump(v) + " is not a valid default for " +
                                   std::string(what));
  };
  switch (t.type) {
    case Type::kNull:
      if (!v.is_null()) return bad("null");
      return v;
    case Type::kBoolean:
      if (!v.is_boolean()) return bad("boolean");
      return v;
    case Type::kInt:
    case Type::kLong: {
      const bool is_int = t.type == Type::kInt;
      if (v.is_number_unsigned()) {
        uint64_t u = v.get<uint64_t>();
        if (u > static_cast<uint64_t>(is_int ? std::numeric_limits<int32_t>::max()
                                             : std::numeric_limits<int64_t>::max())) {
          return bad(TypeName(t.type));
        }
        return json(static_cast<int64_t>(u));
      }
      if (!v.is_number_integer()) return bad(TypeName(t.type));
      int64_t i = v.get<int64_t>();
      if (is_int && (i < std::numeric_limits<int32_t>::min() || i > std::numeric_limits<int32_t>::max())) {
        return bad("int");
      }
      return json(i);
    }
    case Type::kFloat:
    case Type::kDouble:
      if (!v.is_number()) return bad(TypeName(t.type));
      return json(v.get<double>());
    case Type::kString:
      if (!v.is_string()) return bad("string");
      return v;
    case Type::kBytes:
    case Type::kFixed: {
      if (!v.is_string()) return bad(TypeName(t.type));
      auto n = ByteStringLength(v.get<std::string>());
      if (!n) return bad(std::string(TypeName(t.type)) + " (characters must be U+0000..U+00FF)");
      if (t.type == Type::kFixed && *n != static_cast<size_t>(t.size)) {
        return bad("fixed '" + t.full_name + "' of size " + std::to_string(t.size));
      }
      return v;
    }
    case Type::kEnum:
      if (!v.is_string() ||
          std::find(t.symbols.begin(), t.symbols.end(), v.get<std::string>()) == t.symbols.end()) {
        return bad("enum '" + t.full_name + "'");
      }
      return v;
    case Type::kArray: {
      if (!v.is_array()) return bad("array");
      json out = json::array();
      for (size_t i = 0; i < v.size(); ++i) {
        ASSIGN_OR_RETURN(json e, Check(*t.items, v[i], path + "/" + std::to_string(i), depth + 1));
        out.push_back(std::move(e));
      }
      return out;
    }
    case Type::kMap: {
      if (!v.is_object()) return bad("map");
      json out = json::object();
      for (auto it = v.begin(); it != v.end(); ++it) {
        ASSIGN_OR_RETURN(out[it.key()], Check(*t.items, it.value(), path + "/" + it.key(), depth + 1));
      }
      return out;
    }
    case Type::kUnion:
      if (t.branches.empty()) return bad("an empty union");
      return Check(*t.branches[0], v, path, depth + 1);
    case Type::kRecord: {
      if (!v.is_object()) return bad("record '" + t.full_name + "'");
      json out = json::object();
      for (const Field& f : t.fields) {
        auto it = v.find(f.name);
        if (it == v.end()) {
          // A missing field takes its own default (Java's rule for record defaults).
          if (!f.default_value) return bad("record '" + t.full_name + "' (field '" + f.name + "' is missing)");
          continue;
        }
        ASSIGN_OR_RETURN(out[f.name], Check(*f.type, *it, path + "/" + f.name, depth + 1));
      }
      return out;
    }
  }
  return bad("this type");
}

}  // namespace

Result<nlohmann::json> CheckDefault(const Node& type, const nlohmann::json& value,
                                    const std::string& path) {
  return Check(type, value, path, 0);
}

void ValidateLogicalType(Node& n) {
  const std::string& lt = n.logical_type;
  n.logical_valid = false;
  if (lt == "decimal") {
    if (n.type != Type::kBytes && n.type != Type::kFixed) return;
    if (!n.precision || *n.precision <= 0) return;
    int64_t scale = n.scale.value_or(0);
    if (scale < 0 || scale > *n.precision) return;
    if (n.type == Type::kFixed) {
      if (n.size < 1 || n.size > 1024) return;
      auto max_digits = static_cast<int64_t>(std::floor(std::log10(2.0) * (8.0 * n.size - 1)));
      if (*n.precision > max_digits) return;
    }
    n.logical_valid = true;
  } else if (lt == "uuid") {
    n.logical_valid = n.type == Type::kString;
  } else if (lt == "date" || lt == "time-millis") {
    n.logical_valid = n.type == Type::kInt;
  } else if (lt == "time-micros" || lt == "timestamp-millis" || lt == "timestamp-micros" ||
             lt == "local-timestamp-millis" || lt == "local-timestamp-micros") {
    n.logical_valid = n.type == Type::kLong;
  } else if (lt == "duration") {
    n.logical_valid = n.type == Type::kFixed && n.size == 12;
  }
}

}  // namespace kappa::avro::internal
