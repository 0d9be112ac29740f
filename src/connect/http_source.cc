// The HTTP source: libcurl workers polling a randomuser-compatible URL.
//
// Threads: `concurrency` workers each own a CURL easy handle and a simdjson parser; they share
// a token bucket (the request rate) and a bounded queue of results that NextPage pops.
// Every attempt is counted; a page that still fails after max_retries becomes an Unavailable
// result in the queue, so the consumer sees it in order and can decide to go on.
//
// Invariants: the queue never holds more than max_queued_pages entries (workers wait for
// room before fetching, so a slow consumer slows the polling instead of growing memory);
// after Stop() no worker starts a new request and in-flight transfers are aborted by the
// progress callback.
#include <curl/curl.h>
#include <simdjson.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <random>
#include <thread>

#include "common/logging.h"
#include "common/mutex.h"
#include "connect/connect.h"

namespace kappa::connect {
namespace {

using Clk = std::chrono::steady_clock;
constexpr size_t kMaxBodyBytes = 64 << 20;
constexpr std::chrono::seconds kMaxRetryAfter{3600};

// A page or the error that replaced it.
struct Fetched {
  Status status;
  std::string body;
};

// The outcome of one HTTP attempt.
struct Attempt {
  enum class Kind { kOk, kRetry, kFatal, kAborted } kind = Kind::kOk;
  std::string error;                      // for logs and the final Unavailable
  std::chrono::milliseconds retry_after{0};  // from a Retry-After header, 0 if none
};

std::string Sample(std::string_view body) {
  std::string s;
  for (char c : body.substr(0, 160)) s += (static_cast<unsigned char>(c) < 0x20) ? ' ' : c;
  if (body.size() > 160) s += "...";
  return s;
}

class HttpSource final : public Source {
 public:
  explicit HttpSource(HttpSourceOptions opts) : opts_(std::move(opts)) {}
  ~HttpSource() override {
    Stop();
    for (auto& t : workers_) t.join();
  }

  Status Start() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    for (uint32_t i = 0; i < opts_.concurrency; ++i) {
      CURL* h = curl_easy_init();
      if (!h) return Status::Internal("curl_easy_init failed");
      curl_easy_cleanup(h);
    }
    for (uint32_t i = 0; i < opts_.concurrency; ++i) workers_.emplace_back([this] { Work(); });
    return Status::OK();
  }

  Status NextPage(std::string* page) override {
    MutexLock l(mu_);
    cv_.wait(l, [&]() REQUIRES(mu_) { return stopped_ || !queue_.empty(); });
    if (stopped_) return Status::Aborted("source stopped");
    Fetched f = std::move(queue_.front());
    queue_.pop_front();
    room_cv_.notify_one();
    if (!f.status.ok()) return f.status;
    *page = std::move(f.body);
    ++stats_.pages;
    return Status::OK();
  }

  void Stop() override {
    {
      MutexLock l(mu_);
      stopped_ = true;
    }
    stop_flag_.store(true);
    cv_.notify_all();
    room_cv_.notify_all();
    sleep_cv_.notify_all();  // backoff / Retry-After / rate waits end at once
  }

  SourceStats stats() const override {
    MutexLock l(mu_);
    return stats_;
  }
  std::string Describe() const override { return "http(" + opts_.url + ")"; }

 private:
  void Work();
  bool WaitForRoom();
  bool WaitForToken();
  bool SleepFor(std::chrono::milliseconds d);
  Attempt Fetch(CURL* h, simdjson::dom::parser* parser, std::string* body);
  void Count(uint64_t SourceStats::*field, uint64_t n = 1) {
    MutexLock l(mu_);
    stats_.*field += n;
  }

