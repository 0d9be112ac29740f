// OpenStoreMetaStore: the run history in kappa's table store, keyspace kappa_meta
// (docs/formats/orchestrator-meta.md). Each MetaStore write is one atomic store write, fsynced
// when `sync` (what kappa up uses: the scheduler acts only after a write returned, so what it
// acted on survives kill -9).
//
// Write timestamps: the store resolves two writes of one cell by timestamp, and a tie goes to
// the greater value, not the later write. A task instance written twice within a microsecond
// (queued, then running) must keep the second, so every write here takes a timestamp from
// one strictly increasing counter (wall-clock microseconds, bumped past the previous one).
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <thread>

#include "common/logging.h"
#include "common/mutex.h"
#include "orchestrator/meta_batch.h"
#include "orchestrator/meta_store_tables.h"

namespace kappa::orchestrator {
namespace {

using store::Value;

class StoreMetaStore final : public MetaStore, public BatchedMetaStore {
 public:
  StoreMetaStore(store::Store* store, meta::Tables tables, bool sync, int64_t sync_interval_ms)
      : store_(store), t_(std::move(tables)), sync_(sync), sync_interval_ms_(sync_interval_ms) {
    if (!sync_ && sync_interval_ms_ > 0) syncer_ = std::thread([this] { SyncLoop(); });
  }

  ~StoreMetaStore() override {
    if (syncer_.joinable()) {
      {
        MutexLock l(sync_mu_);
        stopping_ = true;
      }
      sync_cv_.notify_all();
      syncer_.join();
    }
  }

  // One synced write makes the WAL durable up to it: every earlier write with it.
  Status Sync() override {
    if (sync_) return Status::OK();
    {
      MutexLock l(sync_mu_);
      dirty_ = false;
    }
    return store_->PutMeta("orchestrator/synced", "", /*sync=*/true);
  }

  Status PutDag(const DagRecord& dag) override {
    RETURN_IF_ERROR(CheckId("dag_id", dag.dag_id));
    return Wrote(store_->Upsert(*t_.dags, meta::DagToRow(*t_.dags, dag), Options()));
  }

  Result<std::vector<DagRecord>> ListDags() override {
    std::vector<DagRecord> out;
    std::string page;
    do {
      ASSIGN_OR_RETURN(store::ScanResult r, store_->Scan(*t_.dags, {}, page, 1000));
      for (const auto& row : r.rows) {
        ASSIGN_OR_RETURN(DagRecord d, meta::DagFromRow(*t_.dags, row));
        out.push_back(std::move(d));
      }
      page = std::move(r.paging_state);
    } while (!page.empty());
    // Token order is a hash order: give callers the ids sorted, as Airflow's API does.
    std::sort(out.begin(), out.end(),
              [](const DagRecord& a, const DagRecord& b) { return a.dag_id < b.dag_id; });
    return out;
  }

  Status PutRun(const DagRun& run) override {
    RETURN_IF_ERROR(CheckId("dag_id", run.dag_id));
    RETURN_IF_ERROR(CheckId("run_id", run.run_id));
    // The row is keyed (dag_id, logical_date, run_id) but upserted by run id: a run whose
    // logical date changed (not something the scheduler does, but the contract allows it)
    // must replace its old row, in the same atomic write.
    ASSIGN_OR_RETURN(std::optional<TimeMs> old, LogicalDateOf(run.dag_id, run.run_id));
    store::WriteBatch batch = store_->NewWriteBatch();
    store::WriteOptions w = Options();
    if (old && *old != run.logical_date) {
      RETURN_IF_ERROR(batch.DeleteRow(*t_.dag_runs, RunKey(run.dag_id, *old, run.run_id), w));
      w.timestamp_micros = NextTimestamp();
    }
    DagRun clean = run;
    clean.note = ValidText(run.note);
    RETURN_IF_ERROR(batch.Upsert(*t_.dag_runs, meta::RunToRow(*t_.dag_runs, clean), w));
    RETURN_IF_ERROR(Wrote(store_->Write(batch, sync_)));
    MutexLock l(mu_);
    run_dates_[run.dag_id][run.run_id] = run.logical_date;
    return Status::OK();
  }

