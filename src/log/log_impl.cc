#include "log/log_impl.h"

#include <algorithm>
#include <mutex>

#include "common/fd_limit.h"
#include "common/logging.h"

namespace kappa::log {

Result<std::unique_ptr<Log>> Log::Open(const LogOptions& options) {
  if (options.dir.empty()) return Status::InvalidArgument("LogOptions.dir is empty");
  if (!options.env || !options.clock) return Status::InvalidArgument("LogOptions needs env and clock");
  auto log = std::make_unique<LogImpl>(options);
  RETURN_IF_ERROR(log->Init());
  return std::unique_ptr<Log>(std::move(log));
}

LogImpl::~LogImpl() { (void)Close(); }

std::string LogImpl::TopicDir(std::string_view name) const {
  return JoinPath(JoinPath(opts_.dir, "topics"), name);
}

PartitionSettings LogImpl::SettingsFor(const TopicConfig& c) const {
  return PartitionSettings{opts_.env,          opts_.clock,         opts_.flush,
                           *c.segment_bytes,   *c.segment_ms,       *c.retention_bytes,
                           *c.retention_ms,    opts_.index_interval_bytes, opts_.read_only,
                           metrics_};
}

Status LogImpl::Init() {
  Env* env = opts_.env;
  std::string topics_dir = JoinPath(opts_.dir, "topics");
  if (!opts_.read_only) {
    RETURN_IF_ERROR(env->CreateDirs(topics_dir));
    std::string trash = JoinPath(opts_.dir, "trash");
    if (env->FileExists(trash)) RETURN_IF_ERROR(env->DeleteDirRecursive(trash));
  } else if (!env->FileExists(opts_.dir)) {
    return Status::NotFound("no log at " + opts_.dir);
  }
  ASSIGN_OR_RETURN(offsets_, OffsetStoreImpl::Open(env, opts_.clock, JoinPath(opts_.dir, "offsets"),
                                                   opts_.read_only));
  if (env->FileExists(topics_dir)) {
    ASSIGN_OR_RETURN(auto names, env->GetChildren(topics_dir));
    std::sort(names.begin(), names.end());
    for (const auto& n : names) {
      if (!ValidateTopicName(n).ok()) continue;
      if (!env->FileExists(JoinPath(TopicDir(n), "topic.conf"))) {
        // A create that crashed before it completed: the topic never existed.
        if (!opts_.read_only) {
          KLOG_WARN("log: removing incomplete topic directory {}", TopicDir(n));
          RETURN_IF_ERROR(env->DeleteDirRecursive(TopicDir(n)));
        }
        continue;
      }
      RETURN_IF_ERROR(LoadTopic(n));
    }
  }
  if (!opts_.read_only &&
      ((opts_.flush == FlushPolicy::kInterval && opts_.flush_interval_ms > 0) ||
       opts_.retention_check_ms > 0)) {
    bg_ = std::thread([this] { BackgroundLoop(); });
  }
  collector_ = metrics_->AddCollector([this](metrics::CollectSink& sink) {
    std::map<std::pair<std::string, int32_t>, int64_t> ends;
    {
      ReaderMutexLock l(mu_);
      for (const auto& [name, t] : topics_) {
        for (const auto& p : t->partitions) {
          EmitPartitionGauges(sink, *p);
          ends[{name, p->id().value()}] = p->EndOffset().value();
        }
      }
    }
    // The group offsets outside mu_: the offset store has its own lock.
    if (offsets_) EmitGroupLag(sink, *offsets_, ends);
  });
  return Status::OK();
}

Status LogImpl::LoadTopic(const std::string& name) {
  std::string dir = TopicDir(name);
  ASSIGN_OR_RETURN(std::string text, opts_.env->ReadFile(JoinPath(dir, "topic.conf")));
  auto meta = DecodeTopicMeta(text);
  if (!meta.ok()) return meta.status().WithContext(JoinPath(dir, "topic.conf"));
  auto resolved = ResolveTopicConfig(meta->config, opts_);
  if (!resolved.ok()) return resolved.status().WithContext(JoinPath(dir, "topic.conf"));
  auto t = std::make_unique<Topic>();
  t->meta = *meta;
  t->meta.config = *resolved;
  for (int32_t p = 0; p < meta->partitions; ++p) {
    auto part = PartitionImpl::Open(name, PartitionId(p), JoinPath(dir, std::to_string(p)),
                                    SettingsFor(*resolved));
    if (!part.ok()) {
      return ExplainOutOfFds(part.status()).WithContext(
          "opening topic " + name + " (" + std::to_string(meta->partitions) + " partitions)");
    }
    t->partitions.push_back(std::move(part).value());
  }
  WriterMutexLock l(mu_);
  topics_[name] = std::move(t);
  return Status::OK();
}

void LogImpl::Discard(std::vector<std::unique_ptr<PartitionImpl>>* parts, const std::string& dir) {
  // CloseAndDelete skips the seal (fsync, index write) a normal close does: the files go.
  for (auto& p : *parts) (void)p->CloseAndDelete(JoinPath(dir.empty() ? TopicDir(p->topic()) : dir,
                                                          std::to_string(p->id().value())));
  parts->clear();
  if (!dir.empty()) (void)opts_.env->DeleteDirRecursive(dir);
}

Status LogImpl::CreateTopic(std::string_view name, int32_t partitions, const TopicConfig& config) {
  if (opts_.read_only) return Status::NotSupported("the log is open read-only");
  RETURN_IF_ERROR(ValidateTopicName(name));
  if (partitions < 1 || partitions > 100000)
    return Status::InvalidArgument("partitions must be between 1 and 100000");
  ASSIGN_OR_RETURN(TopicConfig resolved, ResolveTopicConfig(config, opts_));
  MutexLock admin(admin_mu_);
  if (closed_) return Status::Unavailable("the log is closed");
  if (TopicExists(name)) return Status::AlreadyExists("topic '" + std::string(name) + "' already exists");
  // Refused before anything is written when the descriptors would run out on the way.
  RETURN_IF_ERROR(CheckFdsAvailable(kFdsPerPartition * uint64_t(partitions),
                                    "creating topic '" + std::string(name) + "' with " +
                                        std::to_string(partitions) + " partitions"));
  std::string dir = TopicDir(name);
  if (opts_.env->FileExists(dir)) RETURN_IF_ERROR(opts_.env->DeleteDirRecursive(dir));
  RETURN_IF_ERROR(opts_.env->CreateDirs(dir));
  auto t = std::make_unique<Topic>();
  t->meta.partitions = partitions;
  t->meta.config = resolved;
  for (int32_t p = 0; p < partitions; ++p) {
    auto part = PartitionImpl::Open(std::string(name), PartitionId(p),
                                    JoinPath(dir, std::to_string(p)), SettingsFor(resolved));
    if (!part.ok()) {
      // Close what was opened before removing its files: nothing of the topic remains.
      Discard(&t->partitions, dir);
      return ExplainOutOfFds(part.status())
          .WithContext("creating topic '" + std::string(name) + "'");
    }
    t->partitions.push_back(std::move(part).value());
  }
  if (Status sd = opts_.env->SyncDir(dir); !sd.ok()) {
    Discard(&t->partitions, dir);
    return sd;
  }
  // topic.conf is written last: its presence is what makes the topic exist after a crash.
  Status s = opts_.env->WriteFileAtomic(JoinPath(dir, "topic.conf"), EncodeTopicMeta(t->meta));
  if (!s.ok()) {
    Discard(&t->partitions, dir);
    return s;
  }
  RETURN_IF_ERROR(opts_.env->SyncDir(JoinPath(opts_.dir, "topics")));
  WriterMutexLock l(mu_);
  topics_[std::string(name)] = std::move(t);
  return Status::OK();
}

Status LogImpl::DeleteTopic(std::string_view name) {
  if (opts_.read_only) return Status::NotSupported("the log is open read-only");
  MutexLock admin(admin_mu_);
  std::unique_ptr<Topic> t;
  {
    WriterMutexLock l(mu_);
    auto it = topics_.find(name);
    if (it == topics_.end()) return Status::NotFound("topic '" + std::string(name) + "' does not exist");
    t = std::move(it->second);
    topics_.erase(it);
  }
  // Move the directory out of topics/ first (atomic), then remove it; a crash in between
  // leaves it in trash/, which the next open empties.
  std::string trash = JoinPath(opts_.dir, "trash");
  RETURN_IF_ERROR(opts_.env->CreateDirs(trash));
  std::string dest = JoinPath(trash, std::string(name) + "." + std::to_string(opts_.clock->MonotonicNanos()));
  RETURN_IF_ERROR(opts_.env->RenameFile(TopicDir(name), dest));
  (void)opts_.env->SyncDir(JoinPath(opts_.dir, "topics"));
  for (auto& p : t->partitions) (void)p->CloseAndDelete(JoinPath(dest, std::to_string(p->id().value())));
  Status s = opts_.env->DeleteDirRecursive(dest);
  WriterMutexLock l(mu_);
  for (auto& p : t->partitions) retired_.push_back(std::move(p));
  return s;
}

Status LogImpl::AddPartitions(std::string_view name, int32_t total) {
  if (opts_.read_only) return Status::NotSupported("the log is open read-only");
  MutexLock admin(admin_mu_);
  Topic* t;
  {
    ReaderMutexLock l(mu_);
    auto it = topics_.find(name);
    if (it == topics_.end()) return Status::NotFound("topic '" + std::string(name) + "' does not exist");
    t = it->second.get();
  }
  int32_t have = t->meta.partitions;
  if (total <= have)
    return Status::InvalidArgument("topic '" + std::string(name) + "' already has " +
                                   std::to_string(have) + " partitions; the new count must be larger");
  RETURN_IF_ERROR(CheckFdsAvailable(kFdsPerPartition * uint64_t(total - have),
                                    "adding " + std::to_string(total - have) +
                                        " partitions to topic '" + std::string(name) + "'"));
  std::vector<std::unique_ptr<PartitionImpl>> added;
  // On failure the new partitions are closed and their directories removed: the topic
  // keeps exactly the partitions it had.
  auto undo = [&](const Status& s) {
    Discard(&added, "");
    for (int32_t p = have; p < total; ++p)
      (void)opts_.env->DeleteDirRecursive(JoinPath(TopicDir(name), std::to_string(p)));
    return ExplainOutOfFds(s).WithContext("adding partitions to topic '" + std::string(name) + "'");
  };
  for (int32_t p = have; p < total; ++p) {
    auto part = PartitionImpl::Open(std::string(name), PartitionId(p),
                                    JoinPath(TopicDir(name), std::to_string(p)),
                                    SettingsFor(t->meta.config));
    if (!part.ok()) return undo(part.status());
    added.push_back(std::move(part).value());
  }
  TopicMeta m = t->meta;
  m.partitions = total;
  Status w = opts_.env->WriteFileAtomic(JoinPath(TopicDir(name), "topic.conf"), EncodeTopicMeta(m));
  if (!w.ok()) return undo(w);
  WriterMutexLock l(mu_);
  t->meta.partitions = total;
  for (auto& p : added) t->partitions.push_back(std::move(p));
  return Status::OK();
}

Status LogImpl::AlterTopicConfig(std::string_view name, const TopicConfig& config) {
  if (opts_.read_only) return Status::NotSupported("the log is open read-only");
  ASSIGN_OR_RETURN(TopicConfig resolved, ResolveTopicConfig(config, opts_));
  MutexLock admin(admin_mu_);
  Topic* t;
  {
    ReaderMutexLock l(mu_);
    auto it = topics_.find(name);
    if (it == topics_.end()) return Status::NotFound("topic '" + std::string(name) + "' does not exist");
    t = it->second.get();
  }
  TopicMeta m = t->meta;
  m.config = resolved;
  // Persisted first: a crash leaves either the old or the new settings, both valid.
  RETURN_IF_ERROR(opts_.env->WriteFileAtomic(JoinPath(TopicDir(name), "topic.conf"), EncodeTopicMeta(m)));
  {
    WriterMutexLock l(mu_);
    t->meta.config = resolved;
  }
  PartitionSettings ps = SettingsFor(resolved);
  for (auto& p : t->partitions) p->UpdateLimits(ps);
  return Status::OK();
}

std::vector<std::string> LogImpl::ListTopics() const {
  ReaderMutexLock l(mu_);
  std::vector<std::string> out;
  for (const auto& [n, t] : topics_) out.push_back(n);
  return out;
}

bool LogImpl::TopicExists(std::string_view name) const {
  ReaderMutexLock l(mu_);
  return topics_.find(name) != topics_.end();
}

int64_t LogImpl::PartitionCount() const {
  ReaderMutexLock l(mu_);
  int64_t n = 0;
  for (const auto& [name, t] : topics_) n += int64_t(t->partitions.size());
  return n;
}

Result<TopicDescription> LogImpl::DescribeTopic(std::string_view name) const {
  ReaderMutexLock l(mu_);
  auto it = topics_.find(name);
  if (it == topics_.end()) return Status::NotFound("topic '" + std::string(name) + "' does not exist");
  TopicDescription d;
  d.name = std::string(name);
  d.config = it->second->meta.config;
  for (const auto& p : it->second->partitions) d.partitions.push_back(p->Info());
  return d;
}

Result<Partition*> LogImpl::GetPartition(std::string_view topic, PartitionId p) {
  ReaderMutexLock l(mu_);
  auto it = topics_.find(topic);
  if (it == topics_.end()) return Status::NotFound("topic '" + std::string(topic) + "' does not exist");
  if (p.value() < 0 || size_t(p.value()) >= it->second->partitions.size())
    return Status::NotFound("topic '" + std::string(topic) + "' has no partition " +
                            std::to_string(p.value()) + " (it has " +
                            std::to_string(it->second->partitions.size()) + ")");
  return static_cast<Partition*>(it->second->partitions[size_t(p.value())].get());
}

std::vector<PartitionImpl*> LogImpl::AllPartitions() const {
  ReaderMutexLock l(mu_);
  std::vector<PartitionImpl*> out;
  for (const auto& [n, t] : topics_)
    for (const auto& p : t->partitions) out.push_back(p.get());
  return out;
}

Status LogImpl::Flush() {
  Status first;
  for (PartitionImpl* p : AllPartitions()) {
    Status s = p->Flush();
    if (!s.ok() && first.ok()) first = s;
  }
  return first;
}

Result<int> LogImpl::EnforceRetention() {
  int total = 0;
  for (PartitionImpl* p : AllPartitions()) {
    ASSIGN_OR_RETURN(int n, p->EnforceRetention());
    total += n;
  }
  return total;
}

void LogImpl::ReportFlush(int failed, const Status& first,
                          std::chrono::steady_clock::time_point now) {
  // Never silent, never a flood: the first failure of an episode is logged at once, then a
  // reminder every 10 s while it lasts, and the end of the episode.
  if (failed > 0) {
    ++flush_failures_;
    if (flush_failures_ == 1 || now - last_flush_report_ >= std::chrono::seconds(10)) {
      KLOG_ERROR("log: background fsync failed for {} partition(s) ({} round(s) so far): {}; "
                 "acknowledged appends are in the OS but not yet durable; retrying",
                 failed, flush_failures_, ExplainOutOfFds(first).ToString());
      last_flush_report_ = now;
    }
  } else if (flush_failures_ > 0) {
    KLOG_WARN("log: background fsync works again after {} failed round(s)", flush_failures_);
    flush_failures_ = 0;
  }
}

void LogImpl::BackgroundLoop() {
  using namespace std::chrono;
  auto now = steady_clock::now();
  auto next_flush = now + milliseconds(opts_.flush_interval_ms);
  auto next_retention = now + milliseconds(opts_.retention_check_ms);
  bool flushing = opts_.flush == FlushPolicy::kInterval && opts_.flush_interval_ms > 0;
  bool retaining = opts_.retention_check_ms > 0;
  MutexLock l(bg_mu_);
  while (!stop_) {
    auto wake = time_point<steady_clock>::max();
    if (flushing) wake = std::min(wake, next_flush);
    if (retaining) wake = std::min(wake, next_retention);
    bg_cv_.wait_until(l, wake, [&]() REQUIRES(bg_mu_) { return stop_; });
    if (stop_) break;
    l.unlock();
    now = steady_clock::now();
    if (flushing && now >= next_flush) {
      // Admin operations hold mu_ only briefly; partitions stay alive (retired_) so the
      // raw pointers below remain valid even if a topic is deleted meanwhile.
      int failed = 0;
      Status first;
      for (PartitionImpl* p : AllPartitions()) {
        Status s = p->FlushIfDirty();  // a failed partition stays dirty: retried next round
        if (!s.ok() && failed++ == 0) first = s.WithContext(p->topic() + "/" + std::to_string(p->id().value()));
      }
      ReportFlush(failed, first, now);
      next_flush = now + milliseconds(opts_.flush_interval_ms);
    }
    if (retaining && now >= next_retention) {
      auto r = EnforceRetention();
      if (!r.ok()) KLOG_WARN("log: retention failed: {}", r.status().ToString());
      next_retention = now + milliseconds(opts_.retention_check_ms);
    }
    l.lock();
  }
}

Status LogImpl::Close() {
  // First, and without the log's locks: the collector takes mu_, and after Reset it is not
  // running and never runs again.
  collector_.Reset();
  {
    MutexLock admin(admin_mu_);
    if (closed_) return Status::OK();
    closed_ = true;
  }
  {
    MutexLock l(bg_mu_);
    stop_ = true;
  }
  bg_cv_.notify_all();
  if (bg_.joinable()) bg_.join();
  Status first;
  for (PartitionImpl* p : AllPartitions()) {
    Status s = p->Flush();
    if (s.ok()) s = p->Close();
    if (!s.ok() && first.ok()) first = s;
  }
  return first;
}

}  // namespace kappa::log
