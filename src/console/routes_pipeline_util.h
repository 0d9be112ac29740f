// Helpers the Jobs and Tables routes share (routes_jobs.cc, routes_tables.cc): the paging
// parameters of the console's conventions and the status -> HTTP mapping. Private to
// src/console.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "console/console.h"
#include "http/http.h"

namespace kappa::console::pipeline_routes {

inline constexpr int32_t kDefaultLimit = 50;
inline constexpr int32_t kMaxLimit = 500;

inline std::optional<int64_t> ParseInt(std::string_view text) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

// `?limit=N`: default 50, 1..500; a 400 answer in `*error` otherwise.
inline bool Limit(const http::Request& req, int32_t* limit, http::Response* error) {
  *limit = kDefaultLimit;
  auto q = req.Query("limit");
  if (!q) return true;
  auto v = ParseInt(*q);
  if (!v || *v < 1 || *v > kMaxLimit) {
    *error = http::Response::Error(400, "limit must be an integer from 1 to 500");
    return false;
  }
  *limit = int32_t(*v);
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
