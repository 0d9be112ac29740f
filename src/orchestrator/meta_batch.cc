// PutBatch (meta_batch.h): one store batch where the MetaStore has one, else the writes one
// after the other.
#include "orchestrator/meta_batch.h"

#include <string>
#include <type_traits>
#include <unordered_set>

namespace kappa::orchestrator {

Status PutBatch(MetaStore* meta, const std::vector<MetaWrite>& writes) {
  if (auto* batched = dynamic_cast<BatchedMetaStore*>(meta)) return batched->PutBatch(writes);
  for (const MetaWrite& w : writes) {
    Status s = std::visit(
        [meta](const auto& row) -> Status {
          using T = std::decay_t<decltype(row)>;
          if constexpr (std::is_same_v<T, DagRecord>) {
            return meta->PutDag(row);
          } else if constexpr (std::is_same_v<T, DagRun>) {
            return meta->PutRun(row);
          } else {
            return meta->PutTask(row);
          }
        },
        w);
    RETURN_IF_ERROR(s);
  }
  return Status::OK();
}

namespace {

std::string RowKey(const MetaWrite& w) {
  std::string key;
  auto add = [&key](std::string_view part) {
    key.append(part);
    key.push_back('\0');
  };
  if (const auto* dag = std::get_if<DagRecord>(&w)) {
    add("d");
    add(dag->dag_id);
  } else if (const auto* run = std::get_if<DagRun>(&w)) {
    add("r");
    add(run->dag_id);
    add(run->run_id);
  } else {
    const auto& ti = std::get<TaskInstance>(w);
    add("t");
    add(ti.dag_id);
    add(ti.run_id);
    add(ti.task_id);
  }
  return key;
}

}  // namespace

void CoalesceWrites(std::vector<MetaWrite>* writes) {
  if (writes->size() < 2) return;
  // From the back: the first time a row is seen is its last write, the one kept.
  std::unordered_set<std::string> seen;
  seen.reserve(writes->size());
  std::vector<bool> keep(writes->size());
  size_t kept = 0;
  for (size_t i = writes->size(); i-- > 0;) {
    keep[i] = seen.insert(RowKey((*writes)[i])).second;
    kept += keep[i];
  }
  if (kept == writes->size()) return;
  size_t out = 0;
  for (size_t i = 0; i < writes->size(); ++i) {
    if (keep[i]) {
      if (out != i) (*writes)[out] = std::move((*writes)[i]);
      ++out;
    }
  }
  writes->resize(out);
}

}  // namespace kappa::orchestrator
