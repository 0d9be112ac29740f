// GET /api/console/overview (figures), /api/console/overview/series?seconds=N (the charts)
// and /api/console/overview/stream (server-sent events, one a second: the figures and the
// charts' last few points, so a page that missed an event fills the gap).
#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <thread>

#include "common/mutex.h"
#include "common/thread_annotations.h"
#include "console/overview.h"
#include "console/routes.h"

namespace kappa::console {
namespace {

// How many seconds of each series an event carries.
constexpr int kEventSeconds = 5;
// At most this many live streams at once; more get 503 (each costs a connection).
constexpr size_t kMaxStreams = 64;

// One thread writes every open overview stream once a second; it runs only while some
// stream is open. Destroyed with the router (when the console stops): ends the streams.
class OverviewFeed {
 public:
  explicit OverviewFeed(Sources sources) : sources_(std::move(sources)) {}
  ~OverviewFeed() {
    std::thread t;
    {
      MutexLock lock(mu_);
      stopping_ = true;
      t = std::move(thread_);
    }
    cv_.notify_all();
    if (t.joinable()) t.join();
    MutexLock lock(mu_);
    for (auto& w : writers_) w->Close();
  }

  bool Add(std::shared_ptr<http::StreamWriter> w) {
    MutexLock lock(mu_);
    if (stopping_ || writers_.size() >= kMaxStreams) return false;
    writers_.push_back(w);
    if (!running_) {
      if (thread_.joinable()) thread_.join();  // the last run ended (no streams left)
      running_ = true;
      thread_ = std::thread([this] { Run(); });
    }
    return true;
  }

 private:
  void Run() {
    MutexLock lock(mu_);
    while (!stopping_ && !writers_.empty()) {
      lock.unlock();
      std::string event = http::SseEvent(
          nlohmann::json{{"figures", OverviewFigures(sources_)},
                         {"series", OverviewSeries(sources_, kEventSeconds)}}
              .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
          "overview");
      lock.lock();
      std::vector<std::shared_ptr<http::StreamWriter>> keep;
      for (auto& w : writers_) {
        if (w->Write(event)) keep.push_back(std::move(w));
      }
      writers_ = std::move(keep);
      if (writers_.empty() || stopping_) break;
      cv_.wait_for(lock, std::chrono::seconds(1));
    }
    running_ = false;
  }

  const Sources sources_;
  Mutex mu_;
  CondVar cv_;
  bool stopping_ GUARDED_BY(mu_) = false;
  bool running_ GUARDED_BY(mu_) = false;
  std::thread thread_ GUARDED_BY(mu_);
  std::vector<std::shared_ptr<http::StreamWriter>> writers_ GUARDED_BY(mu_);
};

Result<int> Seconds(const http::Request& req) {
  auto q = req.Query("seconds");
  if (!q) return metrics::kHistorySeconds - 1;
  int v = 0;
  auto r = std::from_chars(q->data(), q->data() + q->size(), v);
  if (r.ec != std::errc() || r.ptr != q->data() + q->size() || v < 1 ||
      v > metrics::kHistorySeconds - 1) {
    return Status::InvalidArgument(
        fmt::format("seconds must be a number from 1 to {}", metrics::kHistorySeconds - 1));
  }
  return v;
}

}  // namespace

void AddOverviewRoutes(http::Router& router, const Sources& sources) {
  Sources s = sources;
  router.Get("/api/console/overview",
             [s](http::Request&) { return http::Response::Json(OverviewFigures(s)); });
  router.Get("/api/console/overview/series", [s](http::Request& req) {
    auto seconds = Seconds(req);
    if (!seconds.ok()) return http::Response::FromStatus(seconds.status());
    return http::Response::Json(OverviewSeries(s, *seconds));
  });
  auto feed = std::make_shared<OverviewFeed>(s);
  router.Get("/api/console/overview/stream", [feed](http::Request&) {
    return http::Response::EventStream([feed](std::shared_ptr<http::StreamWriter> w) {
      // A comment line first, so the browser sees the stream open at once.
      if (!w->Write(": kappa overview\n\n")) return;
      if (!feed->Add(w)) {
        w->Write(http::SseEvent("{\"message\": \"too many open overview streams\"}", "error"));
        w->Close();
      }
    });
  });
}

}  // namespace kappa::console
