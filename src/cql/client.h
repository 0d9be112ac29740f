// kappa's CQL client: talks to a Cassandra or ScyllaDB cluster (or kappa's own server) over
// the native protocol. The public header of the client library (kappa_cql_client,
// src/cql/client), used by `kappa cql`, `kappa bench cql` and the streaming jobs' Cassandra
// sink; it needs neither the server nor the store (only the store's value model,
// store/types.h). Wire format: docs/formats/cql.md.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "cql/protocol/error_code.h"
#include "store/types.h"

namespace boost::asio::ssl {
class context;
}

namespace kappa::cql {

// Consistency levels (protocol [consistency] codes).
enum class Consistency : uint16_t {
  kAny = 0x0000, kOne = 0x0001, kTwo = 0x0002, kThree = 0x0003, kQuorum = 0x0004,
  kAll = 0x0005, kLocalQuorum = 0x0006, kEachQuorum = 0x0007, kLocalOne = 0x000A,
};
// "one", "LOCAL_QUORUM", ... (case-insensitive); InvalidArgument naming the valid ones.
Result<Consistency> ParseConsistency(std::string_view name);

struct ClientOptions {
  // Where to discover the cluster: host or host:port. The client connects to the first that
  // answers, reads system.local and system.peers there, and then connects to every host of
  // the cluster (peers use the port of the contact point that answered).
  std::vector<std::string> contact_points = {"127.0.0.1"};
  uint16_t port = 9042;
  std::string keyspace;  // USE'd on every connection when set
  std::string username;  // SASL PLAIN credentials when the server asks
  std::string password;
  int connections_per_host = 1;  // per host of the cluster
  Consistency consistency = Consistency::kOne;  // of every QUERY and EXECUTE
  int connect_timeout_ms = 5000;   // TCP connect, and each handshake step; 0 = no limit
  // A request unanswered this long fails its connection with TimedOut (the client then
  // reconnects in the background); 0 = no limit.
  int request_timeout_ms = 12000;
  // Retries of idempotent requests on connection loss / overload / unavailable.
  int max_retries = 2;
  // Highest protocol version tried first; the client steps down on a version error.
  uint8_t max_protocol_version = 4;
  std::string compression;  // "", "lz4" or "snappy"
  // The data center whose hosts serve the requests, as the DataStax drivers' DC-aware
  // policy does: hosts of other data centers are neither connected to nor used (so LOCAL_*
  // consistency levels stay local). Empty: the data center of the contact point that
  // answered. InvalidArgument at Connect when no host of the cluster is in it.
  std::string local_datacenter;
  // TLS (Cassandra's client_encryption_options on the server side): every connection runs
  // a TLS client handshake with this context (security::MakeClientTlsContext: the CA to
  // trust, an optional client certificate) and checks the server's certificate against the
  // host it connects to. Null: plaintext.
  std::shared_ptr<boost::asio::ssl::context> tls;
};

// A decoded result column value: null, or the native serialization with its type.
struct ClientColumn {
  std::string keyspace, table, name;
  store::Type type;
};

// Column specs, shared: a prepared statement's result columns are decoded once and every
// result of it that skips metadata points at them.
using ClientColumns = std::shared_ptr<const std::vector<ClientColumn>>;
// An empty ClientColumns (shared; no allocation per use).
const ClientColumns& NoClientColumns();

struct ClientResult {
  enum class Kind { kVoid, kRows, kSetKeyspace, kSchemaChange, kPrepared };
  Kind kind = Kind::kVoid;
  ClientColumns columns = NoClientColumns();  // never null
  std::vector<std::vector<store::Value>> rows;  // decoded with the column types
  std::string paging_state;                     // non-empty: more pages
  std::string keyspace;                         // kSetKeyspace
  std::string schema_change;                    // "CREATED TABLE ks.t"
};

// A host of the cluster as the client sees it (from system.local / system.peers).
struct ClientHost {
  std::string address;  // what the client connects to
  uint16_t port = 9042;
  std::string datacenter;
  std::string host_id;
  size_t tokens = 0;             // ring tokens the host owns
  int live_connections = 0;
  bool local = true;             // in the local data center (the only hosts used)
};

// A prepared statement handle (valid on every connection of the client that made it).
struct PreparedStatement {
  std::string query;
  std::string id;
  std::vector<ClientColumn> bind_columns;
  std::vector<int> pk_indexes;
  ClientColumns result_columns = NoClientColumns();  // never null
};

// About the bytes `values` take as bound [value]s in a request (exact for strings and
// fixed-size values): sizes request buffers, and bounds the Cassandra sink's BATCHes.
size_t BoundValuesSize(const std::vector<store::Value>& values);

// BATCH message types (protocol section 4.1.7).
enum class BatchType : uint8_t { kLogged = 0, kUnlogged = 1, kCounter = 2 };

// One statement of a BATCH: a prepared statement of this client and its bound values.
struct BatchStatement {
  std::shared_ptr<PreparedStatement> prepared;
  std::vector<store::Value> values;
};

// A CQL client: a pool of connections, each multiplexing many streams. Thread-safe; the
// synchronous calls below may be made from many threads at once, and ExecuteAsync lets one
// thread keep many requests in flight.
class Client {
 public:
  virtual ~Client() = default;
  // Connects to the first reachable contact point, negotiating the protocol version
  // (4, then 3) and authenticating if asked. Unavailable if no contact point answers;
  // InvalidArgument with the server's message for bad credentials.
  static Result<std::unique_ptr<Client>> Connect(const ClientOptions& options);

