// TaskTypes (the registry of task kinds) and the skip marker.
#include "orchestrator/orchestrator.h"

namespace kappa::orchestrator {

namespace {
// Aborted statuses whose message starts with this are skips, not failures.
constexpr std::string_view kSkipPrefix = "skipped: ";
}  // namespace

Status SkipTask(std::string_view why) {
  return Status::Aborted(std::string(kSkipPrefix) + std::string(why));
}

bool IsSkip(const Status& s) {
  return s.code() == Status::Code::kAborted && s.message().starts_with(kSkipPrefix);
}

void TaskTypes::Register(std::shared_ptr<TaskType> type) {
  std::string name(type->name());
  types_[name] = std::move(type);
}

TaskType* TaskTypes::Find(std::string_view name) const {
  auto it = types_.find(name);
  return it == types_.end() ? nullptr : it->second.get();
}

std::vector<std::string> TaskTypes::Names() const {
  std::vector<std::string> out;
  for (const auto& [name, _] : types_) out.push_back(name);
  return out;
}

}  // namespace kappa::orchestrator