  // One store batch: one WAL record and one write-group entry for the lot, applied
  // atomically (the scheduler's writes of one pass over a burst of due DAGs).
  Status PutBatch(const std::vector<MetaWrite>& writes) override {
    store::WriteBatch batch = store_->NewWriteBatch();
    // Runs written earlier in this batch: their logical date is not in run_dates_ yet.
    std::map<std::pair<std::string, std::string>, TimeMs> dates;
    for (const MetaWrite& write : writes) {
      if (const auto* dag = std::get_if<DagRecord>(&write)) {
        RETURN_IF_ERROR(CheckId("dag_id", dag->dag_id));
        RETURN_IF_ERROR(batch.Upsert(*t_.dags, meta::DagToRow(*t_.dags, *dag), Options()));
      } else if (const auto* run = std::get_if<DagRun>(&write)) {
        RETURN_IF_ERROR(CheckId("dag_id", run->dag_id));
        RETURN_IF_ERROR(CheckId("run_id", run->run_id));
        auto key = std::make_pair(run->dag_id, run->run_id);
        std::optional<TimeMs> old;
        if (auto it = dates.find(key); it != dates.end()) {
          old = it->second;
        } else {
          ASSIGN_OR_RETURN(old, LogicalDateOf(run->dag_id, run->run_id));
        }
        if (old && *old != run->logical_date) {
          RETURN_IF_ERROR(
              batch.DeleteRow(*t_.dag_runs, RunKey(run->dag_id, *old, run->run_id), Options()));
        }
        DagRun clean = *run;
        clean.note = ValidText(run->note);
        RETURN_IF_ERROR(
            batch.Upsert(*t_.dag_runs, meta::RunToRow(*t_.dag_runs, clean), Options()));
        dates[std::move(key)] = run->logical_date;
      } else {
        const auto& ti = std::get<TaskInstance>(write);
        RETURN_IF_ERROR(CheckTask(ti));
        RETURN_IF_ERROR(
            batch.Upsert(*t_.task_instances, meta::TaskToRow(*t_.task_instances, Clean(ti)),
                         Options()));
      }
    }
    RETURN_IF_ERROR(Wrote(store_->Write(batch, sync_)));
    MutexLock l(mu_);
    for (auto& [key, date] : dates) run_dates_[key.first][key.second] = date;
    return Status::OK();
  }

  Status DeleteRun(std::string_view dag_id, std::string_view run_id) override {
    ASSIGN_OR_RETURN(std::optional<TimeMs> date, LogicalDateOf(dag_id, run_id));
    if (!date) return Status::NotFound(fmt::format("dag {} has no run '{}'", dag_id, run_id));
    // The run, its task instances (one partition) and every try's log (a partition per
    // try, named by the task instances' try numbers), in one atomic write: nothing of a
    // deleted run stays behind for CQL readers (history retention deletes runs this way).
    ASSIGN_OR_RETURN(std::vector<TaskInstance> tis, ListTasks(dag_id, run_id));
    store::WriteBatch batch = store_->NewWriteBatch();
    store::WriteOptions w = Options();
    RETURN_IF_ERROR(batch.DeleteRow(*t_.dag_runs, RunKey(dag_id, *date, run_id), w));
    RETURN_IF_ERROR(batch.DeletePartition(
        *t_.task_instances, {Value::Text(std::string(dag_id)), Value::Text(std::string(run_id))},
        w));
    for (const TaskInstance& ti : tis) {
      for (int k = 1; k <= ti.try_number; ++k) {
        RETURN_IF_ERROR(
            batch.DeletePartition(*t_.task_logs, LogKey(dag_id, run_id, ti.task_id, k), w));
      }
    }
    RETURN_IF_ERROR(Wrote(store_->Write(batch, sync_)));
    MutexLock l(mu_);
    run_dates_[std::string(dag_id)].erase(std::string(run_id));
    return Status::OK();
  }

  Result<std::vector<DagRun>> ListRuns(std::string_view dag_id) override {
    ASSIGN_OR_RETURN(std::vector<store::Row> rows,
                     store_->ScanPartition(*t_.dag_runs, {Value::Text(std::string(dag_id))}));
    std::vector<DagRun> out;
    out.reserve(rows.size());
    for (const auto& row : rows) {
      ASSIGN_OR_RETURN(DagRun r, meta::RunFromRow(*t_.dag_runs, row));
      out.push_back(std::move(r));
    }
    return out;  // clustering order: logical date ascending, then run id
  }

  Status PutTask(const TaskInstance& ti) override {
    RETURN_IF_ERROR(CheckTask(ti));
    return Wrote(store_->Upsert(*t_.task_instances,
                                meta::TaskToRow(*t_.task_instances, Clean(ti)), Options()));
  }

