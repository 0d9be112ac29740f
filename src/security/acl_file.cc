// The ACL file's JSON form (acl_file.h). Names, not wire codes, so the file reads well and
// survives a renumbering; each binding is validated on load as CreateAcls validates it.
#include "security/acl_file.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace kappa::security {

namespace {
constexpr int kVersion = 1;
}

std::string EncodeAcls(const std::vector<AclBinding>& acls) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& b : acls) {
    arr.push_back({{"resource_type", Name(b.resource_type)},
                   {"resource_name", b.resource_name},
                   {"pattern_type", Name(b.pattern_type)},
                   {"principal", b.principal},
                   {"host", b.host},
                   {"operation", Name(b.operation)},
                   {"permission", Name(b.permission)}});
  }
  nlohmann::json doc = {{"version", kVersion}, {"acls", std::move(arr)}};
  return doc.dump(1) + "\n";
}

Result<std::vector<AclBinding>> DecodeAcls(std::string_view text, const std::string& file) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status::Corruption(fmt::format("{}: not a JSON object", file));
  }
  if (!doc.contains("version") || doc["version"] != kVersion) {
    return Status::Corruption(fmt::format("{}: unsupported version (want {})", file, kVersion));
  }
  if (!doc.contains("acls") || !doc["acls"].is_array()) {
    return Status::Corruption(fmt::format("{}: no \"acls\" array", file));
  }
  std::vector<AclBinding> out;
  size_t i = 0;
  for (const auto& e : doc["acls"]) {
    auto str = [&](const char* k) -> std::string {
      if (!e.is_object() || !e.contains(k) || !e[k].is_string()) return {};
      return e[k].get<std::string>();
    };
    AclBinding b;
    b.resource_type = ParseResourceType(str("resource_type"));
    b.resource_name = str("resource_name");
    b.pattern_type = ParsePatternType(str("pattern_type"));
    b.principal = str("principal");
    b.host = str("host");
    b.operation = ParseAclOperation(str("operation"));
    b.permission = ParseAclPermission(str("permission"));
    Status s = ValidateAcl(b);
    if (!s.ok()) {
      return Status::Corruption(fmt::format("{}: acls[{}]: {}", file, i, s.message()));
    }
    out.push_back(std::move(b));
    ++i;
  }
  return out;
}

}  // namespace kappa::security
