// The server over real sockets: keep-alive, pipelining, HEAD, 404/405, handler failures,
// gzip, chunked bodies, 100-continue, several listeners, the observer, a graceful stop.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "http/gzip.h"
#include "http/http.h"
#include "http/http_test_util.h"

namespace kappa::http {
namespace {

using nlohmann::json;
using testing::Answer;
using testing::Get;
using testing::RawClient;

std::string BigText() {
  std::string s;
  for (int i = 0; i < 500; ++i) s += "{\"id\": " + std::to_string(i) + ", \"name\": \"user\"}\n";
  return s;
}

std::shared_ptr<Router> TestRoutes() {
  auto r = std::make_shared<Router>();
  r->Get("/hello", [](Request&) { return Response::Json({{"hello", "world"}}); });
  r->Get("/echo/{n}", [](Request& q) {
    json query = json::object();
    for (const auto& [k, v] : q.query) query[k] = v;
    return Response::Json({{"n", q.Param("n")}, {"query", query}});
  });
  r->Post("/body", [](Request& q) {
    json doc;
    Response err;
    if (!ParseJsonBody(q, &doc, &err)) return err;
    return Response::Json({{"got", doc}, {"bytes", q.body.size()}}, 201,
                          "application/vnd.schemaregistry.v1+json");
  });
  r->Put("/raw", [](Request& q) { return Response::Text(q.body); });
  r->Get("/big", [](Request&) { return Response::Text(BigText()); });
  r->Get("/throw", [](Request&) -> Response { throw std::logic_error("internal detail"); });
  r->Get("/slow", [](Request&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return Response::Text("done");
  });
  return r;
}

TEST(Server, KeepAliveServesManyRequestsOnOneConnection) {
  auto s = testing::StartOn(TestRoutes());
  RawClient c(s->port());
  for (int i = 0; i < 3; ++i) {
    c.Send(Get("/hello"));
    Answer a;
    ASSERT_TRUE(c.Read(&a)) << i;
    EXPECT_EQ(a.status, 200);
    EXPECT_EQ(json::parse(a.body), json({{"hello", "world"}}));
    EXPECT_EQ(a.header("content-type"), "application/json");
    EXPECT_EQ(a.header("connection"), "");
  }
  // Connection: close is honoured.
  c.Send(Get("/hello", "Connection: close\r\n"));
  Answer a;
  ASSERT_TRUE(c.Read(&a));
  EXPECT_EQ(a.header("connection"), "close");
  EXPECT_TRUE(c.ClosedByServer());
}

TEST(Server, PipelinedRequestsAnsweredInOrder) {
  auto s = testing::StartOn(TestRoutes());
  RawClient c(s->port());
  // Three requests in one write, the slow one first: answers still come in request order.
  c.Send(Get("/slow") + Get("/echo/2?x=a+b") + Get("/echo/3"));
  Answer a1, a2, a3;
  ASSERT_TRUE(c.Read(&a1));
  ASSERT_TRUE(c.Read(&a2));
  ASSERT_TRUE(c.Read(&a3));
  EXPECT_EQ(a1.body, "done");
  EXPECT_EQ(json::parse(a2.body)["n"], "2");
  EXPECT_EQ(json::parse(a2.body)["query"]["x"], "a b");
  EXPECT_EQ(json::parse(a3.body)["n"], "3");
}

TEST(Server, HeadHasTheGetFieldsAndNoBody) {
  auto s = testing::StartOn(TestRoutes());
  RawClient c(s->port());
  c.Send("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n" + Get("/echo/after"));
  Answer h, g;
  ASSERT_TRUE(c.Read(&h, /*head=*/true));
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.header("content-length"), std::to_string(json({{"hello", "world"}}).dump().size()));
  EXPECT_TRUE(h.body.empty());
  // The next answer starts right after the header: no body bytes were sent.
  ASSERT_TRUE(c.Read(&g));
  EXPECT_EQ(json::parse(g.body)["n"], "after");
}

TEST(Server, NotFoundAndMethodNotAllowedKeepTheConnection) {
  auto s = testing::StartOn(TestRoutes());
  RawClient c(s->port());
  c.Send(Get("/missing") + "DELETE /hello HTTP/1.1\r\nHost: t\r\n\r\n" + Get("/hello"));
  Answer a, b, ok;
  ASSERT_TRUE(c.Read(&a));
  EXPECT_EQ(a.status, 404);
  EXPECT_EQ(json::parse(a.body)["error_code"], 404);
  ASSERT_TRUE(c.Read(&b));
  EXPECT_EQ(b.status, 405);
  EXPECT_EQ(b.header("allow"), "GET, HEAD");
  ASSERT_TRUE(c.Read(&ok));
  EXPECT_EQ(ok.status, 200);
}

TEST(Server, HandlerThrowingIs500AndTheServerKeepsServing) {
  auto s = testing::StartOn(TestRoutes());
  RawClient c(s->port());
  for (int i = 0; i < 2; ++i) {
    c.Send(Get("/throw"));
    Answer a;
    ASSERT_TRUE(c.Read(&a));
    EXPECT_EQ(a.status, 500);
    EXPECT_EQ(json::parse(a.body)["error_code"], 500);
    EXPECT_EQ(a.body.find("internal detail"), std::string::npos);
  }
  RawClient other(s->port());
  other.Send(Get("/hello"));
  Answer a;
  ASSERT_TRUE(other.Read(&a));
  EXPECT_EQ(a.status, 200);
}

TEST(Server, GzipWhenAcceptedAndLargeEnough) {
  auto s = testing::StartOn(TestRoutes());
  RawClient c(s->port());
  c.Send(Get("/big", "Accept-Encoding: gzip, deflate\r\n"));
  Answer a;
  ASSERT_TRUE(c.Read(&a));
  EXPECT_EQ(a.header("content-encoding"), "gzip");
  EXPECT_EQ(a.header("vary"), "Accept-Encoding");
  EXPECT_LT(a.body.size(), BigText().size());
  std::string plain;
  ASSERT_TRUE(Gunzip(a.body, &plain));
  EXPECT_EQ(plain, BigText());
  // Small bodies and clients that do not ask stay plain.
  c.Send(Get("/hello", "Accept-Encoding: gzip\r\n") + Get("/big"));
  Answer small, plain_big;
  ASSERT_TRUE(c.Read(&small));
  EXPECT_EQ(small.header("content-encoding"), "");
  EXPECT_EQ(json::parse(small.body)["hello"], "world");
  ASSERT_TRUE(c.Read(&plain_big));
  EXPECT_EQ(plain_big.header("content-encoding"), "");
  EXPECT_EQ(plain_big.body, BigText());
}

TEST(Server, ChunkedRequestBodyAndJsonContentType) {
  auto s = testing::StartOn(TestRoutes());
  RawClient c(s->port());
  c.Send("POST /body HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
         "Content-Type: application/json\r\n\r\n"
         "4\r\n{\"a\"\r\n3\r\n: 1\r\n1\r\n}\r\n0\r\n\r\n");
  Answer a;
  ASSERT_TRUE(c.Read(&a));
  EXPECT_EQ(a.status, 201);
  EXPECT_EQ(a.header("content-type"), "application/vnd.schemaregistry.v1+json");
  EXPECT_EQ(json::parse(a.body)["got"], json({{"a", 1}}));
  // Malformed JSON: a 400 saying so, and the connection goes on.
  c.Send("POST /body HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\n{\"a\":" + Get("/hello"));
  Answer bad, next;
  ASSERT_TRUE(c.Read(&bad));
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(json::parse(bad.body)["message"].get<std::string>().find("malformed JSON"),
            std::string::npos);
  ASSERT_TRUE(c.Read(&next));
  EXPECT_EQ(next.status, 200);
}

TEST(Server, ExpectContinue) {
  auto s = testing::StartOn(TestRoutes());
  RawClient c(s->port());
  c.Send("PUT /raw HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  // The interim answer comes before the body is sent.
  EXPECT_EQ(c.ReadBytes(25), "HTTP/1.1 100 Continue\r\n\r\n");
  c.Send("hello");
  Answer a;
  ASSERT_TRUE(c.Read(&a));
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body, "hello");
}

TEST(Server, TwoListenersEachWithItsRoutes) {
  auto api = std::make_shared<Router>();
  api->Get("/", [](Request&) { return Response::Text("api"); });
  auto console = std::make_shared<Router>();
  console->Get("/", [](Request&) { return Response::Text("console"); });
  ListenerOptions a, b;
  a.name = "http";
  a.port = 0;
  a.router = api;
  b.name = "console";
  b.port = 0;
  b.router = console;
  auto s = Server::Start({}, {a, b});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto& srv = *s.value();
  ASSERT_NE(srv.port("http"), 0);
  ASSERT_NE(srv.port("console"), 0);
  EXPECT_NE(srv.port("http"), srv.port("console"));
  EXPECT_EQ(srv.port("nope"), 0);
  for (auto [name, want] : {std::pair{"http", "api"}, std::pair{"console", "console"}}) {
    RawClient c(srv.port(name));
    c.Send(Get("/"));
    Answer ans;
    ASSERT_TRUE(c.Read(&ans));
    EXPECT_EQ(ans.body, want);
  }
  // A port in use is an error naming the listener.
  ListenerOptions clash = a;
  clash.port = srv.port("http");
  auto again = Server::Start({}, {clash});
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.status().message().find("'http'"), std::string::npos);
  // Options are checked.
  ListenerOptions no_router;
  no_router.port = 0;
  EXPECT_FALSE(Server::Start({}, {no_router}).ok());
  EXPECT_FALSE(Server::Start({}, {a, a}).ok());
}

