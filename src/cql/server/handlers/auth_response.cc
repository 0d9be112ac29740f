// AUTH_RESPONSE (SASL PLAIN token "[authzid]\0user\0password") -> AUTH_SUCCESS or an
// authentication error (0x0100).
#include <openssl/crypto.h>

#include "cql/server/handlers/handlers.h"
#include "cql/protocol/wire.h"
#include "common/logging.h"
#include "security/security.h"

namespace kappa::cql {
namespace {

// Constant time for the deprecated auth.cql_users map too, so the answer time says nothing
// about how much of a guess was right (the length is no secret worth the trouble).
bool SameSecret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// The data directory's users first (security::UserStore), then auth.cql_users.
bool CheckCredentials(const ServerOptions& o, const std::string& user, const std::string& pass) {
  if (o.user_store && o.user_store->CheckPassword(user, pass)) return true;
  auto it = o.users.find(user);
  return it != o.users.end() && SameSecret(it->second, pass);
}

}  // namespace

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
  // A password guesser gets a few tries a minute per address; the others keep logging in.
  if (ctx.login_throttle && !ctx.login_throttle->Allowed(conn.peer)) {
    KLOG_WARN("cql: login of user '{}' from {} refused: too many failed logins from this "
              "address in the last minute", user, conn.peer);
    return Response::Error({ErrorCode::kBadCredentials,
                            "Too many failed logins from this address; try again in a minute"});
  }
  if (!CheckCredentials(*ctx.options, user, pass)) {
    if (ctx.login_throttle) ctx.login_throttle->Failed(conn.peer);
    KLOG_WARN("cql: failed login of user '{}' from {}", user, conn.peer);
    return Response::Error({ErrorCode::kBadCredentials,
                            "Provided username " + user + " and/or password are incorrect"});
  }
  conn.authenticated = true;
  conn.session.user = user;  // the role its statements run as (exec/authorize.cc)
  std::string out;
  WireWriter(&out).NullBytes();
  return {Opcode::kAuthSuccess, std::move(out)};
}

}  // namespace kappa::cql
