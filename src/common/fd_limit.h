// The process's open-file limit (RLIMIT_NOFILE): raised to the hard limit at start, and
// counted before work that opens many files, so running out of descriptors is an error with
// a clear message, never a crash. Every partition of the log holds about two descriptors,
// every connection one.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace kappa {

struct FdLimit {
  uint64_t before = 0;  // the soft limit the process started with
  uint64_t soft = 0;    // the soft limit now
  uint64_t hard = 0;
};

// Raises the soft RLIMIT_NOFILE to the hard limit (once; later calls return the first
// result). Never fails: if the limit cannot be changed, soft stays as it was.
FdLimit RaiseFdLimit();
// The current limits.
FdLimit CurrentFdLimit();
// "open-file limit 1048576 (raised from 1024)" / "open-file limit 1024 (the hard limit)".
std::string DescribeFdLimit();
// Descriptors open in this process (entries of /proc/self/fd); 0 if that cannot be read.
uint64_t CountOpenFds();
// OK if `needed` more descriptors fit under the soft limit with `reserve` to spare;
// otherwise Unavailable naming `what`, the numbers and how to raise the limit.
Status CheckFdsAvailable(uint64_t needed, std::string_view what, uint64_t reserve = 64);
// True if `s` is an error caused by running out of descriptors (EMFILE/ENFILE).
bool IsOutOfFds(const Status& s);
// `s` with a hint about the open-file limit appended when IsOutOfFds(s); `s` otherwise.
Status ExplainOutOfFds(const Status& s);

}  // namespace kappa
