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

namespace kappa {

class FaultInjectionEnv final : public Env {
 public:
  explicit FaultInjectionEnv(Env* base = Env::Default()) : base_(base) {}

  // Bytes that may still be appended before writes fail with "No space left on device".
  // Negative means unlimited (the default).
  void SetWriteBudget(int64_t bytes) { budget_.store(bytes); }
  void SetSyncFails(bool fails) { sync_fails_.store(fails); }
  // Truncates each file written through this Env to its last-synced size.
  Status DropUnsyncedData();

  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override;
  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& p) override {
    return base_->NewRandomAccessFile(p);
  }
  bool FileExists(const std::string& p) override { return base_->FileExists(p); }
  Result<std::vector<std::string>> GetChildren(const std::string& d) override {
    return base_->GetChildren(d);
  }
  Result<uint64_t> GetFileSize(const std::string& p) override { return base_->GetFileSize(p); }
  Status DeleteFile(const std::string& p) override;
  Status DeleteDirRecursive(const std::string& d) override { return base_->DeleteDirRecursive(d); }
  Status RenameFile(const std::string& f, const std::string& t) override;
  Status TruncateFile(const std::string& p, uint64_t s) override;
  Status CreateDirs(const std::string& d) override { return base_->CreateDirs(d); }
  Status SyncDir(const std::string& d) override { return base_->SyncDir(d); }

 private:
  friend class FaultWritableFile;
  // Takes up to n bytes from the budget; returns how many may be written.
  size_t TakeBudget(size_t n);
  void RecordSynced(const std::string& path, uint64_t size);

  Env* base_;
  std::atomic<int64_t> budget_{-1};
  std::atomic<bool> sync_fails_{false};
  std::mutex mu_;
  std::map<std::string, uint64_t> synced_size_;  // GUARDED_BY(mu_)
};

}  // namespace kappa
