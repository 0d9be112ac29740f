#include "common/byte_budget.h"

namespace kappa {

namespace asio = boost::asio;

bool ByteBudget::TryTake(uint64_t n) {
  MutexLock l(mu_);
  if (!waiters_.empty() || !FitsLocked(n)) return false;
  used_ += n;
  return true;
}

uint64_t ByteBudget::TakeUpTo(uint64_t n) {
  MutexLock l(mu_);
  if (!waiters_.empty() || used_ >= capacity_) return 0;
  const uint64_t got = std::min(n, capacity_ - used_);
  used_ += got;
  return got;
}

asio::awaitable<bool> ByteBudget::Take(uint64_t n, std::chrono::steady_clock::time_point deadline) {
  if (TryTake(n)) co_return true;
  auto w = std::make_shared<Waiter>(co_await asio::this_coro::executor);
  w->n = n;
  {
    MutexLock l(mu_);
    waiters_.push_back(w);
    GrantLocked();  // it may fit after all (bytes came back since TryTake)
    if (w->granted) co_return true;
  }
  // Only this coroutine's executor touches the timer: Give() posts the cancel there.
  w->timer.expires_at(deadline);
  for (;;) {
    (void)co_await w->timer.async_wait(asio::as_tuple(asio::use_awaitable));
    MutexLock l(mu_);
    if (w->granted) co_return true;
    if (std::chrono::steady_clock::now() >= deadline) {
      w->gone = true;
      for (auto it = waiters_.begin(); it != waiters_.end(); ++it) {
        if (*it == w) {
          waiters_.erase(it);
          break;
        }
      }
      GrantLocked();  // the next waiter may fit now that this one left the queue
      co_return false;
    }
  }
}

void ByteBudget::Give(uint64_t n) {
  MutexLock l(mu_);
  used_ = n > used_ ? 0 : used_ - n;
  GrantLocked();
}

void ByteBudget::GrantLocked() {
  while (!waiters_.empty() && FitsLocked(waiters_.front()->n)) {
    std::shared_ptr<Waiter> w = std::move(waiters_.front());
    waiters_.pop_front();
    used_ += w->n;
    w->granted = true;
    asio::post(w->timer.get_executor(), [w] { w->timer.cancel(); });
  }
}

uint64_t ByteBudget::used() const {
  MutexLock l(mu_);
  return used_;
}

}  // namespace kappa
