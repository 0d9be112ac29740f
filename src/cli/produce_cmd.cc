#include "cli/cli_common.h"
#include "cli/commands.h"

namespace kappa::cli {

// Not implemented yet: issue 2 (log).
void RegisterProduceCommand(CLI::App& app, const Groups& g) {}

}  // namespace kappa::cli
