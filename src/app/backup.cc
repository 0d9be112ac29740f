// BackupDataDir (app.h): `kappa backup`. The order (store, then log) is what makes the copy
// consistent for the streaming jobs: their committed offsets live in the store and must
// never be ahead of the log they refer to. The log only grows at its end (retention aside),
// so a log copied after the store covers every offset the store's copy committed.
#include <chrono>
#include <filesystem>

#include "app/app.h"
#include "common/env.h"
#include "common/file_modes.h"
#include "log/log.h"
#include "metrics/metrics.h"
#include "store/store.h"

namespace kappa::app {
namespace {

namespace fs = std::filesystem;

// Bytes and files under `dir` (0 if missing).
void Measure(const std::string& dir, uint64_t* bytes, uint64_t* files) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    std::error_code fec;
    if (it->is_regular_file(fec)) {
      *bytes += it->file_size(fec);
      ++*files;
    }
  }
}

// DATA_DIR/security: small files, each replaced atomically by its writer (so a read sees a
// whole version); copied owner-only.
Status CopySecurity(const std::string& from, const std::string& to) {
  Env* env = Env::Default();
  if (!env->FileExists(from)) return Status::OK();
  ASSIGN_OR_RETURN(auto names, env->GetChildren(from));
  RETURN_IF_ERROR(CreateDirsOwnerOnly(to));
  for (const auto& n : names) {
    std::error_code ec;
    if (!fs::is_regular_file(from + "/" + n, ec) || n.ends_with(".tmp")) continue;
    auto text = env->ReadFile(from + "/" + n);
    if (!text.ok()) {
      if (!env->FileExists(from + "/" + n)) continue;  // deleted meanwhile
      return text.status().WithContext("copying " + from);
    }
    RETURN_IF_ERROR(env->WriteFileAtomic(to + "/" + n, *text));
  }
  return env->SyncDir(to);
}

Status Copy(const std::string& data_dir, const std::string& partial) {
  RETURN_IF_ERROR(CreateDirsOwnerOnly(partial));
  if (fs::exists(data_dir + "/store/CURRENT")) {
    store::StoreOptions so;
    so.data_dir = data_dir;
    so.read_only = true;
    metrics::Registry private_metrics;  // a backup's store metrics are nobody's /metrics
    so.metrics = &private_metrics;
    so.block_cache_bytes = 8 << 20;  // one scan: the cache is not reused
    ASSIGN_OR_RETURN(auto store, store::Store::Open(so));
    RETURN_IF_ERROR(store->CopyTo(partial).WithContext("copying the store"));
  }
  if (fs::exists(data_dir + "/log")) {
    RETURN_IF_ERROR(log::CopyLogDir(data_dir + "/log", partial + "/log"));
  }
  RETURN_IF_ERROR(CopySecurity(data_dir + "/security", partial + "/security"));
  return Env::Default()->SyncDir(partial);
}

}  // namespace

Result<BackupStats> BackupDataDir(const std::string& data_dir, const std::string& to_dir) {
  auto t0 = std::chrono::steady_clock::now();
  std::error_code ec;
  if (!fs::exists(data_dir + "/store", ec) && !fs::exists(data_dir + "/log", ec)) {
    return Status::NotFound(data_dir + " is not a kappa data directory (no log/ or store/)");
  }
  std::string target = fs::path(to_dir).lexically_normal().string();
  if (!target.empty() && target.back() == '/') target.pop_back();
  if (fs::exists(target, ec)) {
    return Status::AlreadyExists(to_dir + " exists: a backup goes into a new directory");
  }
  if (fs::weakly_canonical(target, ec).string().starts_with(
          fs::weakly_canonical(data_dir, ec).string() + "/")) {
    return Status::InvalidArgument(to_dir + " is inside the data directory " + data_dir);
  }
  const std::string partial = target + ".partial";
  if (fs::exists(partial, ec)) {
    // What an interrupted backup left: never a usable copy, so start over.
    fs::remove_all(partial, ec);
    if (ec) return Status::IOError("remove " + partial + ": " + ec.message());
  }
  Status s = Copy(data_dir, partial);
  if (!s.ok()) {
    fs::remove_all(partial, ec);
    return s.WithContext("backup of " + data_dir + " to " + to_dir);
  }
  RETURN_IF_ERROR(Env::Default()->RenameFile(partial, target));
  std::string parent = fs::path(target).parent_path().string();
  RETURN_IF_ERROR(Env::Default()->SyncDir(parent.empty() ? "." : parent));
  BackupStats st;
  Measure(target + "/store", &st.store_bytes, &st.files);
  Measure(target + "/log", &st.log_bytes, &st.files);
  st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return st;
}

}  // namespace kappa::app
