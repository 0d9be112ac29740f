#include <algorithm>

#include "common/coding.h"
#include "common/crc32c.h"
#include "common/logging.h"
#include "log/offset_store_impl.h"

namespace kappa::log {

using namespace coding;

namespace {

constexpr char kFile[] = "commits.log";
constexpr uint8_t kCommitType = 1;
constexpr uint8_t kDeleteGroupType = 2;
constexpr size_t kFrameHeader = 8;  // length u32, crc u32

void PutString(std::string* out, std::string_view s) {
  AppendBE32(out, uint32_t(s.size()));
  out->append(s);
}

bool GetString(const char** p, const char* end, std::string* out) {
  if (end - *p < 4) return false;
  uint32_t n = GetBE32(*p);
  *p += 4;
  if (uint64_t(end - *p) < n) return false;
  out->assign(*p, n);
  *p += n;
  return true;
}

std::string EncodeCommit(std::string_view group,
                         const std::map<OffsetKey, CommittedOffset>& offsets) {
  std::string s;
  s.push_back(char(kCommitType));
  PutString(&s, group);
  AppendBE32(&s, uint32_t(offsets.size()));
  for (const auto& [k, v] : offsets) {
    PutString(&s, k.topic);
    AppendBE32(&s, uint32_t(k.partition.value()));
    AppendBE64(&s, uint64_t(v.offset.value()));
    AppendBE64(&s, uint64_t(v.commit_time.value()));
    PutString(&s, v.metadata);
  }
  return s;
}

std::string Frame(const std::string& payload) {
  std::string f;
  AppendBE32(&f, uint32_t(payload.size()));
  AppendBE32(&f, crc32c::Value(payload));
  f += payload;
  return f;
}

}  // namespace

Status OffsetStore::Commit(std::string_view group, std::string_view topic, PartitionId p,
                           Offset o, std::string_view metadata) {
  std::map<OffsetKey, CommittedOffset> m;
  m[OffsetKey{std::string(topic), p}] = CommittedOffset{o, std::string(metadata), TimestampMs(-1)};
  return Commit(group, m);
}

Result<std::unique_ptr<OffsetStoreImpl>> OffsetStoreImpl::Open(Env* env, Clock* clock,
                                                               const std::string& dir,
                                                               bool read_only) {
  std::unique_ptr<OffsetStoreImpl> s(new OffsetStoreImpl(env, clock, dir, read_only));
  if (!read_only) RETURN_IF_ERROR(env->CreateDirs(dir));
  RETURN_IF_ERROR(s->Replay());
  return s;
}

Status OffsetStoreImpl::Replay() {
  // Open runs this before the store is shared; the lock (uncontended) lets the analysis
  // check the members it fills like every other access.
  MutexLock l(mu_);
  std::string path = JoinPath(dir_, kFile);
  if (!env_->FileExists(path)) {
    if (read_only_) return Status::OK();
    ASSIGN_OR_RETURN(file_, env_->NewWritableFile(path));
    return env_->SyncDir(dir_);
  }
  ASSIGN_OR_RETURN(std::string data, env_->ReadFile(path));
  size_t pos = 0;
  while (pos < data.size()) {
    if (data.size() - pos < kFrameHeader) break;
    uint32_t len = GetBE32(data.data() + pos);
    uint32_t crc = GetBE32(data.data() + pos + 4);
    if (len > data.size() - pos - kFrameHeader) break;
    std::string_view payload(data.data() + pos + kFrameHeader, len);
    if (crc32c::Value(payload) != crc || payload.empty()) break;
    const char* p = payload.data();
    const char* end = p + payload.size();
    uint8_t type = uint8_t(*p++);
    std::string group;
    if (!GetString(&p, end, &group)) break;
    if (type == kDeleteGroupType) {
      groups_.erase(group);
    } else if (type == kCommitType) {
      if (end - p < 4) break;
      uint32_t n = GetBE32(p);
      p += 4;
      auto& g = groups_[group];
      bool ok = true;
      for (uint32_t i = 0; i < n && ok; ++i) {
        OffsetKey k;
        CommittedOffset v;
        ok = GetString(&p, end, &k.topic) && end - p >= 20;
        if (!ok) break;
        k.partition = PartitionId(int32_t(GetBE32(p)));
        v.offset = Offset(int64_t(GetBE64(p + 4)));
        v.commit_time = TimestampMs(int64_t(GetBE64(p + 12)));
        p += 20;
        ok = GetString(&p, end, &v.metadata);
        if (ok) g[k] = v;
      }
      if (!ok) break;
    } else {
      break;
    }
    pos += kFrameHeader + len;
  }
  if (pos < data.size()) {
    KLOG_WARN("log: {}: {} bytes of torn or corrupt commit records at byte {} {}", path,
              data.size() - pos, pos, read_only_ ? "ignored" : "dropped");
    if (!read_only_) RETURN_IF_ERROR(env_->TruncateFile(path, pos));
  }
  live_bytes_ = pos;
  if (!read_only_) {
    ASSIGN_OR_RETURN(file_, env_->NewAppendableFile(path));
    if (pos > (1u << 20)) RETURN_IF_ERROR(CompactLocked());
  }
  return Status::OK();
}

Status OffsetStoreImpl::AppendRecord(const std::string& payload) {
  std::string path = JoinPath(dir_, kFile);
  uint64_t before = file_->Size();
  Status s = file_->Append(Frame(payload));
  if (s.ok()) s = file_->Sync();
  if (!s.ok()) {
    // Cut a partial record so the next commit does not land behind garbage.
    (void)file_->Close();
    file_.reset();
    (void)env_->TruncateFile(path, before);
    auto f = env_->NewAppendableFile(path);
    if (f.ok()) file_ = std::move(f).value();
    return s.WithContext("committing offsets");
  }
  return Status::OK();
}

Status OffsetStoreImpl::Commit(std::string_view group,
                               const std::map<OffsetKey, CommittedOffset>& offsets) {
  if (read_only_) return Status::NotSupported("offsets are open read-only");
  if (group.empty()) return Status::InvalidArgument("group name must not be empty");
  std::map<OffsetKey, CommittedOffset> stamped = offsets;
  for (auto& [k, v] : stamped) {
    if (v.commit_time.value() < 0) v.commit_time = TimestampMs(clock_->NowMs());
  }
  MutexLock l(mu_);
  if (!file_) return Status::IOError("offsets file is unavailable after an earlier error");
  RETURN_IF_ERROR(AppendRecord(EncodeCommit(group, stamped)));
  auto& g = groups_[std::string(group)];
  for (auto& [k, v] : stamped) g[k] = v;
  if (file_->Size() > (4u << 20) && file_->Size() > 4 * live_bytes_) {
    Status c = CompactLocked();
    if (!c.ok()) KLOG_WARN("log: compacting committed offsets failed: {}", c.ToString());
  }
  return Status::OK();
}

Status OffsetStoreImpl::CompactLocked() {
  std::string all;
  for (const auto& [g, offs] : groups_) all += Frame(EncodeCommit(g, offs));
  std::string path = JoinPath(dir_, kFile);
  if (file_) (void)file_->Close();
  file_.reset();
  Status s = env_->WriteFileAtomic(path, all);
  auto f = env_->NewAppendableFile(path);
  if (!f.ok()) return f.status();
  file_ = std::move(f).value();
  live_bytes_ = all.size();
  return s;
}

Result<CommittedOffset> OffsetStoreImpl::Fetch(std::string_view group, std::string_view topic,
                                               PartitionId p) const {
  MutexLock l(mu_);
  auto g = groups_.find(group);
  if (g != groups_.end()) {
    auto it = g->second.find(OffsetKey{std::string(topic), p});
    if (it != g->second.end()) return it->second;
  }
  return Status::NotFound("no committed offset for group " + std::string(group) + " on " +
                          std::string(topic) + "/" + std::to_string(p.value()));
}

std::map<OffsetKey, CommittedOffset> OffsetStoreImpl::FetchGroup(std::string_view group) const {
  MutexLock l(mu_);
  auto g = groups_.find(group);
  if (g == groups_.end()) return {};
  return g->second;
}

std::vector<std::string> OffsetStoreImpl::ListGroups() const {
  MutexLock l(mu_);
  std::vector<std::string> out;
  for (const auto& [g, offs] : groups_) out.push_back(g);
  return out;
}

Status OffsetStoreImpl::DeleteGroup(std::string_view group) {
  if (read_only_) return Status::NotSupported("offsets are open read-only");
  MutexLock l(mu_);
  auto g = groups_.find(group);
  if (g == groups_.end()) return Status::NotFound("group " + std::string(group) + " has no commits");
  if (!file_) return Status::IOError("offsets file is unavailable after an earlier error");
  std::string payload;
  payload.push_back(char(kDeleteGroupType));
  PutString(&payload, group);
  RETURN_IF_ERROR(AppendRecord(payload));
  groups_.erase(g);
  return Status::OK();
}

Status OffsetStoreImpl::DeleteOffsets(std::string_view group,
                                      const std::vector<OffsetKey>& keys) {
  if (read_only_) return Status::NotSupported("offsets are open read-only");
  MutexLock l(mu_);
  auto g = groups_.find(group);
  if (g == groups_.end()) return Status::NotFound("group " + std::string(group) + " has no commits");
  bool changed = false;
  for (const auto& k : keys) changed |= g->second.erase(k) > 0;
  if (!changed) return Status::OK();
  if (g->second.empty()) groups_.erase(g);
  // Rewritten rather than logged as a new record type, so an older kappa can still read the
  // file (it would take an unknown record for a torn tail). Deletions are rare admin calls.
  return CompactLocked();
}

}  // namespace kappa::log
