// The paging helpers every part's list routes share (routes.h).
#include <fmt/format.h>

#include <charconv>

#include "console/routes.h"

namespace kappa::console {

Result<PageRequest> ParsePage(const http::Request& req) {
  PageRequest p;
  if (auto l = req.Query("limit")) {
    size_t v = 0;
    auto r = std::from_chars(l->data(), l->data() + l->size(), v);
    if (r.ec != std::errc() || r.ptr != l->data() + l->size() || v < 1 || v > kMaxPageLimit) {
      return Status::InvalidArgument(
          fmt::format("limit must be a number from 1 to {} (got '{}')", kMaxPageLimit, *l));
    }
    p.limit = v;
  }
  if (auto c = req.Query("cursor")) p.cursor = std::string(*c);
  return p;
}

nlohmann::json PageJson(nlohmann::json items, std::optional<std::string> next_cursor,
                        std::optional<int64_t> total) {
  nlohmann::json out = {{"items", std::move(items)},
                        {"next_cursor", next_cursor ? nlohmann::json(*next_cursor) : nullptr}};
  if (total) out["total"] = *total;
  return out;
}

Result<size_t> OffsetCursor(const std::string& cursor) {
  if (cursor.empty()) return size_t{0};
  size_t v = 0;
  auto r = std::from_chars(cursor.data(), cursor.data() + cursor.size(), v);
  if (r.ec != std::errc() || r.ptr != cursor.data() + cursor.size()) {
    return Status::InvalidArgument(fmt::format("cursor '{}' is not one this list made", cursor));
  }
  return v;
}

}  // namespace kappa::console