  Result<std::vector<TaskInstance>> ListTasks(std::string_view dag_id,
                                              std::string_view run_id) override {
    ASSIGN_OR_RETURN(std::vector<store::Row> rows,
                     store_->ScanPartition(*t_.task_instances,
                                           {Value::Text(std::string(dag_id)),
                                            Value::Text(std::string(run_id))}));
    std::vector<TaskInstance> out;
    out.reserve(rows.size());
    for (const auto& row : rows) {
      ASSIGN_OR_RETURN(TaskInstance ti, meta::TaskFromRow(*t_.task_instances, row));
      out.push_back(std::move(ti));
    }
    return out;
  }

  Status AppendLog(std::string_view dag_id, std::string_view run_id, std::string_view task_id,
                   int try_number, std::string_view line) override {
    RETURN_IF_ERROR(CheckId("dag_id", dag_id));
    RETURN_IF_ERROR(CheckId("run_id", run_id));
    RETURN_IF_ERROR(CheckId("task_id", task_id));
    // The line's number is its write timestamp: strictly increasing in this process, so
    // lines read back in the order they were appended without a counter to recover (a try
    // never spans two processes: a restart makes the running try a zombie).
    store::WriteOptions w = Options();
    meta::RowBuilder b(*t_.task_logs);
    b.Text("dag_id", dag_id).Text("run_id", run_id).Text("task_id", task_id);
    b.Set("try_number", Value::Int32(try_number));
    b.Set("seq", Value::Bigint(w.timestamp_micros));
    b.Time("logged_at", w.timestamp_micros / 1000).Text("line", ValidText(line));
    return Wrote(store_->Upsert(*t_.task_logs, b.Take(), w));
  }

  Result<std::vector<std::string>> ReadLog(std::string_view dag_id, std::string_view run_id,
                                           std::string_view task_id, int try_number) override {
    ASSIGN_OR_RETURN(std::vector<store::Row> rows,
                     store_->ScanPartition(*t_.task_logs,
                                           LogKey(dag_id, run_id, task_id, try_number)));
    std::vector<std::string> out;
    out.reserve(rows.size());
    int line_col = t_.task_logs->FindColumn("line");
    for (const auto& row : rows) {
      const Value& v = row[size_t(line_col)];
      out.push_back(v.is_set() ? v.as_bytes() : std::string());
    }
    return out;
  }

  // Lines are clustered by `seq`: a page is a clustering range from `from` (the sequence
  // number after the previous page's last line), read in small slices until the page is full.
  Result<LogPage> ReadLogPage(std::string_view dag_id, std::string_view run_id,
                              std::string_view task_id, int try_number, int64_t from,
                              size_t max_bytes) override {
    constexpr size_t kSlice = 256;
    const auto key = LogKey(dag_id, run_id, task_id, try_number);
    const size_t line_col = size_t(t_.task_logs->FindColumn("line"));
    const size_t seq_col = size_t(t_.task_logs->FindColumn("seq"));
    LogPage page;
    page.next = from;
    size_t bytes = 0;
    while (true) {
      store::ClusteringRange range;
      range.start.prefix = {Value::Bigint(page.next)};
      ASSIGN_OR_RETURN(std::vector<store::Row> rows,
                       store_->ScanPartition(*t_.task_logs, key, range, false, kSlice));
      for (const auto& row : rows) {
        const Value& v = row[line_col];
        std::string line = v.is_set() ? v.as_bytes() : std::string();
        if (!page.lines.empty() && bytes + line.size() + 1 > max_bytes) {
          page.more = true;
          return page;
        }
        bytes += line.size() + 1;
        page.lines.push_back(std::move(line));
        page.next = row[seq_col].as_int() + 1;
      }
      if (rows.size() < kSlice) return page;
    }
  }

 private:
  // After a write: with lazy syncing, the syncer has something to do.
  Status Wrote(Status s) {
    if (s.ok() && syncer_.joinable()) {
      MutexLock l(sync_mu_);
      if (!dirty_) {
        dirty_ = true;
        sync_cv_.notify_one();
      }
    }
    return s;
  }

  // Sleeps until something is written, lets writes gather for the interval, syncs them.
  void SyncLoop() {
    MutexLock l(sync_mu_);
    while (true) {
      sync_cv_.wait(l, [this]() REQUIRES(sync_mu_) { return stopping_ || dirty_; });
      if (!stopping_) {
        sync_cv_.wait_for(l, std::chrono::milliseconds(sync_interval_ms_),
                          [this]() REQUIRES(sync_mu_) { return stopping_; });
      }
      if (dirty_) {
        dirty_ = false;
        l.unlock();
        Status s = store_->PutMeta("orchestrator/synced", "", /*sync=*/true);
        l.lock();
        if (!s.ok()) {
          KLOG_ERROR("orchestrator: syncing the run history failed: {}", s.ToString());
          dirty_ = true;  // try again next interval
        }
      }
      if (stopping_) return;
    }
  }

