// EXECUTE: [short bytes] id + parameters -> RESULT, or ERROR Unprepared (0x2500) with the id
// when this server does not know it (the driver then re-prepares).
#include "cql/server/handlers/handlers.h"
#include "cql/protocol/wire.h"

namespace kappa::cql {

Response HandleExecute(ServerContext& ctx, ConnState& conn, std::string_view body) {
  WireReader r(body);
  std::string_view id;
  if (!r.ShortBytes(&id)) return Response::Error(CqlError::Protocol("Malformed EXECUTE: truncated statement id"));
  auto opts = DecodeQueryOptions(&r, conn.version);
  if (!opts.ok()) return Response::Error(opts.error());
  return ToResponse(ctx.executor->ExecutePrepared(id, std::move(opts).value(), conn.session),
                    conn.version);
}

}  // namespace kappa::cql
