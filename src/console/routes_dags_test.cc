// /api/console/dags/... over the orchestrator's FakeOrchestrator with its example history
// (SeedExampleHistory: user_automation, etl_pipeline, manual_only, every_15m): the list and
// its paging, the grid (runs x tasks), a run, logs by try, pause, trigger, errors, and 503
// without an orchestrator.
#include <gtest/gtest.h>

#include <set>

#include "common/clock.h"
#include "console/meta_test_util.h"
#include "console/routes.h"
#include "orchestrator/fake_orchestrator.h"

namespace kappa::console {
namespace {

using nlohmann::json;
using testing::Call;
using testing::JsonOf;

class DagsRoutesTest : public ::testing::Test {
 protected:
  DagsRoutesTest() : clock_(1'694'520'000'000), fake_(&clock_) {  // 2023-09-12T12:00:00Z
    orchestrator::SeedExampleHistory(&fake_);
    sources_.orchestrator = &fake_;
    AddDagsRoutes(router_, sources_);
  }
  json Get(const std::string& target, int status = 200) {
    return JsonOf(Call(router_, "GET", target), status);
  }
  json Send(const std::string& method, const std::string& target, const std::string& body,
            int status) {
    return JsonOf(Call(router_, method, target, body), status);
  }

  ManualClock clock_;
  orchestrator::FakeOrchestrator fake_;
  Sources sources_;
  http::Router router_;
};

TEST_F(DagsRoutesTest, ListIsSortedAndPagedAtEveryBoundary) {
  const std::vector<std::string> all = {"etl_pipeline", "every_15m", "manual_only",
                                        "user_automation"};
  for (size_t limit = 1; limit <= all.size() + 1; ++limit) {
    std::vector<std::string> seen;
    std::string cursor;
    for (int pages = 0; pages < 10; ++pages) {
      json page = Get("/api/console/dags?limit=" + std::to_string(limit) +
                      (cursor.empty() ? "" : "&cursor=" + cursor));
      EXPECT_EQ(page["total"], all.size());
      EXPECT_LE(page["items"].size(), limit);
      for (const auto& d : page["items"]) seen.push_back(d["dag_id"]);
      if (page["next_cursor"].is_null()) break;
      cursor = page["next_cursor"];
    }
    EXPECT_EQ(seen, all) << "limit " << limit;
  }
}

TEST_F(DagsRoutesTest, ListRowsCarryScheduleStateAndRecentRuns) {
  json page = Get("/api/console/dags");
  json ua;
  for (const auto& d : page["items"]) {
    if (d["dag_id"] == "user_automation") ua = d;
    if (d["dag_id"] == "manual_only") {
      EXPECT_EQ(d["is_paused"], true);
      EXPECT_TRUE(d["next_run"].is_null());
      EXPECT_TRUE(d["last_run"].is_null());
    }
    if (d["dag_id"] == "every_15m") {
      EXPECT_EQ(d["is_active"], false);
    }
  }
  ASSERT_FALSE(ua.is_null());
  EXPECT_EQ(ua["schedule"], "@daily");
  EXPECT_EQ(ua["owner"], "airscholar");
  EXPECT_EQ(ua["is_paused"], false);
  EXPECT_EQ(ua["next_run"]["logical_date"], "2023-09-12T00:00:00+00:00");
  EXPECT_EQ(ua["next_run"]["run_after"], "2023-09-13T00:00:00+00:00");
  ASSERT_EQ(ua["recent_runs"].size(), 3u);
  EXPECT_EQ(ua["last_run"]["state"], "running");  // newest first
  EXPECT_EQ(ua["recent_runs"][2]["state"], "success");
  EXPECT_EQ(ua["tags"], json({"seed", "kafka"}));
}

TEST_F(DagsRoutesTest, DetailListsTasksInTopologicalOrder) {
  json d = Get("/api/console/dags/etl_pipeline");
  std::vector<std::string> ids;
  for (const auto& t : d["task_list"]) ids.push_back(t["task_id"]);
  EXPECT_EQ(ids, (std::vector<std::string>{"extract", "transform", "load", "notify"}));
  EXPECT_EQ(d["task_list"][3]["trigger_rule"], "all_done");
  EXPECT_EQ(d["timezone"], "Europe/Paris");
  EXPECT_EQ(d["params"]["table"], "users");
}

TEST_F(DagsRoutesTest, GridIsRunsByTasksNewestFirst) {
  json g = Get("/api/console/dags/etl_pipeline/grid");
  ASSERT_EQ(g["tasks"].size(), 4u);
  EXPECT_EQ(g["tasks"][0]["task_id"], "extract");
  ASSERT_EQ(g["items"].size(), 2u);
  EXPECT_EQ(g["total"], 2);
  EXPECT_TRUE(g["next_cursor"].is_null());
  const json& failed = g["items"][0];  // 2023-09-10's run, the newer
  EXPECT_EQ(failed["state"], "failed");
  EXPECT_EQ(failed["task_instances"]["transform"]["state"], "failed");
  EXPECT_EQ(failed["task_instances"]["transform"]["try_number"], 3);
  EXPECT_EQ(failed["task_instances"]["load"]["state"], "upstream_failed");
  EXPECT_EQ(g["items"][1]["task_instances"]["load"]["state"], "success");

  // Paged one run at a time, then filtered by state.
  json p1 = Get("/api/console/dags/etl_pipeline/grid?limit=1");
  ASSERT_EQ(p1["items"].size(), 1u);
  EXPECT_EQ(p1["items"][0]["run_id"], failed["run_id"]);
  json p2 = Get("/api/console/dags/etl_pipeline/grid?limit=1&cursor=" +
                p1["next_cursor"].get<std::string>());
  ASSERT_EQ(p2["items"].size(), 1u);
  EXPECT_EQ(p2["items"][0]["run_id"], g["items"][1]["run_id"]);
  EXPECT_TRUE(p2["next_cursor"].is_null());
  json ok = Get("/api/console/dags/etl_pipeline/grid?state=success");
  ASSERT_EQ(ok["items"].size(), 1u);
  EXPECT_EQ(ok["items"][0]["state"], "success");
  Get("/api/console/dags/etl_pipeline/grid?state=sleepy", 400);
}

TEST_F(DagsRoutesTest, RunAndLogsByTry) {
  json g = Get("/api/console/dags/user_automation/grid");
  std::string failed_run;
  for (const auto& r : g["items"]) {
    if (r["state"] == "failed") failed_run = r["run_id"];
  }
  ASSERT_FALSE(failed_run.empty());
  std::string base = "/api/console/dags/user_automation/runs/" + failed_run;
  json run = Get(base);
  EXPECT_EQ(run["run_type"], "scheduled");
  ASSERT_EQ(run["task_instances"].size(), 1u);
  EXPECT_EQ(run["task_instances"][0]["try_number"], 2);
  EXPECT_EQ(run["task_instances"][0]["duration"], 60.5);

  json last = Get(base + "/tasks/stream_data_from_api/logs");
  EXPECT_EQ(last["try_number"], 2);
  EXPECT_EQ(last["tries"], 2);
  ASSERT_EQ(last["items"].size(), 2u);
  EXPECT_EQ(last["items"][1], "error: source unreachable: randomuser.me:443");
  json first = Get(base + "/tasks/stream_data_from_api/logs?try=1&limit=1");
  EXPECT_EQ(first["try_number"], 1);
  ASSERT_EQ(first["items"].size(), 1u);
  EXPECT_EQ(first["items"][0], "producing into users_created for 60 s");
  json second = Get(base + "/tasks/stream_data_from_api/logs?try=1&limit=1&cursor=" +
                    first["next_cursor"].get<std::string>());
  ASSERT_EQ(second["items"].size(), 1u);
  EXPECT_TRUE(second["next_cursor"].is_null());
  Get(base + "/tasks/stream_data_from_api/logs?try=3", 404);
  Get(base + "/tasks/stream_data_from_api/logs?try=0", 400);
  Get(base + "/tasks/nope/logs", 404);
  Get("/api/console/dags/user_automation/runs/nope", 404);
}

TEST_F(DagsRoutesTest, PauseAndUnpause) {
  json d = Send("PUT", "/api/console/dags/user_automation/paused", R"({"paused": true})", 200);
  EXPECT_EQ(d["is_paused"], true);
  EXPECT_TRUE(fake_.GetDag("user_automation")->record.is_paused);
  d = Send("PUT", "/api/console/dags/user_automation/paused", R"({"paused": false})", 200);
  EXPECT_EQ(d["is_paused"], false);
  Send("PUT", "/api/console/dags/user_automation/paused", R"({"paused": "yes"})", 400);
  Send("PUT", "/api/console/dags/user_automation/paused", "{", 400);
  Send("PUT", "/api/console/dags/nope/paused", R"({"paused": true})", 404);
}

TEST_F(DagsRoutesTest, TriggerWithConf) {
  json run = Send("POST", "/api/console/dags/manual_only/runs",
                  R"({"conf": {"note": "<b>hi</b>"}, "logical_date": "2023-09-12T06:00:00Z"})",
                  201);
  EXPECT_EQ(run["run_type"], "manual");
  EXPECT_EQ(run["conf"]["note"], "<b>hi</b>");
  EXPECT_EQ(run["logical_date"], "2023-09-12T06:00:00+00:00");
  EXPECT_EQ(run["run_id"], "manual__2023-09-12T06:00:00+00:00");
  json g = Get("/api/console/dags/manual_only/grid");
  ASSERT_EQ(g["items"].size(), 1u);
  EXPECT_EQ(g["items"][0]["run_id"], run["run_id"]);
  EXPECT_TRUE(g["items"][0]["task_instances"]["noop"]["state"].is_null());  // not started

  // The same logical date again: 409, as Airflow.
  Send("POST", "/api/console/dags/manual_only/runs", R"({"logical_date": "2023-09-12T06:00:00Z"})",
       409);
  // An empty body triggers with no conf.
  EXPECT_EQ(Send("POST", "/api/console/dags/user_automation/runs", "", 201)["conf"], json::object());
  Send("POST", "/api/console/dags/manual_only/runs", R"({"conf": [1]})", 400);
  Send("POST", "/api/console/dags/manual_only/runs", R"({"cnof": {}})", 400);
  Send("POST", "/api/console/dags/manual_only/runs", R"({"logical_date": "yesterday"})", 400);
  Send("POST", "/api/console/dags/manual_only/runs", R"([])", 400);
  Send("POST", "/api/console/dags/nope/runs", "{}", 404);
}

TEST_F(DagsRoutesTest, GridActionsClearATaskWithItsDownstreamAndMarkARun) {
  json g = Get("/api/console/dags/etl_pipeline/grid");
  const std::string failed_run = g["items"][0]["run_id"];  // transform failed, load upstream_failed
  const std::string base = "/api/console/dags/etl_pipeline/runs/" + failed_run;
  // Only the task.
  json one = Send("POST", base + "/tasks/transform/clear", "{}", 200);
  ASSERT_EQ(one["items"].size(), 1u);
  EXPECT_EQ(one["items"][0]["task_id"], "transform");
  EXPECT_EQ(Get(base)["state"], "queued");  // the run goes back to queued
  // With its downstream: load too.
  json down = Send("POST", base + "/tasks/transform/clear", R"({"downstream": true})", 200);
  std::set<std::string> ids;
  for (const auto& t : down["items"]) ids.insert(t["task_id"]);
  EXPECT_TRUE(ids.count("transform") && ids.count("load")) << down.dump();
  EXPECT_FALSE(ids.count("extract"));
  json run = Get(base);
  for (const auto& t : run["task_instances"]) {
    if (ids.count(t["task_id"])) {
      EXPECT_TRUE(t["state"].is_null()) << t.dump();
    }
  }
  // Bad input: 400; unknown run or task: 404; nothing cleared.
  Send("POST", base + "/tasks/transform/clear", R"({"downstream": "yes"})", 400);
  Send("POST", base + "/tasks/transform/clear", R"({"dowstream": true})", 400);
  Send("POST", base + "/tasks/transform/clear", "[", 400);
  Send("POST", base + "/tasks/nope/clear", "{}", 404);
  Send("POST", "/api/console/dags/etl_pipeline/runs/nope/tasks/transform/clear", "{}", 404);

  // Mark the run success: unfinished instances become success, as Airflow's grid does.
  json marked = Send("PUT", base + "/state", R"({"state": "success"})", 200);
  EXPECT_EQ(marked["state"], "success");
  json after = Get(base);
  for (const auto& t : after["task_instances"]) EXPECT_EQ(t["state"], "success") << t.dump();
  EXPECT_EQ(Send("PUT", base + "/state", R"({"state": "failed"})", 200)["state"], "failed");
  Send("PUT", base + "/state", R"({"state": "running"})", 400);
  Send("PUT", base + "/state", R"({"state": 1})", 400);
  Send("PUT", base + "/state", "{}", 400);
  Send("PUT", "/api/console/dags/etl_pipeline/runs/nope/state", R"({"state": "success"})", 404);
}

TEST(DagsRoutesNoOrchestrator, AnswersNotConfigured) {
  Sources none;
  http::Router router;
  AddDagsRoutes(router, none);
  for (const char* t : {"/api/console/dags", "/api/console/dags/x/grid"}) {
    json e = JsonOf(Call(router, "GET", t), 503);
    EXPECT_NE(e["message"].get<std::string>().find("not configured"), std::string::npos);
  }
  JsonOf(Call(router, "POST", "/api/console/dags/x/runs", "{}"), 503);
}

}  // namespace
}  // namespace kappa::console
