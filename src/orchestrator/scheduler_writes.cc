// Writing the history in batches. A burst of 1,000 DAGs due in the same millisecond costs
// about five writes per DAG before its task can start (the run and its instance, the DAG's
// cursor, the run running, the instance queued); written one by one each is a store write
// of its own (a WAL record, a write-group hand-off) under the scheduler's lock. Batched
// passes (the loop over a chunk of due DAGs, an executor thread moving its DAG on after a
// try) apply their changes in memory at once and write them as one MetaStore batch before
// any of their tries starts and before the lock is released, so the rule of the engine
// holds: nothing acts on, and no other thread sees, a state the history does not have.
// If the MetaStore refuses the batch, the tries wait (held_) and the batch is tried again
// a second later; meanwhile every further change joins it, in order, and an API change
// that needs a write fails with the store's error.
#include <fmt/format.h>

#include "common/logging.h"
#include "orchestrator/scheduler_impl.h"

namespace kappa::orchestrator::engine {

namespace {
constexpr int64_t kFlushRetryMs = 1000;
}  // namespace

Status SchedulerImpl::Persist(MetaWrite w) {
  if (batching_) {
    pending_.push_back(std::move(w));
    return Status::OK();
  }
  if (pending_.empty()) return PutBatch(meta_, {std::move(w)});
  pending_.push_back(std::move(w));
  Status s = PutBatch(meta_, pending_);
  if (!s.ok()) {
    pending_.pop_back();  // this change was not applied; the earlier ones wait for the retry
    return s;
  }
  pending_.clear();
  flush_retry_at_ = kNever;
  return Status::OK();
}

bool SchedulerImpl::FlushWrites() {
  if (pending_.empty()) return true;
  CoalesceWrites(&pending_);  // a run queued then running in one pass: one write
  Status s = PutBatch(meta_, pending_);
  if (s.ok()) {
    pending_.clear();
    flush_retry_at_ = kNever;
    return true;
  }
  KLOG_ERROR("orchestrator: writing the history failed ({} changes, {} tries waiting), "
             "retrying in 1 s: {}",
             pending_.size(), held_.size() + ready_.size(), s.ToString());
  flush_retry_at_ = clock_->NowMs() + kFlushRetryMs;
  cv_.notify_one();  // the loop sleeps towards the retry (from an executor thread too)
  timers_earlier_ = true;
  return false;
}

void SchedulerImpl::Dispatch() {
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
  for (const Job& j : ready_) Submit(j);
  ready_.clear();
}

}  // namespace kappa::orchestrator::engine
