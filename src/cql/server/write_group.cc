#include "cql/server/write_group.h"

namespace kappa::cql {
namespace {
thread_local WriteGroup* current_group = nullptr;
}  // namespace

WriteGroup::WriteGroup(store::Store* store)
    : store_(store), batch_(store->NewWriteBatch()), previous_(current_group) {
  current_group = this;
}

WriteGroup::~WriteGroup() { current_group = previous_; }

WriteGroup* WriteGroup::Current() { return current_group; }

Status WriteGroup::Commit() {
  Status s = store_->Write(batch_);
  batch_.Clear();
  return s;
}

}  // namespace kappa::cql
