// `security.acls` of kappa.yaml (docs/formats/config.md, "security"): whether requests are
// checked against DATA_DIR/security/acls, and who bypasses the checks.
#include <fmt/format.h>

#include "app/config_section.h"

namespace kappa::app {

Status LoadSecurityAcl(const YamlReader& r_, const YAML::Node& n, PipelineConfig* c) {
  RETURN_IF_ERROR(r_.ExpectMap(n, "security.acls"));
  RETURN_IF_ERROR(r_.CheckKeys(n, {"enabled", "super_users", "allow_if_no_acl"}, "security.acls"));
  c->positions["security.acls"] = r_.Where(n);
  security::AuthorizerOptions& o = c->security.acls;
  if (n["enabled"]) {
    ASSIGN_OR_RETURN(o.enabled, r_.Bool(n["enabled"], "security.acls.enabled"));
  }
  if (n["allow_if_no_acl"]) {
    ASSIGN_OR_RETURN(o.allow_if_no_acl,
                     r_.Bool(n["allow_if_no_acl"], "security.acls.allow_if_no_acl"));
  }
  if (const YAML::Node& su = n["super_users"]) {
    RETURN_IF_ERROR(r_.ExpectSeq(su, "security.acls.super_users"));
    for (size_t i = 0; i < su.size(); ++i) {
      std::string where = fmt::format("security.acls.super_users[{}]", i);
      ASSIGN_OR_RETURN(std::string name, r_.String(su[i], where));
      // "User:alice" (Kafka's super.users form) or the bare user name.
      auto colon = name.find(':');
      if (name.empty() || (colon != std::string::npos && (colon == 0 || colon + 1 == name.size()))) {
        return r_.Error(su[i], where + ": give a user name or User:NAME");
      }
      o.super_users.push_back(std::move(name));
    }
  }
  return Status::OK();
}

}  // namespace kappa::app
