#include "cli/cli_common.h"
#include "cli/commands.h"

namespace kappa::cli {

// Not implemented yet: issue 5 (cql).
void RegisterCqlCommands(CLI::App& app, const Groups& g) {}

}  // namespace kappa::cli
