// Pages of a try's log: SliceLog and the default ReadLogPage of MetaStore and Orchestrator
// (over the whole log; the real implementations read only the page).
#include <algorithm>

#include "orchestrator/orchestrator.h"

namespace kappa::orchestrator {

LogPage SliceLog(const std::vector<std::string>& lines, int64_t from, size_t max_bytes) {
  LogPage page;
  size_t i = size_t(std::clamp<int64_t>(from, 0, int64_t(lines.size())));
  size_t bytes = 0;
  // At least one line per page, so a reader always moves on (a line is at most 64 KiB).
  for (; i < lines.size(); ++i) {
    size_t cost = lines[i].size() + 1;
    if (!page.lines.empty() && bytes + cost > max_bytes) break;
    bytes += cost;
    page.lines.push_back(lines[i]);
  }
  page.next = int64_t(i);
  page.more = i < lines.size();
  return page;
}

Result<LogPage> MetaStore::ReadLogPage(std::string_view dag_id, std::string_view run_id,
                                       std::string_view task_id, int try_number, int64_t from,
                                       size_t max_bytes) {
  ASSIGN_OR_RETURN(std::vector<std::string> lines, ReadLog(dag_id, run_id, task_id, try_number));
  return SliceLog(lines, from, max_bytes);
}

Result<LogPage> Orchestrator::ReadLogPage(std::string_view dag_id, std::string_view run_id,
                                          std::string_view task_id, int try_number,
                                          int64_t from, size_t max_bytes) const {
  ASSIGN_OR_RETURN(std::vector<std::string> lines, ReadLog(dag_id, run_id, task_id, try_number));
  return SliceLog(lines, from, max_bytes);
}

}  // namespace kappa::orchestrator
