#include "cli/cli_common.h"
#include "cli/commands.h"

namespace kappa::cli {

// Not implemented yet: issue 4 (kafka).
void RegisterBenchKafkaCommand(CLI::App& app, const Groups& g) {}

}  // namespace kappa::cli
