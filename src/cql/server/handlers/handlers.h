// One handler per request opcode (this folder), and the registry the connection dispatches
// through. A handler decodes its body, does the work and returns the response message;
// protocol-level problems become ERROR responses (never exceptions, never crashes).
#pragma once

#include <atomic>
#include <string>
#include <string_view>

#include "cql/cql.h"
#include "cql/server/error.h"
#include "cql/server/executor.h"
#include "cql/protocol/frame.h"
#include "security/security.h"

namespace kappa::cql {

// Server-wide facts handlers need.
class ServerMetrics;

struct ServerContext {
  Executor* executor = nullptr;
  const ServerMetrics* metrics = nullptr;  // server_metrics.h; never null in a server
  const ServerOptions* options = nullptr;
  bool auth_required = false;
  // Failed logins per peer address (AUTH_RESPONSE); never null in a server.
  security::LoginThrottle* login_throttle = nullptr;
};

// Per-connection protocol state, touched only on the connection's own strand (its thread).
struct ConnState {
  uint8_t version = kMaxProtocolVersion;
  Compression compression = Compression::kNone;
  bool started = false;        // STARTUP received
  bool authenticated = false;  // or auth not required
  std::atomic<bool> want_schema_events{false};
  Session session;
  std::string peer;  // "127.0.0.1:53012", for the log of failed logins
};

struct Response {
  Opcode opcode = Opcode::kError;
  std::string body;
  bool close_after = false;  // close the connection once this response is written
  static Response Error(const CqlError& e) { return {Opcode::kError, EncodeErrorBody(e)}; }
  static Response Result(const ResultMessage& r, uint8_t version) {
    return {Opcode::kResult, EncodeResultBody(r, version)};
  }
};

Response HandleOptions(ServerContext& ctx, ConnState& conn, std::string_view body);
Response HandleStartup(ServerContext& ctx, ConnState& conn, std::string_view body);
Response HandleAuthResponse(ServerContext& ctx, ConnState& conn, std::string_view body);
Response HandleRegister(ServerContext& ctx, ConnState& conn, std::string_view body);
Response HandleQuery(ServerContext& ctx, ConnState& conn, std::string_view body);
Response HandlePrepare(ServerContext& ctx, ConnState& conn, std::string_view body);
Response HandleExecute(ServerContext& ctx, ConnState& conn, std::string_view body);
Response HandleBatch(ServerContext& ctx, ConnState& conn, std::string_view body);

struct HandlerInfo {
  Opcode opcode;
  Response (*handle)(ServerContext&, ConnState&, std::string_view);
  // A statement (store reads and writes): gathered with the pipelined requests after it into
  // a burst (connection.h). Otherwise the handler changes the connection's state (STARTUP,
  // AUTH_RESPONSE, REGISTER, OPTIONS) and runs at once, after the burst before it.
  bool in_burst;
};
// The registry: every request opcode the server accepts. Unknown opcodes get a protocol error.
const HandlerInfo* FindHandler(Opcode op);

// Decodes the QUERY/EXECUTE parameters that follow the query string or prepared id.
Outcome<QueryOptions> DecodeQueryOptions(WireReader* r, uint8_t version);

// A statement's outcome as a RESULT (encoded for the connection's protocol `version`) or an
// ERROR response. The statement ran with the connection's session (`ConnState::session`),
// so a USE changed its keyspace.
Response ToResponse(Outcome<ResultMessage> r, uint8_t version);

}  // namespace kappa::cql
