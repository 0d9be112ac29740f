// REGISTER -> READY. SCHEMA_CHANGE events are pushed on stream -1 after each DDL; a single
// node never changes topology or status, so those registrations are accepted and silent.
#include "cql/server/handlers/handlers.h"
#include "cql/protocol/wire.h"

namespace kappa::cql {

Response HandleRegister(ServerContext&, ConnState& conn, std::string_view body) {
  WireReader r(body);
  std::vector<std::string> events;
  if (!r.StringList(&events)) {
    return Response::Error(CqlError::Protocol("Malformed REGISTER message: expected a [string list]"));
  }
  for (const auto& e : events) {
    if (e == "SCHEMA_CHANGE") conn.want_schema_events = true;
    else if (e != "TOPOLOGY_CHANGE" && e != "STATUS_CHANGE") {
      return Response::Error(CqlError::Protocol("Invalid value '" + e + "' for Type"));
    }
  }
  return {Opcode::kReady, {}};
}

}  // namespace kappa::cql
