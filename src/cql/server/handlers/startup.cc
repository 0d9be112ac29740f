// STARTUP -> READY, or AUTHENTICATE when the server requires authentication.
#include "cql/server/handlers/handlers.h"
#include "cql/protocol/wire.h"

namespace kappa::cql {

Response HandleStartup(ServerContext& ctx, ConnState& conn, std::string_view body) {
  WireReader r(body);
  std::map<std::string, std::string> opts;
  if (!r.StringMap(&opts)) {
    return Response::Error(CqlError::Protocol("Malformed STARTUP message: expected a [string map]"));
  }
  auto v = opts.find("CQL_VERSION");
  if (v == opts.end()) {
    return Response::Error(CqlError::Protocol("Missing value CQL_VERSION in STARTUP message"));
  }
  if (v->second.empty() || v->second[0] != '3') {
    return Response::Error(CqlError::Protocol("Unsupported CQL version " + v->second +
                                              "; this server supports 3.4.5"));
  }
  auto c = opts.find("COMPRESSION");
  conn.compression = Compression::kNone;
  if (c != opts.end()) {
    if (c->second == "lz4") conn.compression = Compression::kLz4;
    else if (c->second == "snappy") conn.compression = Compression::kSnappy;
    else if (!c->second.empty()) {
      return Response::Error(CqlError::Protocol("Unknown compression algorithm: " + c->second));
    }
  }
  conn.started = true;
  if (ctx.auth_required) {
    std::string out;
    WireWriter(&out).String("org.apache.cassandra.auth.PasswordAuthenticator");
    return {Opcode::kAuthenticate, std::move(out)};
  }
  conn.authenticated = true;
  return {Opcode::kReady, {}};
}

}  // namespace kappa::cql
