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
class SyncCountingEnv final : public EnvWrapper {
 public:
  // real_sync = false skips fsync entirely (fast tests that do not test durability).
  explicit SyncCountingEnv(Env* base, bool real_sync = true) : EnvWrapper(base), real_(real_sync) {}
  int syncs() const { return syncs_.load(); }
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& p) override {
    return Wrap(target()->NewAppendableFile(p));
  }
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& p) override {
    return Wrap(target()->NewWritableFile(p));
  }
  Status SyncDir(const std::string& d) override { return real_ ? target()->SyncDir(d) : Status::OK(); }

 private:
  class File final : public WritableFileWrapper {
   public:
    File(std::unique_ptr<WritableFile> f, std::atomic<int>* n, bool real)
        : WritableFileWrapper(std::move(f)), n_(n), real_(real) {}
    Status Sync() override {
      Status s = real_ ? target()->Sync() : Status::OK();
      ++*n_;
      return s;
    }

   private:
    std::atomic<int>* n_;
    bool real_;
  };
  Result<std::unique_ptr<WritableFile>> Wrap(Result<std::unique_ptr<WritableFile>> r) {
    if (!r.ok()) return r.status();
    return std::unique_ptr<WritableFile>(new File(std::move(r).value(), &syncs_, real_));
  }
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
