// Streaming bodies (server-sent events): chunks written from another thread reach the
// client as they come; the producer learns when the client leaves or the server stops.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "http/http.h"
#include "http/http_test_util.h"

namespace kappa::http {
namespace {

using testing::Answer;
using testing::Get;
using testing::RawClient;

// A producer thread per stream that writes a numbered event every 5 ms until Write fails
// (or `limit` events, then Close).
struct Ticker {
  std::atomic<int> closed{0};
  std::atomic<int> write_refused{0};
  std::vector<std::thread> threads;
  std::mutex mu;
  ~Ticker() {
    for (auto& t : threads) t.join();
  }
  Handler Make(int limit) {
    return [this, limit](Request&) {
      return Response::EventStream([this, limit](std::shared_ptr<StreamWriter> w) {
        w->OnClose([this] { ++closed; });
        std::lock_guard l(mu);
        threads.emplace_back([this, w, limit] {
          for (int i = 0; limit == 0 || i < limit; ++i) {
            if (!w->Write(SseEvent(std::to_string(i), "tick"))) {
              ++write_refused;
              return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
          }
          w->Close();
        });
      });
    };
  }
};

TEST(Stream, EventsArriveInChunksUntilTheProducerCloses) {
  Ticker t;
  auto r = std::make_shared<Router>();
  r->Get("/events", t.Make(3));
  auto s = testing::StartOn(r);
  RawClient c(s->port());
  c.Send(Get("/events", "Accept-Encoding: gzip\r\n"));
  Answer a;
  ASSERT_TRUE(c.Read(&a));  // Beast de-chunks; the body ends with the last chunk
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.header("content-type"), "text/event-stream");
  EXPECT_EQ(a.header("transfer-encoding"), "chunked");
  EXPECT_EQ(a.header("content-encoding"), "");  // streams are never gzipped
  EXPECT_EQ(a.header("cache-control"), "no-cache");
  EXPECT_EQ(a.body, SseEvent("0", "tick") + SseEvent("1", "tick") + SseEvent("2", "tick"));
  EXPECT_TRUE(c.ClosedByServer());
}

TEST(Stream, ProducerLearnsTheClientLeft) {
  Ticker t;
  auto r = std::make_shared<Router>();
  r->Get("/events", t.Make(0));
  r->Get("/hello", [](Request&) { return Response::Text("hi"); });
  auto s = testing::StartOn(r);
  {
    RawClient c(s->port());
    c.Send(Get("/events"));
    std::string got = c.ReadBytes(200);
    EXPECT_NE(got.find("event: tick\n"), std::string::npos) << got;
  }  // the client goes away
  for (int i = 0; i < 200 && t.closed.load() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(t.closed.load(), 1);
  for (int i = 0; i < 200 && t.write_refused.load() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(t.write_refused.load(), 1);
  // The server goes on.
  RawClient d(s->port());
  d.Send(Get("/hello"));
  Answer a;
  ASSERT_TRUE(d.Read(&a));
  EXPECT_EQ(a.body, "hi");
}

TEST(Stream, StopEndsOpenStreams) {
  Ticker t;
  auto r = std::make_shared<Router>();
  r->Get("/events", t.Make(0));
  auto s = testing::StartOn(r);
  RawClient c(s->port());
  c.Send(Get("/events"));
  // Past the head (about 120 bytes): the producer runs.
  EXPECT_NE(c.ReadBytes(200).find("event: tick\n"), std::string::npos);
  auto t0 = std::chrono::steady_clock::now();
  s->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
  EXPECT_EQ(t.closed.load(), 1);
  EXPECT_TRUE(c.ClosedByServer());
}

}  // namespace
}  // namespace kappa::http
