// The HTTP source against a local Boost.Beast server started by the test: randomuser pages,
// slow answers (timeouts), 429 with Retry-After (seconds and HTTP-date), 500s, garbage, 404.
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "common/mutex.h"
#include "connect/connect.h"

namespace kappa::connect {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;
using Clk = std::chrono::steady_clock;

// Serves a few scripted endpoints; records when each request arrived.
class TestServer {
 public:
  TestServer() : acceptor_(io_, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { AcceptLoop(); });
  }
  ~TestServer() {
    stop_ = true;
    try {  // unblock accept()
      boost::asio::io_context io;
      tcp::socket s(io);
      s.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port_));
    } catch (...) {
    }
    thread_.join();
    for (auto& t : conns_) t.join();
  }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::vector<Clk::time_point> Hits(const std::string& path) {
    MutexLock l(mu_);
    return hits_[path];
  }
  int max_in_flight() const { return max_in_flight_.load(); }

 private:
  void AcceptLoop() {
    while (!stop_) {
      tcp::socket sock(io_);
      boost::system::error_code ec;
      acceptor_.accept(sock, ec);
      if (ec || stop_) break;
      conns_.emplace_back([this, s = std::move(sock)]() mutable { Serve(std::move(s)); });
    }
  }

  void Serve(tcp::socket sock) {
    beast::flat_buffer buf;
    boost::system::error_code ec;
    while (!stop_) {
      http::request<http::string_body> req;
      http::read(sock, buf, req, ec);
      if (ec) return;
      int now = ++in_flight_;
      int prev = max_in_flight_.load();
      while (now > prev && !max_in_flight_.compare_exchange_weak(prev, now)) {}
      http::response<http::string_body> res = Handle(std::string(req.target()));
      --in_flight_;
      res.version(req.version());
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      http::write(sock, res, ec);
      if (ec || !req.keep_alive()) return;
    }
  }

  http::response<http::string_body> Handle(const std::string& target) {
    const std::string path = target.substr(0, target.find('?'));
    int n;
    {
      MutexLock l(mu_);
      hits_[path].push_back(Clk::now());
      n = int(hits_[path].size());
    }
    http::response<http::string_body> res;
    auto ok = [&] {
      res.result(http::status::ok);
      res.set(http::field::content_type, "application/json");
      RandomUserOptions o;
      o.results = 5;
      o.seed = "http";
      (void)GenerateRandomUserPage(o, uint64_t(n), &res.body());
    };
    if (path == "/ok") {
      ok();
    } else if (path == "/slow") {  // always slower than the client's timeout
      for (int i = 0; i < 30 && !stop_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      ok();
    } else if (path == "/slowish") {  // slow but answers: for concurrency
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      ok();
    } else if (path == "/flaky") {  // two 500s, then pages
      if (n <= 2) res.result(http::status::internal_server_error), res.body() = "boom";
      else ok();
    } else if (path == "/429") {
      if (n == 1) {
        res.result(http::status::too_many_requests);
        res.set(http::field::retry_after, "1");
      } else {
        ok();
      }
    } else if (path == "/429date") {
      if (n == 1) {
        res.result(http::status::too_many_requests);
        // Two seconds from now, as an HTTP-date (second resolution: waits 1..2 s).
        std::time_t t = std::time(nullptr) + 2;
        char date[64];
        std::tm tm;
        gmtime_r(&t, &tm);
        std::strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
        res.set(http::field::retry_after, date);
      } else {
        ok();
      }
    } else if (path == "/429long") {  // come back in an hour
      res.result(http::status::too_many_requests);
      res.set(http::field::retry_after, "3600");
    } else if (path == "/garbage") {  // a 200 that is not a page, then pages
      res.result(http::status::ok);
      res.body() = n == 1 ? "<html>Service temporarily unavailable</html>" : "";
      if (n == 2) res.body() = R"({"error":"Uh oh, something has gone wrong."})";
      if (n >= 3) ok();
    } else {
      res.result(http::status::not_found);
      res.body() = "no such page";
    }
    return res;
  }

  boost::asio::io_context io_;
  tcp::acceptor acceptor_;
  uint16_t port_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::vector<std::thread> conns_;  // only touched by the accept thread, then the destructor
  Mutex mu_;
  std::map<std::string, std::vector<Clk::time_point>> hits_ GUARDED_BY(mu_);
  std::atomic<int> in_flight_{0}, max_in_flight_{0};
};

HttpSourceOptions Fast(const std::string& url) {
  HttpSourceOptions o;
  o.url = url;
  o.requests_per_sec = 0;
  o.backoff_initial = std::chrono::milliseconds(5);
  o.backoff_max = std::chrono::milliseconds(20);
  o.timeout = std::chrono::milliseconds(5000);
  o.max_queued_pages = 2;
  return o;
}

TEST(HttpSource, FetchesPages) {
  TestServer server;
  auto src = NewHttpSource(Fast(server.Url("/ok?results=5")));
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  std::string page;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE((*src)->NextPage(&page).ok());
    EXPECT_NE(page.find("\"results\":["), std::string::npos);
  }
  // Pages of an HTTP source are text only: it declares no structured capability.
  EXPECT_EQ((*src)->AsStructured(), nullptr);
  SourceStats s = (*src)->stats();
  EXPECT_EQ(s.pages, 3u);
  EXPECT_GE(s.users, 15u);
  EXPECT_EQ(s.errors, 0u);
  (*src)->Stop();
  EXPECT_EQ((*src)->NextPage(&page).code(), Status::Code::kAborted);
}

