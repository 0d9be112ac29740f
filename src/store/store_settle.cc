// Settling level 0 when writes stop.
//
// While writes flow, the rows' level 0 collects up to kLevel0Trigger flushed memtables before
// RocksDB compacts them into the levels below: fewer rewrites per byte written. But every
// point read probes each L0 file (its bloom filter at least), so a table loaded in a burst and
// then only read would pay for up to 7 extra probes per read for as long as no more writes
// come. When the store has seen no write for StoreOptions::settle_after_ms, the trigger drops
// to kLevel0SettledTrigger and RocksDB's own compaction picker moves the L0 files down (in its
// background threads, like any compaction); the first write after that restores it.
#include <chrono>
#include <cstdlib>
#include <string>

#include "common/logging.h"
#include "store/store_impl.h"

namespace kappa::store {

uint64_t StoreImpl::Level0Files() const {
  std::string n;  // a string property: RocksDB has no integer form of it
  if (!db_ || !db_->GetProperty(rows_cf_, "rocksdb.num-files-at-level0", &n)) return 0;
  return std::strtoull(n.c_str(), nullptr, 10);
}

Status StoreImpl::SetLevel0Trigger(int files) {
  return FromRocks(
      db_->SetOptions(rows_cf_, {{"level0_file_num_compaction_trigger", std::to_string(files)}}),
      "set the level-0 compaction trigger");
}

void StoreImpl::StartSettler() {
  if (options_.settle_after_ms <= 0) return;
  {
    MutexLock lock(settler_mu_);
    settler_stop_ = false;
  }
  settler_ = std::thread([this] { SettleLoop(); });
}

void StoreImpl::StopSettler() {
  if (!settler_.joinable()) return;
  {
    MutexLock lock(settler_mu_);
    settler_stop_ = true;
  }
  settler_cv_.notify_all();
  settler_.join();
}

void StoreImpl::SettleLoop() {
  const auto interval = std::chrono::milliseconds(options_.settle_after_ms);
  // Any write (rows or metadata) takes a sequence number; compactions do not.
  rocksdb::SequenceNumber last = db_->GetLatestSequenceNumber();
  bool settling = false;
  bool failing = false;  // warn once per streak of failures (e.g. a full disk: SetOptions
                         // writes an OPTIONS file), not every interval
  auto set = [&](int files) {
    Status s = SetLevel0Trigger(files);
    if (!s.ok() && !failing) KLOG_WARN("store: {} (retrying every {} ms)", s.message(), options_.settle_after_ms);
    failing = !s.ok();
    return s.ok();
  };
  MutexLock lock(settler_mu_);
  while (!settler_cv_.wait_for(lock, interval,
                               [this]() REQUIRES(settler_mu_) { return settler_stop_; })) {
    const rocksdb::SequenceNumber now = db_->GetLatestSequenceNumber();
    const bool idle = now == last;
    last = now;
    if (!idle && settling) {
      settling = !set(kLevel0Trigger);  // on failure, try again next interval
    } else if (idle && !settling) {
      const uint64_t files = Level0Files();
      if (files < uint64_t(kLevel0SettledTrigger)) continue;
      KLOG_DEBUG("store: no writes for {} ms; compacting {} level-0 files", options_.settle_after_ms, files);
      settling = set(kLevel0SettledTrigger);
    }
  }
  // Leave the options as they were opened with: the next Open sets them again anyway.
}

}  // namespace kappa::store
