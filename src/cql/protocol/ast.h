// The CQL abstract syntax tree produced by the parser (parser.h). Plain data; executors
// (exec/*.cc) bind it to a schema. Identifiers are already case-folded: unquoted names are
// lower-cased, "quoted" names keep their case.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace kappa::cql {

// A term: a literal, a bind marker, a function call or a collection literal.
struct Term {
  enum class Kind {
    kString,    // 'text' (unescaped) or $$text$$
    kInteger,   // -?[0-9]+ as written
    kFloat,     // 1.5, -2e10, NaN, Infinity
    kBoolean,   // text is "true" or "false"
    kUuid,      // canonical text
    kBlob,      // text is the hex digits after 0x
    kNull,
    kBindMarker,  // bind_index is the marker's position in the statement
    kFunction,    // text is the lower-cased name, args the arguments
    kList,        // [a, b]
    kSet,         // {a, b}
    kMap,         // {k: v, ...}: args alternate key, value
  };
  Kind kind = Kind::kNull;
  std::string text;
  int bind_index = -1;
  std::string bind_name;  // for :name markers; empty for ?
  std::vector<Term> args;
};

struct TableName {
  std::string keyspace;  // empty: the connection's current keyspace
  std::string name;
};

enum class RelationOp { kEq, kLt, kLe, kGt, kGe, kNe, kIn, kContains, kContainsKey };

// A WHERE/IF condition.
struct Relation {
  bool token = false;                // token(c1, c2, ...) op term
  std::vector<std::string> columns;  // one column, or the token() arguments
  RelationOp op = RelationOp::kEq;
  Term value;                        // the right side (for IN ?: a bind marker)
  std::vector<Term> in_values;       // IN (a, b, c)
  bool in_list = false;              // in_values is used
};

struct Selector {
  enum class Kind { kColumn, kCountStar, kCount, kToken, kWriteTime, kTtl };
  Kind kind = Kind::kColumn;
  std::vector<std::string> columns;  // the column, or the function arguments
  std::string alias;
};

struct ColumnDef {
  std::string name;
  std::string type;  // canonical CQL type text, e.g. "text", "map<text, int>"
  bool is_static = false;
};

struct UseStmt { std::string keyspace; };

struct CreateKeyspaceStmt {
  std::string name;
  bool if_not_exists = false;
  std::map<std::string, std::string> replication;
  bool durable_writes = true;
};

struct DropKeyspaceStmt {
  std::string name;
  bool if_exists = false;
};

struct CreateTableStmt {
  TableName table;
  bool if_not_exists = false;
  std::vector<ColumnDef> columns;
  std::vector<std::string> partition_key;
  std::vector<std::string> clustering;
  std::vector<std::pair<std::string, bool>> clustering_order;  // (column, descending)
  std::map<std::string, std::string> options;                // other WITH options, as text
};

struct DropTableStmt {
  TableName table;
  bool if_exists = false;
};

struct AlterTableStmt {
  TableName table;
  bool add = true;                  // ADD columns, else DROP names
  std::vector<ColumnDef> columns;   // for ADD; for DROP only names are set
};

struct TruncateStmt { TableName table; };

struct UsingClause {
  std::optional<Term> ttl;
  std::optional<Term> timestamp;
};

struct InsertStmt {
  TableName table;
  std::vector<std::string> columns;
  std::vector<Term> values;
  std::optional<Term> json;  // INSERT ... JSON 'doc'
  bool json_default_unset = false;
  bool if_not_exists = false;
  UsingClause using_;
};

struct Assignment {
  // kSet: column = value; kAdd / kSubtract: column = column + value / column - value
  // (counter increments and decrements, collection appends and removals); kPrepend:
  // column = value + column (lists); kSetElement: column[element] = value (a list index or
  // a map key).
  enum class Op { kSet, kAdd, kSubtract, kPrepend, kSetElement };
  std::string column;
  Op op = Op::kSet;
  Term value;
  Term element;  // kSetElement
};

struct UpdateStmt {
  TableName table;
  UsingClause using_;
  std::vector<Assignment> assignments;
  std::vector<Relation> where;
  bool if_exists = false;
  std::vector<Relation> conditions;
};

struct DeleteStmt {
  TableName table;
  std::vector<std::string> columns;  // empty: the whole row(s)
  // Per column: DELETE c[element] (a list index, a set element or a map key), else nullopt.
  std::vector<std::optional<Term>> elements;
  UsingClause using_;
  std::vector<Relation> where;
  bool if_exists = false;
  std::vector<Relation> conditions;
};

struct SelectStmt {
  TableName table;
  bool json = false;
  bool distinct = false;
  std::vector<Selector> selectors;  // empty: SELECT *
  std::vector<Relation> where;
  std::vector<std::pair<std::string, bool>> order_by;  // (column, descending)
  std::optional<Term> limit;
  std::optional<Term> per_partition_limit;
  bool allow_filtering = false;
};

