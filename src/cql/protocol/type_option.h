// Column types on the wire: the [option] notation of native_protocol_v4.spec section 6 (and
// v3's, which lacks date, time, smallint and tinyint). The server writes them in RESULT
// metadata (server/result.cc), the client reads them (client/client_codec.cc). Types are the
// store's value model (store/types.h: TypeKind numbers are the [option] ids), which is all
// of the store this needs: nothing here links it.
#pragma once

#include <cstdint>

#include "common/status.h"
#include "cql/protocol/wire.h"
#include "store/types.h"

namespace kappa::cql {

// Appends a type's [option] (id, then parameters for collections) as protocol `version`
// spells it: date, time, smallint and tinyint have ids only from v4; v3 clients get them as
// custom types naming Cassandra's marshal class, as Cassandra sends them.
void EncodeTypeOption(const store::Type& t, uint8_t version, WireWriter* w);
// Decodes an [option]; InvalidArgument for an unsupported type id.
Result<store::Type> DecodeTypeOption(WireReader* r);

}  // namespace kappa::cql
