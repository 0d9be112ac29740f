// Clang thread-safety annotations (https://clang.llvm.org/docs/ThreadSafetyAnalysis.html), as
// leveldb's port/thread_annotations.h and abseil's have them. Under Clang with
// -Wthread-safety the compiler checks that every access to a GUARDED_BY member holds its
// mutex and that every REQUIRES function is called with it held; under GCC they are empty.
// scripts/check-thread-safety.sh (ctest label `tsa`) runs that check on every translation
// unit. The annotated mutex types are in common/mutex.h (libstdc++'s std::mutex carries no
// annotations, so the analysis cannot see it being locked).
#pragma once

#if defined(__clang__)
#define KAPPA_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define KAPPA_THREAD_ANNOTATION(x)
#endif

// On a class: it is a capability (a mutex). The name shows in diagnostics.
#define CAPABILITY(name) KAPPA_THREAD_ANNOTATION(capability(name))
// On a class: an RAII object that holds a capability for its lifetime (MutexLock).
#define SCOPED_CAPABILITY KAPPA_THREAD_ANNOTATION(scoped_lockable)

// On a data member: reads need `mu` held (shared or exclusive), writes need it exclusive.
#define GUARDED_BY(mu) KAPPA_THREAD_ANNOTATION(guarded_by(mu))
// On a pointer member: the pointee is guarded (the pointer itself is not).
#define PT_GUARDED_BY(mu) KAPPA_THREAD_ANNOTATION(pt_guarded_by(mu))

// On a mutex member: the lock order.
#define ACQUIRED_BEFORE(...) KAPPA_THREAD_ANNOTATION(acquired_before(__VA_ARGS__))
#define ACQUIRED_AFTER(...) KAPPA_THREAD_ANNOTATION(acquired_after(__VA_ARGS__))

// On a function: callers must hold the capabilities (exclusive / at least shared).
#define REQUIRES(...) KAPPA_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define REQUIRES_SHARED(...) KAPPA_THREAD_ANNOTATION(requires_shared_capability(__VA_ARGS__))
// On a function: callers must not hold them (it takes them itself; no self-deadlock).
#define EXCLUDES(...) KAPPA_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))

// On a function: it acquires / releases the capabilities (no argument: `this`).
#define ACQUIRE(...) KAPPA_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define ACQUIRE_SHARED(...) KAPPA_THREAD_ANNOTATION(acquire_shared_capability(__VA_ARGS__))
#define RELEASE(...) KAPPA_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define RELEASE_SHARED(...) KAPPA_THREAD_ANNOTATION(release_shared_capability(__VA_ARGS__))
#define RELEASE_GENERIC(...) KAPPA_THREAD_ANNOTATION(release_generic_capability(__VA_ARGS__))
// On a function returning bool: it acquired the capability when it returned `result`.
#define TRY_ACQUIRE(...) KAPPA_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))
#define TRY_ACQUIRE_SHARED(...) \
  KAPPA_THREAD_ANNOTATION(try_acquire_shared_capability(__VA_ARGS__))

// On a function: it checks at run time (or the caller knows) that the capability is held;
// from there on the analysis takes it as held.
#define ASSERT_CAPABILITY(x) KAPPA_THREAD_ANNOTATION(assert_capability(x))
#define ASSERT_SHARED_CAPABILITY(x) KAPPA_THREAD_ANNOTATION(assert_shared_capability(x))
// On a function: it returns a reference to the capability.
#define RETURN_CAPABILITY(x) KAPPA_THREAD_ANNOTATION(lock_returned(x))

// On a function: not analysed. The last resort, on one small function, with a comment why.
#define NO_THREAD_SAFETY_ANALYSIS KAPPA_THREAD_ANNOTATION(no_thread_safety_analysis)
