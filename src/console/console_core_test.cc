// The console's core over fakes: its routes answered through Router::Dispatch (assets, the
// overview from a History the test ticks, paging helpers), and Console::Start on a real
// socket.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>

#include "console/assets.h"
#include "console/console.h"
#include "console/overview.h"
#include "console/routes.h"
#include "http/http.h"
#include "http/http_test_util.h"
#include "http/url.h"
#include "metrics/metrics.h"

namespace kappa::console {
namespace {

using nlohmann::json;

http::Request Make(std::string method, std::string target, std::string host = "127.0.0.1:9021") {
  http::Request r;
  r.method = std::move(method);
  r.target = target;
  std::string_view path, query;
  http::SplitTarget(r.target, &path, &query);
  r.path = std::string(path);
  EXPECT_TRUE(http::ParseQuery(query, &r.query));
  if (!host.empty()) r.headers.Add("Host", host);
  return r;
}

TEST(ConsoleAssets, EveryWebFileIsEmbeddedAndServed) {
  Sources s;
  auto router = ConsoleRoutes(s, {});
  for (std::string_view p : {"index.html", "app.js", "login.js", "console.css", "lib/dom.js",
                             "lib/api.js", "lib/table.js", "lib/chart.js", "lib/sse.js",
                             "lib/ui.js", "pages/index.js", "pages/overview.js"}) {
    const Asset* a = FindAsset(p);
    ASSERT_NE(a, nullptr) << p;
    auto req = Make("GET", "/assets/" + std::string(p));
    http::Response r = router->Dispatch(req);
    EXPECT_EQ(r.status, 200) << p;
    EXPECT_EQ(r.body, a->data) << p;
    EXPECT_EQ(r.headers.Get("ETag"), a->etag);
    EXPECT_EQ(r.headers.Get("X-Content-Type-Options"), "nosniff");
  }
  EXPECT_EQ(FindAsset("lib/dom.js")->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(FindAsset("console.css")->content_type, "text/css; charset=utf-8");

  auto root = Make("GET", "/");
  http::Response index = router->Dispatch(root);
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_NE(index.body.find("/assets/app.js"), std::string::npos);
  EXPECT_NE(index.headers.Get("Content-Security-Policy")->find("script-src 'self'"),
            std::string::npos);

  // Revalidation: the same ETag is a 304 without a body.
  auto again = Make("GET", "/assets/app.js");
  again.headers.Add("If-None-Match", FindAsset("app.js")->etag);
  http::Response r304 = router->Dispatch(again);
  EXPECT_EQ(r304.status, 304);
  EXPECT_TRUE(r304.body.empty());

  auto missing = Make("GET", "/assets/nope.js");
  EXPECT_EQ(router->Dispatch(missing).status, 404);
}

TEST(ConsolePaging, LimitAndCursor) {
  auto ok = Make("GET", "/x?limit=10&cursor=abc");
  auto p = ParsePage(ok);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->limit, 10u);
  EXPECT_EQ(p->cursor, "abc");
  auto def = Make("GET", "/x");
  EXPECT_EQ(ParsePage(def)->limit, kDefaultPageLimit);
  for (std::string bad : {"0", "501", "-1", "ten", "10x", ""}) {
    auto r = Make("GET", "/x?limit=" + bad);
    EXPECT_FALSE(ParsePage(r).ok()) << bad;
  }
  EXPECT_EQ(*OffsetCursor(""), 0u);
  EXPECT_EQ(*OffsetCursor("120"), 120u);
  EXPECT_FALSE(OffsetCursor("x").ok());
  EXPECT_FALSE(OffsetCursor("-3").ok());
  json page = PageJson(json::array({1, 2}), std::nullopt, 2);
  EXPECT_TRUE(page["next_cursor"].is_null());
  EXPECT_EQ(page["total"], 2);
  EXPECT_EQ(PageJson(json::array(), "5")["next_cursor"], "5");
}

// A registry with the series the overview reads, ticked at chosen seconds.
struct FakePipeline {
  metrics::Registry registry;
  metrics::History history{&registry};
  metrics::Counter appended = registry.GetCounterFamily("kappa_log_appended_records_total", "a",
                                                        {"topic"}).With({"orders"});
  metrics::Counter internal = registry.GetCounterFamily("kappa_log_appended_records_total", "a",
                                                        {"topic"}).With({"_schemas"});
  metrics::Counter dlq = registry.GetCounterFamily("kappa_log_appended_records_total", "a",
                                                   {"topic"}).With({"orders.dlq"});
  metrics::Counter stored = registry.GetCounterFamily("kappa_job_rows_stored_total", "s",
                                                      {"job"}).With({"orders_to_table"});
  metrics::Counter dead = registry.GetCounterFamily("kappa_job_dead_letters_total", "d",
                                                    {"job"}).With({"orders_to_table"});
  metrics::Gauge lag = registry.GetGaugeFamily("kappa_job_lag_records", "l", {"job"})
                           .With({"orders_to_table"});
  metrics::Histogram latency =
      registry.GetHistogramFamily("kappa_job_end_to_end_latency_seconds", "e", {"job"},
                                  {0.01, 0.1, 1})
          .With({"orders_to_table"});
};

TEST(ConsoleOverview, RatesFromHistory) {
  FakePipeline f;
  const int64_t t0 = 1'700'000'000;
  for (int i = 0; i < 20; ++i) {
    f.appended.Add(100);
    f.internal.Add(7);  // not "produced"
    f.dlq.Add(10);      // dead letters, not "produced"
    f.stored.Add(90);
    f.dead.Add(10);
    f.lag.Set(i);
    f.latency.Observe(0.02);
    f.latency.Observe(0.04);
    f.history.Tick(t0 + i);
  }
  Sources s;
  s.history = &f.history;
  s.facts.version = "9.9.9";
  s.facts.started_unix_ms = 1;
  s.facts.listeners = {{"kafka", "127.0.0.1:9092"}, {"console", "127.0.0.1:9021"}};
  s.facts.log_bytes = [] { return int64_t(12345); };
  s.facts.dead_letter_topics = {"orders.dlq"};

  json series = OverviewSeries(s, 10);
  ASSERT_EQ(series["produced"].size(), 10u);
  EXPECT_EQ(series["produced"].back()[0], t0 + 19);
  EXPECT_DOUBLE_EQ(series["produced"].back()[1].get<double>(), 100.0);
  EXPECT_DOUBLE_EQ(series["stored"].back()[1].get<double>(), 90.0);
  EXPECT_DOUBLE_EQ(series["dead_lettered"].back()[1].get<double>(), 10.0);
  EXPECT_DOUBLE_EQ(series["lag"].back()[1].get<double>(), 19.0);
  EXPECT_NEAR(series["latency"].back()[1].get<double>(), 0.03, 1e-9);

  // Before the first tick there is nothing: null, not zero.
  json long_series = OverviewSeries(s, 60);
  EXPECT_TRUE(long_series["produced"][0][1].is_null());

  auto router = ConsoleRoutes(s, {});
  auto req = Make("GET", "/api/console/overview");
  http::Response r = router->Dispatch(req);
  ASSERT_EQ(r.status, 200) << r.body;
  json o = json::parse(r.body);
  EXPECT_EQ(o["version"], "9.9.9");
  EXPECT_EQ(o["disk"]["log_bytes"], 12345);
  EXPECT_TRUE(o["disk"]["store_bytes"].is_null());
  EXPECT_GT(o["rss_bytes"].get<int64_t>(), 0);
  EXPECT_EQ(o["listeners"][1]["name"], "console");
  ASSERT_EQ(o["jobs"].size(), 1u);
  EXPECT_EQ(o["jobs"][0]["job"], "orders_to_table");
  EXPECT_DOUBLE_EQ(o["jobs"][0]["lag"].get<double>(), 19.0);
  EXPECT_DOUBLE_EQ(o["jobs"][0]["stored_per_second"].get<double>(), 90.0);
  EXPECT_DOUBLE_EQ(o["rates"]["produced_per_second"].get<double>(), 100.0);
  EXPECT_NEAR(o["rates"]["latency_seconds"].get<double>(), 0.03, 1e-9);

  auto bad = Make("GET", "/api/console/overview/series?seconds=100000");
  EXPECT_EQ(router->Dispatch(bad).status, 400);
  auto good = Make("GET", "/api/console/overview/series?seconds=30");
  http::Response g = router->Dispatch(good);
  ASSERT_EQ(g.status, 200);
  EXPECT_EQ(json::parse(g.body)["stored"].size(), 30u);
}

TEST(ConsoleOverview, CounterResetIsAGapNotANegativeRate) {
  metrics::Registry registry;
  metrics::History history(&registry);
  metrics::Gauge g = registry.GetGauge("kappa_x_total", "x");  // a counter as the ring sees it
  const int64_t t0 = 1'700'000'000;
  for (double v : {10.0, 20.0, 5.0, 15.0}) {
    g.Set(v);
    history.Tick(history.last_tick() == 0 ? t0 : history.last_tick() + 1);
  }
  json r = CounterRate(&history, "kappa_x_total", {}, 3);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_DOUBLE_EQ(r[0][1].get<double>(), 10.0);
  EXPECT_TRUE(r[1][1].is_null());
  EXPECT_DOUBLE_EQ(r[2][1].get<double>(), 10.0);
  EXPECT_TRUE(CounterRate(nullptr, "kappa_x_total").empty());
}

TEST(ConsoleStart, ServesOnItsOwnListenerAndStops) {
  Sources s;
  s.facts.version = "1.2.3";
  ConsoleOptions o;
  o.listen = HostPort{"127.0.0.1", 0};
  auto c = Console::Start(s, o);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  uint16_t port = (*c)->port();
  ASSERT_NE(port, 0);
  http::testing::RawClient client(port);
  client.Send("GET /api/console/session HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  http::testing::Answer a;
  ASSERT_TRUE(client.Read(&a));
  EXPECT_EQ(a.status, 200) << a.body;
  json doc = json::parse(a.body);
  EXPECT_EQ(doc["auth_required"], false);
  EXPECT_EQ(doc["version"], "1.2.3");
  EXPECT_EQ(doc["csrf_token"].get<std::string>().size(), 64u);
  (*c)->Stop();
  (*c)->Stop();  // idempotent
}

TEST(ConsoleStart, RefusesOffLoopbackWithoutUsers) {
  ConsoleOptions o;
  o.listen = HostPort{"0.0.0.0", 0};
  auto c = Console::Start({}, o);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("console.users"), std::string::npos);
}

}  // namespace
}  // namespace kappa::console
