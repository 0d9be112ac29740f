// The console's web files (src/console/web), embedded in the binary at build time by
// embed_assets.cmake, with their content types and ETags. Private to src/console.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kappa::console {

// One file as the build embedded it: its path under web/ ("lib/dom.js") and its bytes.
struct RawAsset {
  std::string_view path;
  std::string_view data;
};
// Generated (assets_data.cc in the build tree), sorted by path.
const std::vector<RawAsset>& RawAssets();

struct Asset {
  std::string_view path;
  std::string_view data;
  std::string content_type;  // from the extension ("text/javascript; charset=utf-8")
  std::string etag;          // a strong validator: "\"<64-bit hash of data in hex>\""
};
// Every embedded file, computed once (thread-safe).
const std::vector<Asset>& Assets();
// The file at `path` under web/, or null.
const Asset* FindAsset(std::string_view path);

}  // namespace kappa::console
