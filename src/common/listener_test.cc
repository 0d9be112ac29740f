// Listener: the deadline sweep and what a connection's close function may do.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <thread>

#include "common/listener.h"

namespace kappa {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// A listener on 127.0.0.1 with a short idle timeout, run by one thread, and a client
// connection to it. The accepted connection's watch is handed to the test.
class SweepFixture : public ::testing::Test {
 protected:
  void StartListening(std::function<void(std::shared_ptr<ConnectionWatch>)> on_watch) {
    ListenerLimits limits;
    limits.idle_timeout_ms = 20;
    limits.request_timeout_ms = 0;
    listener_.emplace("test", limits);
    acceptor_.open(tcp::v4());
    acceptor_.bind(tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    acceptor_.listen();
    listener_->Start(
        &acceptor_, [this] { return asio::any_io_executor(ioc_.get_executor()); },
        [this, on_watch](tcp::socket sock, std::shared_ptr<ConnectionWatch> watch) {
          server_side_ = std::move(sock);
          on_watch(std::move(watch));
        });
    thread_ = std::thread([this] { ioc_.run(); });
    client_.connect(acceptor_.local_endpoint());
  }

  // Waits for `f`; a sweep stuck for good (the bug) cannot be joined, so the test ends the
  // process rather than hang until ctest's timeout.
  void WaitOrDie(std::future<void>& f, const char* what) {
    if (f.wait_for(std::chrono::seconds(10)) == std::future_status::ready) return;
    std::fprintf(stderr, "FAILED: %s did not happen within 10 s (the sweep is stuck)\n", what);
    std::fflush(stderr);
    std::_Exit(1);
  }

  // Stops the listener's thread; before the test's locals that its callbacks use go away.
  void Shutdown() {
    if (listener_) listener_->Stop();
    work_.reset();
    ioc_.stop();
    if (thread_.joinable()) thread_.join();
    if (listener_) listener_->Detach();  // its strand belongs to ioc_, destroyed first
  }
  void TearDown() override { Shutdown(); }

  std::optional<Listener> listener_;  // outlives the io_context (declared before it)
  asio::io_context ioc_{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_{
      ioc_.get_executor()};
  tcp::acceptor acceptor_{ioc_};
  tcp::socket server_side_{ioc_};
  asio::io_context client_ioc_;
  tcp::socket client_{client_ioc_};
  std::thread thread_;
};

// A close function may drop the last reference to its connection (the connection's own
// thread ended it meanwhile), destroying the watch, which leaves the listener under its
// lock. The sweep used to call closes under that lock: a self-deadlock of the sweep's thread.
TEST_F(SweepFixture, CloseMayDestroyTheWatch) {
  std::promise<void> destroyed;
  auto done = destroyed.get_future();
  std::shared_ptr<ConnectionWatch> owner;  // the "connection"; touched on the listener thread
  StartListening([&](std::shared_ptr<ConnectionWatch> watch) {
    owner = std::move(watch);
    owner->OnExpire([&](const std::string& why) {
      EXPECT_NE(why.find("idle"), std::string::npos) << why;
      owner.reset();  // the last reference: ~ConnectionWatch runs here
      destroyed.set_value();
    });
  });
  WaitOrDie(done, "the close that destroys its watch");
  // The listener still works: the count went down, and it goes on sweeping and accepting.
  for (int i = 0; i < 500 && listener_->connections() != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(listener_->connections(), 0);
  Shutdown();
}

// A close that has not taken effect yet when the connection arms a new deadline is called
// again when that one expires too (closes are idempotent), never lost.
TEST_F(SweepFixture, ANewDeadlineAfterAnExpiryExpiresAgain) {
  std::promise<void> twice;
  auto done = twice.get_future();
  std::shared_ptr<ConnectionWatch> owner;
  int calls = 0;  // listener thread only
  StartListening([&](std::shared_ptr<ConnectionWatch> watch) {
    owner = std::move(watch);
    owner->OnExpire([&](const std::string&) {
      if (++calls == 1) {
        owner->AwaitingRequest();  // the read loop went on before the close landed
      } else if (calls == 2) {
        twice.set_value();
      }
    });
  });
  WaitOrDie(done, "the second close");
  Shutdown();
  EXPECT_GE(calls, 2);
}

}  // namespace
}  // namespace kappa
