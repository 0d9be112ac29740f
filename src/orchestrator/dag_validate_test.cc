// ValidateDag and TopologicalOrder.
#include <gtest/gtest.h>

#include "orchestrator/orchestrator.h"

namespace kappa::orchestrator {
namespace {

TaskSpec Task(std::string id, std::vector<std::string> after = {}, std::string type = "noop") {
  TaskSpec t;
  t.task_id = std::move(id);
  t.type = std::move(type);
  t.upstream = std::move(after);
  t.where = "dags.yaml:" + std::to_string(10 + t.task_id.size()) + ":5";
  return t;
}

DagSpec Dag(std::vector<TaskSpec> tasks) {
  DagSpec d;
  d.dag_id = "user_automation";
  d.where = "dags.yaml:3:3";
  d.tasks = std::move(tasks);
  return d;
}

std::string Error(const DagSpec& d, const TaskTypes* types = nullptr) {
  Status s = ValidateDag(d, types);
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  return s.message();
}

TEST(ValidateDag, AcceptsAValidDag) {
  TaskTypes types = BuiltinTaskTypes();
  DagSpec d = Dag({Task("a"), Task("b", {"a"}), Task("c", {"a"}), Task("d", {"b", "c"})});
  d.params = {{"n", 1}};
  d.tasks[3].args = {{"result", "{{ tasks.a.result }} {{ params.n }} {{ ds }}"}};
  EXPECT_TRUE(ValidateDag(d, &types).ok()) << ValidateDag(d, &types).ToString();
  EXPECT_TRUE(ValidateDag(Dag({}), &types).ok());
}

TEST(ValidateDag, Cycles) {
  DagSpec d = Dag({Task("a", {"c"}), Task("b", {"a"}), Task("c", {"b"}), Task("d")});
  EXPECT_EQ(Error(d), "dags.yaml:11:5: task 'a' is in a cycle: a -> c -> b -> a");
  EXPECT_EQ(Error(Dag({Task("a", {"a"})})), "dags.yaml:11:5: task 'a': it cannot run after itself");
}

TEST(ValidateDag, IdsUpstreamsRanges) {
  EXPECT_NE(Error(Dag({Task("a"), Task("a")}))
                .find("dags.yaml:11:5: task 'a': the task id is "
                      "used twice"),
            std::string::npos);
  EXPECT_EQ(Error(Dag({Task("a", {"zz"})})),
            "dags.yaml:11:5: task 'a': runs after 'zz', which is not a task of the DAG");
  EXPECT_NE(Error(Dag({Task("a b")})).find("task id 'a b' may only contain"), std::string::npos);
  DagSpec bad_id = Dag({});
  bad_id.dag_id = "user automation";
  EXPECT_NE(Error(bad_id).find("dags.yaml:3:3: dag id 'user automation'"), std::string::npos);
  DagSpec ranges = Dag({});
  ranges.max_active_runs = 0;
  EXPECT_EQ(Error(ranges),
            "dags.yaml:3:3: dag 'user_automation': max_active_runs must be at "
            "least 1");
  DagSpec dates = Dag({});
  dates.start_date = 1000;
  dates.end_date = 0;
  EXPECT_NE(Error(dates).find("end_date"), std::string::npos);
  DagSpec retries = Dag({Task("a")});
  retries.tasks[0].retries = -1;
  EXPECT_NE(Error(retries).find("retries must be 0 or more"), std::string::npos);
  // Without positions, the DAG and task are named instead.
  DagSpec plain = Dag({Task("a", {"zz"})});
  plain.where.clear();
  plain.tasks[0].where.clear();
  EXPECT_EQ(Error(plain),
            "dag 'user_automation': task 'a': runs after 'zz', which is not a "
            "task of the DAG");
}

TEST(ValidateDag, TypesArgumentsTemplates) {
  TaskTypes types = BuiltinTaskTypes();
  EXPECT_EQ(Error(Dag({Task("a", {}, "sql")}), &types),
            "dags.yaml:11:5: task 'a': unknown task type 'sql' (known: command, http, noop, "
            "wait)");
  DagSpec args = Dag({Task("a", {}, "wait")});
  args.tasks[0].args = {{"secnds", 5}};
  EXPECT_NE(Error(args, &types).find("unknown argument 'secnds' (did you mean 'seconds'?)"),
            std::string::npos);
  DagSpec tmpl = Dag({Task("a"), Task("b")});
  tmpl.tasks[1].args = {{"result", "{{ params.colour }}"}};
  EXPECT_EQ(Error(tmpl, &types),
            "dags.yaml:11:5: task 'b': unknown template variable 'params.colour'");
  // A task's result can be used only downstream of it.
  tmpl.tasks[1].args = {{"result", "{{ tasks.a.result }}"}};
  EXPECT_NE(Error(tmpl, &types).find("'a' is not a task upstream"), std::string::npos);
  DagSpec cmd = Dag({Task("a", {}, "command")});
  cmd.tasks[0].args = {{"command", "echo hi"}};
  EXPECT_NE(Error(cmd, &types)
                .find("command tasks are disabled; set "
                      "orchestrator.allow_commands: true to enable"),
            std::string::npos);
  TaskTypes allowed = BuiltinTaskTypes({.allow_commands = true});
  EXPECT_TRUE(ValidateDag(cmd, &allowed).ok());
}

TEST(TopologicalOrder, FileOrderAmongIndependentTasks) {
  DagSpec d = Dag({Task("load", {"fetch", "clean"}), Task("fetch"), Task("report", {"load"}),
                   Task("clean", {"fetch"}), Task("other")});
  EXPECT_EQ(TopologicalOrder(d),
            (std::vector<std::string>{"fetch", "clean", "load", "report", "other"}));
  EXPECT_TRUE(TopologicalOrder(Dag({})).empty());
}

}  // namespace
}  // namespace kappa::orchestrator
