#include "cql/exec/exec.h"

namespace kappa::cql {

Outcome<bool> CheckBatchMember(const StatementBody& body, const std::vector<Mutation>& planned,
                               bool counter_batch) {
  bool conditional = false;
  if (const auto* ins = std::get_if<InsertStmt>(&body)) conditional = ins->if_not_exists;
  if (const auto* up = std::get_if<UpdateStmt>(&body)) {
    conditional = up->if_exists || !up->conditions.empty();
  }
  if (const auto* del = std::get_if<DeleteStmt>(&body)) {
    conditional = del->if_exists || !del->conditions.empty();
  }
  if (conditional) return CqlError::Invalid("Conditional statements are not supported in batches");
  for (const auto& m : planned) {
    bool counter = m.table->is_counter_table();
    if (counter && !counter_batch) {
      return CqlError::Invalid("Cannot include a counter statement in a logged batch");
    }
    if (!counter && counter_batch) {
      return CqlError::Invalid("Cannot include non-counter statement in a counter batch");
    }
  }
  return true;
}

// BATCH written as CQL text (BEGIN ... APPLY BATCH): all mutations planned first, then
// committed in one atomic store write (logged and unlogged alike: a single node needs no
// batch log; atomicity is free).
Outcome<ResultMessage> ExecBatch(const BatchStmt& s, ExecContext& ctx) {
  std::vector<Mutation> all;
  for (const auto& st : s.statements) {
    std::vector<Mutation> m;
    if (const auto* ins = std::get_if<InsertStmt>(&st.body)) {
      InsertStmt copy = *ins;
      if (!copy.using_.timestamp && s.using_.timestamp) copy.using_.timestamp = s.using_.timestamp;
      CQL_TRY(m, PlanInsert(copy, ctx));
    } else if (const auto* up = std::get_if<UpdateStmt>(&st.body)) {
      UpdateStmt copy = *up;
      if (!copy.using_.timestamp && s.using_.timestamp) copy.using_.timestamp = s.using_.timestamp;
      CQL_TRY(m, PlanUpdate(copy, ctx));
    } else if (const auto* del = std::get_if<DeleteStmt>(&st.body)) {
      DeleteStmt copy = *del;
      if (!copy.using_.timestamp && s.using_.timestamp) copy.using_.timestamp = s.using_.timestamp;
      CQL_TRY(m, PlanDelete(copy, ctx));
    }
    CQL_TRY(bool member_ok, CheckBatchMember(st.body, m, s.type == BatchStmt::Type::kCounter));
    (void)member_ok;
    for (auto& x : m) all.push_back(std::move(x));
  }
  CQL_TRY(bool ok, ApplyMutations(all, true, ctx));
  (void)ok;
  return ResultMessage::Void();
}

}  // namespace kappa::cql
