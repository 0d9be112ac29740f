#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <thread>
#include <vector>

#include "common/byte_budget.h"
#include "common/mutex.h"

namespace kappa {
namespace {

class Counter {
 public:
  void Add(int n) {
    MutexLock l(mu_);
    n_ += n;
    cv_.notify_all();
  }
  // Waits until the count reaches `n`; false after `timeout`.
  bool WaitFor(int n, std::chrono::milliseconds timeout) {
    MutexLock l(mu_);
    return cv_.wait_for(l, timeout, [&]() REQUIRES(mu_) { return n_ >= n; });
  }
  int DropAndRetake() {
    MutexLock l(mu_);
    int before = n_;
    l.unlock();
    if (mu_.try_lock()) {  // free while dropped
      mu_.unlock();
    } else {
      ADD_FAILURE() << "the mutex is still held after MutexLock::unlock";
    }
    l.lock();
    return n_ - before;
  }

 private:
  Mutex mu_;
  CondVar cv_;
  int n_ GUARDED_BY(mu_) = 0;
};

TEST(MutexTest, LocksWaitsAndShares) {
  Counter c;
  EXPECT_EQ(c.DropAndRetake(), 0);
  EXPECT_FALSE(c.WaitFor(1, std::chrono::milliseconds(10)));
  std::thread t([&] { c.Add(2); });
  EXPECT_TRUE(c.WaitFor(2, std::chrono::seconds(30)));
  t.join();

  // Another thread tries the shared mutex (a thread that holds it may not try it again).
  SharedMutex smu;
  auto reader_gets_in = [&] {
    bool got = false;
    std::thread([&] {
      if (smu.try_lock_shared()) {
        got = true;
        smu.unlock_shared();
      }
    }).join();
    return got;
  };
  auto writer_gets_in = [&] {
    bool got = false;
    std::thread([&] {
      if (smu.try_lock()) {
        got = true;
        smu.unlock();
      }
    }).join();
    return got;
  };
  {
    ReaderMutexLock r(smu);
    EXPECT_TRUE(reader_gets_in());
    EXPECT_FALSE(writer_gets_in());
  }
  {
    WriterMutexLock w(smu);
    EXPECT_FALSE(reader_gets_in());
  }
  EXPECT_TRUE(writer_gets_in());
}

TEST(ByteBudgetTest, TakeUpToTakesWhatIsFree) {
  ByteBudget budget(100);
  EXPECT_EQ(budget.TakeUpTo(30), 30u);
  EXPECT_EQ(budget.TakeUpTo(100), 70u);  // only what is left
  EXPECT_EQ(budget.TakeUpTo(1), 0u);     // spent
  budget.Give(50);
  EXPECT_EQ(budget.TakeUpTo(10), 10u);
  EXPECT_EQ(budget.used(), 60u);
}

TEST(ByteBudgetTest, WaitersAreServedInOrderAndTimeOut) {
  namespace asio = boost::asio;
  ByteBudget budget(100);
  EXPECT_TRUE(budget.TryTake(80));
  EXPECT_FALSE(budget.TryTake(30));
  asio::io_context io;
  std::vector<std::string> events;
  auto now = std::chrono::steady_clock::now();
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    bool ok = co_await budget.Take(50, now + std::chrono::seconds(5));
    events.push_back(ok ? "big" : "big timed out");
  }, asio::detached);
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    bool ok = co_await budget.Take(10, now + std::chrono::milliseconds(20));
    events.push_back(ok ? "small" : "small timed out");  // behind "big": waits, times out
  }, asio::detached);
  asio::steady_timer t(io, std::chrono::milliseconds(60));
  t.async_wait([&](auto) { budget.Give(80); });
  io.run();
  EXPECT_EQ(events, (std::vector<std::string>{"small timed out", "big"}));
  EXPECT_EQ(budget.used(), 50u);
  EXPECT_TRUE(budget.TryTake(50));
  // One take larger than the whole budget passes when nothing else is taken.
  budget.Give(100);
  EXPECT_TRUE(budget.TryTake(1000));
}

}  // namespace
}  // namespace kappa
