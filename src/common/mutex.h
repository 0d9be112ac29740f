// Annotated mutexes for Clang's thread-safety analysis (common/thread_annotations.h).
// libstdc++'s std::mutex carries no annotations, so the analysis cannot see it locked; these
// thin wrappers (no state and no cost beyond the std type they hold) can be seen:
//   Mutex mu_;  int n_ GUARDED_BY(mu_);
//   { MutexLock l(mu_); ++n_; }          // checked: n_ is only touched with mu_ held
// Mutex and SharedMutex keep the std names (lock, unlock, try_lock, lock_shared) so std
// algorithms accept them; code takes them through the scoped locks below.
// CondVar is std::condition_variable for a MutexLock (no extra mutex inside, unlike
// std::condition_variable_any).
//
// What the analysis cannot follow: a predicate lambda passed to CondVar::wait runs with the
// mutex held, but a lambda is analysed as a function of its own. Such a lambda declares it:
//   cv_.wait(l, [&]() REQUIRES(mu_) { return n_ > 0; });
// (checked inside the lambda; the call from std::condition_variable is not checked).
// Elsewhere, Mutex::AssertHeld() tells the analysis what the caller knows.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <shared_mutex>

#include "common/thread_annotations.h"

namespace kappa {

class CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void lock() ACQUIRE() { mu_.lock(); }
  void unlock() RELEASE() { mu_.unlock(); }
  bool try_lock() TRY_ACQUIRE(true) { return mu_.try_lock(); }
  // Tells the analysis the caller holds this mutex (where it cannot see the lock taken:
  // a condition-variable predicate, a callback run under the lock). No run-time check.
  void AssertHeld() const ASSERT_CAPABILITY(this) {}

 private:
  friend class CondVar;
  std::mutex mu_;
};

// A reader-writer mutex (std::shared_mutex).
class CAPABILITY("shared_mutex") SharedMutex {
 public:
  SharedMutex() = default;
  SharedMutex(const SharedMutex&) = delete;
  SharedMutex& operator=(const SharedMutex&) = delete;

  void lock() ACQUIRE() { mu_.lock(); }
  void unlock() RELEASE() { mu_.unlock(); }
  bool try_lock() TRY_ACQUIRE(true) { return mu_.try_lock(); }
  void lock_shared() ACQUIRE_SHARED() { mu_.lock_shared(); }
  void unlock_shared() RELEASE_SHARED() { mu_.unlock_shared(); }
  bool try_lock_shared() TRY_ACQUIRE_SHARED(true) { return mu_.try_lock_shared(); }
  void AssertHeld() const ASSERT_CAPABILITY(this) {}
  void AssertReaderHeld() const ASSERT_SHARED_CAPABILITY(this) {}

 private:
  std::shared_mutex mu_;
};

// Holds a Mutex for its scope (std::unique_lock's role, and its names): unlock() and lock()
// let a scope drop the mutex around slow work and take it back; the analysis follows both.
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mu) ACQUIRE(mu) : mu_(mu) { mu_.lock(); }
  ~MutexLock() RELEASE() {
    if (held_) mu_.unlock();
  }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

  void unlock() RELEASE() {
    held_ = false;
    mu_.unlock();
  }
  void lock() ACQUIRE() {
    mu_.lock();
    held_ = true;
  }

 private:
  friend class CondVar;
  Mutex& mu_;
  bool held_ = true;
};

// Holds a SharedMutex exclusively for its scope.
class SCOPED_CAPABILITY WriterMutexLock {
 public:
  explicit WriterMutexLock(SharedMutex& mu) ACQUIRE(mu) : mu_(mu) { mu_.lock(); }
  ~WriterMutexLock() RELEASE() { mu_.unlock(); }
  WriterMutexLock(const WriterMutexLock&) = delete;
  WriterMutexLock& operator=(const WriterMutexLock&) = delete;

 private:
  SharedMutex& mu_;
};

// Holds a SharedMutex shared for its scope.
class SCOPED_CAPABILITY ReaderMutexLock {
 public:
  explicit ReaderMutexLock(SharedMutex& mu) ACQUIRE_SHARED(mu) : mu_(mu) { mu_.lock_shared(); }
  ~ReaderMutexLock() RELEASE() { mu_.unlock_shared(); }
  ReaderMutexLock(const ReaderMutexLock&) = delete;
  ReaderMutexLock& operator=(const ReaderMutexLock&) = delete;

 private:
  SharedMutex& mu_;
};

// std::condition_variable waiting on a held MutexLock. The waits keep std's names and
// semantics (spurious wake-ups, the predicate forms loop). The lock is held again on return.
class CondVar {
 public:
  void notify_one() noexcept { cv_.notify_one(); }
  void notify_all() noexcept { cv_.notify_all(); }

  void wait(MutexLock& l) {
    Adopted a(l);
    cv_.wait(a.lock);
  }
  template <class Pred>
  void wait(MutexLock& l, Pred pred) {
    Adopted a(l);
    cv_.wait(a.lock, std::move(pred));
  }
  template <class Rep, class Period>
  std::cv_status wait_for(MutexLock& l, const std::chrono::duration<Rep, Period>& d) {
    Adopted a(l);
    return cv_.wait_for(a.lock, d);
  }
  template <class Rep, class Period, class Pred>
  bool wait_for(MutexLock& l, const std::chrono::duration<Rep, Period>& d, Pred pred) {
    Adopted a(l);
    return cv_.wait_for(a.lock, d, std::move(pred));
  }
  template <class Clock, class Duration>
  std::cv_status wait_until(MutexLock& l, const std::chrono::time_point<Clock, Duration>& t) {
    Adopted a(l);
    return cv_.wait_until(a.lock, t);
  }
  template <class Clock, class Duration, class Pred>
  bool wait_until(MutexLock& l, const std::chrono::time_point<Clock, Duration>& t, Pred pred) {
    Adopted a(l);
    return cv_.wait_until(a.lock, t, std::move(pred));
  }

 private:
  // The MutexLock's mutex as the std::unique_lock std::condition_variable wants, adopted
  // (already locked) and released (not unlocked) again, so ownership stays with the MutexLock.
  struct Adopted {
    explicit Adopted(MutexLock& l) : lock(l.mu_.mu_, std::adopt_lock) {}
    ~Adopted() { lock.release(); }
    std::unique_lock<std::mutex> lock;
  };
  std::condition_variable cv_;
};

}  // namespace kappa
