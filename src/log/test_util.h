// Helpers shared by the log unit tests.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/env.h"
#include "log/log.h"
#include "testutil/temp_dir.h"

namespace kappa::log::testing {

// A fresh temp directory, removed at destruction (the one helper, testutil/temp_dir.h).
using TempDir = testutil::TempDir;

inline Record Rec(std::string value, std::optional<std::string> key = std::nullopt) {
  Record r;
  r.key = std::move(key);
  r.value = std::move(value);
  return r;
}

inline std::vector<Record> Recs(int from, int n, size_t pad = 0) {
  std::vector<Record> out;
  for (int i = from; i < from + n; ++i) out.push_back(Rec(std::to_string(i) + std::string(pad, 'x')));
  return out;
}

// Values of all records from `from` to the end (stops on error, which it reports).
inline std::vector<std::string> ReadValues(const Partition& p, Offset from = Offset(0),
                                           Status* error = nullptr) {
  std::vector<std::string> out;
  Offset at = from;
  while (at < p.EndOffset()) {
    auto r = p.ReadRecords(at, 100000, 1 << 20);
    if (!r.ok()) {
      if (error) *error = r.status();
      break;
    }
    if (r->empty()) break;
    for (auto& sr : *r) {
      out.push_back(sr.record.value.value_or("<null>"));
      at = sr.offset + 1;
    }
  }
  return out;
}

inline std::vector<std::string> Strs(int from, int n, size_t pad = 0) {
  std::vector<std::string> out;
  for (int i = from; i < from + n; ++i) out.push_back(std::to_string(i) + std::string(pad, 'x'));
  return out;
}

// Simulates a crash of the process owning `log`: the object is parked where it is never
// closed nor destroyed (reachable, so leak checkers stay quiet), and files stay as they are.
inline void Crash(std::unique_ptr<Log>& log) {
  static auto* graveyard = new std::vector<std::unique_ptr<Log>>();
  graveyard->push_back(std::move(log));
}

// Forwards to a base Env and counts WritableFile::Sync calls (observes the flusher).
class SyncCountingEnv final : public Env {
 public:
  // real_sync = false skips fsync entirely (fast tests that do not test durability).
  explicit SyncCountingEnv(Env* base, bool real_sync = true) : base_(base), real_(real_sync) {}
  int syncs() const { return syncs_.load(); }
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& p) override {
    return Wrap(base_->NewAppendableFile(p));
  }
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& p) override {
    return Wrap(base_->NewWritableFile(p));
  }
  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& p) override {
    return base_->NewRandomAccessFile(p);
  }
  bool FileExists(const std::string& p) override { return base_->FileExists(p); }
  Result<std::vector<std::string>> GetChildren(const std::string& d) override {
    return base_->GetChildren(d);
  }
  Result<uint64_t> GetFileSize(const std::string& p) override { return base_->GetFileSize(p); }
  Status DeleteFile(const std::string& p) override { return base_->DeleteFile(p); }
  Status DeleteDirRecursive(const std::string& d) override { return base_->DeleteDirRecursive(d); }
  Status RenameFile(const std::string& f, const std::string& t) override {
    return base_->RenameFile(f, t);
  }
  Status TruncateFile(const std::string& p, uint64_t s) override { return base_->TruncateFile(p, s); }
  Status CreateDirs(const std::string& d) override { return base_->CreateDirs(d); }
  Status SyncDir(const std::string& d) override { return real_ ? base_->SyncDir(d) : Status::OK(); }

 private:
  class File final : public WritableFile {
   public:
    File(std::unique_ptr<WritableFile> f, std::atomic<int>* n, bool real)
        : f_(std::move(f)), n_(n), real_(real) {}
    Status Append(std::string_view d) override { return f_->Append(d); }
    Status Sync() override {
      Status s = real_ ? f_->Sync() : Status::OK();
      ++*n_;
      return s;
    }
    Status Close() override { return f_->Close(); }
    uint64_t Size() const override { return f_->Size(); }

   private:
    std::unique_ptr<WritableFile> f_;
    std::atomic<int>* n_;
    bool real_;
  };
  Result<std::unique_ptr<WritableFile>> Wrap(Result<std::unique_ptr<WritableFile>> r) {
    if (!r.ok()) return r.status();
    return std::unique_ptr<WritableFile>(new File(std::move(r).value(), &syncs_, real_));
  }
  Env* base_;
  bool real_;
  std::atomic<int> syncs_{0};
};

// The POSIX Env without fsync: for tests of everything but power-loss durability
// (FaultInjectionEnv over it still simulates power loss by its own bookkeeping).
inline Env* FastEnv() {
  static Env* env = new SyncCountingEnv(Env::Default(), /*real_sync=*/false);
  return env;
}

}  // namespace kappa::log::testing
