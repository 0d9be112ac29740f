// Writing the history. A burst of 1,000 DAGs due in the same millisecond makes about five
// row writes per DAG (the run, its instance queued and running, the DAG's cursor, then the
// try's outcome and the run's end); written one by one under the scheduler's lock each is a
// store write of its own (a WAL record, a write-group hand-off) that every other thread
// waits behind.
//
// So every change is appended to pending_, in order, and written in batches:
// - Real time: a writer thread takes everything pending, lets go of the scheduler's lock and
//   writes it as one MetaStore batch (CoalesceWrites drops a row's superseded versions)
//   while the scheduler goes on with the next DAGs on the other core. A try is handed to an
//   executor thread at once; the thread waits for the batch holding the try's running write
//   (Job::seq) before the task is called. If the MetaStore refuses a batch, the writer tries
//   again a second later; meanwhile every further change joins it, in order, and the tries
//   wait.
// - A change made by an API call (pause, trigger, clear...) is written before the call
//   returns, after the writer's batch in flight and after everything pending (FlushWrites,
//   Persist outside a pass): an error means it was not applied.
// - Virtual time (the engine's tests): a pass writes its batch on the caller's thread
//   before any of its tries is run (Dispatch); held_ keeps the tries while the MetaStore
//   refuses it.
// So nothing acts on a state the history does not have, and the history is always a prefix
// of the engine's changes: a crash loses a suffix, never one in the middle.
#include <fmt/format.h>

#include "common/logging.h"
#include "orchestrator/scheduler_impl.h"

namespace kappa::orchestrator::engine {

namespace {
constexpr int64_t kFlushRetryMs = 1000;
}  // namespace

void SchedulerImpl::Append(MetaWrite w) {
  pending_.push_back(std::move(w));
  ++appended_seq_;
}

void SchedulerImpl::Written(size_t n) {
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<ptrdiff_t>(n));
  written_seq_ += n;
  flush_retry_at_ = kNever;
  writer_retry_at_ = kNever;
  written_cv_.notify_all();
}

void SchedulerImpl::SettleInFlight() {
  if (!in_flight_.done) return;
  const InFlight f = std::exchange(in_flight_, InFlight{});
  if (f.status.ok()) {
    Written(f.n);
    return;
  }
  KLOG_ERROR("orchestrator: writing the history failed ({} changes waiting), retrying in 1 s: {}",
             pending_.size(), f.status.ToString());
  writer_retry_at_ = clock_->NowMs() + kFlushRetryMs;
}

Status SchedulerImpl::Persist(MetaWrite w) {
  if (batching_) {
    Append(std::move(w));
    return Status::OK();
  }
  Append(std::move(w));
  if (FlushWrites()) return Status::OK();
  // This change was not applied; the earlier ones wait for the retry.
  pending_.pop_back();
  --appended_seq_;
  return last_flush_error_;
}

bool SchedulerImpl::FlushWrites() {
  MutexLock w(write_mu_);  // after the writer's batch in flight
  SettleInFlight();
  if (pending_.empty()) return true;
  std::vector<MetaWrite> batch = pending_;
  CoalesceWrites(&batch);  // a run queued then running in one pass: one write
  Status s = PutBatch(meta_, batch);
  if (s.ok()) {
    Written(pending_.size());
    return true;
  }
  last_flush_error_ = s;
  KLOG_ERROR("orchestrator: writing the history failed ({} changes, {} tries waiting), "
             "retrying in 1 s: {}",
             pending_.size(), held_.size() + ready_.size(), s.ToString());
  if (async_writes_) {
    writer_retry_at_ = clock_->NowMs() + kFlushRetryMs;
    writer_cv_.notify_one();
    return false;
  }
  flush_retry_at_ = clock_->NowMs() + kFlushRetryMs;
  cv_.notify_one();  // the loop sleeps towards the retry (from an executor thread too)
  timers_earlier_ = true;
  return false;
}

void SchedulerImpl::Dispatch() {
  if (async_writes_) {
    // Each try waits for its own write (ExecuteTry).
    if (!pending_.empty()) writer_cv_.notify_one();
  } else {
    if (!FlushWrites()) {
      held_.insert(held_.end(), ready_.begin(), ready_.end());
      ready_.clear();
      return;
    }
    if (!held_.empty()) {
      ready_.insert(ready_.begin(), held_.begin(), held_.end());
      held_.clear();
    }
    if (options_.virtual_time) return;  // RunUntil runs them on its own thread
  }
  for (const Job& j : ready_) Submit(j);
  ready_.clear();
}

void SchedulerImpl::WriterLoop() {
  MutexLock l(mu_);
  while (true) {
    const TimeMs now = clock_->NowMs();
    const bool refused = writer_retry_at_ != kNever;  // the last batch: try again at retry
    const bool can_write = !pending_.empty() && (!refused || writer_retry_at_ <= now);
    if (writer_stop_ && (pending_.empty() || refused)) {
      // Stopping: everything written, or the store refuses it (left for the next Start,
      // which redoes what the lost suffix held).
      if (!pending_.empty()) {
        KLOG_WARN("orchestrator: {} history changes not written at stop", pending_.size());
      }
      return;
    }
    if (!can_write) {
      if (refused && !pending_.empty()) {
        writer_cv_.wait_for(l, std::chrono::milliseconds(std::max<TimeMs>(1, writer_retry_at_ - now)));
      } else {
        writer_cv_.wait(l);
      }
      continue;
    }
    std::vector<MetaWrite> batch = pending_;
    write_mu_.lock();
    in_flight_ = InFlight{batch.size(), false, Status::OK()};
    l.unlock();
    CoalesceWrites(&batch);
    Status s = PutBatch(meta_, batch);
    in_flight_.done = true;
    in_flight_.status = std::move(s);
    write_mu_.unlock();
    l.lock();
    MutexLock w(write_mu_);
    SettleInFlight();  // unless a FlushWrites did it meanwhile
  }
}

}  // namespace kappa::orchestrator::engine
