// `data_dir`, `durability:`, `retention:` and `store:` of kappa.yaml: where the data directory
// is and how app::Runtime opens its log and store.
#include <fmt/format.h>

#include "app/config_section.h"

namespace kappa::app {

Status LoadDataDir(const YamlReader& r_, const YAML::Node& n, PipelineConfig* c) {
  ASSIGN_OR_RETURN(c->data_dir, r_.String(n, "data_dir"));
  if (c->data_dir.empty()) return r_.Error(n, "data_dir is empty");
  c->positions["data_dir"] = r_.Where(n);
  return Status::OK();
}

Status LoadDurability(const YamlReader& r_, const YAML::Node& n, PipelineConfig* c) {
  DurabilityConfig* d = &c->durability;
  RETURN_IF_ERROR(r_.CheckKeys(n, {"log_flush", "log_flush_interval", "store_sync"}, "durability"));
  if (n["log_flush"]) {
    ASSIGN_OR_RETURN(std::string f, r_.String(n["log_flush"], "durability.log_flush"));
    if (f == "every_append") d->log_flush = LogFlush::kEveryAppend;
    else if (f == "interval") d->log_flush = LogFlush::kInterval;
    else if (f == "os") d->log_flush = LogFlush::kOs;
    else return r_.Error(n["log_flush"], fmt::format("durability.log_flush must be every_append, interval or os, not '{}'", f));
  }
  if (n["log_flush_interval"]) {
    ASSIGN_OR_RETURN(d->log_flush_interval_ms, r_.DurationMs(n["log_flush_interval"], "durability.log_flush_interval"));
    if (d->log_flush_interval_ms <= 0) return r_.Error(n["log_flush_interval"], "durability.log_flush_interval must be positive");
  }
  if (n["store_sync"]) { ASSIGN_OR_RETURN(d->store_sync, r_.Bool(n["store_sync"], "durability.store_sync")); }
  return Status::OK();
}

Status LoadRetention(const YamlReader& r_, const YAML::Node& n, PipelineConfig* c) {
  RetentionConfig* rc = &c->retention;
  RETURN_IF_ERROR(r_.CheckKeys(n, {"bytes_per_partition", "age"}, "retention"));
  if (n["bytes_per_partition"]) { ASSIGN_OR_RETURN(rc->bytes_per_partition, r_.ByteSize(n["bytes_per_partition"], "retention.bytes_per_partition")); }
  if (n["age"]) { ASSIGN_OR_RETURN(rc->age_ms, r_.DurationMs(n["age"], "retention.age")); }
  return Status::OK();
}

Status LoadStore(const YamlReader& r_, const YAML::Node& n, PipelineConfig* c) {
  StoreConfig* sc = &c->store;
  RETURN_IF_ERROR(r_.CheckKeys(n, {"block_cache"}, "store"));
  if (n["block_cache"]) {
    ASSIGN_OR_RETURN(sc->block_cache_bytes, r_.ByteSize(n["block_cache"], "store.block_cache"));
    if (sc->block_cache_bytes < (int64_t{1} << 20)) {
      return r_.Error(n["block_cache"], "store.block_cache must be at least 1MiB");
    }
  }
  return Status::OK();
}

}  // namespace kappa::app
