// Mapping: compiles the YAML form of a mapping (docs/formats/mapping.md) into a
// MappingProgram, validating everything that can be checked before the first record.
#include <yaml-cpp/yaml.h>

#include <set>

#include "connect/connect.h"
#include "connect/mapping_program.h"

namespace kappa::connect {

const std::string_view kSeedMappingYaml = R"(mappings:
  # The seed pipeline's format_data(): one randomuser.me user -> one created_users row.
  users_to_created_users:
    key: id
    on_missing: error
    fields:
      id: uuid()
      first_name: name.first
      last_name: name.last
      gender: gender
      address: "{location.street.number} {location.street.name}, {location.city}, {location.state}, {location.country}"
      post_code: str(location.postcode)
      email: email
      username: login.username
      dob: dob.date
      registered_date: registered.date
      phone: phone
      picture: picture.medium
)";

namespace {

// "file:LINE:COL: " for a node (yaml-cpp marks are 0-based), plus `extra` columns.
std::string Where(std::string_view file, const YAML::Node& n, size_t extra = 0) {
  const YAML::Mark m = n.Mark();
  if (m.line < 0) return std::string(file) + ": ";
  return std::string(file) + ":" + std::to_string(m.line + 1) + ":" +
         std::to_string(m.column + 1 + int(extra)) + ": ";
}

Status Err(std::string_view file, const YAML::Node& n, const std::string& msg,
           size_t extra = 0) {
  return Status::InvalidArgument(Where(file, n, extra) + msg);
}

Result<Mapping> CompileImpl(const YAML::Node& node, std::string_view name, std::string_view file,
                            std::shared_ptr<MappingProgram>* out) {
  const std::string ctx = "mapping " + std::string(name);
  if (!node.IsMap()) return Err(file, node, ctx + " must be a map with a 'fields:' key");
  auto prog = std::make_shared<MappingProgram>();
  prog->name = std::string(name);
  // (A default-constructed YAML::Node counts as defined, hence the explicit flags.)
  YAML::Node fields_node, key_node, on_missing_node;
  bool have_fields = false, have_key = false, have_on_missing = false;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string k = it->first.Scalar();
    if (k == "fields") fields_node = it->second, have_fields = true;
    else if (k == "key") key_node = it->second, have_key = true;
    else if (k == "on_missing") on_missing_node = it->second, have_on_missing = true;
    else return Err(file, it->first, "unknown key '" + k + "' in " + ctx + " (expected fields, key, on_missing)");
  }
  if (!have_fields) return Err(file, node, ctx + " has no 'fields:'");
  if (!fields_node.IsMap() || fields_node.size() == 0) {
    return Err(file, fields_node, ctx + ".fields must be a non-empty map of field: expression");
  }
  std::set<std::string> seen;
  for (auto it = fields_node.begin(); it != fields_node.end(); ++it) {
    const YAML::Node kn = it->first;  // copies: it-> yields a temporary proxy
    const YAML::Node vn = it->second;
    if (!kn.IsScalar() || kn.Scalar().empty()) return Err(file, kn, "a field name must be a non-empty string in " + ctx);
    const std::string field = kn.Scalar();
    const std::string fctx = ctx + ".fields." + field;
    if (!seen.insert(field).second) return Err(file, kn, "duplicate field '" + field + "' in " + ctx);
    // A YAML null (`x: null`, `x: ~`, `x:`) is the null literal.
    if (!vn.IsScalar() && !vn.IsNull()) return Err(file, vn, "the value of a field must be an expression or template (a string) in " + fctx);
    size_t off = 0;
    auto expr = ParseFieldValue(vn.IsNull() ? std::string("null") : vn.Scalar(), &off);
    if (!expr.ok()) {
      // A quoted scalar's mark is at its opening quote; the text starts one column later.
      const size_t quote = vn.Tag() == "!" ? 1 : 0;
      return Err(file, vn, expr.status().message() + " in " + fctx, off + quote);
    }
    FieldProgram fp;
    fp.name = field;
    if (!prog->fields.empty()) fp.json_prefix += ',';
    fp.json_prefix += '"';
    AppendJsonEscaped(&fp.json_prefix, field);
    fp.json_prefix += "\":";
    fp.expr = std::move(expr).value();
    prog->fields.push_back(std::move(fp));
    prog->field_names.push_back(field);
  }
  if (have_key && !key_node.IsNull()) {
    if (!key_node.IsScalar()) return Err(file, key_node, ctx + ".key must be a field name");
    const std::string k = key_node.Scalar();
    for (size_t i = 0; i < prog->fields.size(); ++i) {
      if (prog->fields[i].name == k) prog->key_index = int(i);
    }
    if (prog->key_index < 0) return Err(file, key_node, "key '" + k + "' is not a field of " + ctx);
  } else if (!have_key) {
    for (size_t i = 0; i < prog->fields.size(); ++i) {
      if (prog->fields[i].name == "id") prog->key_index = int(i);
    }
  }
  if (prog->key_index >= 0) prog->key_field = prog->fields[size_t(prog->key_index)].name;
  if (have_on_missing) {
    const std::string v = on_missing_node.IsNull()     ? "null"
                          : on_missing_node.IsScalar() ? on_missing_node.Scalar()
                                                       : "";
    if (v == "error") prog->on_missing = OnMissing::kError;
    else if (v == "null") prog->on_missing = OnMissing::kNull;
    else return Err(file, on_missing_node, ctx + ".on_missing must be 'error' or 'null'");
  }
  *out = prog;
  return MappingAccess::Make(prog);
}

}  // namespace

