// CopyLogDir (log.h): the log's half of `kappa backup`, done on the files, beside the process
// that owns them. What makes a plain copy consistent here (docs/formats/log.md):
//   - segments are append-only and only the last one of a partition grows; a sealed
//     segment's files never change again, and its indexes are written before the next
//     segment exists. So listing a partition first and copying its files in offset order
//     gives a prefix of the partition: a segment that was active when listed is copied up to
//     the bytes present when it is read (its end may be a batch cut in two, which recovery
//     truncates, as after a crash), and segments created after the listing are not copied;
//   - retention and DeleteRecords only remove a partition's oldest segments, so a file gone
//     between listing and reading is skipped and the copy starts later, as retention would;
//   - topic.conf and start_offset are replaced atomically (rename), so a read sees a whole
//     version; commits.log is append-only with checksummed records (a cut record is a torn
//     tail too);
//   - a topic directory without topic.conf (being created) is skipped, as Log::Open removes
//     it; trash/ (topics being deleted) is not copied.
#include <algorithm>
#include <cctype>
#include <vector>

#include "common/env.h"
#include "common/file_modes.h"
#include "log/log.h"

namespace kappa::log {
namespace {

constexpr size_t kChunk = 1 << 20;

bool IsPartitionDir(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(),
                                      [](unsigned char c) { return std::isdigit(c); });
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The files of a partition directory kappa reads at open, in the order to copy them:
// start_offset, then each segment's data and indexes by base offset (names sort numerically:
// 20 digits). Temp files of atomic writes (*.tmp) are not among them.
std::vector<std::string> PartitionFiles(std::vector<std::string> names) {
  std::vector<std::string> out;
  for (const auto& n : names) {
    if (n == "start_offset" || EndsWith(n, ".log") || EndsWith(n, ".index") ||
        EndsWith(n, ".timeindex")) {
      out.push_back(n);
    }
  }
  std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) {
    if ((a == "start_offset") != (b == "start_offset")) return a == "start_offset";
    return a < b;  // "<base>.index" < "<base>.log" < "<base>.timeindex" < "<next base>..."
  });
  return out;
}

// Copies `from` as it is now (its size when opened) to a new owner-only `to`, fsynced.
// NotFound when `from` is gone (the caller skips it).
Status CopyFile(Env* env, const std::string& from, const std::string& to) {
  auto in = env->NewRandomAccessFile(from);
  if (!in.ok()) {
    if (!env->FileExists(from)) return Status::NotFound(from);
    return in.status();
  }
  ASSIGN_OR_RETURN(uint64_t size, (*in)->Size());
  ASSIGN_OR_RETURN(auto out, env->NewWritableFile(to));
  std::vector<char> buf(kChunk);
  for (uint64_t at = 0; at < size;) {
    ASSIGN_OR_RETURN(size_t n, (*in)->Read(at, std::min<uint64_t>(kChunk, size - at), buf.data()));
    if (n == 0) break;  // truncated meanwhile (recovery of the owner): copy what there was
    RETURN_IF_ERROR(out->Append(std::string_view(buf.data(), n)));
    at += n;
  }
  RETURN_IF_ERROR(out->Sync());
  return out->Close();
}

// Copies the listed `names` of directory `from` into `to` (created), skipping files that
// disappeared; then fsyncs `to`.
Status CopyFiles(Env* env, const std::string& from, const std::string& to,
                 const std::vector<std::string>& names) {
  RETURN_IF_ERROR(CreateDirsOwnerOnly(to));
  for (const auto& n : names) {
    Status s = CopyFile(env, from + "/" + n, to + "/" + n);
    if (!s.ok() && !s.IsNotFound()) return s.WithContext("copying the log");
  }
  return env->SyncDir(to);
}

}  // namespace

Status CopyLogDir(const std::string& from_dir, const std::string& to_dir) {
  Env* env = Env::Default();
  if (env->FileExists(to_dir)) {
    return Status::AlreadyExists(to_dir + " exists: a copy goes into a new directory");
  }
  RETURN_IF_ERROR(CreateDirsOwnerOnly(to_dir + "/topics"));
  auto topics = env->GetChildren(from_dir + "/topics");
  if (topics.ok()) {
    for (const auto& topic : *topics) {
      const std::string src = from_dir + "/topics/" + topic;
      const std::string dst = to_dir + "/topics/" + topic;
      if (!env->FileExists(src + "/topic.conf")) continue;  // being created (or deleted)
      auto children = env->GetChildren(src);
      if (!children.ok()) {
        if (!env->FileExists(src)) continue;  // deleted meanwhile
        return children.status().WithContext("copying the log");
      }
      for (const auto& c : *children) {
        if (!IsPartitionDir(c)) continue;
        auto files = env->GetChildren(src + "/" + c);
        if (!files.ok()) return files.status().WithContext("copying the log");
        RETURN_IF_ERROR(CopyFiles(env, src + "/" + c, dst + "/" + c, PartitionFiles(*files)));
      }
      // Last, as a create writes it: the copy's topic exists once its partitions do.
      RETURN_IF_ERROR(CopyFiles(env, src, dst, {"topic.conf"}));
    }
  } else if (env->FileExists(from_dir + "/topics")) {
    return topics.status().WithContext("copying the log");
  }
  if (env->FileExists(from_dir + "/offsets/commits.log")) {
    RETURN_IF_ERROR(
        CopyFiles(env, from_dir + "/offsets", to_dir + "/offsets", {"commits.log"}));
  }
  RETURN_IF_ERROR(env->SyncDir(to_dir + "/topics"));
  return env->SyncDir(to_dir);
}

}  // namespace kappa::log
