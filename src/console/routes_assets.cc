// The pages: `/` is web/index.html, every embedded file is at /assets/<path under web/>
// (assets.h). Assets are revalidated by ETag (Cache-Control: no-cache), so a new kappa
// binary's files are picked up at once and an unchanged file costs a 304.
#include "console/assets.h"
#include "console/routes.h"

namespace kappa::console {
namespace {

http::Response Serve(const Asset& a, const http::Request& req) {
  if (auto inm = req.headers.Get("If-None-Match"); inm && *inm == a.etag) {
    http::Response r;
    r.status = 304;
    r.content_type.clear();
    r.headers.Set("ETag", a.etag);
    r.headers.Set("Cache-Control", "no-cache");
    return r;
  }
  http::Response r = http::Response::Text(std::string(a.data), 200, a.content_type);
  r.headers.Set("ETag", a.etag);
  r.headers.Set("Cache-Control", "no-cache");
  return r;
}

}  // namespace

void AddAssetRoutes(http::Router& router) {
  for (const Asset& a : Assets()) {
    const Asset* p = &a;  // Assets() lives as long as the process
    router.Get("/assets/" + std::string(a.path),
               [p](http::Request& req) { return Serve(*p, req); });
  }
  const Asset* index = FindAsset("index.html");
  if (index != nullptr) {
    router.Get("/", [index](http::Request& req) { return Serve(*index, req); });
    router.Get("/index.html", [index](http::Request& req) { return Serve(*index, req); });
  }
}

}  // namespace kappa::console