Result<Mapping> Mapping::Compile(const YAML::Node& node, std::string_view name,
                                 std::string_view file) {
  try {
    std::shared_ptr<MappingProgram> prog;
    return CompileImpl(node, name, file, &prog);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(std::string(file) + ":" + std::to_string(e.mark.line + 1) + ":" +
                                   std::to_string(e.mark.column + 1) + ": " + e.msg +
                                   " in mapping " + std::string(name));
  }
}

Result<std::map<std::string, Mapping>> Mapping::CompileAll(const YAML::Node& mappings,
                                                           std::string_view file) {
  std::map<std::string, Mapping> out;
  try {
    if (!mappings.IsMap()) return Err(file, mappings, "'mappings' must be a map of name: mapping");
    for (auto it = mappings.begin(); it != mappings.end(); ++it) {
      const std::string name = it->first.Scalar();
      if (out.count(name)) return Err(file, it->first, "duplicate mapping '" + name + "'");
      ASSIGN_OR_RETURN(Mapping m, Compile(it->second, name, file));
      out.emplace(name, std::move(m));
    }
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(std::string(file) + ":" + std::to_string(e.mark.line + 1) + ":" +
                                   std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  return out;
}

Result<Mapping> Mapping::FromYaml(std::string_view yaml_text, std::string_view name,
                                  std::string_view file) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(std::string(file) + ":" + std::to_string(e.mark.line + 1) + ":" +
                                   std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  try {
    if (!root.IsMap() || !root["mappings"]) {
      return Status::InvalidArgument(std::string(file) + ": expected a top-level 'mappings:' key");
    }
    YAML::Node ms = root["mappings"];
    if (!ms.IsMap() || ms.size() == 0) return Err(file, ms, "'mappings' must be a non-empty map of name: mapping");
    if (name.empty()) {
      if (ms.size() != 1) return Err(file, ms, "several mappings here; name the one to use");
      return Compile(ms.begin()->second, ms.begin()->first.Scalar(), file);
    }
    YAML::Node m = ms[std::string(name)];
    if (!m) return Err(file, ms, "no mapping named '" + std::string(name) + "'");
    return Compile(m, name, file);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(std::string(file) + ": " + e.msg);
  }
}

const std::string& Mapping::name() const { return p_->name; }
const std::vector<std::string>& Mapping::fields() const { return p_->field_names; }
const std::string& Mapping::key_field() const { return p_->key_field; }

}  // namespace kappa::connect
