// Env: the file-system interface every subsystem uses for its own files (leveldb's Env).
// Tests substitute FaultInjectionEnv (common/fault_injection_env.h) to tear writes, fill the
// disk or fail fsync; such Envs derive from EnvWrapper (below) and override only what they change. RocksDB has its own file layer and does not go through this.
//
// Thread safety: Env methods are thread-safe. A WritableFile or RandomAccessFile object is
// used by one thread at a time unless stated otherwise; RandomAccessFile::Read is safe to call
// concurrently (pread).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace kappa {

class WritableFile {
 public:
  virtual ~WritableFile() = default;
  // Appends at the end of the file. A short write (e.g. ENOSPC) returns IOError; the file may
  // then hold a prefix of `data`, which callers must be prepared to truncate away.
  virtual Status Append(std::string_view data) = 0;
  // Makes everything appended so far durable (fdatasync).
  virtual Status Sync() = 0;
  virtual Status Close() = 0;
  // Bytes in the file, including appended but unsynced bytes.
  virtual uint64_t Size() const = 0;
};

class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // Reads up to n bytes at offset into scratch; returns the number read (short at EOF).
  virtual Result<size_t> Read(uint64_t offset, size_t n, char* scratch) const = 0;
  virtual Result<uint64_t> Size() const = 0;
};

class Env {
 public:
  virtual ~Env() = default;
  // The process-wide POSIX Env. Never deleted.
  static Env* Default();

  // Opens for appending, creating the file if missing (existing contents are kept).
  virtual Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) = 0;
  // Creates or truncates.
  virtual Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) = 0;
  virtual Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(
      const std::string& path) = 0;

  virtual bool FileExists(const std::string& path) = 0;
  // Names (not paths) of the entries of a directory.
  virtual Result<std::vector<std::string>> GetChildren(const std::string& dir) = 0;
  virtual Result<uint64_t> GetFileSize(const std::string& path) = 0;
  virtual Status DeleteFile(const std::string& path) = 0;
  virtual Status DeleteDirRecursive(const std::string& dir) = 0;
  virtual Status RenameFile(const std::string& from, const std::string& to) = 0;
  virtual Status TruncateFile(const std::string& path, uint64_t size) = 0;
  // mkdir -p
  virtual Status CreateDirs(const std::string& dir) = 0;
  // fsync of a directory, making creates/renames/deletes in it durable.
  virtual Status SyncDir(const std::string& dir) = 0;
  // Whole-file helpers for small files (metadata). WriteFileAtomic writes to a temp file,
  // fsyncs it, renames over `path` and fsyncs the directory.
  virtual Result<std::string> ReadFile(const std::string& path);
  virtual Status WriteFileAtomic(const std::string& path, std::string_view data);
};

// EnvWrapper forwards every primitive to a target Env, so an Env that changes a few calls
// (fault injection, counting fsyncs) derives from it and overrides only those
// (leveldb's and RocksDB's EnvWrapper). ReadFile and WriteFileAtomic are deliberately not
// forwarded: they are composed of the primitives (Env's own definitions), so a wrapper's
// override of NewWritableFile, Sync or RenameFile applies to them as well.
// The target is not owned and must outlive the wrapper.
class EnvWrapper : public Env {
 public:
  explicit EnvWrapper(Env* target) : target_(target) {}
  Env* target() const { return target_; }

  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override {
    return target_->NewAppendableFile(path);
  }
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override {
    return target_->NewWritableFile(path);
  }
  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(
      const std::string& path) override {
    return target_->NewRandomAccessFile(path);
  }
  bool FileExists(const std::string& path) override { return target_->FileExists(path); }
  Result<std::vector<std::string>> GetChildren(const std::string& dir) override {
    return target_->GetChildren(dir);
  }
  Result<uint64_t> GetFileSize(const std::string& path) override {
    return target_->GetFileSize(path);
  }
  Status DeleteFile(const std::string& path) override { return target_->DeleteFile(path); }
  Status DeleteDirRecursive(const std::string& dir) override {
    return target_->DeleteDirRecursive(dir);
  }
  Status RenameFile(const std::string& from, const std::string& to) override {
    return target_->RenameFile(from, to);
  }
  Status TruncateFile(const std::string& path, uint64_t size) override {
    return target_->TruncateFile(path, size);
  }
  Status CreateDirs(const std::string& dir) override { return target_->CreateDirs(dir); }
  Status SyncDir(const std::string& dir) override { return target_->SyncDir(dir); }

 private:
  Env* const target_;
};

// WritableFileWrapper forwards every call to a file it owns; the files a wrapping Env hands
// out derive from it and override what they change.
class WritableFileWrapper : public WritableFile {
 public:
  explicit WritableFileWrapper(std::unique_ptr<WritableFile> target)
      : target_(std::move(target)) {}
  Status Append(std::string_view data) override { return target_->Append(data); }
  Status Sync() override { return target_->Sync(); }
  Status Close() override { return target_->Close(); }
  uint64_t Size() const override { return target_->Size(); }

 protected:
  WritableFile* target() const { return target_.get(); }

 private:
  std::unique_ptr<WritableFile> target_;
};

// Joins path components with '/'.
std::string JoinPath(std::string_view a, std::string_view b);

}  // namespace kappa
