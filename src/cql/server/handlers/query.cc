// QUERY: [long string] query + parameters -> RESULT.
#include "cql/server/handlers/handlers.h"
#include "cql/protocol/wire.h"

namespace kappa::cql {

Response HandleQuery(ServerContext& ctx, ConnState& conn, std::string_view body) {
  WireReader r(body);
  std::string_view query;
  if (!r.LongString(&query)) return Response::Error(CqlError::Protocol("Malformed QUERY: truncated query string"));
  auto opts = DecodeQueryOptions(&r, conn.version);
  if (!opts.ok()) return Response::Error(opts.error());
  return ToResponse(ctx.executor->Query(query, std::move(opts).value(), conn.session),
                    conn.version);
}

}  // namespace kappa::cql
