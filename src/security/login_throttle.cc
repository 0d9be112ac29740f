// LoginThrottle (security.h): failed logins per peer address, per minute.
#include "security/security.h"

namespace kappa::security {

namespace {
// "127.0.0.1:53012" -> "127.0.0.1", "[::1]:53012" -> "::1": the throttle counts per address,
// not per connection.
std::string AddressOf(std::string_view peer) {
  if (!peer.empty() && peer.front() == '[') {
    size_t close = peer.find(']');
    return std::string(peer.substr(1, close == std::string_view::npos ? peer.size() : close - 1));
  }
  size_t colon = peer.rfind(':');
  if (colon != std::string_view::npos && peer.find(':') == colon) {
    return std::string(peer.substr(0, colon));
  }
  return std::string(peer);
}
}  // namespace

LoginThrottle::LoginThrottle(int max_failures_per_minute, std::function<int64_t()> now_ms)
    : max_(max_failures_per_minute), now_ms_(std::move(now_ms)) {
  if (!now_ms_) {
    now_ms_ = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::steady_clock::now().time_since_epoch())
          .count();
    };
  }
}

bool LoginThrottle::Allowed(std::string_view peer) {
  const int64_t now = now_ms_();
  MutexLock l(mu_);
  auto it = failures_.find(AddressOf(peer));
  if (it == failures_.end()) return true;
  if (now - it->second.window_start_ms >= 60'000) {
    failures_.erase(it);
    return true;
  }
  return it->second.count < max_;
}

int LoginThrottle::Failed(std::string_view peer) {
  const int64_t now = now_ms_();
  MutexLock l(mu_);
  // Bounded memory under a spray of addresses: forget windows that are over.
  if (failures_.size() > 10'000) {
    std::erase_if(failures_, [now](const auto& e) { return now - e.second.window_start_ms >= 60'000; });
  }
  Window& w = failures_[AddressOf(peer)];
  if (w.count == 0 || now - w.window_start_ms >= 60'000) {
    w.window_start_ms = now;
    w.count = 0;
  }
  return ++w.count;
}

}  // namespace kappa::security
