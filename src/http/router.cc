// The route table: a tree of path segments, literal children tried before the `{name}` child
// at each level (with backtracking, so `/a/{x}/c` still matches `/a/b/c` when a literal `b`
// branch exists but has no `c` below it).
#include <algorithm>
#include <exception>

#include "common/logging.h"
#include "http/http.h"
#include "http/url.h"

namespace kappa::http {

struct Router::Node {
  std::map<std::string, std::unique_ptr<Node>, std::less<>> literals;
  std::unique_ptr<Node> param;  // the `{name}` child
  std::string param_name;
  std::string pattern;                                // set where handlers are
  std::map<std::string, Handler, std::less<>> handlers;  // by method
};

namespace {

// "/a/b/" -> {"a","b"}; "/" -> {}. Keeps inner empty segments ("/a//b"), which match nothing
// but a literal "" (and patterns have none).
std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.empty()) return out;
  size_t start = 0;
  for (;;) {
    size_t slash = path.find('/', start);
    out.push_back(path.substr(start, slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

using Params = std::vector<std::pair<std::string_view, const std::string*>>;

}  // namespace

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

Router& Router::Add(std::string_view method, std::string_view pattern, Handler handler) {
  KAPPA_CHECK(!method.empty() && !pattern.empty() && pattern.front() == '/' && handler);
  Node* n = root_.get();
  for (std::string_view seg : SplitPath(pattern)) {
    KAPPA_CHECK(!seg.empty());
    if (seg.front() == '{') {
      KAPPA_CHECK(seg.size() > 2 && seg.back() == '}');
      std::string name(seg.substr(1, seg.size() - 2));
      if (!n->param) {
        n->param = std::make_unique<Node>();
        n->param_name = name;
      }
      // One name per place in the tree: `/s/{a}` and `/s/{b}/x` would disagree.
      KAPPA_CHECK(n->param_name == name);
      n = n->param.get();
    } else {
      auto it = n->literals.find(seg);
      if (it == n->literals.end()) {
        it = n->literals.emplace(std::string(seg), std::make_unique<Node>()).first;
      }
      n = it->second.get();
    }
  }
  KAPPA_CHECK(n->handlers.find(method) == n->handlers.end());  // duplicate route
  n->pattern = std::string(pattern);
  n->handlers.emplace(std::string(method), std::move(handler));
  return *this;
}

Router& Router::Use(Middleware m) {
  KAPPA_CHECK(m);
  middleware_.push_back(std::move(m));
  return *this;
}

namespace {

// Calls middleware_[i..] around `h`.
Response Run(const std::vector<Middleware>& chain, size_t i, Request& req, const Handler& h) {
  if (i == chain.size()) return h(req);
  return chain[i](req, [&chain, i, &h](Request& r) { return Run(chain, i + 1, r, h); });
}

const Router::Node* Match(const Router::Node* n, const std::vector<std::string>& segs, size_t i,
                          Params* params) {
  if (i == segs.size()) return n->handlers.empty() ? nullptr : n;
  auto it = n->literals.find(segs[i]);
  if (it != n->literals.end()) {
    if (const Router::Node* m = Match(it->second.get(), segs, i + 1, params)) return m;
  }
  if (n->param && !segs[i].empty()) {
    params->emplace_back(n->param_name, &segs[i]);
    if (const Router::Node* m = Match(n->param.get(), segs, i + 1, params)) return m;
    params->pop_back();
  }
  return nullptr;
}

}  // namespace

Response Router::Dispatch(Request& req) const {
  std::vector<std::string> segs;
  for (std::string_view raw : SplitPath(req.path)) {
    std::string decoded;
    if (!PercentDecode(raw, false, &decoded)) {
      return Response::Error(400, "malformed percent-escape in the request path");
    }
    segs.push_back(std::move(decoded));
  }
  Params params;
  const Node* n = Match(root_.get(), segs, 0, &params);
  if (n == nullptr) {
    return Response::Error(404, "HTTP 404 Not Found: no resource at " + req.path);
  }
  req.route = n->pattern;
  req.head = req.method == "HEAD";
  auto h = n->handlers.find(req.method);
  if (h == n->handlers.end() && req.head) h = n->handlers.find(std::string_view("GET"));
  if (h == n->handlers.end()) {
    std::vector<std::string> allow;
    for (const auto& [m, unused] : n->handlers) allow.push_back(m);
    if (n->handlers.count("GET") && !n->handlers.count("HEAD")) allow.push_back("HEAD");
    std::sort(allow.begin(), allow.end());
    std::string list;
    for (const auto& m : allow) list += (list.empty() ? "" : ", ") + m;
    Response r = Response::Error(405, "HTTP 405 Method Not Allowed: " + req.method + " " +
                                          n->pattern + " (allowed: " + list + ")");
    r.headers.Set("Allow", list);
    return r;
  }
  req.params.clear();
  for (const auto& [name, value] : params) req.params.emplace(std::string(name), *value);
  try {
    return middleware_.empty() ? h->second(req) : Run(middleware_, 0, req, h->second);
  } catch (const std::exception& e) {
    // The text of the exception stays in the server's log: it may describe internals.
    KLOG_ERROR("http: {} {} ({}): handler threw: {}", req.method, req.path, n->pattern, e.what());
  } catch (...) {
    KLOG_ERROR("http: {} {} ({}): handler threw a non-standard exception", req.method, req.path,
               n->pattern);
  }
  return Response::Error(500, "HTTP 500 Internal Server Error: the request failed in the server");
}

}  // namespace kappa::http
