#include "kafka/group_ticker.h"

#include <boost/asio/post.hpp>

#include <algorithm>

namespace kappa::kafka {

namespace asio = boost::asio;

GroupTicker::GroupTicker(asio::io_context& io, GroupCoordinator* groups, Clock* clock)
    : strand_(asio::make_strand(io)), timer_(strand_), groups_(groups), clock_(clock) {}

void GroupTicker::Start() {
  groups_->SetWakeup([this] { Wake(); });
  asio::post(strand_, [this] { Arm(); });
}

void GroupTicker::Stop() {
  if (stopped_.exchange(true)) return;
  asio::post(strand_, [this] { timer_.cancel(); });
}

void GroupTicker::Wake() {
  if (stopped_) return;
  // Cancelling completes the pending wait, whose handler ticks and re-arms.
  asio::post(strand_, [this] { timer_.cancel(); });
}

void GroupTicker::Arm() {
  if (stopped_) return;
  int64_t next = groups_->Tick();
  int64_t now = clock_->NowMs();
  int64_t sleep = next == INT64_MAX ? kMaxSleepMs : std::clamp<int64_t>(next - now, 0, kMaxSleepMs);
  timer_.expires_after(std::chrono::milliseconds(sleep));
  timer_.async_wait([this](const boost::system::error_code&) { Arm(); });
}

}  // namespace kappa::kafka
