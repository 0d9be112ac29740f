// ValidateDag and TopologicalOrder: what is checked about a DAG before anything runs.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <set>

#include "orchestrator/orchestrator.h"

namespace kappa::orchestrator {

namespace {

// Airflow's KEY_REGEX (^[\w.-]+$) and its 250-character limit on ids.
Status CheckId(std::string_view what, std::string_view id) {
  if (id.empty()) return Status::InvalidArgument(fmt::format("{} is empty", what));
  if (id.size() > 250) {
    return Status::InvalidArgument(fmt::format("{} '{}' is longer than 250 characters", what, id));
  }
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') {
      return Status::InvalidArgument(
          fmt::format("{} '{}' may only contain letters, digits, '_', '-' and '.'", what, id));
    }
  }
  return Status::OK();
}

Status At(std::string_view prefix, const Status& s) {
  if (s.ok()) return s;
  return Status::InvalidArgument(fmt::format("{}: {}", prefix, s.message()));
}

// "FILE:LINE:COL: task 'x'" (or "dag 'd': task 'x'" without a position).
std::string TaskPrefix(const DagSpec& dag, const TaskSpec& t) {
  return fmt::format("{}: task '{}'", t.where.empty() ? "dag '" + dag.dag_id + "'" : t.where,
                     t.task_id);
}

// Every task upstream of `task_id`, transitively (the tasks whose results it may template).
std::vector<std::string> Ancestors(const DagSpec& dag, std::string_view task_id) {
  std::set<std::string, std::less<>> seen;
  std::vector<std::string> stack{std::string(task_id)};
  while (!stack.empty()) {
    const TaskSpec* t = dag.FindTask(stack.back());
    stack.pop_back();
    if (t == nullptr) continue;
    for (const auto& up : t->upstream) {
      if (seen.insert(up).second) stack.push_back(up);
    }
  }
  return {seen.begin(), seen.end()};
}

// A cycle through the upstream edges, as "a -> b -> a" (following `after:`), or "".
std::string FindCycle(const DagSpec& dag, std::string* first) {
  enum Mark { kWhite, kGrey, kBlack };
  std::map<std::string, Mark, std::less<>> mark;
  std::vector<std::string> path;
  std::string cycle;
  std::function<bool(const TaskSpec&)> visit = [&](const TaskSpec& t) {
    mark[t.task_id] = kGrey;
    path.push_back(t.task_id);
    for (const auto& up : t.upstream) {
      const TaskSpec* u = dag.FindTask(up);
      if (u == nullptr) continue;
      if (mark[up] == kGrey) {
        auto from = std::find(path.begin(), path.end(), up);
        for (auto it = from; it != path.end(); ++it) cycle += *it + " -> ";
        cycle += up;
        *first = up;
        return true;
      }
      if (mark[up] == kWhite && visit(*u)) return true;
    }
    path.pop_back();
    mark[t.task_id] = kBlack;
    return false;
  };
  for (const auto& t : dag.tasks) {
    if (mark[t.task_id] == kWhite && visit(t)) return cycle;
  }
  return "";
}

}  // namespace

Status ValidateDag(const DagSpec& dag, const TaskTypes* types) {
  const std::string dag_where = dag.where.empty() ? "dag '" + dag.dag_id + "'" : dag.where;
  const std::string dag_prefix =
      dag.where.empty() ? dag_where : fmt::format("{}: dag '{}'", dag.where, dag.dag_id);
  RETURN_IF_ERROR(At(dag.where.empty() ? "dag" : dag.where, CheckId("dag id", dag.dag_id)));
  auto dag_error = [&](std::string_view msg) {
    return Status::InvalidArgument(fmt::format("{}: {}", dag_prefix, msg));
  };
  if (dag.end_date && *dag.end_date < dag.start_date) {
    return dag_error(fmt::format("end_date {} is before start_date {}", FormatIso(*dag.end_date),
                                 FormatIso(dag.start_date)));
  }
  if (dag.max_active_runs < 1) return dag_error("max_active_runs must be at least 1");
  if (dag.max_active_tasks < 1) return dag_error("max_active_tasks must be at least 1");
  if (!dag.params.is_object()) return dag_error("params must be a mapping");
  std::set<std::string, std::less<>> ids;
  for (const auto& t : dag.tasks) {
    std::string where = TaskPrefix(dag, t);
    auto task_error = [&](std::string_view msg) {
      return Status::InvalidArgument(fmt::format("{}: {}", where, msg));
    };
    RETURN_IF_ERROR(At(t.where.empty() ? dag_where : t.where, CheckId("task id", t.task_id)));
    if (!ids.insert(t.task_id).second) return task_error("the task id is used twice");
    for (const auto& up : t.upstream) {
      if (up == t.task_id) return task_error("it cannot run after itself");
      if (dag.FindTask(up) == nullptr) {
        return task_error(fmt::format("runs after '{}', which is not a task of the DAG", up));
      }
    }
    if (t.retries < 0) return task_error("retries must be 0 or more");
    if (t.retry_delay_ms < 0) return task_error("retry_delay must not be negative");
    if (t.max_retry_delay_ms < 0) return task_error("max_retry_delay must not be negative");
    if (t.execution_timeout_ms < 0) return task_error("execution_timeout must not be negative");
  }
  std::string first;
  std::string cycle = FindCycle(dag, &first);
  if (!cycle.empty()) {
    const TaskSpec* t = dag.FindTask(first);
    std::string where = t != nullptr && !t->where.empty() ? t->where : dag_where;
    return Status::InvalidArgument(
        fmt::format("{}: task '{}' is in a cycle: {}", where, first, cycle));
  }
  if (types == nullptr) return Status::OK();
  for (const auto& t : dag.tasks) {
    std::string where = TaskPrefix(dag, t);
    const TaskType* type = types->Find(t.type);
    if (type == nullptr) {
      std::string known;
      for (const auto& n : types->Names()) known += (known.empty() ? "" : ", ") + n;
      return Status::InvalidArgument(
          fmt::format("{}: unknown task type '{}' (known: {})", where, t.type, known));
    }
    RETURN_IF_ERROR(At(where, type->Validate(t.args)));
    RETURN_IF_ERROR(At(where, CheckArgsTemplates(t.args, dag.params, Ancestors(dag, t.task_id))));
  }
  return Status::OK();
}

std::vector<std::string> TopologicalOrder(const DagSpec& dag) {
  // Kahn's algorithm, taking the earliest task in file order among those ready, so that
  // independent tasks keep the order they were written in.
  std::vector<std::string> order;
  std::set<std::string, std::less<>> done;
  std::vector<bool> emitted(dag.tasks.size(), false);
  while (order.size() < dag.tasks.size()) {
    bool progress = false;
    for (size_t i = 0; i < dag.tasks.size(); ++i) {
      if (emitted[i]) continue;
      const auto& ups = dag.tasks[i].upstream;
      if (std::all_of(ups.begin(), ups.end(), [&](const auto& u) { return done.count(u); })) {
        emitted[i] = true;
        done.insert(dag.tasks[i].task_id);
        order.push_back(dag.tasks[i].task_id);
        progress = true;
        break;
      }
    }
    if (!progress) break;  // a cycle: not a valid DAG (the contract requires one)
  }
  return order;
}

}  // namespace kappa::orchestrator
