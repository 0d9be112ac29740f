// Internal interface of the statement executors (one per file in this folder).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cql/protocol/ast.h"
#include "cql/server/bind.h"
#include "cql/server/error.h"
#include "cql/server/exec/collection_ops.h"
#include "cql/server/executor.h"
#include "cql/server/result.h"
#include "store/store.h"

namespace kappa::cql {

struct ExecContext {
  Executor* executor;
  store::Store* store;
  Session* session;
  const QueryOptions* options;
  BindValues binds;
  const Prepared* prepared = nullptr;  // the prepared statement being executed, if any
};

using TablePtr = std::shared_ptr<const store::TableSchema>;

// The table a statement names (keyspace defaults to the session's). Invalid with
// Cassandra's messages for a missing keyspace/table or no keyspace in use.
Outcome<TablePtr> ResolveTable(const TableName& name, const ExecContext& ctx);
std::string EffectiveKeyspace(const TableName& name, const ExecContext& ctx);

// A write planned by INSERT/UPDATE/DELETE, applied to the store or added to a batch.
struct Mutation {
  enum class Kind { kUpsert, kDeleteRow, kDeletePartition, kDeleteRange };
  Kind kind = Kind::kUpsert;
  TablePtr table;
  store::Row row;                  // kUpsert
  // kUpsert from a prepared INSERT: the regular columns' bound bytes, stored as they are
  // (store::WriteBatch::UpsertNative); `row` then holds only the primary key (the rest
  // unset). They point into the request's bound values.
  std::vector<store::NativeCell> native;
  std::vector<store::Value> key;   // deletes: primary key / partition key
  store::ClusteringRange range;    // kDeleteRange
  store::WriteOptions write;
  // kUpsert: in-place collection updates, applied to the row's current values when the
  // mutation is written (a read-modify-write; collection_ops.h). Their columns are unset in
  // `row`.
  std::vector<CollectionOp> ops;
};
// Adds a kUpsert mutation to `b` (Upsert, or UpsertNative when it carries native cells).
Status AddUpsert(const Mutation& m, store::WriteBatch* b);

Outcome<std::vector<Mutation>> PlanInsert(const InsertStmt& s, const ExecContext& ctx);
Outcome<std::vector<Mutation>> PlanUpdate(const UpdateStmt& s, const ExecContext& ctx);
Outcome<std::vector<Mutation>> PlanDelete(const DeleteStmt& s, const ExecContext& ctx);
// Applies UPDATE/DELETE mutations; with IF EXISTS or IF conditions, as one atomic
// conditional write of a single row answered with an [applied] result (conditional.cc).
Outcome<ResultMessage> ExecConditional(const std::vector<Mutation>& muts, bool if_exists,
                                       const std::vector<Relation>& conditions, ExecContext& ctx);
// Adds an upsert with in-place collection updates to `b`, computed from `current` (the row
// as read under its LWT stripe, with cell metadata; nullopt: none). The changed collections
// are written with a timestamp above their current cells' (their new whole value must win
// over the value it was computed from); the statement's other cells keep its own.
Outcome<void> AddWithOps(const Mutation& m, const std::optional<store::Row>& current,
                         store::Store* s, store::WriteBatch* b);
// Applies mutations atomically: all of them or none (one store WriteBatch, or the
// connection's WriteGroup when one is active and no range delete must read first).
Outcome<void> ApplyMutations(const std::vector<Mutation>& m, const ExecContext& ctx);

// The one BATCH path (batch.cc), shared by the BATCH message and BEGIN ... APPLY BATCH:
// plans one member statement (INSERT/UPDATE/DELETE; the batch's USING TIMESTAMP applies
// where the member has none; no conditions) and appends its mutations to *out; then
// CommitBatch checks Cassandra's counter rules for the batch type and writes all of them in
// one atomic store write.
Outcome<void> PlanBatchMember(const Statement& st, const UsingClause* batch_using,
                              const ExecContext& ctx,
                              std::vector<Mutation>* out);
Outcome<ResultMessage> CommitBatch(BatchStmt::Type type, const std::vector<Mutation>& planned,
                                   const ExecContext& ctx);

// CREATE/ALTER TABLE: Cassandra's rules for non-frozen collections (never nested, never in
// the primary key; create_table.cc).
Outcome<void> CheckCollectionType(const std::string& name, const std::string& text,
                                  const store::Type& type, bool key);

Outcome<ResultMessage> ExecUse(const UseStmt& s, ExecContext& ctx);
Outcome<ResultMessage> ExecCreateKeyspace(const CreateKeyspaceStmt& s, ExecContext& ctx);
Outcome<ResultMessage> ExecDropKeyspace(const DropKeyspaceStmt& s, ExecContext& ctx);
Outcome<ResultMessage> ExecCreateTable(const CreateTableStmt& s, ExecContext& ctx);
Outcome<ResultMessage> ExecDropTable(const DropTableStmt& s, ExecContext& ctx);
Outcome<ResultMessage> ExecAlterTable(const AlterTableStmt& s, ExecContext& ctx);
Outcome<ResultMessage> ExecTruncate(const TruncateStmt& s, ExecContext& ctx);
Outcome<ResultMessage> ExecInsert(const InsertStmt& s, ExecContext& ctx);
Outcome<ResultMessage> ExecUpdate(const UpdateStmt& s, ExecContext& ctx);
Outcome<ResultMessage> ExecDelete(const DeleteStmt& s, ExecContext& ctx);
Outcome<ResultMessage> ExecSelect(const SelectStmt& s, ExecContext& ctx);
Outcome<ResultMessage> ExecBatch(const BatchStmt& s, ExecContext& ctx);
Outcome<ResultMessage> ExecDescribe(const DescribeStmt& s, ExecContext& ctx);
// Roles and permissions (roles.cc, role_membership.cc, list_permissions.cc).
Outcome<ResultMessage> ExecCreateRole(const CreateRoleStmt& s, ExecContext& ctx);
Outcome<ResultMessage> ExecAlterRole(const AlterRoleStmt& s, ExecContext& ctx);
Outcome<ResultMessage> ExecDropRole(const DropRoleStmt& s, ExecContext& ctx);
Outcome<ResultMessage> ExecGrant(const GrantStmt& s, ExecContext& ctx);
Outcome<ResultMessage> ExecGrantRole(const GrantRoleStmt& s, ExecContext& ctx);
Outcome<ResultMessage> ExecListRoles(const ListRolesStmt& s, ExecContext& ctx);
Outcome<ResultMessage> ExecListPermissions(const ListPermissionsStmt& s, ExecContext& ctx);

// Checks what needs the schema but no bound values (exec/validate.cc): an INSERT, UPDATE or
// DELETE names the whole partition key (and clustering key where needed), a SELECT that
// filters says ALLOW FILTERING, ... Invalid with Cassandra's messages. PREPARE runs it, so
// a statement no execution could run is refused then, as Cassandra does; so does QUERY,
// for the same messages.
Outcome<void> CheckStatement(const Statement& st, const ExecContext& ctx);
// Cassandra's answer to a SELECT that filters without ALLOW FILTERING.
extern const char* const kNeedsFilteringMessage;

// Bind variable metadata of a statement (for PREPARE), and the partition key indexes.
Outcome<void> InferBindSpecs(const Statement& st, const ExecContext& ctx, PreparedResult* out);
// Result column metadata of a SELECT (for PREPARE); empty for other statements.
Outcome<std::vector<ColumnSpec>> SelectResultSpecs(const SelectStmt& s, const ExecContext& ctx);

// Value ordering for filtering (ALLOW FILTERING, system tables): <0, 0, >0. Nulls first.
int CompareValues(const store::Value& a, const store::Value& b);

}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql}  // namespace kappa::cql
