// Runtime: the one opener of data directories: the lock, the Log and the Store.
#include <fmt/format.h>

#include <filesystem>

#include "app/app.h"
#include "registry/registry.h"
#include "common/data_dir_lock.h"
#include "common/env.h"
#include "common/logging.h"

namespace kappa::app {
namespace {

log::FlushPolicy ToLogFlush(LogFlush f) {
  switch (f) {
    case LogFlush::kEveryAppend: return log::FlushPolicy::kEveryAppend;
    case LogFlush::kInterval: return log::FlushPolicy::kInterval;
    case LogFlush::kOs: return log::FlushPolicy::kOs;
  }
  return log::FlushPolicy::kInterval;
}

}  // namespace

RuntimeOptions RuntimeOptions::ForPipeline(const PipelineConfig& config) {
  RuntimeOptions o;
  o.data_dir = config.data_dir;
  log::LogOptions& lo = o.log;
  lo.flush = ToLogFlush(config.durability.log_flush);
  lo.flush_interval_ms = config.durability.log_flush_interval_ms;
  lo.retention_bytes = config.retention.bytes_per_partition > 0
                           ? config.retention.bytes_per_partition : -1;
  lo.retention_ms = config.retention.age_ms > 0 ? config.retention.age_ms : -1;
  // Segments small enough that retention by size can delete something well before the
  // per-partition bound is reached twice over.
  if (lo.retention_bytes > 0) lo.segment_bytes = std::min<int64_t>(lo.segment_bytes, std::max<int64_t>(lo.retention_bytes / 4, 1 << 20));
  o.store.block_cache_bytes = static_cast<size_t>(config.store.block_cache_bytes);
  o.store_sync = config.durability.store_sync;
  if (config.log.kafka()) {
    o.registry_kafka_bootstrap = config.log.bootstrap;
    o.registry_kafka_properties = config.log.properties;
    o.registry_writer_group = config.registry.writer_group;
    o.registry_writer_session_timeout_ms = int(config.registry.writer_session_timeout_ms);
  }
  return o;
}

Result<std::unique_ptr<Runtime>> Runtime::Open(const RuntimeOptions& options) {
  std::unique_ptr<Runtime> rt(new Runtime());
  rt->options_ = options;
  if (options.access == RuntimeOptions::Access::kOwner) {
    ASSIGN_OR_RETURN(rt->lock_, DataDirLock::Acquire(options.data_dir, options.owner));
  } else {
    rt->read_only_ = true;
    rt->owner_ = DataDirLock::Owner(options.data_dir);
    // (A store alone says "no table store" below, missing directory or not.)
    if (options.open_log && !Env::Default()->FileExists(options.data_dir)) {
      return Status::NotFound(fmt::format("data directory {} does not exist", options.data_dir));
    }
  }

  if (options.open_log) {
    log::LogOptions lo = options.log;
    lo.dir = JoinPath(options.data_dir, "log");
    lo.read_only = rt->read_only_;
    auto log = log::Log::Open(lo);
    if (!log.ok()) return log.status().WithContext("opening the log in " + lo.dir);
    rt->log_ = std::move(log).value();
  }

  if (options.open_store) {
    // A secondary instance needs a store to follow; say so rather than RocksDB's words.
    if (rt->read_only_ &&
        !std::filesystem::exists(std::filesystem::path(options.data_dir) / "store" / "CURRENT")) {
      return Status::NotFound("no table store in " + options.data_dir +
                              " yet (no tables were created)");
    }
    store::StoreOptions so = options.store;
    so.data_dir = options.data_dir;
    so.read_only = rt->read_only_;
    auto st = store::Store::Open(so);
    if (!st.ok()) return st.status().WithContext("opening the store in " + options.data_dir);
    rt->store_ = std::move(st).value();
  }
  return rt;
}

stream::JobStorage Runtime::job_storage() {
  stream::JobStorage s;
  s.store = store_.get();
  s.log = log_.get();
  s.data_dir = options_.data_dir;
  s.read_only = read_only_;
  s.owner = owner_;
  s.store_sync = options_.store_sync;
  return s;
}

Result<std::shared_ptr<registry::Registry>> Runtime::SchemaRegistry() {
  MutexLock l(registry_mu_);
  if (registry_) return registry_;
  const bool kafka = !options_.registry_kafka_bootstrap.empty();
  if (!kafka && (!log_ || read_only_)) {
    return Status::Unavailable("the schema registry needs the data directory's log, opened read-write");
  }
  registry::RegistryOptions ro;
  ro.log = log_.get();
  ro.kafka_bootstrap = options_.registry_kafka_bootstrap;
  ro.kafka_properties = options_.registry_kafka_properties;
  ro.writer_group = options_.registry_writer_group;
  ro.writer_session_timeout_ms = options_.registry_writer_session_timeout_ms;
  auto reg = registry::Registry::Open(ro);
  if (!reg.ok()) return reg.status().WithContext("opening the schema registry");
  registry_ = std::move(reg).value();
  return registry_;
}

Runtime::~Runtime() {
  {
    MutexLock l(registry_mu_);
    registry_.reset();  // its tail reads the log
  }
  if (log_) {
    Status s = log_->Close();
    if (!s.ok()) KLOG_WARN("closing the log: {}", s.ToString());
  }
  store_.reset();
  log_.reset();
  lock_.reset();
}

}  // namespace kappa::app