  // Strictly increasing write timestamps (see the file comment).
  int64_t NextTimestamp() {
    int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    int64_t last = last_ts_.load();
    while (true) {
      int64_t next = std::max(now, last + 1);
      if (last_ts_.compare_exchange_weak(last, next)) return next;
    }
  }

  store::WriteOptions Options() {
    store::WriteOptions w;
    w.sync = sync_;
    w.timestamp_micros = NextTimestamp();
    return w;
  }

  static Status CheckTask(const TaskInstance& ti) {
    RETURN_IF_ERROR(CheckId("dag_id", ti.dag_id));
    RETURN_IF_ERROR(CheckId("run_id", ti.run_id));
    return CheckId("task_id", ti.task_id);
  }
  static TaskInstance Clean(const TaskInstance& ti) {
    TaskInstance clean = ti;
    clean.result = ValidText(ti.result);
    clean.error = ValidText(ti.error);
    clean.hostname = ValidText(ti.hostname);
    return clean;
  }

  static Status CheckId(std::string_view what, std::string_view id) {
    if (id.empty()) return Status::InvalidArgument(fmt::format("{} is empty", what));
    if (!store::IsValidUtf8(id)) {
      return Status::InvalidArgument(fmt::format("{} is not valid UTF-8", what));
    }
    return Status::OK();
  }

  // Text columns must hold UTF-8; a task's output may not be: invalid bytes become U+FFFD.
  static std::string ValidText(std::string_view s);

  std::vector<Value> RunKey(std::string_view dag_id, TimeMs date, std::string_view run_id) {
    return {Value::Text(std::string(dag_id)), Value::Timestamp(date),
            Value::Text(std::string(run_id))};
  }
  static std::vector<Value> LogKey(std::string_view dag_id, std::string_view run_id,
                                   std::string_view task_id, int try_number) {
    return {Value::Text(std::string(dag_id)), Value::Text(std::string(run_id)),
            Value::Text(std::string(task_id)), Value::Int32(try_number)};
  }

  // The logical date of a stored run (nullopt: none), from a per-DAG cache filled by one
  // partition read the first time the DAG is asked about.
  Result<std::optional<TimeMs>> LogicalDateOf(std::string_view dag_id, std::string_view run_id);

  store::Store* const store_;
  const meta::Tables t_;
  const bool sync_;
  const int64_t sync_interval_ms_;
  std::atomic<int64_t> last_ts_{0};
  Mutex sync_mu_;
  CondVar sync_cv_;
  bool dirty_ GUARDED_BY(sync_mu_) = false;
  bool stopping_ GUARDED_BY(sync_mu_) = false;
  std::thread syncer_;  // with lazy syncing only; started in the constructor body
  Mutex mu_;
  std::map<std::string, std::map<std::string, TimeMs>, std::less<>> run_dates_ GUARDED_BY(mu_);
};

Result<std::optional<TimeMs>> StoreMetaStore::LogicalDateOf(std::string_view dag_id,
                                                            std::string_view run_id) {
  MutexLock l(mu_);
  auto it = run_dates_.find(dag_id);
  if (it == run_dates_.end()) {
    ASSIGN_OR_RETURN(std::vector<store::Row> rows,
                     store_->ScanPartition(*t_.dag_runs, {Value::Text(std::string(dag_id))}));
    std::map<std::string, TimeMs> dates;
    int date_col = t_.dag_runs->FindColumn("logical_date");
    int id_col = t_.dag_runs->FindColumn("run_id");
    for (const auto& row : rows) {
      dates[row[size_t(id_col)].as_bytes()] = row[size_t(date_col)].as_int();
    }
    it = run_dates_.emplace(std::string(dag_id), std::move(dates)).first;
  }
  auto r = it->second.find(std::string(run_id));
  if (r == it->second.end()) return std::optional<TimeMs>();
  return std::optional<TimeMs>(r->second);
}

std::string StoreMetaStore::ValidText(std::string_view s) {
  if (store::IsValidUtf8(s)) return std::string(s);
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (n > 0 && i + n <= s.size() && store::IsValidUtf8(s.substr(i, n))) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += "\xef\xbf\xbd";  // U+FFFD
      ++i;
    }
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<MetaStore>> OpenStoreMetaStore(store::Store* store, bool sync,
                                                      int64_t sync_interval_ms) {
  ASSIGN_OR_RETURN(meta::Tables tables, meta::OpenTables(store));
  return std::unique_ptr<MetaStore>(
      new StoreMetaStore(store, std::move(tables), sync, sync_interval_ms));
}

}  // namespace kappa::orchestrator
