// AUTH_RESPONSE (SASL PLAIN token "[authzid]\0user\0password") -> AUTH_SUCCESS or an
// authentication error (0x0100).
#include "cql/server/handlers/handlers.h"
#include "cql/protocol/wire.h"

namespace kappa::cql {

Response HandleAuthResponse(ServerContext& ctx, ConnState& conn, std::string_view body) {
  if (!ctx.auth_required) {
    return Response::Error(CqlError::Protocol("Unexpected AUTH_RESPONSE: authentication is not enabled"));
  }
  WireReader r(body);
  std::string_view token;
  bool null = false;
  if (!r.Bytes(&token, &null) || null) {
    return Response::Error(CqlError::Protocol("Malformed AUTH_RESPONSE: expected [bytes]"));
  }
  size_t a = token.find('\0');
  size_t b = a == std::string_view::npos ? a : token.find('\0', a + 1);
  if (b == std::string_view::npos) {
    return Response::Error({ErrorCode::kBadCredentials,
                            "Authentication failed: malformed SASL PLAIN token"});
  }
  std::string user(token.substr(a + 1, b - a - 1));
  std::string pass(token.substr(b + 1));
  if (user == "cassandra" && pass == "cassandra" && !ctx.options->allow_default_credentials) {
    return Response::Error({ErrorCode::kBadCredentials,
                            "Provided username cassandra and/or password are incorrect: the "
                            "default credentials cassandra/cassandra are refused; configure "
                            "another user (or allow default credentials explicitly)"});
  }
  auto it = ctx.options->users.find(user);
  if (it == ctx.options->users.end() || it->second != pass) {
    return Response::Error({ErrorCode::kBadCredentials,
                            "Provided username " + user + " and/or password are incorrect"});
  }
  conn.authenticated = true;
  std::string out;
  WireWriter(&out).NullBytes();
  return {Opcode::kAuthSuccess, std::move(out)};
}

}  // namespace kappa::cql
