// The console's route groups, one per part, each defined in its routes_<part>.cc and called
// by ConsoleRoutes (console.cc), plus the helpers every part's JSON API shares. Private to
// src/console (the public header is console/console.h).
//
// Conventions (docs/formats/console-api.md): JSON under /api/console/<area>/...; lists are
// paged by the server (`?limit=N&cursor=C` -> {"items", "next_cursor", "total"?}); errors
// are http::Response::Error (400 bad input, 404 unknown name, 409 conflicting state).
// Routes need no session or CSRF code of their own: the console's middleware (security.h)
// checks the login and the X-CSRF-Token header of every non-GET request before a handler
// runs.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "common/status.h"
#include "console/console.h"
#include "http/http.h"
#include "metrics/metrics.h"

namespace kappa::console {

// ---- the parts' route groups ---------------------------------------------------------------
// `/` and /assets/... (routes_assets.cc): the embedded web/ files.
void AddAssetRoutes(http::Router& router);
// /api/console/overview, /api/console/overview/series, /api/console/overview/stream
// (routes_overview.cc, fix/console-core).
void AddOverviewRoutes(http::Router& router, const Sources& sources);
// Topics, messages, consumer groups: /api/console/topics..., /api/console/groups...
// (routes_topics.cc, routes_messages.cc, routes_groups.cc, fix/console-kafka); 503 when
// sources.kafka is null.
void AddKafkaRoutes(http::Router& router, const Sources& sources);
// The other parts add their line here: void Add<Part>Routes(http::Router&, const Sources&);
// /api/console/jobs/..., /api/console/tables/... (routes_jobs.cc, routes_tables.cc).
void AddPipelineRoutes(http::Router& router, const Sources& sources);
// /api/console/schemas/... over Sources::registry (routes_schemas.cc, fix/console-meta).
void AddSchemasRoutes(http::Router& router, const Sources& sources);
// /api/console/dags/... over Sources::orchestrator (routes_dags.cc, fix/console-meta).
void AddDagsRoutes(http::Router& router, const Sources& sources);

// ---- paging ----------------------------------------------------------------------------------
inline constexpr size_t kDefaultPageLimit = 50;
inline constexpr size_t kMaxPageLimit = 500;

struct PageRequest {
  size_t limit = kDefaultPageLimit;
  std::string cursor;  // "" = the first page; otherwise opaque, made by the route
};
// `?limit=` (1..500, default 50) and `?cursor=`. InvalidArgument for a limit that is not a
// number in range (answer it with http::Response::FromStatus: a 400).
Result<PageRequest> ParsePage(const http::Request& req);
// {"items": items, "next_cursor": next or null, "total": total when given}.
nlohmann::json PageJson(nlohmann::json items, std::optional<std::string> next_cursor,
                        std::optional<int64_t> total = std::nullopt);

// Cursors that are an offset into a sorted list (names, rows): "" is 0. InvalidArgument for
// anything that is not a non-negative decimal.
Result<size_t> OffsetCursor(const std::string& cursor);

// ---- rates from the metrics History -----------------------------------------------------------
using LabelFilter = std::function<bool(const metrics::Labels&)>;  // null: every series
// Series whose labels include every pair of `match` (null for an empty `match`).
LabelFilter HasLabels(metrics::Labels match);
// [[unix_s, per-second rate], ...] of a counter series summed over every series of that name
// whose labels include `match` (all series when empty), for the last `seconds` (<= 900) at
// 1 s. A missing sample (NaN) or a counter reset gives null. Empty when history is null.
nlohmann::json CounterRate(const metrics::History* history, std::string_view name,
                           const metrics::Labels& match = {}, int seconds = 900);
nlohmann::json CounterRateIf(const metrics::History* history, std::string_view name,
                             const LabelFilter& match, int seconds = 900);
// The same for a gauge: its values summed over the matching series.
nlohmann::json GaugeSeries(const metrics::History* history, std::string_view name,
                           const metrics::Labels& match = {}, int seconds = 900);
// Per second, the mean observation of a histogram over all its series: the rate of
// `<histogram>_sum` over the rate of `<histogram>_count` (null when nothing was observed).
nlohmann::json MeanSeries(const metrics::History* history, std::string_view histogram,
                          int seconds = 900);

}  // namespace kappa::console
