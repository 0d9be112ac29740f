#include "console/meta_routes_util.h"

#include <charconv>

namespace kappa::console::meta {

namespace {

bool ParseSize(std::string_view text, size_t* out) {
  if (text.empty() || text.size() > 18) return false;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && p == text.data() + text.size();
}

}  // namespace

Result<int32_t> PositiveIntQuery(const http::Request& req, std::string_view name) {
  auto v = req.Query(name);
  size_t n = 0;
  if (!v || !ParseSize(*v, &n) || n == 0 || n > INT32_MAX) {
    return Status::InvalidArgument(std::string(name) + " must be a positive whole number" +
                                   (v ? ", got '" + std::string(*v) + "'" : ""));
  }
  return static_cast<int32_t>(n);
}

http::Response ErrorFrom(const Status& s) {
  http::Response r = http::Response::FromStatus(s);
  if (auto code = s.protocol_code()) r = http::Response::Error(r.status, s.message(), *code);
  return r;
}

http::Response NotConfigured(std::string_view what) {
  return http::Response::Error(503, std::string(what) + " is not configured in this kappa");
}

http::Handler Wrap(ResultHandler h) {
  return [h = std::move(h)](http::Request& req) -> http::Response {
    Result<http::Response> r = h(req);
    if (!r.ok()) return ErrorFrom(r.status());
    return std::move(r).value();
  };
}

}  // namespace kappa::console::meta
