// The console's JSON API, one Add<Part>Routes per part of the console (each defined in the
// part's routes_<part>.cc); ConsoleRoutes calls them all. Private to src/console.
#pragma once

#include "console/console.h"
#include "http/http.h"

namespace kappa::console {

// Jobs and Tables (routes_jobs.cc, routes_tables.cc): /api/console/jobs/...,
// /api/console/tables/... over sources.pipeline.
void AddPipelineRoutes(http::Router& router, const Sources& sources);

}  // namespace kappa::console
