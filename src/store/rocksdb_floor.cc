// rocksdb_floor: what RocksDB alone costs to ingest rows shaped like the pipeline's, with no
// kappa code in the loop: sorted batches of random keys (the size of a created_users row key)
// and ~490-byte values (the size of its stored row) written by N threads with plain Puts.
// It gives the floor under `kappa bench pipeline`: no end-to-end rate can beat what the
// engine alone reaches on the same machine (docs/benchmarks/pipeline.md, session 14).
//   cmake --build build --target rocksdb_floor
//   build/src/store/rocksdb_floor --rows 1000000 [--no-wal] [--no-compaction] [--memtable vector]
//   build/src/store/rocksdb_floor --rows 200000 --reads 1000000   (point reads, as `bench cql`)
#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/memtablerep.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

double ProcessCpuSeconds() {
  rusage r{};
  getrusage(RUSAGE_SELF, &r);
  return static_cast<double>(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
         static_cast<double>(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

double Since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// With automatic compactions off, a compaction stays "pending" forever: wait for flushes only.
void WaitForBackgroundWork(rocksdb::DB* db, bool compactions) {
  for (;;) {
    uint64_t pending = 0, running = 0, flushes = 0;
    if (compactions) db->GetIntProperty("rocksdb.compaction-pending", &pending);
    db->GetIntProperty("rocksdb.num-running-compactions", &running);
    db->GetIntProperty("rocksdb.num-running-flushes", &flushes);
    if (pending == 0 && running == 0 && flushes == 0) return;
    usleep(20000);
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"RocksDB ingest floor for created_users-shaped rows (no kappa code in the loop)"};
  int rows = 1000000, batch = 4000, threads = 3, key_bytes = 30, value_bytes = 490, reads = 0;
  int read_threads = 2, cache_mb = 256, multiget = 1, row_cache_mb = 0;
  bool no_wal = false, no_compaction = false, filters_in_tables = false;
  std::string cache_kind = "lru";
  std::string memtable = "skiplist", dir = "/tmp/kappa-rocksdb-floor";
  app.add_option("--rows", rows, "Rows to write")->check(CLI::Range(1, 1000000000));
  app.add_option("--batch", batch, "Rows per write batch (sorted by key)")->check(CLI::Range(1, 1000000));
  app.add_option("--threads", threads, "Writer threads")->check(CLI::Range(1, 64));
  app.add_option("--key-bytes", key_bytes, "Key size")->check(CLI::Range(16, 256));
  app.add_option("--value-bytes", value_bytes, "Value size")->check(CLI::Range(1, 1 << 20));
  app.add_option("--reads", reads, "Point reads (Get) of written keys after the writes")
      ->check(CLI::Range(0, 1000000000));
  app.add_option("--read-threads", read_threads, "Reader threads")->check(CLI::Range(1, 64));
  app.add_option("--multiget", multiget, "Keys per read call (1: Get; more: batched MultiGet)")
      ->check(CLI::Range(1, 4096));
  app.add_option("--cache-mb", cache_mb, "Block cache (kappa's default: 256)")->check(CLI::Range(1, 1 << 20));
  app.add_option("--row-cache-mb", row_cache_mb, "Row cache for point reads (0: none)")
      ->check(CLI::Range(0, 1 << 20));
  app.add_option("--cache", cache_kind, "Block cache: lru (kappa's) or hyper (lock-free clock)")
      ->check(CLI::IsMember({"lru", "hyper"}));
  app.add_flag("--filters-in-tables", filters_in_tables,
               "Keep index and filter blocks in the table readers instead of the block cache");
  app.add_flag("--no-wal", no_wal, "Write without the write-ahead log");
  app.add_flag("--no-compaction", no_compaction, "Disable automatic compactions (flushes only)");
  app.add_option("--memtable", memtable, "skiplist (what kappa uses) or vector (append-only)")
      ->check(CLI::IsMember({"skiplist", "vector"}));
  app.add_option("--dir", dir, "Scratch directory (emptied first)");
  CLI11_PARSE(app, argc, argv);

  std::filesystem::remove_all(dir);
  // The rows column family's settings (store_open.cc), minus kappa's own hooks. Restated on
  // purpose (no kappa code here): keep them in step when store_open.cc changes.
  rocksdb::Options o;
  o.create_if_missing = true;
  o.max_background_jobs = 2;
  rocksdb::BlockBasedTableOptions bbt;
  const size_t cache_bytes = static_cast<size_t>(cache_mb) << 20;
  bbt.block_cache = cache_kind == "hyper"
                        ? rocksdb::HyperClockCacheOptions(cache_bytes, 4096).MakeSharedCache()
                        : rocksdb::NewLRUCache(cache_bytes);
  bbt.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  bbt.cache_index_and_filter_blocks = !filters_in_tables;
  bbt.metadata_cache_options.unpartitioned_pinning = rocksdb::PinningTier::kAll;
  bbt.data_block_index_type = rocksdb::BlockBasedTableOptions::kDataBlockBinaryAndHash;
  bbt.block_restart_interval = 4;
  bbt.checksum = rocksdb::kXXH3;
  bbt.format_version = 5;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(bbt));
  if (row_cache_mb > 0) o.row_cache = rocksdb::NewLRUCache(static_cast<size_t>(row_cache_mb) << 20);
  o.write_buffer_size = 16 << 20;
  o.compression_per_level.assign(7, rocksdb::kLZ4Compression);
  o.compression_per_level[0] = rocksdb::kNoCompression;
  o.level0_file_num_compaction_trigger = 8;
  o.level_compaction_dynamic_level_bytes = true;
  if (no_compaction) {
    o.disable_auto_compactions = true;
    o.level0_slowdown_writes_trigger = 1 << 20;
    o.level0_stop_writes_trigger = 1 << 20;
  }
  if (memtable == "vector") {
    o.memtable_factory.reset(new rocksdb::VectorRepFactory());
    o.allow_concurrent_memtable_write = false;
  }
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(o, dir, &raw);
  if (!s.ok()) {
    std::fprintf(stderr, "rocksdb_floor: open %s: %s\n", dir.c_str(), s.ToString().c_str());
    return 1;
  }
  std::unique_ptr<rocksdb::DB> db(raw);

  // Values: printable text, like the rows' names and addresses, made before the clock starts.
  std::mt19937_64 rng(1);
  const std::string alphabet = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOP0123456789,.@-";
  std::vector<std::string> values(1024);
  for (auto& v : values) {
    v.resize(value_bytes);
    for (auto& c : v) c = alphabet[rng() % alphabet.size()];
  }
  rocksdb::WriteOptions wo;
  wo.disableWAL = no_wal;

  const double cpu0 = ProcessCpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> writers;
  std::vector<std::string> errors(threads);
  std::vector<std::vector<std::string>> written(threads);  // for --reads
  for (int t = 0; t < threads; ++t) {
    writers.emplace_back([&, t] {
      std::mt19937_64 keys_rng(static_cast<uint64_t>(t) + 7);
      std::vector<std::string> keys(batch);
      for (int first = t * batch; first < rows; first += batch * threads) {
        const int n = std::min(batch, rows - first);
        keys.resize(n);
        for (auto& k : keys) {  // [table id][random token and uuid bytes]
          k.assign(static_cast<size_t>(key_bytes), '\0');
          k[3] = 1;
          for (int i = 4; i + 8 <= key_bytes; i += 8) {
            const uint64_t r = keys_rng();
            std::memcpy(&k[static_cast<size_t>(i)], &r, 8);
          }
        }
        std::sort(keys.begin(), keys.end());
        rocksdb::WriteBatch wb;
        for (int j = 0; j < n; ++j) wb.Put(keys[j], values[static_cast<size_t>(first + j) & 1023]);
        if (reads > 0) written[t].insert(written[t].end(), keys.begin(), keys.end());
        rocksdb::Status ws = db->Write(wo, &wb);
        if (!ws.ok()) {
          errors[t] = ws.ToString();
          return;
        }
      }
    });
  }
  for (auto& w : writers) w.join();
  const double write_seconds = Since(t0);
  for (const auto& e : errors) {
    if (!e.empty()) {
      std::fprintf(stderr, "rocksdb_floor: write: %s\n", e.c_str());
      return 1;
    }
  }
  const double write_cpu = ProcessCpuSeconds() - cpu0;
  db->Flush(rocksdb::FlushOptions());
  WaitForBackgroundWork(db.get(), !no_compaction);
  const double all_cpu = ProcessCpuSeconds() - cpu0;
  const double all_seconds = Since(t0);
  std::printf(
      "rocksdb_floor: %d rows (%d-byte keys, %d-byte values), batches of %d, %d threads, "
      "wal %s, compaction %s, %s memtable\n"
      "  writes: %.2f s = %.0f rows/s (CPU %.2f s)\n"
      "  with the last flush and compactions: %.2f s, CPU %.2f s = %.2f us per row "
      "(%.0f rows per CPU-second)\n",
      rows, key_bytes, value_bytes, batch, threads, no_wal ? "off" : "on",
      no_compaction ? "off" : "on", memtable.c_str(), write_seconds, rows / write_seconds,
      write_cpu, all_seconds, all_cpu, all_cpu / rows * 1e6, rows / all_cpu);
  if (reads > 0) {
    std::vector<std::string> all;
    for (auto& w : written) all.insert(all.end(), w.begin(), w.end());
    std::atomic<long> found{0};
    const double rcpu0 = ProcessCpuSeconds();
    const auto r0 = std::chrono::steady_clock::now();
    std::vector<std::thread> readers;
    for (int t = 0; t < read_threads; ++t) {
      readers.emplace_back([&, t] {
        std::mt19937_64 pick(static_cast<uint64_t>(t) + 99);
        long hits = 0;
        std::vector<rocksdb::Slice> keys(multiget);
        std::vector<rocksdb::PinnableSlice> values(multiget);
        std::vector<rocksdb::Status> statuses(multiget);
        for (int i = t * multiget; i < reads; i += read_threads * multiget) {
          if (multiget == 1) {
            rocksdb::PinnableSlice value;  // as kappa's reads: no copy out of the cache
            if (db->Get(rocksdb::ReadOptions(), db->DefaultColumnFamily(), all[pick() % all.size()],
                        &value).ok()) {
              ++hits;
            }
            continue;
          }
          const int n = std::min(multiget, reads - i);
          for (int j = 0; j < n; ++j) keys[j] = all[pick() % all.size()];
          db->MultiGet(rocksdb::ReadOptions(), db->DefaultColumnFamily(), n, keys.data(),
                       values.data(), statuses.data());
          for (int j = 0; j < n; ++j) {
            hits += statuses[j].ok();
            values[j].Reset();
          }
        }
        found += hits;
      });
    }
    for (auto& r : readers) r.join();
    const double read_seconds = Since(r0);
    const double read_cpu = ProcessCpuSeconds() - rcpu0;
    std::printf("  point reads (%d threads, %d per call): %d in %.2f s = %.0f reads/s, CPU %.2f us per read, %ld found\n",
                read_threads, multiget, reads, read_seconds, reads / read_seconds, read_cpu / reads * 1e6,
                found.load());
  }
  db.reset();
  std::filesystem::remove_all(dir);
  return 0;
}
