// Limits as attackers meet them: header and body sizes at the edge, a half-sent request, a
// flood of connections, idle connections.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "http/http.h"
#include "http/http_test_util.h"

namespace kappa::http {
namespace {

using nlohmann::json;
using testing::Answer;
using testing::Get;
using testing::RawClient;

std::shared_ptr<Router> Routes() {
  auto r = std::make_shared<Router>();
  r->Get("/hello", [](Request&) { return Response::Json({{"hello", "world"}}); });
  r->Post("/len", [](Request& q) { return Response::Json({{"len", q.body.size()}}); });
  return r;
}

std::string Post(size_t n, std::string_view extra = {}) {
  return "POST /len HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(n) + "\r\n" +
         std::string(extra) + "\r\n" + std::string(n, 'x');
}

TEST(Limits, BodyAtTheLimitAcceptedOneMoreRefusedWith413) {
  ListenerOptions lo;
  lo.max_body_bytes = 100 * 1024;  // beyond the free allowance: the budget is used too
  auto s = testing::StartOn(Routes(), lo);
  RawClient c(s->port());
  for (size_t n : {lo.max_body_bytes - 1, lo.max_body_bytes}) {
    c.Send(Post(n));
    Answer a;
    ASSERT_TRUE(c.Read(&a)) << n;
    EXPECT_EQ(a.status, 200);
    EXPECT_EQ(json::parse(a.body)["len"], n);
  }
  c.Send(Post(lo.max_body_bytes + 1));
  Answer a;
  ASSERT_TRUE(c.Read(&a));
  EXPECT_EQ(a.status, 413);
  EXPECT_EQ(json::parse(a.body)["error_code"], 413);
  EXPECT_EQ(a.header("connection"), "close");
  EXPECT_TRUE(c.ClosedByServer());

  // Chunked bodies are counted as they arrive.
  RawClient d(s->port());
  std::string chunk(60 * 1024, 'y');
  char size[16];
  snprintf(size, sizeof(size), "%zx", chunk.size());
  d.Send("POST /len HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" +
         std::string(size) + "\r\n" + chunk + "\r\n" + std::string(size) + "\r\n" + chunk +
         "\r\n0\r\n\r\n");
  Answer big;
  ASSERT_TRUE(d.Read(&big));
  EXPECT_EQ(big.status, 413);
}

TEST(Limits, HeaderAtTheLimitAcceptedOneMoreRefusedWith431) {
  ListenerOptions lo;
  lo.max_header_bytes = 4096;
  auto s = testing::StartOn(Routes(), lo);
  // The request line and fields with the blank line that ends them, exactly `size` bytes.
  auto request = [](size_t size) {
    std::string head = "GET /hello HTTP/1.1\r\nHost: t\r\nX-Pad: ";
    std::string tail = "\r\n\r\n";
    return head + std::string(size - head.size() - tail.size(), 'p') + tail;
  };
  for (size_t n : {size_t(lo.max_header_bytes) - 1, size_t(lo.max_header_bytes)}) {
    RawClient c(s->port());
    c.Send(request(n));
    Answer a;
    ASSERT_TRUE(c.Read(&a)) << n;
    EXPECT_EQ(a.status, 200) << n;
  }
  RawClient c(s->port());
  c.Send(request(lo.max_header_bytes + 1));
  Answer a;
  ASSERT_TRUE(c.Read(&a));
  EXPECT_EQ(a.status, 431);
  EXPECT_EQ(json::parse(a.body)["error_code"], 431);
  EXPECT_TRUE(c.ClosedByServer());
}

TEST(Limits, MalformedRequestGets400AndClose) {
  auto s = testing::StartOn(Routes());
  RawClient c(s->port());
  c.Send("THIS IS NOT HTTP\r\n\r\n");
  Answer a;
  ASSERT_TRUE(c.Read(&a));
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(json::parse(a.body)["error_code"], 400);
  EXPECT_TRUE(c.ClosedByServer());
  RawClient d(s->port());
  d.Send("GET noslash HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(d.Read(&a));
  EXPECT_EQ(a.status, 400);
}

TEST(Limits, HalfSentRequestTimesOutWith408WhileOthersAreServed) {
  ListenerOptions lo;
  lo.limits.request_timeout_ms = 300;
  auto s = testing::StartOn(Routes(), lo);
  RawClient slow(s->port());
  slow.Send("GET /hello HTTP/1.1\r\nHost: t\r\nX-Half: ");  // and never the rest
  auto t0 = std::chrono::steady_clock::now();
  // Meanwhile another client is served, again and again.
  RawClient other(s->port());
  for (int i = 0; i < 5; ++i) {
    other.Send(Get("/hello"));
    Answer a;
    ASSERT_TRUE(other.Read(&a));
    EXPECT_EQ(a.status, 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Answer a;
  ASSERT_TRUE(slow.Read(&a));
  EXPECT_EQ(a.status, 408);
  EXPECT_EQ(json::parse(a.body)["error_code"], 408);
  EXPECT_TRUE(slow.ClosedByServer());
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(250));
  // The body too: a Content-Length promise not kept.
  RawClient body(s->port());
  body.Send("POST /len HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc");
  ASSERT_TRUE(body.Read(&a));
  EXPECT_EQ(a.status, 408);
}

TEST(Limits, IdleConnectionClosedQuietly) {
  ListenerOptions lo;
  lo.limits.idle_timeout_ms = 200;
  auto s = testing::StartOn(Routes(), lo);
  RawClient c(s->port());
  c.Send(Get("/hello"));
  Answer a;
  ASSERT_TRUE(c.Read(&a));
  EXPECT_TRUE(c.ClosedByServer());  // no answer bytes: an idle close says nothing
}

TEST(Limits, FloodBeyondMaxConnections) {
  ListenerOptions lo;
  lo.limits.max_connections = 8;
  auto s = testing::StartOn(Routes(), lo);
  std::vector<std::unique_ptr<RawClient>> held;
  for (int i = 0; i < 8; ++i) {
    held.push_back(std::make_unique<RawClient>(s->port()));
    held.back()->Send(Get("/hello"));
    Answer a;
    ASSERT_TRUE(held.back()->Read(&a)) << i;  // each is counted once served
  }
  // Over the limit: accepted and closed at once, never answered.
  std::vector<std::unique_ptr<RawClient>> extra;
  for (int i = 0; i < 20; ++i) extra.push_back(std::make_unique<RawClient>(s->port(), 2000));
  for (auto& e : extra) {
    e->Send(Get("/hello"));
    EXPECT_TRUE(e->ClosedByServer());
  }
  // The held ones still work; once some close, new ones are served again.
  held[0]->Send(Get("/hello"));
  Answer a;
  ASSERT_TRUE(held[0]->Read(&a));
  EXPECT_EQ(a.status, 200);
  held.resize(4);
  bool served = false;
  for (int attempt = 0; attempt < 50 && !served; ++attempt) {
    RawClient c(s->port(), 1000);
    c.Send(Get("/hello"));
    Answer b;
    served = c.Read(&b) && b.status == 200;
    if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(served);
}

}  // namespace
}  // namespace kappa::http
