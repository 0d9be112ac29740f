// The CQL parser: DESCRIBE, as Cassandra 4.0's grammar has it (see parser_impl.h). The
// listing keywords (KEYSPACES, TABLES, CLUSTER, ...) are not reserved: like Cassandra,
// `DESCRIBE tables` is the listing, and a table of that name needs DESCRIBE TABLE.
#include "cql/protocol/parser_impl.h"

namespace kappa::cql::parser_internal {

Result<StatementBody> Parser::ParseDescribe() {
  DescribeStmt d;
  auto at_end = [&] { return Peek().kind == Token::Kind::kEnd || PeekPunct(";") || PeekKw("with"); };
  if (AcceptKw("cluster")) {
    d.kind = DescribeStmt::Kind::kCluster;
  } else if (PeekKw("full") && PeekKw("schema", 1)) {
    pos_ += 2;
    d.kind = DescribeStmt::Kind::kSchema;
    d.full = true;
  } else if (AcceptKw("schema")) {
    d.kind = DescribeStmt::Kind::kSchema;
  } else if (AcceptKw("keyspaces")) {
    d.kind = DescribeStmt::Kind::kKeyspaces;
  } else if ((PeekKw("only") && PeekKw("keyspace", 1)) || PeekKw("keyspace")) {
    d.only = AcceptKw("only");
    ++pos_;
    d.kind = DescribeStmt::Kind::kKeyspace;
    if (!at_end()) {
      ASSIGN_OR_RETURN(d.keyspace, Ident());
    }
  } else if (AcceptKw("tables")) {
    d.kind = DescribeStmt::Kind::kTables;
  } else if (AcceptKw("types") || AcceptKw("functions") || AcceptKw("aggregates")) {
    d.kind = DescribeStmt::Kind::kTypes;
  } else if (AcceptKw("table") || AcceptKw("columnfamily")) {
    d.kind = DescribeStmt::Kind::kTable;
    ASSIGN_OR_RETURN(TableName t, QualifiedName());
    d.keyspace = std::move(t.keyspace);
    d.name = std::move(t.name);
  } else {
    d.kind = DescribeStmt::Kind::kGeneric;
    ASSIGN_OR_RETURN(TableName t, QualifiedName());
    d.keyspace = std::move(t.keyspace);
    d.name = std::move(t.name);
  }
  // WITH INTERNALS adds ids and dropped columns in Cassandra; kappa has nothing to add.
  if (AcceptKw("with")) RETURN_IF_ERROR(ExpectKw("internals"));
  return StatementBody(std::move(d));
}

}  // namespace kappa::cql::parser_internal
