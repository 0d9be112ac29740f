// BATCH: the one path of both forms, the BATCH message (handlers/batch.cc, via
// Executor::Batch) and BEGIN ... APPLY BATCH sent as a query (ExecBatch). Every statement
// is planned first; then all their writes are committed in one atomic store write,
// whatever the batch type: a single node needs no batch log, and atomicity is free.
// A statement that fails (a bad value, a missing key, a conditional statement, ...)
// fails the batch with nothing written.
#include "cql/server/exec/exec.h"

namespace kappa::cql {

namespace {

// Conditional statements are not run in batches (kappa does not do conditional batches).
Outcome<void> CheckNotConditional(const StatementBody& body) {
  bool conditional = false;
  if (const auto* ins = std::get_if<InsertStmt>(&body)) conditional = ins->if_not_exists;
  if (const auto* up = std::get_if<UpdateStmt>(&body)) {
    conditional = up->if_exists || !up->conditions.empty();
  }
  if (const auto* del = std::get_if<DeleteStmt>(&body)) {
    conditional = del->if_exists || !del->conditions.empty();
  }
  if (conditional) return CqlError::Invalid("Conditional statements are not supported in batches");
  return {};
}

// Cassandra's counter rules (BatchStatement.validate): counters not in LOGGED batches,
// nothing but counters in COUNTER batches, never both kinds in one batch.
Outcome<void> CheckCounters(BatchStmt::Type type, const std::vector<Mutation>& planned) {
  bool counters = false, others = false;
  for (const auto& m : planned) (m.table->is_counter_table() ? counters : others) = true;
  if (counters && type == BatchStmt::Type::kLogged) {
    return CqlError::Invalid("Cannot include a counter statement in a logged batch");
  }
  if (others && type == BatchStmt::Type::kCounter) {
    return CqlError::Invalid("Cannot include non-counter statement in a counter batch");
  }
  if (counters && others) {
    return CqlError::Invalid("Counter and non-counter mutations cannot exist in the same batch");
  }
  return {};
}

// A member's statement with the batch's USING TIMESTAMP where it has none of its own.
template <typename Stmt>
Stmt WithBatchTimestamp(const Stmt& s, const UsingClause* batch_using) {
  Stmt copy = s;
  if (batch_using && batch_using->timestamp && !copy.using_.timestamp) {
    copy.using_.timestamp = batch_using->timestamp;
  }
  return copy;
}

}  // namespace

Outcome<void> PlanBatchMember(const Statement& st, const UsingClause* batch_using,
                              const ExecContext& ctx,
                              std::vector<Mutation>* out) {
  std::vector<Mutation> m;
  if (const auto* ins = std::get_if<InsertStmt>(&st.body)) {
    CQL_TRY(m, PlanInsert(WithBatchTimestamp(*ins, batch_using), ctx));
  } else if (const auto* up = std::get_if<UpdateStmt>(&st.body)) {
    CQL_TRY(m, PlanUpdate(WithBatchTimestamp(*up, batch_using), ctx));
  } else if (const auto* del = std::get_if<DeleteStmt>(&st.body)) {
    CQL_TRY(m, PlanDelete(WithBatchTimestamp(*del, batch_using), ctx));
  } else {
    return CqlError::Invalid("Invalid statement in batch: only UPDATE, INSERT and DELETE "
                             "statements are allowed.");
  }
  CQL_TRY_VOID(CheckNotConditional(st.body));
  for (auto& x : m) out->push_back(std::move(x));
  return {};
}

Outcome<ResultMessage> CommitBatch(BatchStmt::Type type, const std::vector<Mutation>& planned,
                                   const ExecContext& ctx) {
  CQL_TRY_VOID(CheckCounters(type, planned));
  CQL_TRY_VOID(ApplyMutations(planned, ctx));
  return ResultMessage::Void();
}

// BEGIN [UNLOGGED | COUNTER] BATCH ... APPLY BATCH: the members' bind markers are numbered
// across the whole batch, so they share the query's values.
Outcome<ResultMessage> ExecBatch(const BatchStmt& s, ExecContext& ctx) {
  std::vector<Mutation> all;
  for (const auto& st : s.statements) {
    CQL_TRY_VOID(PlanBatchMember(st, &s.using_, ctx, &all));
  }
  return CommitBatch(s.type, all, ctx);
}

}  // namespace kappa::cql
