// `registry:` of kappa.yaml: the schema registry's writer election under `log: kafka`
// (src/registry/README.md "Who writes").
#include <fmt/format.h>

#include "app/config_section.h"

namespace kappa::app {

// registry: {advertised_url: http://h:p, writer_group: NAME, writer_session_timeout_ms: N}
Status LoadRegistry(const YamlReader& r, const YAML::Node& n, PipelineConfig* c) {
  RegistryConfig* g = &c->registry;
  RETURN_IF_ERROR(r.ExpectMap(n, "registry"));
  RETURN_IF_ERROR(
      r.CheckKeys(n, {"advertised_url", "writer_group", "writer_session_timeout_ms"}, "registry"));
  if (n["advertised_url"]) {
    ASSIGN_OR_RETURN(g->advertised_url, r.String(n["advertised_url"], "registry.advertised_url"));
    if (!g->advertised_url.starts_with("http://") && !g->advertised_url.starts_with("https://")) {
      return r.Error(n["advertised_url"],
                     fmt::format("registry.advertised_url must be an http:// or https:// URL, "
                                 "not '{}'",
                                 g->advertised_url));
    }
  }
  if (n["writer_group"]) {
    ASSIGN_OR_RETURN(g->writer_group, r.String(n["writer_group"], "registry.writer_group"));
    if (g->writer_group.empty()) return r.Error(n["writer_group"], "registry.writer_group is empty");
  }
  if (n["writer_session_timeout_ms"]) {
    ASSIGN_OR_RETURN(g->writer_session_timeout_ms,
                     r.Int(n["writer_session_timeout_ms"], "registry.writer_session_timeout_ms",
                           1000, 300000));
  }
  return Status::OK();
}

}  // namespace kappa::app
