// The names of the orchestrator's enums as Airflow spells them, run ids, and ISO dates.
#include <array>
#include <ctime>

#include <fmt/format.h>

#include "orchestrator/orchestrator.h"

namespace kappa::orchestrator {

namespace {
constexpr std::array<std::string_view, 8> kTriggerRules = {
    "all_success", "all_done",    "all_failed",   "one_success",
    "one_failed",  "none_failed", "none_skipped", "always"};
constexpr std::array<std::string_view, 4> kRunStates = {"queued", "running", "success", "failed"};
constexpr std::array<std::string_view, 3> kRunTypes = {"scheduled", "manual", "backfill"};
constexpr std::array<std::string_view, 10> kTaskStates = {
    "none",       "scheduled",    "queued",          "running", "success",
    "failed",     "up_for_retry", "upstream_failed", "skipped", "removed"};

template <typename E, size_t N>
Result<E> ParseName(const std::array<std::string_view, N>& names, std::string_view name,
                    std::string_view what) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<E>(i);
  }
  std::string known;
  for (auto n : names) known += (known.empty() ? "" : ", ") + std::string(n);
  return Status::InvalidArgument(fmt::format("unknown {} '{}' (known: {})", what, name, known));
}
}  // namespace

std::string_view TriggerRuleName(TriggerRule r) { return kTriggerRules[static_cast<size_t>(r)]; }
Result<TriggerRule> ParseTriggerRule(std::string_view name) {
  return ParseName<TriggerRule>(kTriggerRules, name, "trigger rule");
}
std::string_view RunStateName(RunState s) { return kRunStates[static_cast<size_t>(s)]; }
std::string_view RunTypeName(RunType t) { return kRunTypes[static_cast<size_t>(t)]; }
std::string_view TaskStateName(TaskState s) { return kTaskStates[static_cast<size_t>(s)]; }
Result<RunState> ParseRunState(std::string_view name) {
  return ParseName<RunState>(kRunStates, name, "dag run state");
}
Result<TaskState> ParseTaskState(std::string_view name) {
  return ParseName<TaskState>(kTaskStates, name, "task instance state");
}

bool IsFinished(TaskState s) {
  switch (s) {
    case TaskState::kSuccess:
    case TaskState::kFailed:
    case TaskState::kUpstreamFailed:
    case TaskState::kSkipped:
    case TaskState::kRemoved:
      return true;
    default:
      return false;
  }
}

std::string MakeRunId(RunType type, TimeMs logical_date) {
  return fmt::format("{}__{}", RunTypeName(type), FormatIso(logical_date));
}

std::string FormatIso(TimeMs t) {
  // Floor division so dates before 1970 render too.
  int64_t secs = t >= 0 ? t / 1000 : -((-t + 999) / 1000);
  int64_t ms = t - secs * 1000;
  time_t tt = static_cast<time_t>(secs);
  struct tm tm {};
  gmtime_r(&tt, &tm);
  if (ms == 0) {
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+00:00", tm.tm_year + 1900,
                       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  }
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}000+00:00", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

const TaskSpec* DagSpec::FindTask(std::string_view task_id) const {
  for (const auto& t : tasks) {
    if (t.task_id == task_id) return &t;
  }
  return nullptr;
}

}  // namespace kappa::orchestrator
