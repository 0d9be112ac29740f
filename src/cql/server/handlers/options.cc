// OPTIONS -> SUPPORTED: the CQL versions and compression algorithms this server offers.
#include "cql/server/handlers/handlers.h"
#include "cql/protocol/wire.h"

namespace kappa::cql {

Response HandleOptions(ServerContext&, ConnState&, std::string_view) {
  std::string body;
  WireWriter w(&body);
  w.StringMultimap({{"CQL_VERSION", {"3.4.5"}},
                    {"COMPRESSION", {"lz4", "snappy"}},
                    {"PROTOCOL_VERSIONS", {"3/v3", "4/v4"}}});
  return {Opcode::kSupported, std::move(body)};
}

}  // namespace kappa::cql
