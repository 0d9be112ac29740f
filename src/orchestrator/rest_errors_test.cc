// Bad input to Airflow's REST API: every error is an application/problem+json answer
// {"detail", "status", "title", "type"} with Airflow's status (400, 404, 409), and nothing is
// changed by a refused request.
#include "orchestrator/rest_common.h"
#include "orchestrator/rest_test_util.h"

namespace kappa::orchestrator {
namespace {

using nlohmann::json;

// The detail of an error answer, after checking its shape.
std::string Detail(const json& j, int status) {
  EXPECT_EQ(j["status"], status);
  EXPECT_TRUE(j["title"].is_string());
  EXPECT_TRUE(j["type"].is_string());
  return j.value("detail", "");
}

TEST_F(RestTest, UnknownThingsAre404) {
  json j = Get("/api/v1/dags/nope", 404);
  EXPECT_EQ(Detail(j, 404), "The DAG with dag_id: nope was not found");
  EXPECT_EQ(j["title"], "Not Found");
  EXPECT_EQ(j["type"],
            "https://airflow.apache.org/docs/apache-airflow/2.10.4/stable-rest-api-ref.html"
            "#section/Errors/NotFound");
  Get("/api/v1/dags/nope/details", 404);
  Get("/api/v1/dags/nope/tasks", 404);
  Get("/api/v1/dags/etl_pipeline/tasks/nope", 404);
  Get("/api/v1/dags/nope/dagRuns", 404);
  EXPECT_EQ(Detail(Get("/api/v1/dags/user_automation/dagRuns/nope", 404), 404),
            "DAGRun with DAG ID: 'user_automation' and DagRun ID: 'nope' not found");
  Get("/api/v1/dags/user_automation/dagRuns/nope/taskInstances", 404);
  Get("/api/v1/dags/user_automation/dagRuns/scheduled__2023-09-09T00:00:00+00:00/"
      "taskInstances/nope",
      404);
  Get("/api/v1/dags/user_automation/dagRuns/scheduled__2023-09-09T00:00:00+00:00/"
      "taskInstances/nope/logs/1",
      404);
  // A try that has not happened.
  Get("/api/v1/dags/user_automation/dagRuns/scheduled__2023-09-09T00:00:00+00:00/"
      "taskInstances/stream_data_from_api/logs/2",
      404);
  json t = Json(Call("POST", "/api/v1/dags/nope/dagRuns", "{}"), 404);
  EXPECT_EQ(t["title"], "DAG not found");
  EXPECT_EQ(Detail(t, 404), "DAG with dag_id: 'nope' not found");
  Json(Call("PATCH", "/api/v1/dags/nope", R"({"is_paused": true})"), 404);
  Json(Call("PATCH", "/api/v1/dags/user_automation/dagRuns/nope", R"({"state": "failed"})"), 404);
  Json(Call("DELETE", "/api/v1/dags/user_automation/dagRuns/nope"), 404);
  Json(Call("POST", "/api/v1/dags/nope/clearTaskInstances", "{}"), 404);
  EXPECT_EQ(Detail(Json(Call("POST", "/api/v1/dags/user_automation/clearTaskInstances",
                             R"({"dag_run_id": "nope"})"),
                        404),
                   404),
            "Dag Run id nope not found in dag user_automation");
}

TEST_F(RestTest, BadBodiesAre400) {
  const std::string runs = "/api/v1/dags/manual_only/dagRuns";
  EXPECT_NE(Detail(Json(Call("POST", runs, "{\"conf\": "), 400), 400).find("JSON"),
            std::string::npos);
  Json(Call("POST", runs, ""), 400);
  EXPECT_NE(Detail(Json(Call("POST", runs, "[1]"), 400), 400).find("JSON object"),
            std::string::npos);
  EXPECT_EQ(Detail(Json(Call("POST", runs, R"({"state": "running"})"), 400), 400),
            "{'state': ['Unknown field.']}");
  Json(Call("POST", runs, R"({"conf": [1, 2]})"), 400);
  Json(Call("POST", runs, R"({"dag_run_id": 7})"), 400);
  Json(Call("POST", runs, R"({"dag_run_id": ""})"), 400);
  Json(Call("POST", runs, R"({"data_interval_start": "2023-01-01T00:00:00Z"})"), 400);
  // Dates in bodies need an offset and must exist.
  EXPECT_NE(Detail(Json(Call("POST", runs, R"({"logical_date": "2023-09-20T00:00:00"})"), 400), 400)
                .find("Naive datetime is disallowed"),
            std::string::npos);
  Json(Call("POST", runs, R"({"logical_date": "2023-02-30T00:00:00Z"})"), 400);
  Json(Call("POST", runs, R"({"logical_date": "yesterday"})"), 400);
  Json(Call("POST", runs, R"({"logical_date": "2023-09-20T25:00:00Z"})"), 400);
  json c = Json(Call("POST", runs, R"({"logical_date": "2023-09-20T00:00:00Z",
                                       "execution_date": "2023-09-21T00:00:00Z"})"),
                400);
  EXPECT_EQ(c["title"], "logical_date conflicts with execution_date");
  EXPECT_EQ(Get(runs)["total_entries"], 0);  // nothing was created

