// libFuzzer target: arbitrary bytes as what a browser or an attacker sends to the console on
// one connection. Each request the parser completes is answered by ConsoleRoutes (the
// security middleware, sessions, CSRF, assets, the overview and every part's API) over empty
// Sources (every feature "not configured") and a History with a few series, as the
// console's server does, without sockets. Must never crash, hang, leak or read out of
// bounds, and every answer is a valid status. Run by fuzz/console_fuzz.sh (CTest:
// console.fuzz_request).
#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "console/console.h"
#include "http/http.h"
#include "http/request_reader.h"
#include "http/response_writer.h"
#include "metrics/metrics.h"

using namespace kappa;

namespace {

// Built once: a History with a few series, empty Sources, and the routes in both modes.
struct Env {
  Env() {
    spdlog::set_level(spdlog::level::off);
    registry.GetCounterFamily("kappa_log_appended_records_total", "a", {"topic"})
        .With({"t"})
        .Add(5);
    registry.GetGaugeFamily("kappa_job_lag_records", "l", {"job"}).With({"j"}).Set(3);
    for (int64_t t = 1'700'000'000; t < 1'700'000'010; ++t) history.Tick(t);
    sources.history = &history;
    sources.facts.version = "fuzz";
    // Login mode reaches sessions, cookies and the login route (a cheap hash: the fuzzer
    // tries many logins).
    console::ConsoleOptions options;
    auto hash = console::HashPassword("fuzz password", 1000);
    if (!hash.ok()) abort();
    options.users.push_back({"ops", *hash});
    login = console::ConsoleRoutes(sources, options);
    open = console::ConsoleRoutes(sources, {});
  }
  metrics::Registry registry;
  metrics::History history{&registry};
  console::Sources sources;
  std::shared_ptr<http::Router> login, open;
};

const Env& Environment() {
  static const Env* env = new Env();  // never destroyed: the routes keep pointers into it
  return *env;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  // The first byte: piece size and which mode (open or login).
  const http::Router& router = (data[0] & 0x80) ? *Environment().login : *Environment().open;
  const char* p = reinterpret_cast<const char*>(data);
  const size_t step = size_t(data[0] % 64) + 1;
  size_t pos = 1;
  std::string pending, out;
  http::ParseLimits limits;
  limits.max_header_bytes = 2048;
  limits.max_body_bytes = 4096;
  for (int requests = 0; requests < 16; ++requests) {
    http::RequestReader reader(limits);
    for (;;) {
      size_t used = reader.Feed(pending);
      if (used > pending.size()) abort();
      pending.erase(0, used);
      if (reader.done() || reader.failed() || pos >= size) break;
      size_t n = std::min(step, size - pos);
      pending.append(p + pos, n);
      pos += n;
    }
    if (reader.failed() || !reader.done()) break;
    http::AnswerContext c;
    c.version = reader.version();
    c.head = reader.is_head();
    c.keep_alive = reader.keep_alive();
    http::Request req = reader.TakeRequest("fuzz");
    http::Response r = router.Dispatch(req);
    // A stream (the overview's live feed) is not started here: it needs a connection.
    AppendResponse(r, c, &out);
    if (r.status < 200 || r.status > 599) {
      if (r.status != 304) abort();
    }
    if (!c.keep_alive) break;
    out.clear();
  }
  return 0;
}
