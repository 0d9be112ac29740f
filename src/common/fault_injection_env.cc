#include "common/fault_injection_env.h"

namespace kappa {

class FaultWritableFile final : public WritableFileWrapper {
 public:
  FaultWritableFile(FaultInjectionEnv* env, std::string path, std::unique_ptr<WritableFile> f)
      : WritableFileWrapper(std::move(f)), env_(env), path_(std::move(path)) {}
  Status Append(std::string_view data) override {
    size_t allowed = env_->TakeBudget(data.size());
    if (allowed < data.size()) {
      Status s = target()->Append(data.substr(0, allowed));
      if (!s.ok()) return s;
      return Status::IOError("write " + path_ + ": No space left on device");
    }
    return target()->Append(data);
  }
  Status Sync() override {
    if (env_->sync_fails_.load()) return Status::IOError("fdatasync " + path_ + ": Input/output error");
    RETURN_IF_ERROR(target()->Sync());
    env_->RecordSynced(path_, target()->Size());
    return Status::OK();
  }

 private:
  FaultInjectionEnv* env_;
  std::string path_;
};

size_t FaultInjectionEnv::TakeBudget(size_t n) {
  int64_t cur = budget_.load();
  while (true) {
    if (cur < 0) return n;
    int64_t take = std::min<int64_t>(cur, static_cast<int64_t>(n));
    if (budget_.compare_exchange_weak(cur, cur - take)) return static_cast<size_t>(take);
  }
}

void FaultInjectionEnv::RecordSynced(const std::string& path, uint64_t size) {
  MutexLock l(mu_);
  synced_size_[path] = size;
}

Result<std::unique_ptr<WritableFile>> FaultInjectionEnv::NewAppendableFile(const std::string& p) {
  bool existed = target()->FileExists(p);
  ASSIGN_OR_RETURN(auto f, target()->NewAppendableFile(p));
  {
    MutexLock l(mu_);
    // A file that existed before is taken as durable up to its current size.
    if (!synced_size_.count(p)) synced_size_[p] = existed ? f->Size() : 0;
  }
  return std::unique_ptr<WritableFile>(new FaultWritableFile(this, p, std::move(f)));
}

Result<std::unique_ptr<WritableFile>> FaultInjectionEnv::NewWritableFile(const std::string& p) {
  ASSIGN_OR_RETURN(auto f, target()->NewWritableFile(p));
  {
    MutexLock l(mu_);
    synced_size_[p] = 0;
  }
  return std::unique_ptr<WritableFile>(new FaultWritableFile(this, p, std::move(f)));
}

Status FaultInjectionEnv::DeleteFile(const std::string& p) {
  {
    MutexLock l(mu_);
    synced_size_.erase(p);
  }
  return target()->DeleteFile(p);
}

Status FaultInjectionEnv::RenameFile(const std::string& f, const std::string& t) {
  {
    MutexLock l(mu_);
    auto it = synced_size_.find(f);
    if (it != synced_size_.end()) {
      synced_size_[t] = it->second;
      synced_size_.erase(it);
    }
  }
  return target()->RenameFile(f, t);
}

Status FaultInjectionEnv::TruncateFile(const std::string& p, uint64_t s) {
  {
    MutexLock l(mu_);
    auto it = synced_size_.find(p);
    if (it != synced_size_.end() && it->second > s) it->second = s;
  }
  return target()->TruncateFile(p, s);
}

Status FaultInjectionEnv::DropUnsyncedData() {
  std::map<std::string, uint64_t> copy;
  {
    MutexLock l(mu_);
    copy = synced_size_;
  }
  for (auto& [path, size] : copy) {
    if (!target()->FileExists(path)) continue;
    ASSIGN_OR_RETURN(uint64_t cur, target()->GetFileSize(path));
    if (cur > size) RETURN_IF_ERROR(target()->TruncateFile(path, size));
  }
  return Status::OK();
}

}  // namespace kappa
