// Private to the console's schemas and DAGs routes (routes_schemas.cc, routes_dags*.cc):
// errors keeping a Status's protocol code, the answer for a feature this kappa does not run,
// handlers written with Result. Paging is routes.h's (ParsePage, OffsetCursor).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "http/http.h"

namespace kappa::console::meta {

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