  // PATCH dag: only is_paused, a boolean, and update_mask may only name it.
  const std::string dag = "/api/v1/dags/user_automation";
  EXPECT_EQ(Detail(Json(Call("PATCH", dag, R"({"is_paused": true, "owners": []})"), 400), 400),
            "{'owners': ['Unknown field.']}");
  Json(Call("PATCH", dag, R"({"is_paused": "yes"})"), 400);
  Json(Call("PATCH", dag, R"({})"), 400);
  EXPECT_EQ(
      Detail(Json(Call("PATCH", dag + "?update_mask=description", R"({"is_paused": true})"), 400),
             400),
      "Only `is_paused` field can be updated through the REST API");
  Json(Call("PATCH", "/api/v1/dags", R"({"is_paused": true})"), 400);  // no dag_id_pattern
  EXPECT_EQ(Get(dag)["is_paused"], false);

  // PATCH run state: success, failed or queued only.
  const std::string run =
      "/api/v1/dags/user_automation/dagRuns/scheduled__2023-09-09T00:00:00+00:00";
  Json(Call("PATCH", run, R"({"state": "running"})"), 400);
  Json(Call("PATCH", run, R"({"state": "success", "note": "x"})"), 400);
  Json(Call("PATCH", run + "/setNote", R"({})"), 400);
  EXPECT_EQ(Get(run)["state"], "success");
}

TEST_F(RestTest, ConflictsAre409) {
  const std::string runs = "/api/v1/dags/user_automation/dagRuns";
  json j =
      Json(Call("POST", runs, R"({"dag_run_id": "scheduled__2023-09-09T00:00:00+00:00"})"), 409);
  EXPECT_EQ(Detail(j, 409),
            "DAGRun with DAG ID: 'user_automation' and DAGRun ID: "
            "'scheduled__2023-09-09T00:00:00+00:00' already exists");
  // The same logical date under another run id.
  Json(Call("POST", runs, R"({"dag_run_id": "x", "logical_date": "2023-09-09T00:00:00Z"})"), 409);
  EXPECT_EQ(Get(runs)["total_entries"], 3);
}

TEST_F(RestTest, BadQueryParametersAre400) {
  EXPECT_EQ(Detail(Get("/api/v1/dags?limit=-1", 400), 400),
            "Page limit must be a positive integer");
  Get("/api/v1/dags?limit=abc", 400);
  Get("/api/v1/dags?offset=-1", 400);
  Get("/api/v1/dags?offset=1.5", 400);
  EXPECT_EQ(Get("/api/v1/dags?limit=100000")["dags"].size(), 3u);  // capped, not refused
  Get("/api/v1/dags?paused=maybe", 400);
  Get("/api/v1/dags?only_active=2", 400);
  EXPECT_EQ(Detail(Get("/api/v1/dags?order_by=owners", 400), 400),
            "Ordering with 'owners' is disallowed or the attribute does not exist on the model");
  const std::string runs = "/api/v1/dags/user_automation/dagRuns";
  EXPECT_NE(Detail(Get(runs + "?execution_date_gte=yesterday", 400), 400)
                .find("Incorrect datetime argument"),
            std::string::npos);
  Get(runs + "?start_date_lte=2023-13-01", 400);
  Get(runs + "?end_date_gte=2023-09-01T10", 400);
  Get(runs + "?state=exploded", 400);
  Get(runs + "?order_by=-color", 400);
  Get(runs + "?updated_at_gte=2023-09-01", 400);
  const std::string tis = runs + "/~/taskInstances";
  Get(tis + "?state=exploded", 400);
  Get(tis + "?duration_gte=long", 400);
  Get(tis + "?limit=-5", 400);
  const std::string log = runs +
                          "/scheduled__2023-09-09T00:00:00+00:00/taskInstances/"
                          "stream_data_from_api/logs/";
  Get(log + "one", 400);
  Get(log + "0", 400);
  EXPECT_EQ(Detail(Get(log + "1?token=%21%21", 400), 400),
            "Bad Signature. Please use only the tokens provided by the API.");
  Get(log + "1?token=bm90IGpzb24", 400);  // base64url, but not a token
}

TEST_F(RestTest, BadClearRequestsAre400) {
  const std::string clear = "/api/v1/dags/etl_pipeline/clearTaskInstances";
  EXPECT_EQ(Detail(Json(Call("POST", clear, R"({"only_running": true})"), 400), 400),
            "only_failed and only_running both are set to True");
  EXPECT_EQ(Detail(Json(Call("POST", clear, R"({"start_date": "2023-09-10T00:00:00Z",
                                               "end_date": "2023-09-01T00:00:00Z"})"),
                        400),
                   400),
            "end_date is sooner than start_date");
  Json(Call("POST", clear, R"({"dag_run_id": "x", "start_date": "2023-09-10T00:00:00Z"})"), 400);
  Json(Call("POST", clear, R"({"task_ids": []})"), 400);
  Json(Call("POST", clear, R"({"task_ids": "extract"})"), 400);
  EXPECT_EQ(Detail(Json(Call("POST", clear, R"({"task_ids": ["extract", "nope"]})"), 400), 400),
            "task_ids: DAG 'etl_pipeline' has no task 'nope'");
  Json(Call("POST", clear, R"({"dry_run": "no"})"), 400);
  Json(Call("POST", clear, R"({"start_date": "2023-09-10"})"), 400);  // naive
  Json(Call("POST", clear, R"({"include_everything": true})"), 400);
  Json(Call("POST", clear, "not json"), 400);
  // Nothing was cleared by any of those.
  EXPECT_EQ(Get("/api/v1/dags/etl_pipeline/dagRuns?state=failed")["total_entries"], 1);
}

