// `security:` of kappa.yaml: TLS, SASL, users and ACLs of the listeners of `kappa up`
// (docs/formats/config.md, "security"). Each part reads its own key here.
#include <fmt/format.h>

#include "app/config_section.h"

namespace kappa::app {

Status LoadSecurity(const YamlReader& r_, const YAML::Node& n, PipelineConfig* c) {
  RETURN_IF_ERROR(r_.CheckKeys(n,
                               {
                                   "insecure",
                                   "tls",
                                   "metrics_auth",
                                   "acls",
                                   "sasl_mechanisms",
                                   "sasl_session_lifetime",
                               },
                               "security"));
  c->positions["security"] = r_.Where(n);
  if (n["insecure"]) {
    ASSIGN_OR_RETURN(c->security.insecure, r_.Bool(n["insecure"], "security.insecure"));
  }
  RETURN_IF_ERROR(LoadSecurityTls(r_, n, c));
  if (n["acls"]) RETURN_IF_ERROR(LoadSecurityAcl(r_, n["acls"], c));
  RETURN_IF_ERROR(LoadSecurityKafka(r_, n, c));
  return Status::OK();
}

}  // namespace kappa::app
