#include "cli/bench_console.h"

#include <fmt/format.h>

#include <chrono>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <thread>

#include "cli/cli_common.h"
#include "console/console.h"
#include "metrics/metrics.h"

namespace kappa::cli {
namespace {

class Impl : public BenchConsole {
 public:
  ~Impl() override {
    if (console_) console_->Stop();
    {
      std::lock_guard<std::mutex> l(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (ticker_.joinable()) ticker_.join();
  }

  void Start(const HostPort& listen, const std::string& label) {
    ticker_ = std::thread([this] {
      std::unique_lock<std::mutex> l(mu_);
      while (!stop_) {
        l.unlock();
        history_.Tick(std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count());
        l.lock();
        cv_.wait_for(l, std::chrono::seconds(1));
      }
    });
    console::Sources s;
    s.history = &history_;
    s.facts.version = "bench";
    s.facts.started_unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
    console::ConsoleOptions o;
    o.listen = listen;
    auto c = console::Console::Start(s, o);
    if (!c.ok()) Fail(c.status().WithContext("--console"));
    console_ = std::move(c).value();
    std::cerr << fmt::format("{}: console on http://{}/\n", label,
                             HostPort{listen.host, console_->port()}.ToString());
  }

 private:
  metrics::History history_{&metrics::Registry::Default()};
  std::unique_ptr<console::Console> console_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread ticker_;
};

}  // namespace

std::unique_ptr<BenchConsole> BenchConsole::Start(const HostPort& listen,
                                                  const std::string& label) {
  auto c = std::make_unique<Impl>();
  c->Start(listen, label);
  return c;
}

}  // namespace kappa::cli
