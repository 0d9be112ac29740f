// A try's log in both forms (JSON with a continuation token, text/plain by Accept) and
// clearTaskInstances / dagRuns/{id}/clear over a FakeOrchestrator.
#include "orchestrator/rest_common.h"
#include "orchestrator/rest_test_util.h"

namespace kappa::orchestrator {
namespace {

using nlohmann::json;

std::vector<std::string> TiIds(const json& items, const char* key) {
  std::vector<std::string> out;
  for (const auto& i : items) out.push_back(i[key].get<std::string>());
  return out;
}

TEST_F(RestTest, Logs) {
  const std::string base =
      "/api/v1/dags/etl_pipeline/dagRuns/scheduled__2023-09-10T00:30:00+00:00/taskInstances/"
      "transform/logs/";
  json j = Json(Call("GET", base + "2", "", "application/json"));
  EXPECT_EQ(j["content"], "try 2: exit status 1\n");
  std::string token = j["continuation_token"];
  auto meta = json::parse(*rest::FromBase64Url(token));
  EXPECT_EQ(meta["end_of_log"], true);
  // Continuing after the token: nothing new; full_content ignores the token.
  EXPECT_EQ(Json(Call("GET", base + "2?token=" + token))["content"], "");
  EXPECT_EQ(Json(Call("GET", base + "2?full_content=true&token=" + token))["content"],
            "try 2: exit status 1\n");
  http::Response text = Call("GET", base + "3", "", "text/plain");
  EXPECT_EQ(text.status, 200);
  EXPECT_EQ(text.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(text.body, "try 3: exit status 1\n");
  // */* ties, and Airflow's best_match takes text/plain first; JSON with a higher q wins.
  EXPECT_EQ(Call("GET", base + "1", "", "*/*").body, "try 1: exit status 1\n");
  EXPECT_EQ(Json(Call("GET", base + "1", "", "text/plain;q=0.5, application/json"))["content"],
            "try 1: exit status 1\n");

  // A running try: not the end of its log yet.
  const std::string running =
      "/api/v1/dags/user_automation/dagRuns/scheduled__2023-09-11T00:00:00+00:00/"
      "taskInstances/stream_data_from_api/logs/1";
  json r = Json(Call("GET", running));
  EXPECT_EQ(r["content"], "producing into users_created for 60 s\n");
  EXPECT_EQ(
      json::parse(*rest::FromBase64Url(r["continuation_token"].get<std::string>()))["end_of_log"],
      false);
  fake_.AppendLog("user_automation", "scheduled__2023-09-11T00:00:00+00:00", "stream_data_from_api",
                  1, "produced 600 records");
  EXPECT_EQ(Json(Call("GET",
                      running + "?token=" + r["continuation_token"].get<std::string>()))["content"],
            "produced 600 records\n");
}

// A log longer than a page (1 MiB): JSON answers one page at a time with the token to go on
// (end_of_log only on the last), full_content and text/plain answer all of it.
TEST_F(RestTest, LogsArePaged) {
  const std::string run = "scheduled__2023-09-10T00:30:00+00:00";
  const std::string base =
      "/api/v1/dags/etl_pipeline/dagRuns/" + run + "/taskInstances/transform/logs/1";
  std::string whole = "try 1: exit status 1\n";
  for (int i = 0; i < 2500; ++i) {
    std::string line = std::to_string(i) + std::string(1000, '.');
    fake_.AppendLog("etl_pipeline", run, "transform", 1, line);
    whole += line + "\n";
  }
  std::string paged;
  std::string token;
  int pages = 0;
  while (true) {
    ASSERT_LT(++pages, 10);
    json j = Json(Call("GET", base + (token.empty() ? "" : "?token=" + token), "",
                       "application/json"));
    std::string content = j["content"];
    EXPECT_LE(content.size(), size_t(1) << 20);
    EXPECT_FALSE(content.empty());
    paged += content;
    token = j["continuation_token"];
    if (json::parse(*rest::FromBase64Url(token))["end_of_log"]) break;
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(paged, whole);
  EXPECT_EQ(Json(Call("GET", base + "?full_content=true", "", "application/json"))["content"],
            whole);
  EXPECT_EQ(Call("GET", base, "", "text/plain").body, whole);
  // After the last page: nothing, still the end.
  json last = Json(Call("GET", base + "?token=" + token, "", "application/json"));
  EXPECT_EQ(last["content"], "");
  EXPECT_EQ(json::parse(*rest::FromBase64Url(last["continuation_token"].get<std::string>()))
                ["end_of_log"],
            true);
}

TEST_F(RestTest, ClearTaskInstances) {
  const std::string run = "scheduled__2023-09-10T00:30:00+00:00";
  // Airflow's defaults: dry_run and only_failed.
  json dry = Json(Call("POST", "/api/v1/dags/etl_pipeline/clearTaskInstances",
                       R"({"dag_run_id": ")" + run + R"("})"));
  EXPECT_EQ(TiIds(dry["task_instances"], "task_id"), (std::vector<std::string>{"load", "transform"}));
  EXPECT_EQ(dry["task_instances"][0]["execution_date"], "2023-09-10T00:30:00+00:00");
  EXPECT_EQ(dry["task_instances"][0]["dag_run_id"], run);
  EXPECT_EQ(Get("/api/v1/dags/etl_pipeline/dagRuns/" + run)["state"], "failed");  // untouched

  json done = Json(Call("POST", "/api/v1/dags/etl_pipeline/clearTaskInstances",
                        R"({"dry_run": false, "only_failed": false, "task_ids": ["transform"],
                            "include_downstream": true, "reset_dag_runs": true,
                            "start_date": "2023-09-10T00:00:00Z",
                            "end_date": "2023-09-10T23:59:59Z"})"));
  EXPECT_EQ(TiIds(done["task_instances"], "task_id"),
            (std::vector<std::string>{"load", "notify", "transform"}));
  EXPECT_EQ(Get("/api/v1/dags/etl_pipeline/dagRuns/" + run)["state"], "queued");
  json tr = Get("/api/v1/dags/etl_pipeline/dagRuns/" + run + "/taskInstances/transform");
  EXPECT_TRUE(tr["state"].is_null());
  EXPECT_EQ(tr["max_tries"], 5);  // try 3 + 2 retries
  EXPECT_EQ(Get("/api/v1/dags/etl_pipeline/dagRuns/" + run + "/taskInstances/extract")["state"],
            "success");

  // only_running clears exactly the running instances.
  json running = Json(Call("POST", "/api/v1/dags/user_automation/clearTaskInstances",
                           R"({"dry_run": false, "only_failed": false, "only_running": true})"));
  EXPECT_EQ(TiIds(running["task_instances"], "dag_run_id"),
            std::vector<std::string>{"scheduled__2023-09-11T00:00:00+00:00"});
  EXPECT_EQ(
      Get("/api/v1/dags/user_automation/dagRuns/~/taskInstances?state=failed")["total_entries"], 1);

  // POST dagRuns/{id}/clear: every task of one run.
  json c = Json(Call("POST",
                     "/api/v1/dags/user_automation/dagRuns/"
                     "scheduled__2023-09-09T00:00:00+00:00/clear",
                     R"({"dry_run": false})"));
  EXPECT_EQ(c["state"], "queued");
}

}  // namespace
}  // namespace kappa::orchestrator