TEST(Server, ObserverSeesEachRequest) {
  std::mutex mu;
  std::vector<std::tuple<std::string, std::string, std::string, int, uint64_t>> seen;
  ServerOptions so;
  so.observer = [&](const RequestRecord& r) {
    std::lock_guard l(mu);
    seen.emplace_back(std::string(r.listener), std::string(r.method), std::string(r.route),
                      r.status, r.response_bytes);
    EXPECT_GE(r.duration_us, 0);
  };
  auto s = testing::StartOn(TestRoutes(), {}, so);
  RawClient c(s->port());
  c.Send(Get("/echo/1") + Get("/missing"));
  Answer a, b;
  ASSERT_TRUE(c.Read(&a));
  ASSERT_TRUE(c.Read(&b));
  std::lock_guard l(mu);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(std::get<0>(seen[0]), "http");
  EXPECT_EQ(std::get<1>(seen[0]), "GET");
  EXPECT_EQ(std::get<2>(seen[0]), "/echo/{n}");
  EXPECT_EQ(std::get<3>(seen[0]), 200);
  EXPECT_EQ(std::get<4>(seen[0]), a.body.size());
  EXPECT_EQ(std::get<2>(seen[1]), "");  // unmatched: no unbounded label
  EXPECT_EQ(std::get<3>(seen[1]), 404);
}

TEST(Server, StopFinishesTheRequestInProgressAndClosesIdleOnes) {
  auto s = testing::StartOn(TestRoutes());
  RawClient idle(s->port());
  RawClient busy(s->port());
  ASSERT_TRUE(idle.connected());
  busy.Send(Get("/slow"));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the handler is running
  auto t0 = std::chrono::steady_clock::now();
  s->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(4));
  Answer a;
  ASSERT_TRUE(busy.Read(&a));
  EXPECT_EQ(a.body, "done");
  EXPECT_EQ(a.header("connection"), "close");
  EXPECT_TRUE(busy.ClosedByServer());
  EXPECT_TRUE(idle.ClosedByServer());
  RawClient late(s->port());
  EXPECT_FALSE(late.connected());
  s->Stop();  // idempotent
}

}  // namespace
}  // namespace kappa::http
