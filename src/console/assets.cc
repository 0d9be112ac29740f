#include "console/assets.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

namespace kappa::console {
namespace {

std::string ContentType(std::string_view path) {
  auto ends = [&](std::string_view ext) { return path.ends_with(ext); };
  // text/javascript is what the HTML standard asks for ES modules; a module with another
  // type is refused by the browser when X-Content-Type-Options is nosniff.
  if (ends(".js") || ends(".mjs")) return "text/javascript; charset=utf-8";
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".json")) return "application/json";
  if (ends(".png")) return "image/png";
  if (ends(".woff2")) return "font/woff2";
  if (ends(".txt") || ends(".md")) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

// FNV-1a, 64 bits: not a security property, only "did this file change since last time".
uint64_t Fnv1a(std::string_view data) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

const std::vector<Asset>& Assets() {
  static const std::vector<Asset> assets = [] {
    std::vector<Asset> out;
    for (const RawAsset& r : RawAssets()) {
      out.push_back({r.path, r.data, ContentType(r.path),
                     fmt::format("\"{:016x}\"", Fnv1a(r.data))});
    }
    std::sort(out.begin(), out.end(),
              [](const Asset& a, const Asset& b) { return a.path < b.path; });
    return out;
  }();
  return assets;
}

const Asset* FindAsset(std::string_view path) {
  const auto& all = Assets();
  auto it = std::lower_bound(all.begin(), all.end(), path,
                             [](const Asset& a, std::string_view p) { return a.path < p; });
  return it != all.end() && it->path == path ? &*it : nullptr;
}

}  // namespace kappa::console
