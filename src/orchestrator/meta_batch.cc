// PutBatch (meta_batch.h): one store batch where the MetaStore has one, else the writes one
// after the other.
#include "orchestrator/meta_batch.h"

#include <type_traits>

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

}  // namespace kappa::orchestrator
