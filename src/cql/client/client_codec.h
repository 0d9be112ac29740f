// Encoding of the client's request parameters and decoding of RESULT bodies. Private to the
// CQL client (client.cc). Wire format: docs/formats/cql.md.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "cql/client/client_connection.h"
#include "cql/client.h"
#include "cql/protocol/wire.h"

namespace kappa::cql {

// The <query_parameters> of QUERY and EXECUTE (consistency, values, paging).
void EncodeParams(Consistency consistency, const std::vector<store::Value>& values,
                  int page_size, const std::string& paging_state, WireWriter* w,
                  bool skip_metadata = false);

// <n:short><value>... : bound values as QUERY, EXECUTE and BATCH statements carry them.
void EncodeValues(const std::vector<store::Value>& values, WireWriter* w);

// Result or prepared metadata. `prepared_bind`: the bind metadata of a PREPARED result
// (protocol v4 carries pk_indexes there). `skipped`: when given and the server skipped the
// column specs (No_metadata), their count is stored there and no columns are returned;
// otherwise it is set to -1 (without it, such columns come back blank).
Result<std::vector<ClientColumn>> DecodeMetadata(WireReader* r, std::string* paging_state,
                                                 bool prepared_bind = false,
                                                 std::vector<int>* pk_indexes = nullptr,
                                                 int32_t* skipped = nullptr);

// A RESULT (or ERROR, returned as its Status). `known`: the prepared result columns, used
// when the server skipped the metadata.
Result<ClientResult> DecodeResult(const ClientFrame& f, const ClientColumns* known);

}  // namespace kappa::cql
