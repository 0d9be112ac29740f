// Writing several history changes as one (private to src/orchestrator). The scheduler
// gathers the writes of one pass over a burst of due DAGs and writes them before acting on
// any (scheduler_writes.cc); a MetaStore that can apply them as one store write implements
// BatchedMetaStore beside MetaStore (OpenStoreMetaStore: one WriteBatch, one WAL record).
// Kept out of the public header: it is an engine optimisation, not part of the contract
// other subsystems code against.
#pragma once

#include <variant>
#include <vector>

#include "orchestrator/orchestrator.h"

namespace kappa::orchestrator {

using MetaWrite = std::variant<DagRecord, DagRun, TaskInstance>;

class BatchedMetaStore {
 public:
  virtual ~BatchedMetaStore() = default;
  // The writes in order, atomically: all or none.
  virtual Status PutBatch(const std::vector<MetaWrite>& writes) = 0;
};

// Writes `writes` in order: as one batch if `meta` is a BatchedMetaStore, else one by one,
// stopping at the first error (a prefix is written, as a crash would leave it).
Status PutBatch(MetaStore* meta, const std::vector<MetaWrite>& writes);

// Drops every write a later write of the same row replaces (a DAG by dag_id, a run by
// (dag_id, run_id), a task instance by (dag_id, run_id, task_id)); the rest keep their
// order. Every write is a whole row, so the batch stores the same history with fewer
// writes: a burst writes a run queued and then running, an instance scheduled and then
// queued, in one pass.
void CoalesceWrites(std::vector<MetaWrite>* writes);

}  // namespace kappa::orchestrator
