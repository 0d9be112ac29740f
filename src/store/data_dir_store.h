// Opening the table store of a data directory the way the `kappa` commands do. Writers take
// the data-dir lock and open <data_dir>/store read-write. Readers take no lock and open a
// RocksDB secondary instance (StoreOptions::read_only), which writes nothing into the data
// directory and works the same whether or not another process (e.g. `kappa up`) owns it: it
// sees what had been written, WAL included, when it was opened.
#pragma once

#include <memory>
#include <string>

#include "common/data_dir_lock.h"
#include "store/store.h"

namespace kappa::store {

struct DataDirStore {
  std::unique_ptr<DataDirLock> lock;  // held by read-write opens only
  std::unique_ptr<Store> store;
  bool read_only = false;
};

enum class StoreAccess { kReadWrite, kReadOnly };

// kReadWrite: Unavailable (naming the owner) if the lock is taken; creates the store.
// kReadOnly: never locks; NotFound (creating nothing) if the directory has no store yet.
// `what` names this process in the lock file ("kappa tables scan").
Result<DataDirStore> OpenDataDirStore(const std::string& data_dir, const std::string& what,
                                      StoreAccess access, StoreOptions base = {});

}  // namespace kappa::store
