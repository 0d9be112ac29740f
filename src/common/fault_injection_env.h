// FaultInjectionEnv: an Env for tests that wraps a real Env and can
//   - fill the disk: after a byte budget, Append writes a prefix and fails with ENOSPC;
//   - fail fsync;
//   - simulate power loss: DropUnsyncedData() truncates every file written through it to
//     the size it had at its last Sync().
// Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "common/env.h"
#include "common/mutex.h"

namespace kappa {

class FaultInjectionEnv final : public EnvWrapper {
 public:
  explicit FaultInjectionEnv(Env* base = Env::Default()) : EnvWrapper(base) {}

  // Bytes that may still be appended before writes fail with "No space left on device".
  // Negative means unlimited (the default).
  void SetWriteBudget(int64_t bytes) { budget_.store(bytes); }
  void SetSyncFails(bool fails) { sync_fails_.store(fails); }
  // Truncates each file written through this Env to its last-synced size.
  Status DropUnsyncedData();

  // The calls that write, sync, or move synced bytes; the rest are forwarded by EnvWrapper.
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override;
  Status DeleteFile(const std::string& p) override;
  Status RenameFile(const std::string& f, const std::string& t) override;
  Status TruncateFile(const std::string& p, uint64_t s) override;

 private:
  friend class FaultWritableFile;
  // Takes up to n bytes from the budget; returns how many may be written.
  size_t TakeBudget(size_t n);
  void RecordSynced(const std::string& path, uint64_t size);

  std::atomic<int64_t> budget_{-1};
  std::atomic<bool> sync_fails_{false};
  Mutex mu_;
  std::map<std::string, uint64_t> synced_size_ GUARDED_BY(mu_);
};

}  // namespace kappa