TEST_F(RestTest, UnsupportedOperationIs501) {
  // An orchestrator without notes: the trigger is refused before a run is created.
  class NoNotes : public FakeOrchestrator {
   public:
    using FakeOrchestrator::FakeOrchestrator;
    Result<DagRun> SetRunNote(std::string_view d, std::string_view r, std::string_view n) override {
      return Orchestrator::SetRunNote(d, r, n);
    }
  };
  NoNotes o(&clock_);
  SeedExampleHistory(&o);
  http::Router router;
  AddAirflowRoutes(&o, &router);
  http::Request req;
  req.method = "POST";
  req.path = req.target = "/api/v1/dags/manual_only/dagRuns";
  req.body = R"({"dag_run_id": "noted", "note": "hello"})";
  http::Response r = router.Dispatch(req);
  EXPECT_EQ(r.status, 501);
  EXPECT_EQ(r.content_type, "application/problem+json");
  EXPECT_NE(r.body.find("does not keep notes"), std::string::npos);
  EXPECT_FALSE(o.GetRun("manual_only", "noted").ok());
  req.body = R"({"dag_run_id": "plain"})";  // without a note it works
  EXPECT_EQ(router.Dispatch(req).status, 200);
}

TEST(RestParams, ApiTimes) {
  auto t = [](std::string_view s, bool naive = true) { return rest::ParseApiTime(s, naive); };
  EXPECT_EQ(*t("1970-01-01"), 0);
  EXPECT_EQ(*t("1970-01-01T00:00:01.5Z"), 1500);
  EXPECT_EQ(*t("1970-01-01 01:00:00+01:00"), 0);
  EXPECT_EQ(*t("1970-01-01T00:00:00-0130"), 5'400'000);
  EXPECT_EQ(*t("2024-02-29T00:00:00Z"), 1'709'164'800'000);
  EXPECT_EQ(*t("1969-12-31T23:59:59Z"), -1000);
  EXPECT_FALSE(t("2023-02-29").ok());
  EXPECT_FALSE(t("2023-09-03T10:00", false).ok());
  EXPECT_FALSE(t("2023-09-03T10:00:00+25:00").ok());
  EXPECT_FALSE(t("2023-09-03T10:00:00 junk").ok());
  EXPECT_FALSE(t("2023-9-3").ok());
  EXPECT_FALSE(t("").ok());
}

}  // namespace
}  // namespace kappa::orchestrator
