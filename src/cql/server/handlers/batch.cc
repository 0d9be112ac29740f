// BATCH: type (0 logged, 1 unlogged, 2 counter), statements (query strings or prepared ids
// with their values), consistency, flags -> RESULT Void. All statements are committed in one
// atomic store write.
#include "cql/server/handlers/handlers.h"
#include "cql/protocol/wire.h"

namespace kappa::cql {

Response HandleBatch(ServerContext& ctx, ConnState& conn, std::string_view body) {
  WireReader r(body);
  uint8_t type;
  uint16_t n;
  if (!r.Byte(&type) || !r.Short(&n)) return Response::Error(CqlError::Protocol("Malformed BATCH: truncated header"));
  if (type > 2) return Response::Error(CqlError::Protocol("Invalid BATCH type " + std::to_string(type)));
  std::vector<Executor::BatchItem> items(n);
  for (auto& item : items) {
    uint8_t kind;
    std::string_view q;
    if (!r.Byte(&kind)) return Response::Error(CqlError::Protocol("Malformed BATCH: truncated statement"));
    if (kind == 0) {
      if (!r.LongString(&q)) return Response::Error(CqlError::Protocol("Malformed BATCH: truncated query"));
    } else if (kind == 1) {
      item.prepared = true;
      if (!r.ShortBytes(&q)) return Response::Error(CqlError::Protocol("Malformed BATCH: truncated id"));
    } else {
      return Response::Error(CqlError::Protocol("Invalid BATCH statement kind " + std::to_string(kind)));
    }
    item.query_or_id = std::string(q);
    uint16_t nv;
    if (!r.Short(&nv)) return Response::Error(CqlError::Protocol("Malformed BATCH: truncated values"));
    item.values.resize(nv);
    for (auto& v : item.values) {
      if (!r.Value(&v)) return Response::Error(CqlError::Protocol("Malformed BATCH: truncated value"));
    }
  }
  QueryOptions o;
  uint8_t flags = 0;
  if (!r.Short(&o.consistency) || !r.Byte(&flags)) {
    return Response::Error(CqlError::Protocol("Malformed BATCH: truncated consistency/flags"));
  }
  if (flags & 0x10) {
    uint16_t serial;
    if (!r.Short(&serial)) return Response::Error(CqlError::Protocol("Malformed BATCH: truncated serial consistency"));
  }
  if (flags & 0x20) {
    if (!r.Long(&o.default_timestamp)) return Response::Error(CqlError::Protocol("Malformed BATCH: truncated timestamp"));
  }
  return ToResponse(ctx.executor->Batch(type, items, o, conn.session), conn.version);
}

}  // namespace kappa::cql
