// orchestrator_meta_tool: test support for the store MetaStore (not installed; the python
// tests in tests/orchestrator drive it).
//   orchestrator_meta_tool sample DATA_DIR   writes a small known history (two DAGs, runs,
//                                            task instances, log lines); prints it as JSON
//   orchestrator_meta_tool loop DATA_DIR     writes run after run (each run: its row, a task
//                                            instance, a log line, all synced) and prints
//                                            "acked N" after each, until killed
//   orchestrator_meta_tool dump DATA_DIR     prints every DAG, run, task instance and log line
//                                            as JSON (one object)
#include <cstdio>
#include <cstring>
#include <iostream>

#include "common/logging.h"
#include "orchestrator/orchestrator.h"
#include "store/store.h"

using namespace kappa;
using namespace kappa::orchestrator;

namespace {

constexpr TimeMs kT0 = 1'693'735'200'000;  // 2023-09-03T10:00:00Z, the seed DAG's start
constexpr TimeMs kDay = 86'400'000;

[[noreturn]] void Die(const Status& s) {
  std::fprintf(stderr, "error: %s\n", s.ToString().c_str());
  std::exit(1);
}
void Check(const Status& s) {
  if (!s.ok()) Die(s);
}
template <typename T>
T Must(Result<T> r) {
  if (!r.ok()) Die(r.status());
  return std::move(r).value();
}

nlohmann::json Opt(const std::optional<TimeMs>& t) {
  return t ? nlohmann::json(FormatIso(*t)) : nlohmann::json();
}

nlohmann::json RunJson(const DagRun& r) {
  return {{"dag_id", r.dag_id},
          {"run_id", r.run_id},
          {"run_type", RunTypeName(r.run_type)},
          {"state", RunStateName(r.state)},
          {"logical_date", FormatIso(r.logical_date)},
          {"data_interval_start", FormatIso(r.data_interval.start)},
          {"data_interval_end", FormatIso(r.data_interval.end)},
          {"start_date", Opt(r.start_date)},
          {"end_date", Opt(r.end_date)},
          {"external_trigger", r.external_trigger},
          {"conf", r.conf}};
}

nlohmann::json TaskJson(const TaskInstance& t) {
  return {{"dag_id", t.dag_id},          {"run_id", t.run_id},
          {"task_id", t.task_id},        {"state", TaskStateName(t.state)},
          {"try_number", t.try_number},  {"max_tries", t.max_tries},
          {"operator", t.operator_name}, {"result", t.result},
          {"error", t.error},            {"start_date", Opt(t.start_date)}};
}

nlohmann::json Dump(MetaStore* meta) {
  nlohmann::json out = {{"dags", nlohmann::json::array()}, {"runs", nlohmann::json::array()},
                        {"tasks", nlohmann::json::array()}, {"logs", nlohmann::json::array()}};
  for (const DagRecord& d : Must(meta->ListDags())) {
    out["dags"].push_back({{"dag_id", d.dag_id}, {"is_paused", d.is_paused}});
    for (const DagRun& r : Must(meta->ListRuns(d.dag_id))) {
      out["runs"].push_back(RunJson(r));
      for (const TaskInstance& t : Must(meta->ListTasks(d.dag_id, r.run_id))) {
        out["tasks"].push_back(TaskJson(t));
        for (int i = 1; i <= t.try_number; ++i) {
          out["logs"].push_back({{"dag_id", d.dag_id},
                                 {"run_id", r.run_id},
                                 {"task_id", t.task_id},
                                 {"try_number", i},
                                 {"lines", Must(meta->ReadLog(d.dag_id, r.run_id, t.task_id, i))}});
        }
      }
    }
  }
  return out;
}

void Sample(MetaStore* meta) {
  Check(meta->PutDag({"user_automation", false, DataInterval{kT0 + kDay, kT0 + 2 * kDay}, kT0}));
  Check(meta->PutDag({"paused_dag", true, std::nullopt, kT0}));
  for (int i = 0; i < 3; ++i) {
    DagRun r;
    r.dag_id = "user_automation";
    r.run_type = i == 2 ? RunType::kManual : RunType::kScheduled;
    r.logical_date = kT0 + i * kDay;
    r.run_id = MakeRunId(r.run_type, r.logical_date);
    r.data_interval = {r.logical_date, r.logical_date + kDay};
    r.queued_at = r.logical_date + kDay;
    r.start_date = r.queued_at + 1000;
    r.state = i == 1 ? RunState::kFailed : i == 2 ? RunState::kRunning : RunState::kSuccess;
    if (i != 2) r.end_date = *r.start_date + 61'000;
    r.external_trigger = i == 2;
    if (i == 2) r.conf = {{"duration", "10s"}};
    Check(meta->PutRun(r));
    TaskInstance t;
    t.dag_id = r.dag_id;
    t.run_id = r.run_id;
    t.task_id = "stream_data_from_api";
    t.operator_name = "produce";
    t.hostname = "localhost";
    t.try_number = i == 1 ? 2 : 1;
    t.max_tries = 2;
    t.start_date = r.start_date;
    t.state = i == 1 ? TaskState::kFailed : i == 2 ? TaskState::kRunning : TaskState::kSuccess;
    if (i == 0) t.result = "60";
    if (i == 1) t.error = "topic users_created does not exist";
    Check(meta->PutTask(t));
    for (int k = 1; k <= t.try_number; ++k) {
      Check(meta->AppendLog(r.dag_id, r.run_id, t.task_id, k, "try " + std::to_string(k) + " started"));
      Check(meta->AppendLog(r.dag_id, r.run_id, t.task_id, k, "produced 60 records"));
    }
  }
}

void Loop(MetaStore* meta) {
  Check(meta->PutDag({"loop", false, std::nullopt, kT0}));
  size_t start = Must(meta->ListRuns("loop")).size();
  for (size_t i = start;; ++i) {
    DagRun r;
    r.dag_id = "loop";
    r.logical_date = kT0 + TimeMs(i) * 60'000;
    r.run_id = MakeRunId(RunType::kScheduled, r.logical_date);
    r.data_interval = {r.logical_date, r.logical_date + 60'000};
    r.state = RunState::kRunning;
    Check(meta->PutRun(r));
    TaskInstance t;
    t.dag_id = "loop";
    t.run_id = r.run_id;
    t.task_id = "t";
    t.state = TaskState::kSuccess;
    t.try_number = 1;
    Check(meta->PutTask(t));
    Check(meta->AppendLog("loop", r.run_id, "t", 1, "run " + std::to_string(i)));
    std::printf("acked %zu %s\n", i, r.run_id.c_str());
    std::fflush(stdout);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s sample|loop|dump DATA_DIR\n", argv[0]);
    return 2;
  }
  InitLogging();  // stderr: stdout is the tool's output
  std::string cmd = argv[1];
  store::StoreOptions o;
  o.data_dir = argv[2];
  auto store = Must(store::Store::Open(o));
  auto meta = Must(OpenStoreMetaStore(store.get(), /*sync=*/true));
  if (cmd == "sample") {
    Sample(meta.get());
    std::cout << Dump(meta.get()).dump() << "\n";
  } else if (cmd == "loop") {
    Loop(meta.get());
  } else if (cmd == "dump") {
    std::cout << Dump(meta.get()).dump() << "\n";
  } else {
    std::fprintf(stderr, "unknown command '%s'\n", cmd.c_str());
    return 2;
  }
  return 0;
}
