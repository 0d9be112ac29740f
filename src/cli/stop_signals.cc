#include "cli/stop_signals.h"

#include <pthread.h>

namespace kappa::cli {

StopSignals::StopSignals() {
  sigemptyset(&set_);
  sigaddset(&set_, SIGINT);
  sigaddset(&set_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set_, nullptr);
}

int StopSignals::Wait() const {
  int sig = 0;
  while (sigwait(&set_, &sig) != 0) {
  }
  return sig;
}

int StopSignals::Poll(std::chrono::milliseconds timeout) const {
  const auto ms = timeout.count();
  timespec ts{static_cast<time_t>(ms / 1000), static_cast<long>((ms % 1000) * 1'000'000L)};
  int sig = sigtimedwait(&set_, nullptr, &ts);
  return sig > 0 ? sig : 0;
}

const char* StopSignals::Name(int sig) { return sig == SIGINT ? "SIGINT" : "SIGTERM"; }

}  // namespace kappa::cli
