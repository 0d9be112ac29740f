// ExecuteLocal (cql/cql.h): statements through the server's Executor without a connection.
// A fresh Executor per call: its prepared-statement cache is per caller, and QUERY alone
// (parse and run) needs nothing else of the server.
#include <fmt/format.h>

#include "cql/cql.h"
#include "cql/protocol/wire.h"
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

namespace {

// The rows of a RESULT as values: each cell is a [bytes] in native serialization.
Status DecodeRows(const RowsResult& rows, LocalResult* out) {
  WireReader r(rows.data);
  const size_t n = out->columns.size();
  out->rows.reserve(size_t(rows.row_count));
  for (int32_t i = 0; i < rows.row_count; ++i) {
    std::vector<store::Value> row(n);
    for (size_t c = 0; c < n; ++c) {
      std::string_view bytes;
      bool null = false;
      if (!r.Bytes(&bytes, &null)) return Status::Internal("truncated rows in a local result");
      if (null) continue;  // Value() is null
      RETURN_IF_ERROR(store::DeserializeNativeInto(out->columns[c].type, bytes, &row[c]));
    }
    out->rows.push_back(std::move(row));
  }
  return Status::OK();
}

}  // namespace

Result<LocalResult> QueryLocal(store::Store* store, std::string_view statement,
                               const std::string& keyspace, int32_t page_size,
                               std::string_view paging_state) {
  Executor executor(store, NodeInfo{});
  Session session;
  session.keyspace = keyspace;
  QueryOptions options;
  options.page_size = page_size;
  options.paging_state = std::string(paging_state);
  Outcome<ResultMessage> r = executor.Query(statement, std::move(options), session);
  if (!r.ok()) return Status::InvalidArgument(r.error().message);
  ResultMessage& m = r.value();
  LocalResult out;
  out.keyspace = session.keyspace;
  switch (m.kind) {
    case ResultMessage::Kind::kRows:
      out.kind = LocalResult::Kind::kRows;
      for (const ColumnSpec& c : m.rows.columns) out.columns.push_back({c.name, c.type});
      RETURN_IF_ERROR(DecodeRows(m.rows, &out));
      out.paging_state = std::move(m.rows.paging_state);
      break;
    case ResultMessage::Kind::kSetKeyspace:
      out.kind = LocalResult::Kind::kSetKeyspace;
      out.keyspace = m.keyspace;
      break;
    case ResultMessage::Kind::kSchemaChange: {
      out.kind = LocalResult::Kind::kSchemaChange;
      const SchemaChangeResult& c = *m.schema_change;
      out.schema_change = fmt::format("{} {} {}{}{}", c.change_type, c.target, c.keyspace,
                                      c.table.empty() ? "" : ".", c.table);
      break;
    }
    default:
      out.kind = LocalResult::Kind::kVoid;
      break;
  }
  return out;
}

}  // namespace kappa::cql
