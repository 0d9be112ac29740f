// `mappings:` of kappa.yaml: connect's mapping language (docs/formats/mapping.md), compiled
// here so a mapping error points at its line.
#include <fmt/format.h>

#include "app/config_section.h"

namespace kappa::app {

Status LoadMappings(const YamlReader& r_, const YAML::Node& map, PipelineConfig* c) {
  RETURN_IF_ERROR(r_.ExpectMap(map, "mappings"));
  for (auto it = map.begin(); it != map.end(); ++it) {
    ASSIGN_OR_RETURN(std::string name, r_.String(it->first, "a mapping name"));
    if (c->FindMapping(name)) return r_.Error(it->first, fmt::format("mapping '{}' is defined twice", name));
    ASSIGN_OR_RETURN(connect::Mapping mapping, connect::Mapping::Compile(it->second, name, r_.file()));
    c->mappings.push_back(MappingConfig{std::move(name), std::move(mapping)});
  }
  return Status::OK();
}

}  // namespace kappa::app
