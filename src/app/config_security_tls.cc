// `security.tls:` of kappa.yaml: the certificate, key and CA of every TLS listener
// (docs/formats/config.md, "security.tls"), and `security.metrics_auth`. The files are read when `kappa up` starts its
// listeners (security::MakeServerTlsContext), so `kappa config check` passes on a machine
// without the secrets; here only the shape is checked.
#include <fmt/format.h>

#include "app/config_section.h"

namespace kappa::app {

Status LoadSecurityTls(const YamlReader& r_, const YAML::Node& security, PipelineConfig* c) {
  if (security["metrics_auth"]) {
    ASSIGN_OR_RETURN(c->security.metrics_auth,
                     r_.Bool(security["metrics_auth"], "security.metrics_auth"));
  }
  const YAML::Node& n = security["tls"];
  if (!n) return Status::OK();
  RETURN_IF_ERROR(r_.CheckKeys(n, {"cert", "key", "ca", "client_auth"}, "security.tls"));
  security::TlsOptions t;
  if (!n["cert"] || !n["key"]) {
    return r_.Error(n, "security.tls needs cert and key (PEM files)");
  }
  ASSIGN_OR_RETURN(t.cert_file, r_.String(n["cert"], "security.tls.cert"));
  ASSIGN_OR_RETURN(t.key_file, r_.String(n["key"], "security.tls.key"));
  if (t.cert_file.empty()) return r_.Error(n["cert"], "security.tls.cert is empty");
  if (t.key_file.empty()) return r_.Error(n["key"], "security.tls.key is empty");
  if (n["ca"]) { ASSIGN_OR_RETURN(t.ca_file, r_.String(n["ca"], "security.tls.ca")); }
  if (n["client_auth"]) {
    ASSIGN_OR_RETURN(std::string s, r_.String(n["client_auth"], "security.tls.client_auth"));
    auto ca = security::ParseClientAuth(s);
    if (!ca.ok()) {
      return r_.Error(n["client_auth"],
                      fmt::format("security.tls.client_auth: {}", ca.status().message()));
    }
    t.client_auth = *ca;
  }
  if (t.client_auth != security::TlsOptions::ClientAuth::kNone && t.ca_file.empty()) {
    return r_.Error(n, fmt::format("security.tls.client_auth: {} needs security.tls.ca (the CA "
                                   "that signs client certificates)",
                                   n["client_auth"].as<std::string>()));
  }
  c->positions["security.tls"] = r_.Where(n);
  c->security.tls = std::move(t);
  return Status::OK();
}

}  // namespace kappa::app
