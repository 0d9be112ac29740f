#include "store/data_dir_store.h"

#include <filesystem>

namespace kappa::store {

Result<DataDirStore> OpenDataDirStore(const std::string& data_dir, const std::string& what,
                                      StoreAccess access, StoreOptions base) {
  DataDirStore out;
  base.data_dir = data_dir;
  if (access == StoreAccess::kReadOnly) {
    if (!std::filesystem::exists(std::filesystem::path(data_dir) / "store" / "CURRENT")) {
      return Status::NotFound("no table store in " + data_dir + " yet (no tables were created)");
    }
    base.read_only = true;
    out.read_only = true;
  } else {
    ASSIGN_OR_RETURN(out.lock, DataDirLock::Acquire(data_dir, what));
    base.read_only = false;
  }
  ASSIGN_OR_RETURN(out.store, Store::Open(base));
  return out;
}

}  // namespace kappa::store
