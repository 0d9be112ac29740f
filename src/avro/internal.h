// Helpers shared by the files of src/avro (not for other subsystems; they use avro/avro.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "avro/avro.h"

namespace kappa::avro::internal {

// The spec's name rule: [A-Za-z_][A-Za-z0-9_]*.
bool IsValidName(std::string_view s);
// A namespace or full name: names separated by dots ("" is the null namespace).
bool IsValidDottedName(std::string_view s);
// "int" -> Type::kInt; nullopt for other strings.
std::optional<Type> PrimitiveType(std::string_view s);

// Checks that `value` is a valid default for a field of type `type` (a union's default is
// one of its first branch, as the spec says) and returns it normalized: numbers in the
// type's representation, record defaults with only the record's fields. `path` names the
// default in error messages.
Result<nlohmann::json> CheckDefault(const Node& type, const nlohmann::json& value,
                                    const std::string& path);

// Sets n.logical_valid per the spec's rules for the logical type on that base type (decimal
// precision and scale, duration's fixed(12), ...). Invalid and unknown ones are ignored.
void ValidateLogicalType(Node& n);

// libavro-c's parser (avro_schema_from_json_length) over `text`, the text of `s` (or its
// self-contained form): InvalidArgument with its message when it refuses the schema. Not
// asked where libavro-c departs from the spec (see libavro_check.cc).
Status CheckWithLibavro(const Schema& s, std::string_view text);

// How a JSON value prints in messages and canonical forms (UTF-8 as is, never throws).
std::string Dump(const nlohmann::json& j);

}  // namespace kappa::avro::internal
