// PREPARE: [long string] query -> RESULT Prepared (id, bind and result metadata).
#include "cql/server/handlers/handlers.h"
#include "cql/protocol/wire.h"

namespace kappa::cql {

Response HandlePrepare(ServerContext& ctx, ConnState& conn, std::string_view body) {
  WireReader r(body);
  std::string_view query;
  if (!r.LongString(&query)) return Response::Error(CqlError::Protocol("Malformed PREPARE: truncated query string"));
  return ToResponse(ctx.executor->Prepare(query, conn.session), conn.version);
}

}  // namespace kappa::cql
