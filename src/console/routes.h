// Private to src/console: each part's routes under /api/console/<area>/... (docs/formats/
// console-api.md), added to the console's router by ConsoleRoutes. `sources` outlives the
// router; a null source makes that part's routes answer 503 "not configured".
#pragma once

#include "console/console.h"
#include "http/http.h"

namespace kappa::console {

// fix/console-meta: /api/console/schemas/... over Sources::registry (routes_schemas.cc).
void AddSchemasRoutes(http::Router& router, const Sources& sources);
// fix/console-meta: /api/console/dags/... over Sources::orchestrator (routes_dags*.cc).
void AddDagsRoutes(http::Router& router, const Sources& sources);

}  // namespace kappa::console
