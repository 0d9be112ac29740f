// The store's metrics (names in src/metrics/README.md): rows written and read as counters,
// compactions counted by a RocksDB event listener, and sizes read from RocksDB properties by
// a collector at scrape time (no RocksDB statistics object: it costs on every operation).
#include <rocksdb/listener.h>

#include "store/store_impl.h"

namespace kappa::store {

namespace {

class CompactionCounter final : public rocksdb::EventListener {
 public:
  CompactionCounter(metrics::Counter compactions, metrics::Counter bytes)
      : compactions_(compactions), bytes_(bytes) {}
  void OnCompactionCompleted(rocksdb::DB*, const rocksdb::CompactionJobInfo& info) override {
    if (!info.status.ok()) return;
    compactions_.Add();
    bytes_.Add(info.stats.total_output_bytes);
  }

 private:
  metrics::Counter compactions_, bytes_;
};

}  // namespace

StoreMetrics::StoreMetrics(metrics::Registry* r)
    : registry(r),
      rows_written(r->GetCounter("kappa_store_rows_written_total",
                                 "Row mutations (upserts and deletes) committed to the store.")),
      rows_read(r->GetCounter("kappa_store_rows_read_total",
                              "Rows returned by the store's point reads and scans.")),
      compactions(r->GetCounter("kappa_store_compactions_total",
                                "RocksDB compactions completed.")),
      compaction_bytes(r->GetCounter("kappa_store_compaction_written_bytes_total",
                                     "Bytes written by RocksDB compactions.")) {}

std::shared_ptr<rocksdb::EventListener> StoreMetrics::NewCompactionListener() const {
  return std::make_shared<CompactionCounter>(compactions, compaction_bytes);
}

void StoreImpl::RegisterCollector() {
  collector_ = metrics_.registry->AddCollector([this](metrics::CollectSink& sink) {
    auto sum = [&](const std::string& property) {
      uint64_t total = 0;
      for (auto* cf : {meta_cf_, rows_cf_}) {
        uint64_t v = 0;
        if (cf != nullptr && db_->GetIntProperty(cf, property, &v)) total += v;
      }
      return double(total);
    };
    sink.Gauge("kappa_store_live_sst_bytes",
               "Bytes of the store's live SST files (RocksDB live-sst-files-size).", {},
               sum(rocksdb::DB::Properties::kLiveSstFilesSize));
    sink.Gauge("kappa_store_sst_bytes",
               "Bytes of all the store's SST files, obsolete ones not yet deleted included.", {},
               sum(rocksdb::DB::Properties::kTotalSstFilesSize));
    sink.Gauge("kappa_store_memtable_bytes", "Bytes of the store's memtables.", {},
               sum(rocksdb::DB::Properties::kCurSizeAllMemTables));
    sink.Gauge("kappa_store_pending_compaction_bytes",
               "Bytes RocksDB estimates compaction has to rewrite.", {},
               sum(rocksdb::DB::Properties::kEstimatePendingCompactionBytes));
    uint64_t running = 0;
    db_->GetIntProperty(rocksdb::DB::Properties::kNumRunningCompactions, &running);
    sink.Gauge("kappa_store_running_compactions", "RocksDB compactions running now.", {},
               double(running));
  });
}

}  // namespace kappa::store