  const HttpSourceOptions opts_;
  std::vector<std::thread> workers_;
  std::atomic<bool> stop_flag_{false};  // read by curl progress callbacks
  mutable Mutex mu_;
  CondVar cv_;        // queue_ became non-empty, or stop
  CondVar room_cv_;   // queue_ has room, or stop
  CondVar sleep_cv_;  // timed waits; only notified by Stop()
  bool stopped_ GUARDED_BY(mu_) = false;
  std::deque<Fetched> queue_ GUARDED_BY(mu_);
  size_t reserved_ GUARDED_BY(mu_) = 0;  // slots claimed by fetching workers
  Clk::time_point next_token_ GUARDED_BY(mu_) = {};  // token bucket: next allowed start
  SourceStats stats_ GUARDED_BY(mu_);
  uint64_t logged_bad_ GUARDED_BY(mu_) = 0;
};

bool HttpSource::WaitForRoom() {
  MutexLock l(mu_);
  room_cv_.wait(l, [&]() REQUIRES(mu_) {
    return stopped_ || queue_.size() + reserved_ < opts_.max_queued_pages;
  });
  if (stopped_) return false;
  ++reserved_;
  return true;
}

// One request start per 1/rate seconds across all workers.
bool HttpSource::WaitForToken() {
  MutexLock l(mu_);
  if (opts_.requests_per_sec <= 0) return !stopped_;
  const auto interval = std::chrono::duration_cast<Clk::duration>(
      std::chrono::duration<double>(1.0 / opts_.requests_per_sec));
  const auto now = Clk::now();
  const auto slot = std::max(now, next_token_);
  next_token_ = slot + interval;
  sleep_cv_.wait_until(l, slot, [&]() REQUIRES(mu_) { return stopped_; });
  return !stopped_;
}

bool HttpSource::SleepFor(std::chrono::milliseconds d) {
  MutexLock l(mu_);
  sleep_cv_.wait_for(l, d, [&]() REQUIRES(mu_) { return stopped_; });
  return !stopped_;
}

size_t WriteBody(char* data, size_t, size_t n, void* user) {
  auto* body = static_cast<std::string*>(user);
  if (body->size() + n > kMaxBodyBytes) return 0;  // aborts with CURLE_WRITE_ERROR
  body->append(data, n);
  return n;
}

int Progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<std::atomic<bool>*>(user)->load() ? 1 : 0;
}

Attempt HttpSource::Fetch(CURL* h, simdjson::dom::parser* parser, std::string* body) {
  body->clear();
  curl_easy_reset(h);
  curl_easy_setopt(h, CURLOPT_URL, opts_.url.c_str());
  curl_easy_setopt(h, CURLOPT_USERAGENT, opts_.user_agent.c_str());
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");  // whatever curl can decode
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, long(opts_.timeout.count()));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, long(opts_.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, Progress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, &stop_flag_);
  Count(&SourceStats::requests);
  const CURLcode rc = curl_easy_perform(h);
  Attempt a;
  if (rc == CURLE_ABORTED_BY_CALLBACK && stop_flag_.load()) {
    a.kind = Attempt::Kind::kAborted;
    return a;
  }
  if (rc != CURLE_OK) {
    a.kind = rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL ? Attempt::Kind::kFatal
                                                                            : Attempt::Kind::kRetry;
    a.error = std::string(curl_easy_strerror(rc));
    if (rc == CURLE_WRITE_ERROR) a.error = "response larger than 64 MiB";
    return a;
  }
  long code = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
  if (code == 429 || code == 503) {
    curl_off_t wait = -1;  // curl parses both delta-seconds and HTTP-date forms
    if (curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, &wait) == CURLE_OK && wait > 0) {
      a.retry_after = std::min<std::chrono::milliseconds>(std::chrono::seconds(wait), kMaxRetryAfter);
    }
  }
  if (code == 408 || code == 429 || code >= 500) {
    a.kind = Attempt::Kind::kRetry;
    a.error = "HTTP " + std::to_string(code);
    return a;
  }
  if (code < 200 || code >= 300) {
    a.kind = Attempt::Kind::kFatal;
    a.error = "HTTP " + std::to_string(code) + ": " + Sample(*body);
    return a;
  }
  // 2xx: must be a randomuser page. Count and log (a sample, not every one) otherwise.
  simdjson::dom::element doc;
  simdjson::dom::array results;
  std::string why;
  if (auto err = parser->parse(*body).get(doc); err) {
    why = std::string("invalid JSON (") + simdjson::error_message(err) + ")";
  } else if (doc["results"].get_array().get(results) != simdjson::SUCCESS) {
    why = "no 'results' array";
  } else {
    Count(&SourceStats::users, results.size());
    return a;
  }
  bool log_it;
  {
    MutexLock l(mu_);
    ++stats_.bad_responses;
    log_it = logged_bad_ < 5 || logged_bad_ % 100 == 0;
    ++logged_bad_;
  }
  if (log_it) {
    KLOG_WARN("http source: response from {} is not a randomuser page: {} ({} bytes): {}",
              opts_.url, why, body->size(), Sample(*body));
  }
  a.kind = Attempt::Kind::kRetry;
  a.error = "bad response: " + why;
  return a;
}

