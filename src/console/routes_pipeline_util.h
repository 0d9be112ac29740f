// Helpers the Jobs and Tables routes share (routes_jobs.cc, routes_tables.cc), over the
// console's own (routes.h: paging, History series). Private to src/console.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "console/console.h"
#include "console/routes.h"
#include "http/http.h"

namespace kappa::console::pipeline_routes {

inline std::optional<int64_t> ParseInt(std::string_view text) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

// `?limit=` and `?cursor=` as every list reads them (routes.h ParsePage); a 400 answer in
// `*error` for a bad limit.
inline bool Page(const http::Request& req, PageRequest* page, http::Response* error) {
  auto p = ParsePage(req);
  if (!p.ok()) {
    *error = http::Response::FromStatus(p.status());
    return false;
  }
  *page = std::move(p).value();
  return true;
}

// Errors as http::Response::FromStatus maps them (404, 400, 503, ...).
inline http::Response FromStatus(const Status& s) { return http::Response::FromStatus(s); }

inline http::Response NotConfigured() {
  return http::Response::Error(404, "jobs and tables are not available: this console has no pipeline");
}

}  // namespace kappa::console::pipeline_routes

namespace kappa::console {
// The two halves of AddPipelineRoutes (routes.h).
void AddJobsRoutes(http::Router& router, const Sources& sources);    // routes_jobs.cc
void AddTablesRoutes(http::Router& router, const Sources& sources);  // routes_tables.cc
}  // namespace kappa::console
