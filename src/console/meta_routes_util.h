// Private to the console's schemas and DAGs routes (routes_schemas.cc, routes_dags*.cc): the
// console's paging convention (`?limit=N&cursor=C`, docs/formats/console-api.md), errors as
// JSON, and the answer for a feature this kappa does not run.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "http/http.h"

namespace kappa::console::meta {

inline constexpr size_t kDefaultLimit = 50;
inline constexpr size_t kMaxLimit = 500;

struct Page {
  size_t limit = kDefaultLimit;
  std::string cursor;  // empty: the first page
};

// `?limit=` (1..500, default 50) and `?cursor=`. InvalidArgument for a bad limit.
Result<Page> ParsePage(const http::Request& req);
// A cursor that is an offset into a list ("" is 0). InvalidArgument for a bad one.
Result<size_t> OffsetCursor(const Page& page);

// A required positive integer query parameter. InvalidArgument when absent or bad.
Result<int32_t> PositiveIntQuery(const http::Request& req, std::string_view name);

// A Status as the console's JSON error: the HTTP status as http::Response::FromStatus maps
// it (NotFound 404, InvalidArgument 400, AlreadyExists 409, ...); `error_code` is the
// Status's protocol code when it has one (the registry's 40401, 42201, ...), else the HTTP
// status.
http::Response ErrorFrom(const Status& s);

// 503 "<what> is not configured in this kappa": the page shows a notice, not an error.
http::Response NotConfigured(std::string_view what);

// A handler written with Result (RETURN_IF_ERROR, ASSIGN_OR_RETURN): an error becomes
// ErrorFrom's answer.
using ResultHandler = std::function<Result<http::Response>(http::Request&)>;
http::Handler Wrap(ResultHandler h);

}  // namespace kappa::console::meta