void HttpSource::Work() {
  CURL* h = curl_easy_init();
  simdjson::dom::parser parser;
  std::mt19937_64 rng(std::random_device{}());
  std::string body;
  while (WaitForRoom()) {
    Status result;
    for (uint32_t attempt = 0;; ++attempt) {
      if (!WaitForToken()) break;
      Attempt a = Fetch(h, &parser, &body);
      if (a.kind == Attempt::Kind::kOk) break;
      if (a.kind == Attempt::Kind::kAborted) break;
      Count(&SourceStats::errors);
      if (a.kind == Attempt::Kind::kFatal || attempt >= opts_.max_retries) {
        result = Status::Unavailable("http source: " + opts_.url + ": " + a.error +
                                     (a.kind == Attempt::Kind::kFatal
                                          ? " (not retried)"
                                          : " (gave up after " + std::to_string(attempt + 1) + " attempts)"));
        KLOG_WARN("{}", result.message());
        break;
      }
      // Exponential backoff with full jitter; Retry-After is a floor.
      const double cap = std::min<double>(double(opts_.backoff_max.count()),
                                          double(opts_.backoff_initial.count()) * double(1ull << std::min(attempt, 30u)));
      auto delay = std::chrono::milliseconds(int64_t(std::uniform_real_distribution<double>(0, cap)(rng)));
      delay = std::max(delay, a.retry_after);
      Count(&SourceStats::retries);
      KLOG_DEBUG("http source: {} ({}), retry {} in {} ms", opts_.url, a.error, attempt + 1, delay.count());
      if (!SleepFor(delay)) break;
    }
    MutexLock l(mu_);
    --reserved_;
    if (stopped_) break;
    queue_.push_back(result.ok() ? Fetched{Status::OK(), std::move(body)} : Fetched{result, {}});
    body = std::string();
    cv_.notify_one();
  }
  curl_easy_cleanup(h);
}

}  // namespace

Result<std::unique_ptr<Source>> NewHttpSource(const HttpSourceOptions& opts) {
  if (opts.url.empty()) return Status::InvalidArgument("http source: url is empty");
  if (opts.concurrency < 1 || opts.concurrency > 64) {
    return Status::InvalidArgument("http source: concurrency must be between 1 and 64");
  }
  if (opts.requests_per_sec < 0) return Status::InvalidArgument("http source: requests_per_sec must be >= 0");
  if (opts.timeout.count() <= 0) return Status::InvalidArgument("http source: timeout must be > 0");
  if (opts.max_queued_pages < 1) return Status::InvalidArgument("http source: max_queued_pages must be >= 1");
  auto src = std::make_unique<HttpSource>(opts);
  RETURN_IF_ERROR(src->Start());
  return std::unique_ptr<Source>(std::move(src));
}

}  // namespace kappa::connect