// DESCRIBE (Cassandra 4.0's server-side form; exec/describe.cc).
struct DescribeStmt {
  enum class Kind {
    kCluster,    // DESCRIBE CLUSTER
    kSchema,     // DESCRIBE [FULL] SCHEMA
    kKeyspaces,  // DESCRIBE KEYSPACES
    kKeyspace,   // DESCRIBE [ONLY] KEYSPACE [ks]
    kTables,     // DESCRIBE TABLES
    kTable,      // DESCRIBE TABLE [ks.]t
    kTypes,      // DESCRIBE TYPES / FUNCTIONS / AGGREGATES: kappa has none
    kGeneric,    // DESCRIBE [ks.]name: a keyspace or a table
  };
  Kind kind = Kind::kGeneric;
  bool full = false;  // FULL SCHEMA: the system keyspaces too
  bool only = false;  // ONLY KEYSPACE: without its tables
  std::string keyspace;  // kKeyspace, kTable, kGeneric; empty: the session's
  std::string name;      // kTable, kGeneric
};

// ---- roles and permissions (Cassandra's role manager and authorizer statements) ----
// Role options of CREATE/ALTER ROLE (and the legacy CREATE/ALTER USER); unset: not given.
struct RoleOptionsClause {
  std::optional<std::string> password;
  std::optional<bool> login;
  std::optional<bool> superuser;
};

// CREATE ROLE [IF NOT EXISTS] r [WITH PASSWORD = 'p' AND LOGIN = b AND SUPERUSER = b];
// CREATE USER [IF NOT EXISTS] u [WITH PASSWORD 'p'] [SUPERUSER | NOSUPERUSER] (LOGIN true).
struct CreateRoleStmt {
  std::string name;
  bool if_not_exists = false;
  RoleOptionsClause options;
};
struct AlterRoleStmt {  // ALTER ROLE r WITH ...; ALTER USER u WITH PASSWORD 'p' ...
  std::string name;
  RoleOptionsClause options;
};
struct DropRoleStmt {  // DROP ROLE [IF EXISTS] r; DROP USER [IF EXISTS] u
  std::string name;
  bool if_exists = false;
};
struct ListRolesStmt {  // LIST ROLES [OF r] [NORECURSIVE]; LIST USERS
  std::string of;  // empty: every role
  bool users = false;  // LIST USERS: the columns name, super, datacenters
  bool recursive = true;  // NORECURSIVE: only the roles granted to `of` directly
};
// GRANT role TO grantee; REVOKE role FROM grantee (role membership, Cassandra 2.2+).
struct GrantRoleStmt {
  bool revoke = false;
  std::string role;
  std::string grantee;
};

// A resource of GRANT/REVOKE/LIST PERMISSIONS: ALL KEYSPACES, KEYSPACE k, [TABLE] [k.]t.
struct DataResource {
  enum class Kind { kAllKeyspaces, kKeyspace, kTable };
  Kind kind = Kind::kAllKeyspaces;
  TableName table;  // kKeyspace: table.keyspace; kTable: the table (keyspace may be empty)
};

// GRANT perm ON resource TO role; REVOKE perm ON resource FROM role. Permissions are
// upper-case (SELECT, MODIFY, CREATE, ALTER, DROP, AUTHORIZE, DESCRIBE, EXECUTE); ALL
// [PERMISSIONS] is "ALL".
struct GrantStmt {
  bool revoke = false;
  std::string permission;
  DataResource resource;
  std::string role;
};
// LIST (ALL [PERMISSIONS] | perm [PERMISSION]) [ON resource] [OF role] [NORECURSIVE].
struct ListPermissionsStmt {
  std::string permission;                 // "ALL" or one permission
  std::optional<DataResource> resource;   // nullopt: every resource
  std::string of;                         // empty: every role
  bool recursive = true;  // NORECURSIVE: the resource only, not its parents
};

struct Statement;
struct BatchStmt {
  enum class Type { kLogged, kUnlogged, kCounter };
  Type type = Type::kLogged;
  UsingClause using_;
  std::vector<Statement> statements;  // INSERT/UPDATE/DELETE only
};

using StatementBody =
    std::variant<UseStmt, CreateKeyspaceStmt, DropKeyspaceStmt, CreateTableStmt, DropTableStmt,
                 AlterTableStmt, TruncateStmt, InsertStmt, UpdateStmt, DeleteStmt, SelectStmt,
                 BatchStmt, DescribeStmt, CreateRoleStmt, AlterRoleStmt, DropRoleStmt,
                 ListRolesStmt, GrantStmt, GrantRoleStmt, ListPermissionsStmt>;

struct Statement {
  StatementBody body;
  int bind_count = 0;                   // number of bind markers (? and :name)
  std::vector<std::string> bind_names;  // per marker: its name, or "" for ?
};

}  // namespace kappa::cql