TEST(HttpSource, RetriesServerErrors) {
  TestServer server;
  HttpSourceOptions o = Fast(server.Url("/flaky"));
  o.max_queued_pages = 1;
  auto src = NewHttpSource(o);
  ASSERT_TRUE(src.ok());
  std::string page;
  ASSERT_TRUE((*src)->NextPage(&page).ok());
  SourceStats s = (*src)->stats();
  EXPECT_EQ(s.errors, 2u);
  EXPECT_EQ(s.retries, 2u);
  EXPECT_GE(server.Hits("/flaky").size(), 3u);
}

TEST(HttpSource, RespectsRetryAfterSeconds) {
  TestServer server;
  HttpSourceOptions o = Fast(server.Url("/429"));
  o.max_queued_pages = 1;
  auto src = NewHttpSource(o);
  ASSERT_TRUE(src.ok());
  std::string page;
  ASSERT_TRUE((*src)->NextPage(&page).ok());
  auto hits = server.Hits("/429");
  ASSERT_GE(hits.size(), 2u);
  // Backoff alone would retry within 20 ms; Retry-After: 1 makes it wait a second.
  EXPECT_GE(hits[1] - hits[0], std::chrono::milliseconds(950));
  EXPECT_EQ((*src)->stats().retries, 1u);
}

TEST(HttpSource, RespectsRetryAfterHttpDate) {
  TestServer server;
  HttpSourceOptions o = Fast(server.Url("/429date"));
  o.max_queued_pages = 1;
  auto src = NewHttpSource(o);
  ASSERT_TRUE(src.ok());
  std::string page;
  ASSERT_TRUE((*src)->NextPage(&page).ok());
  auto hits = server.Hits("/429date");
  ASSERT_GE(hits.size(), 2u);
  EXPECT_GE(hits[1] - hits[0], std::chrono::milliseconds(900));
}

TEST(HttpSource, TimeoutsAreRetriedThenReported) {
  TestServer server;
  HttpSourceOptions o = Fast(server.Url("/slow"));
  o.timeout = std::chrono::milliseconds(150);
  o.max_retries = 2;
  o.max_queued_pages = 1;
  auto src = NewHttpSource(o);
  ASSERT_TRUE(src.ok());
  std::string page;
  Status s = (*src)->NextPage(&page);
  EXPECT_TRUE(s.IsUnavailable()) << s.ToString();
  EXPECT_NE(s.message().find("gave up after 3 attempts"), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("imeout"), std::string::npos) << s.ToString();
  EXPECT_EQ((*src)->stats().errors, 3u);
  (*src)->Stop();  // prompt, even with a request in flight
}

TEST(HttpSource, StopInterruptsARetryAfterWait) {
  TestServer server;
  auto src = NewHttpSource(Fast(server.Url("/429long")));
  ASSERT_TRUE(src.ok());
  while (server.Hits("/429long").empty()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // now sleeping for an hour
  std::thread consumer([&] {
    std::string page;
    EXPECT_EQ((*src)->NextPage(&page).code(), Status::Code::kAborted);
  });
  (*src)->Stop();
  consumer.join();
  src->reset();  // joins the workers: must not wait out the hour
  EXPECT_EQ(server.Hits("/429long").size(), 1u);
}

TEST(HttpSource, GarbageIsCountedNotFatal) {
  TestServer server;
  HttpSourceOptions o = Fast(server.Url("/garbage"));
  o.max_queued_pages = 1;
  auto src = NewHttpSource(o);
  ASSERT_TRUE(src.ok());
  std::string page;
  ASSERT_TRUE((*src)->NextPage(&page).ok());
  EXPECT_NE(page.find("\"results\""), std::string::npos);
  SourceStats s = (*src)->stats();
  EXPECT_EQ(s.bad_responses, 2u);  // the HTML and the JSON error object
  EXPECT_EQ(s.retries, 2u);
}

TEST(HttpSource, ClientErrorsAreNotRetried) {
  TestServer server;
  HttpSourceOptions o = Fast(server.Url("/missing"));
  o.max_queued_pages = 1;
  auto src = NewHttpSource(o);
  ASSERT_TRUE(src.ok());
  std::string page;
  Status s = (*src)->NextPage(&page);
  EXPECT_TRUE(s.IsUnavailable());
  EXPECT_NE(s.message().find("HTTP 404"), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("not retried"), std::string::npos) << s.ToString();
  EXPECT_EQ((*src)->stats().retries, 0u);
}

TEST(HttpSource, ConcurrencyAndRate) {
  TestServer server;
  HttpSourceOptions o = Fast(server.Url("/slowish"));
  o.concurrency = 4;
  o.max_queued_pages = 8;
  auto src = NewHttpSource(o);
  ASSERT_TRUE(src.ok());
  std::string page;
  for (int i = 0; i < 8; ++i) ASSERT_TRUE((*src)->NextPage(&page).ok());
  EXPECT_GE(server.max_in_flight(), 2);
  (*src)->Stop();

  // The rate is a ceiling: 6 requests at 10/s cannot start within less than 0.5 s.
  HttpSourceOptions r = Fast(server.Url("/ok"));
  r.requests_per_sec = 10;
  r.concurrency = 3;
  auto limited = NewHttpSource(r);
  ASSERT_TRUE(limited.ok());
  for (int i = 0; i < 6; ++i) ASSERT_TRUE((*limited)->NextPage(&page).ok());
  auto hits = server.Hits("/ok");
  ASSERT_GE(hits.size(), 6u);
  EXPECT_GE(hits[5] - hits[0], std::chrono::milliseconds(450));
}

TEST(HttpSource, BadOptions) {
  HttpSourceOptions o;
  o.url = "";
  EXPECT_TRUE(NewHttpSource(o).status().IsInvalidArgument());
  o.url = "http://127.0.0.1:1/";
  o.concurrency = 0;
  EXPECT_TRUE(NewHttpSource(o).status().IsInvalidArgument());
}

}  // namespace
}  // namespace kappa::connect
