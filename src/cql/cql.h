// kappa's CQL server: the Cassandra native protocol over the table store. The public header
// of the server library (kappa_cql, src/cql/server); the client has its own, cql/client.h.
// Wire format: docs/formats/cql.md.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/listener_limits.h"
#include "common/status.h"
#include "store/store.h"

namespace kappa::metrics {
class Registry;
}
namespace boost::asio::ssl {
class context;
}
namespace kappa::security {
class Authorizer;
class UserStore;
}

namespace kappa::cql {

struct ServerOptions {
  // Listen address and port (port 0: an ephemeral port, see Server::port()). Default
  // 127.0.0.1:9042. Fixed once the server started.
  std::string host = "127.0.0.1";
  uint16_t port = 9042;
  // Server threads, each with its own io_context; a connection stays on one of them (the
  // one with the fewest connections when it arrived). 0 = the number of CPUs.
  int threads = 0;
  // Authentication (PasswordAuthenticator, SASL PLAIN). kAuto: required when `host` is not a
  // loopback address, off on loopback.
  enum class Auth { kAuto, kRequired, kDisabled };
  Auth auth = Auth::kAuto;
  // username -> password. The well-known cassandra/cassandra pair is refused unless
  // `allow_default_credentials` is set, even when listed here.
  std::map<std::string, std::string> users;
  bool allow_default_credentials = false;
  // The users of the data directory (`kappa users add`, DATA_DIR/security/): checked first
  // (salted hashes, constant time), then `users` (auth.cql_users, deprecated). Users added
  // while the server runs can log in at once. Auth kAuto/kRequired count its users as
  // configured. They are also the roles of CREATE/ALTER/DROP ROLE and LIST ROLES. Null: none
  // (role statements are refused).
  std::shared_ptr<security::UserStore> user_store;
  // The data directory's ACLs: GRANT/REVOKE/LIST PERMISSIONS manage them, and with the
  // authorizer enabled (security.acls.enabled) every statement is checked against them
  // (SELECT, MODIFY, CREATE, ALTER, DROP on ALL KEYSPACES, a keyspace or a table) and
  // refused with Unauthorized, as Cassandra's CassandraAuthorizer does. Null: no checks.
  std::shared_ptr<security::Authorizer> authorizer;
  // TLS (client_encryption_options enabled): every connection runs this server context
  // (security::MakeServerTlsContext) before its first frame; the handshake must finish
  // within limits.request_timeout_ms. A failed handshake (a plaintext client, an untrusted
  // client certificate) closes the connection, as Cassandra does. Null: plain.
  std::shared_ptr<boost::asio::ssl::context> tls;
  // Reported in system.local.cluster_name.
  std::string cluster_name = "kappa";
  // Connections, timeouts and memory of the listener (common/listener.h): max_connections
  // (further connections are accepted and closed at once), idle_timeout_ms,
  // request_timeout_ms, max_output_bytes (a connection whose unsent answers exceed it is not
  // read until the client catches up), max_inflight_request_bytes.
  ListenerLimits limits;
  // Largest frame body accepted; a bigger announced length gets a protocol error and the
  // connection is closed. Default 16 MiB (Cassandra 4.0's native_transport_max_frame_size).
  uint32_t max_frame_bytes = 16u << 20;
  // Longest statement text (QUERY, PREPARE, each query of a BATCH); a longer one gets an
  // Invalid error without being parsed. Default 1 MiB.
  size_t max_statement_bytes = 1u << 20;
  // Bytes of prepared statements kept, least recently used evicted beyond (EXECUTE then
  // answers UNPREPARED and drivers prepare again). Default 64 MiB.
  size_t prepared_cache_bytes = 64u << 20;
  // Bytes of row data one result holds at most: a page ends early there (the paging state
  // goes on from the next row, so a driver reads every row), and a SELECT with paging off
  // whose result would be larger gets an Invalid error saying to page it. Bounds the memory
  // one request can take, whatever its rows' size. Default 64 MiB.
  size_t max_result_bytes = 64u << 20;
  // Where the server's metrics go (kappa_cql_*: request latency by opcode, errors by code,
  // connections; src/metrics/README.md). nullptr: metrics::Registry::Default(). Must outlive
  // the server.
  metrics::Registry* metrics = nullptr;
};

// A running CQL server. Thread-safe. The store must outlive the server.
class Server {
 public:
  virtual ~Server() = default;
  // Binds, then serves on background threads until Stop(). InvalidArgument for bad options
  // (e.g. auth required without users), IOError if the address cannot be bound.
  static Result<std::unique_ptr<Server>> Start(store::Store* store, const ServerOptions& options);
  // The bound port (the ephemeral one when options.port was 0).
  virtual uint16_t port() const = 0;
  virtual bool auth_required() const = 0;
  // Closes the listener and every connection and joins the threads. Idempotent.
  virtual void Stop() = 0;
};

// Runs CQL statements in-process against `store`, one after the other in one session (no
// listener, no authentication; `keyspace` is the session's keyspace, as after USE): for
// callers in the same process as the store, such as the orchestrator's `cql` task. Stops at
// the first failing statement: InvalidArgument "statement N: <the server's message>".
// Returns the number of rows the last statement returned (0 for statements without rows).
// Thread-safe; `store` must outlive the call. server/local_execute.cc.
Result<int64_t> ExecuteLocal(store::Store* store, const std::vector<std::string>& statements,
                             const std::string& keyspace = "");

// What one statement run by QueryLocal returned, decoded (not wire bytes): for in-process
// callers that show results, such as the console's query box.
struct LocalResult {
  enum class Kind { kVoid, kRows, kSetKeyspace, kSchemaChange } kind = Kind::kVoid;
  struct Column {
    std::string name;
    store::Type type;
  };
  std::vector<Column> columns;                  // kRows
  std::vector<std::vector<store::Value>> rows;  // kRows; a null cell is a null Value
  // kRows: non-empty when more rows follow; pass it back to QueryLocal for the next page.
  // Opaque bytes (the server's paging state, as a driver would get it).
  std::string paging_state;
  std::string keyspace;       // the session's keyspace after the statement
  std::string schema_change;  // kSchemaChange: "CREATED TABLE ks.t"
};

// Runs one statement in-process as ExecuteLocal does, and returns its result: a SELECT's
// rows `page_size` at a time (<= 0: all), resuming at `paging_state` (from the previous
// page; empty: the first). InvalidArgument with the server's message when it refuses the
// statement (syntax, unknown table, a paging state of another query). Thread-safe.
Result<LocalResult> QueryLocal(store::Store* store, std::string_view statement,
                               const std::string& keyspace = "", int32_t page_size = -1,
                               std::string_view paging_state = {});

}  // namespace kappa::cql
