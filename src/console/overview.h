// The overview's figures and series (overview.cc), shared by its JSON routes and its live
// feed (routes_overview.cc). Private to src/console.
#pragma once

#include <nlohmann/json.hpp>

#include "console/console.h"
#include "console/routes.h"
#include "metrics/metrics.h"

namespace kappa::console {

// What GET /api/console/overview answers (docs/formats/console-api.md, "Overview"): version,
// uptime, listeners, RSS, disk (log, store), jobs with their lag and rates, and the last
// value of each chart.
nlohmann::json OverviewFigures(const Sources& sources);
// The charts, last `seconds` at 1 s: {"produced", "stored", "dead_lettered", "lag",
// "latency"}, each [[unix_s, value|null], ...].
nlohmann::json OverviewSeries(const Sources& sources, int seconds);

// Resident memory of this process in bytes (/proc/self/statm), 0 if unreadable.
int64_t ResidentBytes();

// "produced" counts records appended to the log's topics except internal ones (a name
// starting with '_', such as _schemas) and the jobs' dead-letter topics.
LabelFilter ProducedTopics(const Facts& facts);

}  // namespace kappa::console
