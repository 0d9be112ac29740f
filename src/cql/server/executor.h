// The CQL statement processor: parses statements, keeps prepared statements, and runs
// statements against the store (one executor function per statement kind in exec/).
// Thread-safe: many connections share one Executor; a Session is per connection.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/mutex.h"
#include "cql/protocol/ast.h"
#include "cql/server/error.h"
#include "cql/server/result.h"
#include "cql/protocol/wire.h"
#include "security/security.h"
#include "store/store.h"

namespace kappa::cql {

// Per-connection state.
struct Session {
  std::string keyspace;  // USE; empty = none
  std::string user;      // the logged-in role (AUTH_RESPONSE); empty: anonymous
  std::string host;      // the client's address, for ACLs bound to a host
};

// The options of QUERY/EXECUTE/BATCH (native_protocol_v4.spec 4.1.4).
struct QueryOptions {
  uint16_t consistency = 0x0001;
  std::vector<WireValue> values;  // in bind marker order
  std::vector<std::string> names; // non-empty: values were sent by name (flag 0x40)
  bool skip_metadata = false;
  int32_t page_size = -1;         // <= 0: no paging
  std::string paging_state;
  int64_t default_timestamp = store::WriteOptions::kNow;  // microseconds
};

// Facts about this node that system.local reports.
struct NodeInfo {
  std::string cluster_name = "kappa";
  std::string address = "127.0.0.1";  // 4 or 16 raw bytes are derived from this
  int port = 9042;
  Uuid host_id;
};

struct CachedProjection;  // exec/projection.h

struct Prepared {
  std::string query;
  std::string keyspace;  // the session keyspace when prepared
  Statement statement;
  PreparedResult meta;
  // SELECT: the projection built against the table schema the statement last ran on, reused
  // while that schema object is current (exec/projection.cc, ProjectionFor).
  // Read by every execution on every server thread, written only when the schema changed:
  // a reader-writer lock, so concurrent readers never wait on each other.
  mutable SharedMutex cache_mu;
  mutable std::shared_ptr<const CachedProjection> projection GUARDED_BY(cache_mu);
};

// Limits of the statement processor (set from ServerOptions).
struct ExecutorOptions {
  // Longest statement text accepted (QUERY, PREPARE, each query of a BATCH); a longer one gets
  // an Invalid error before it is parsed. Default 1 MiB.
  size_t max_statement_bytes = 1u << 20;
  // Bytes of prepared statements kept (estimated from their text); beyond, the least recently
  // used are evicted and an EXECUTE of one gets UNPREPARED, which drivers answer by preparing
  // again. Default 64 MiB.
  size_t prepared_cache_bytes = 64u << 20;
  // Bytes of row data one SELECT result holds at most (ServerOptions::max_result_bytes).
  size_t max_result_bytes = 64u << 20;
  // Roles (CREATE/ALTER/DROP ROLE, LIST ROLES) are these users; null: role statements are
  // refused.
  std::shared_ptr<security::UserStore> users;
  // Permissions (GRANT, REVOKE, LIST PERMISSIONS) and the checks of every statement
  // (exec/authorize.cc) when it is enabled; null: no checks, permission statements refused.
  std::shared_ptr<security::Authorizer> authorizer;
};

class Executor {
 public:
  Executor(store::Store* store, NodeInfo node, ExecutorOptions options = {});

  // QUERY: parse and run.
  Outcome<ResultMessage> Query(std::string_view cql, QueryOptions options, Session& session);
  // PREPARE: parse, infer bind variable types, cache by id (md5 of keyspace + query).
  Outcome<ResultMessage> Prepare(std::string_view cql, Session& session);
  // EXECUTE: Unprepared error (with the id) if the id is unknown.
  Outcome<ResultMessage> ExecutePrepared(std::string_view id, QueryOptions options,
                                         Session& session);
  // One statement of a BATCH: a query string or a prepared id, with its values.
  struct BatchItem {
    bool prepared = false;
    std::string query_or_id;
    std::vector<WireValue> values;
  };
  Outcome<ResultMessage> Batch(uint8_t type, const std::vector<BatchItem>& items,
                               const QueryOptions& options, Session& session);

  // Runs an already-parsed statement.
  Outcome<ResultMessage> Execute(const Statement& st, QueryOptions& options, Session& session,
                                 const Prepared* prepared = nullptr);

  store::Store* store() const { return store_; }
  const NodeInfo& node() const { return node_; }
  const ExecutorOptions& options() const { return options_; }
  // The prepared-statement cache: statements and their estimated bytes.
  size_t prepared_count() const;
  size_t prepared_bytes() const;

 private:
  std::shared_ptr<const Prepared> FindPrepared(std::string_view id);
  // Reorders values sent by name into marker order.
  Outcome<void> MapNamedValues(const Statement& st, QueryOptions& options);
  // Parses one statement text, refusing one longer than max_statement_bytes.
  Outcome<Statement> ParseLimited(std::string_view cql) const;
  // Adds `p` to the cache and evicts the least recently used beyond the byte bound (never
  // `p` itself: its PREPARED answer is about to be sent).
  void CachePrepared(const std::string& id, std::shared_ptr<const Prepared> p);

  store::Store* store_;
  NodeInfo node_;
  ExecutorOptions options_;
  // Looked up by a string_view id without building a string.
  struct IdHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // A cached statement; `last_used` (steady-clock ms) is bumped under the shared lock.
  struct CacheEntry {
    std::shared_ptr<const Prepared> prepared;
    size_t bytes = 0;
    mutable std::atomic<uint64_t> last_used{0};
  };
  // Every EXECUTE looks its statement up; PREPARE alone writes. Shared for lookups, so the
  // server threads never wait on each other here.
  mutable SharedMutex mu_;
  std::unordered_map<std::string, CacheEntry, IdHash, std::equal_to<>> prepared_ GUARDED_BY(mu_);
  size_t prepared_bytes_ GUARDED_BY(mu_) = 0;
};

}  // namespace kappa::cql
