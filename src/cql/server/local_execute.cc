// ExecuteLocal (cql/cql.h): statements through the server's Executor without a connection.
// A fresh Executor per call: its prepared-statement cache is per caller, and QUERY alone
// (parse and run) needs nothing else of the server.
#include <fmt/format.h>

#include "cql/cql.h"
#include "cql/server/executor.h"

namespace kappa::cql {

Result<int64_t> ExecuteLocal(store::Store* store, const std::vector<std::string>& statements,
                             const std::string& keyspace) {
  Executor executor(store, NodeInfo{});
  Session session;
  session.keyspace = keyspace;
  int64_t rows = 0;
  for (size_t i = 0; i < statements.size(); ++i) {
    Outcome<ResultMessage> r = executor.Query(statements[i], QueryOptions{}, session);
    if (!r.ok()) {
      return Status::InvalidArgument(fmt::format("statement {}: {}", i + 1, r.error().message));
    }
    const ResultMessage& m = r.value();
    if (m.kind == ResultMessage::Kind::kSetKeyspace) session.keyspace = m.keyspace;
    rows = m.kind == ResultMessage::Kind::kRows ? m.rows.row_count : 0;
  }
  return rows;
}

}  // namespace kappa::cql
