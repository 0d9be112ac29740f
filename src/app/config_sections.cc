// The sections of kappa.yaml, in load order: a section may refer to what an earlier one
// declared (producers to sources, mappings and topics; jobs to topics and keyspaces). The
// top-level keys allowed in the file are exactly these.
#include <array>

#include "app/config_section.h"

namespace kappa::app {

std::span<const ConfigSection> ConfigSections() {
  static constexpr std::array kSections = {
      ConfigSection{"data_dir", LoadDataDir},
      ConfigSection{"log", LoadLog},
      ConfigSection{"durability", LoadDurability},
      ConfigSection{"retention", LoadRetention},
      ConfigSection{"store", LoadStore},
      ConfigSection{"topics", LoadTopics},
      ConfigSection{"keyspaces", LoadKeyspaces},
      ConfigSection{"sources", LoadSources},
      ConfigSection{"mappings", LoadMappings},
      ConfigSection{"producers", LoadProducers},
      ConfigSection{"jobs", LoadJobs},
      ConfigSection{"listeners", LoadListeners},
      ConfigSection{"auth", LoadAuth},
      ConfigSection{"security", LoadSecurity},
      ConfigSection{"registry", LoadRegistry},
      ConfigSection{"console", LoadConsole},
      ConfigSection{"orchestrator", LoadOrchestrator},
      ConfigSection{"dags", LoadDags},
  };
  return kSections;
}

}  // namespace kappa::app