  // Errors carry the server's message; the CQL error code is in ErrorCodeOf(status).
  virtual Result<ClientResult> Query(const std::string& cql,
                                     const std::vector<store::Value>& values = {},
                                     int page_size = 0, const std::string& paging_state = {}) = 0;
  virtual Result<std::shared_ptr<PreparedStatement>> Prepare(const std::string& cql) = 0;
  // Re-prepares transparently when the server answers UNPREPARED. Token-aware: when every
  // partition key column is bound, the request goes to the host owning the key's Murmur3
  // token (then to the other hosts in ring order when that host is down); otherwise round
  // robin over live hosts. Dead connections are re-opened in the background with backoff.
  virtual Result<ClientResult> Execute(const PreparedStatement& p,
                                       const std::vector<store::Value>& values,
                                       int page_size = 0, const std::string& paging_state = {}) = 0;
  // Asynchronous execute: `done` runs on a client I/O thread.
  virtual void ExecuteAsync(const std::shared_ptr<PreparedStatement>& p,
                            std::vector<store::Value> values,
                            std::function<void(Result<ClientResult>)> done) = 0;
  // Asynchronous BATCH of prepared statements: applied together (a LOGGED batch atomically
  // across partitions; an UNLOGGED one atomically only within one partition, as Cassandra
  // does). Routed like the first statement; re-prepares a statement the server does not
  // know, and retries like ExecuteAsync. `done` gets a kVoid result, on a client I/O thread.
  // InvalidArgument at once for an empty batch or more than 65535 statements.
  virtual void BatchAsync(BatchType type, std::vector<BatchStatement> statements,
                          std::function<void(Result<ClientResult>)> done) = 0;
  // The synchronous form of BatchAsync.
  Result<ClientResult> Batch(BatchType type, std::vector<BatchStatement> statements);
  // The negotiated protocol version.
  virtual int protocol_version() const = 0;
  // The hosts discovered at Connect, in ring order of their first token; a snapshot.
  virtual std::vector<ClientHost> hosts() const = 0;
  // Index in hosts() of the host a prepared statement with these values is routed to
  // first (the token's owner), or -1 when not token-aware (unbound key, no ring).
  virtual int RouteOf(const PreparedStatement& p, const std::vector<store::Value>& values) const = 0;
  virtual void Close() = 0;
};

// The CQL error code of a Status returned by the client when the server answered with an
// ERROR (kInvalid, kWriteTimeout, kUnavailable, kBadCredentials, ...); nullopt when the
// error did not come from the server's answer (connection lost, timed out, bad response).
// Decide on this code, not on the message text.
std::optional<ErrorCode> ErrorCodeOf(const Status& s);

// Splits a script into statements at top-level ';' (outside strings and comments), as
// cqlsh does before sending them one by one: the shell's -f files and multi-line input.
// Each element excludes the ';'. A trailing fragment without ';' is returned in *rest (may
// be empty).
std::vector<std::string> SplitStatements(std::string_view script, std::string* rest);

}  // namespace kappa::cql
