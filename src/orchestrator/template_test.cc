// Templates: rendering Airflow's variables, and the load-time check of names.
#include <gtest/gtest.h>

#include "orchestrator/orchestrator.h"

namespace kappa::orchestrator {
namespace {

nlohmann::json Vars() {
  return {
      {"ds", "2023-09-03"},
      {"ds_nodash", "20230903"},
      {"logical_date", "2023-09-03T00:00:00+00:00"},
      {"run_id", "scheduled__2023-09-03T00:00:00+00:00"},
      {"try_number", 2},
      {"dag", {{"dag_id", "user_automation"}}},
      {"params",
       {{"topic", "users_created"},
        {"n", 60},
        {"on", true},
        {"none", nullptr},
        {"nested", {{"a", "b"}}}}},
      {"conf", {{"who", "me"}}},
      {"tasks", {{"fetch.users", {{"result", "42"}}}, {"load-2", {{"result", "ok"}}}}},
  };
}

TEST(RenderTemplate, SubstitutesNames) {
  auto r = RenderTemplate("day={{ ds }}/{{ds_nodash}} run {{  run_id  }}", Vars());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "day=2023-09-03/20230903 run scheduled__2023-09-03T00:00:00+00:00");
  EXPECT_EQ(*RenderTemplate("{{ dag.dag_id }} #{{ try_number }}", Vars()), "user_automation #2");
  EXPECT_EQ(*RenderTemplate("{{ params.topic }} {{ params.n }} {{ params.on }} {{ params.none }}",
                            Vars()),
            "users_created 60 True None");
  EXPECT_EQ(*RenderTemplate("{{ params.nested.a }} {{ params.nested }}", Vars()),
            "b {\"a\":\"b\"}");
  // Task ids may hold dots and dashes.
  EXPECT_EQ(*RenderTemplate("{{ tasks.fetch.users.result }} {{ tasks.load-2.result }}", Vars()),
            "42 ok");
  EXPECT_EQ(*RenderTemplate("no templates, a JSON body {\"a\": {\"b\": 1}}", Vars()),
            "no templates, a JSON body {\"a\": {\"b\": 1}}");
  EXPECT_EQ(*RenderTemplate("", Vars()), "");
}

TEST(RenderTemplate, Errors) {
  auto missing = RenderTemplate("{{ params.colour }}", Vars());
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().IsNotFound());
  EXPECT_EQ(missing.status().message(), "unknown template variable 'params.colour'");
  for (auto bad : {"{{ ds", "{{ ds | upper }}", "{{ }}", "{% if x %}", "{# note #}", "{{ ds + 1 }}",
                   "{{ .ds }}", "{{ params..n }}"}) {
    auto r = RenderTemplate(bad, Vars());
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_TRUE(r.status().IsInvalidArgument()) << bad << ": " << r.status().ToString();
  }
}

TEST(RenderArgs, Recursive) {
  nlohmann::json args = {{"url", "http://x/{{ ds }}"},
                         {"headers", {{"X-Run", "{{ run_id }}"}}},
                         {"list", {"{{ params.n }}", 5, true}},
                         {"n", 3}};
  auto r = RenderArgs(args, Vars());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)["url"], "http://x/2023-09-03");
  EXPECT_EQ((*r)["headers"]["X-Run"], "scheduled__2023-09-03T00:00:00+00:00");
  EXPECT_EQ((*r)["list"], nlohmann::json({"60", 5, true}));
  EXPECT_EQ((*r)["n"], 3);
  EXPECT_FALSE(RenderArgs({{"a", {"{{ nope }}"}}}, Vars()).ok());
}

TEST(CheckTemplate, KnownNames) {
  nlohmann::json params = {{"topic", "t"}, {"nested", {{"a", 1}}}};
  std::vector<std::string> ups = {"fetch.users"};
  for (auto ok : {"{{ ds }} {{ ds_nodash }} {{ ts }} {{ ts_nodash }} {{ logical_date }}",
                  "{{ data_interval_start }} {{ data_interval_end }} {{ run_id }}",
                  "{{ dag.dag_id }} {{ dag_id }} {{ task.task_id }} {{ task_id }}",
                  "{{ try_number }} {{ params.topic }} {{ params.nested.a }}",
                  "{{ conf.anything.at.all }} {{ tasks.fetch.users.result }}", "plain"}) {
    EXPECT_TRUE(CheckTemplate(ok, params, ups).ok()) << ok;
  }
  Status s = CheckTemplate("{{ params.colour }}", params, ups);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_EQ(s.message(), "unknown template variable 'params.colour'");
  s = CheckTemplate("{{ execution_date }}", params, ups);
  EXPECT_EQ(s.message(), "unknown template variable 'execution_date'");
  s = CheckTemplate("{{ tasks.other.result }}", params, ups);
  EXPECT_NE(s.message().find("'other' is not a task upstream"), std::string::npos);
  EXPECT_TRUE(CheckTemplate("{{ ds ", params, ups).IsInvalidArgument());
  EXPECT_TRUE(
      CheckArgsTemplates({{"a", {{"b", {"{{ nope }}"}}}}}, params, ups).IsInvalidArgument());
  EXPECT_TRUE(CheckArgsTemplates({{"a", {{"b", {"{{ ds }}", 1}}}}}, params, ups).ok());
}

}  // namespace
}  // namespace kappa::orchestrator
