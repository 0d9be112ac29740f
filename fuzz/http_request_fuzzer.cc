// libFuzzer target: arbitrary bytes as what an HTTP client sends on one connection. The bytes
// are fed to the request parser in pieces (the first byte picks their size, so requests are
// split at every place), each parsed request is routed and answered (JSON bodies parsed,
// path and query decoded, gzip when asked, HEAD, 404/405, a throwing handler), as the
// server's connections do, without the sockets. Must never crash, hang, leak or read out of
// bounds. Run by fuzz/http_fuzz.sh (CTest: http.fuzz_request).
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "http/gzip.h"
#include "http/http.h"
#include "http/request_reader.h"
#include "http/response_writer.h"

using namespace kappa::http;

namespace {

const Router& Routes() {
  static const Router* r = [] {
    spdlog::set_level(spdlog::level::off);  // the throwing handler logs each time
    auto* router = new Router();
    auto echo = [](Request& q) {
      nlohmann::json params = nlohmann::json::object(), query = nlohmann::json::array();
      for (const auto& [k, v] : q.params) params[k] = v;
      for (const auto& [k, v] : q.query) query.push_back({k, v});
      std::string big(q.QueryFlag("big") ? 4096 : 0, 'x');
      return Response::Json({{"params", params}, {"query", query}, {"big", big},
                             {"deleted", q.QueryFlag("deleted")}});
    };
    router->Get("/", echo);
    router->Get("/subjects/{subject}/versions/{version}", echo);
    router->Get("/subjects/{subject}/versions/latest/schema", echo);
    router->Delete("/subjects/{subject}", echo);
    router->Post("/subjects/{subject}/versions", [](Request& q) {
      nlohmann::json doc;
      Response err;
      if (!ParseJsonBody(q, &doc, &err, "application/vnd.schemaregistry.v1+json")) return err;
      return Response::Json(doc, 200, "application/vnd.schemaregistry.v1+json");
    });
    router->Get("/throw", [](Request&) -> Response { throw std::runtime_error("boom"); });
    return router;
  }();
  return *r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const Router& router = Routes();
  const char* p = reinterpret_cast<const char*>(data);
  const size_t step = size_t(data[0] % 64) + 1;
  size_t pos = 1;
  std::string pending, out;
  ParseLimits limits;
  limits.max_header_bytes = 1024;
  limits.max_body_bytes = 4096;
  for (int requests = 0; requests < 32; ++requests) {
    RequestReader reader(limits);
    for (;;) {
      size_t used = reader.Feed(pending);
      if (used > pending.size()) abort();
      pending.erase(0, used);
      if (reader.done() || reader.failed() || pos >= size) break;
      size_t n = std::min(step, size - pos);
      pending.append(p + pos, n);
      pos += n;
    }
    AnswerContext c;
    if (reader.failed()) {
      Response r = Response::Error(reader.error_status(), reader.error_message());
      c.keep_alive = false;
      AppendResponse(r, c, &out);
      break;
    }
    if (!reader.done()) break;  // the input ended inside a request
    c.version = reader.version();
    c.head = reader.is_head();
    c.gzip_ok = reader.accepts_gzip();
    c.gzip_min_bytes = 64;
    c.keep_alive = reader.keep_alive();
    (void)reader.expects_continue();
    Request req = reader.TakeRequest("fuzz");
    Response r = reader.failed() ? Response::Error(reader.error_status(), reader.error_message())
                                 : router.Dispatch(req);
    AppendResponse(r, c, &out);
    if (r.headers.Get("Content-Encoding")) {
      std::string plain;
      if (!Gunzip(r.body, &plain)) abort();  // what we gzip must come back
    }
    if (r.status < 200 || r.status > 599) abort();
    if (!c.keep_alive) break;
    out.clear();
  }
  return 0;
}
