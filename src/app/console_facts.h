// The console's Facts for `kappa up` (console_facts.cc). Private to src/app.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "console/console.h"

namespace kappa::app {

// Facts with the start time now, the listeners given ((name, "host:port")), and the disk used
// by data_dir/log and data_dir/store (walked at most every 5 s).
console::Facts ConsoleFacts(const std::string& data_dir, std::string version,
                            std::vector<std::pair<std::string, std::string>> listeners);

}  // namespace kappa::app
