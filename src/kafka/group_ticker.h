// GroupTicker: drives GroupCoordinator::Tick() on the server's io_context, exactly when the
// next session, pending-member or rebalance deadline comes (not on a fixed period: a session
// that expires late keeps a gone consumer in its group, and a DeleteGroups right after the
// deadline would fail with NON_EMPTY_GROUP). The coordinator's wakeup re-arms the timer when a
// request creates a nearer deadline. Private to src/kafka.
//
// Threading: Start/Stop from any thread; the timer lives on its own strand.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>

#include "common/clock.h"
#include "kafka/group_coordinator.h"

namespace kappa::kafka {

class GroupTicker {
 public:
  // The coordinator and clock must outlive the ticker; the io_context must be stopped (its
  // threads joined) before the ticker is destroyed.
  GroupTicker(boost::asio::io_context& io, GroupCoordinator* groups, Clock* clock);
  GroupTicker(const GroupTicker&) = delete;
  GroupTicker& operator=(const GroupTicker&) = delete;

  // Installs the coordinator's wakeup and arms the first tick.
  void Start();
  // No tick runs after the posted cancel; idempotent.
  void Stop();

  // Longest sleep between ticks even without deadlines (a safety net for clock jumps).
  static constexpr int64_t kMaxSleepMs = 1000;

 private:
  void Arm();  // on the strand: tick, then sleep until the next deadline
  void Wake();

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer timer_;  // strand only
  GroupCoordinator* groups_;
  Clock* clock_;
  std::atomic<bool> stopped_{false};
};

}  // namespace kappa::kafka
