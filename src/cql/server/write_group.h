// WriteGroup: plain writes of several pipelined statements committed as one store write.
//
// The server runs a burst of pipelined requests of one connection as one task
// (connection.cc). While a WriteGroup is active on that thread, INSERT/UPDATE/DELETE
// statements without conditions add their writes to the group's WriteBatch instead of
// committing them; the connection commits the group once after the burst and only then
// sends the responses (an error replaces the answers of the grouped statements if the
// commit fails). Requests in flight at the same time have no order guarantee in CQL, so
// deferring their writes to the end of the burst is allowed; what a client has seen
// answered is always committed.
//
// Thread-compatible: one WriteGroup per thread at a time (a scope object, not shared).
#pragma once

#include <optional>

#include "store/store.h"

namespace kappa::cql {

class WriteGroup {
 public:
  explicit WriteGroup(store::Store* store);
  ~WriteGroup();  // deactivates (does not commit)
  WriteGroup(const WriteGroup&) = delete;
  WriteGroup& operator=(const WriteGroup&) = delete;

  // The group active on the calling thread, or nullptr.
  static WriteGroup* Current();

  store::WriteBatch& batch() { return batch_; }
  size_t count() const { return batch_.count(); }
  // Commits what was added (one RocksDB write). OK if empty.
  Status Commit();

 private:
  store::Store* store_;
  store::WriteBatch batch_;
  WriteGroup* previous_;
};

}  // namespace kappa::cql
