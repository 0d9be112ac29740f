// SIGINT and SIGTERM for the commands that run until stopped (up, broker, registry,
// cql-server, connect produce): blocked in the calling thread and in every thread it starts
// afterwards, then waited for or polled by the main thread with sigtimedwait. So a signal
// never interrupts a write, a commit or an fsync in a worker; the command stops in order.
// Construct it before starting any thread that must not receive the signals.
#pragma once

#include <signal.h>

#include <chrono>

namespace kappa::cli {

class StopSignals {
 public:
  StopSignals();
  // The signal number once one arrives (blocks).
  int Wait() const;
  // The signal number, or 0 if none arrived within `timeout`.
  int Poll(std::chrono::milliseconds timeout) const;
  // "SIGINT" / "SIGTERM".
  static const char* Name(int sig);

 private:
  sigset_t set_;
};

}  // namespace kappa::cli
