// Airflow's REST API v1 over a FakeOrchestrator: every endpoint's fields and values, filters,
// paging and ordering, the mutations (pause, trigger, state, note, delete), health, version,
// request counters, and the routes over a real server. Logs and clearing are in
// rest_task_instances_test.cc, errors in rest_errors_test.cc; the JSON Schema check of every
// answer is tests/orchestrator/test_airflow_rest.py.
#include "http/http_test_util.h"
#include "metrics/metrics.h"
#include "orchestrator/rest_common.h"
#include "orchestrator/rest_test_util.h"

namespace kappa::orchestrator {
namespace {

using nlohmann::json;

std::vector<std::string> Ids(const json& items, const char* key) {
  std::vector<std::string> out;
  for (const auto& i : items) out.push_back(i[key].get<std::string>());
  return out;
}

TEST_F(RestTest, ListDagsFieldsAndDefaults) {
  json j = Get("/api/v1/dags");
  // only_active defaults to true: every_15m (no longer in the config) is left out.
  EXPECT_EQ(j["total_entries"], 3);
  EXPECT_EQ(Ids(j["dags"], "dag_id"),
            (std::vector<std::string>{"etl_pipeline", "manual_only", "user_automation"}));
  const json& d = j["dags"][2];
  EXPECT_EQ(d["dag_display_name"], "user_automation");
  EXPECT_EQ(d["is_paused"], false);
  EXPECT_EQ(d["is_active"], true);
  EXPECT_EQ(d["is_subdag"], false);
  EXPECT_TRUE(d["root_dag_id"].is_null());
  EXPECT_EQ(d["owners"], json({"airscholar"}));
  EXPECT_EQ(d["description"], "Streams random users into users_created");
  EXPECT_EQ(d["schedule_interval"], json({{"__type", "CronExpression"}, {"value", "@daily"}}));
  EXPECT_EQ(d["timetable_description"], "At 00:00");
  EXPECT_EQ(d["tags"], json::parse(R"([{"name":"seed"},{"name":"kafka"}])"));
  EXPECT_EQ(d["fileloc"], "config/kappa.yaml");
  EXPECT_TRUE(d["file_token"].is_string());
  EXPECT_EQ(d["max_active_runs"], 16);
  EXPECT_EQ(d["max_active_tasks"], 16);
  EXPECT_EQ(d["has_import_errors"], false);
  EXPECT_EQ(d["last_parsed_time"], "2023-09-12T00:00:05+00:00");
  EXPECT_EQ(d["next_dagrun"], "2023-09-12T00:00:00+00:00");
  EXPECT_EQ(d["next_dagrun_data_interval_start"], "2023-09-12T00:00:00+00:00");
  EXPECT_EQ(d["next_dagrun_data_interval_end"], "2023-09-13T00:00:00+00:00");
  EXPECT_EQ(d["next_dagrun_create_after"], "2023-09-13T00:00:00+00:00");
  const json& m = j["dags"][1];
  EXPECT_TRUE(m["schedule_interval"].is_null());
  EXPECT_EQ(m["timetable_description"], "Never, external triggers only");
  EXPECT_EQ(m["is_paused"], true);
  EXPECT_TRUE(m["next_dagrun"].is_null());
  EXPECT_TRUE(m["last_parsed_time"].is_null());
  EXPECT_EQ(j["dags"][0]["owners"], json({"data-eng", "analytics"}));
}

TEST_F(RestTest, ListDagsFiltersPagingOrder) {
  json all = Get("/api/v1/dags?only_active=false");
  EXPECT_EQ(all["total_entries"], 4);
  const json& every = all["dags"][1];
  EXPECT_EQ(every["dag_id"], "every_15m");
  EXPECT_EQ(every["is_active"], false);
  EXPECT_EQ(every["schedule_interval"],
            json({{"__type", "TimeDelta"}, {"days", 0}, {"seconds", 900}, {"microseconds", 0}}));

  json page = Get("/api/v1/dags?limit=1&offset=1");
  EXPECT_EQ(page["total_entries"], 3);
  EXPECT_EQ(Ids(page["dags"], "dag_id"), std::vector<std::string>{"manual_only"});
  EXPECT_EQ(Ids(Get("/api/v1/dags?order_by=-dag_id")["dags"], "dag_id"),
            (std::vector<std::string>{"user_automation", "manual_only", "etl_pipeline"}));
  EXPECT_EQ(Ids(Get("/api/v1/dags?tags=etl")["dags"], "dag_id"),
            std::vector<std::string>{"etl_pipeline"});
  EXPECT_EQ(Get("/api/v1/dags?tags=etl&tags=seed")["total_entries"], 2);
  EXPECT_EQ(Ids(Get("/api/v1/dags?dag_id_pattern=AUTO")["dags"], "dag_id"),
            std::vector<std::string>{"user_automation"});
  EXPECT_EQ(Ids(Get("/api/v1/dags?paused=true")["dags"], "dag_id"),
            std::vector<std::string>{"manual_only"});
  EXPECT_EQ(Get("/api/v1/dags?paused=false")["total_entries"], 2);
  EXPECT_EQ(Get("/api/v1/dags?limit=0")["dags"].size(), 3u);  // 0: the fallback page size
}

TEST_F(RestTest, GetAndPatchDag) {
  EXPECT_EQ(Get("/api/v1/dags/user_automation")["is_paused"], false);
  json p = Json(Call("PATCH", "/api/v1/dags/user_automation", R"({"is_paused": true})"));
  EXPECT_EQ(p["is_paused"], true);
  EXPECT_EQ(p["dag_id"], "user_automation");
  EXPECT_EQ(Get("/api/v1/dags/user_automation")["is_paused"], true);
  p = Json(Call("PATCH", "/api/v1/dags/user_automation?update_mask=is_paused",
                R"({"is_paused": false})"));
  EXPECT_EQ(p["is_paused"], false);
  // PATCH /dags pauses every DAG the filters select.
  json many = Json(Call("PATCH", "/api/v1/dags?dag_id_pattern=~", R"({"is_paused": true})"));
  EXPECT_EQ(many["total_entries"], 3);
  for (const auto& d : many["dags"]) EXPECT_EQ(d["is_paused"], true) << d["dag_id"];
  EXPECT_EQ(Get("/api/v1/dags?paused=true")["total_entries"], 3);
}

TEST_F(RestTest, DagDetailsAndTasks) {
  json d = Get("/api/v1/dags/etl_pipeline/details");
  EXPECT_EQ(d["dag_id"], "etl_pipeline");
  EXPECT_EQ(d["timezone"], "Timezone('Europe/Paris')");
  EXPECT_EQ(d["catchup"], true);
  EXPECT_EQ(d["concurrency"], 16);
  EXPECT_EQ(d["max_active_runs"], 2);
  EXPECT_EQ(d["start_date"], "2023-09-01T00:00:00+00:00");
  EXPECT_TRUE(d["end_date"].is_null());
  EXPECT_EQ(d["params"]["table"]["value"], "users");
  EXPECT_EQ(d["schedule_interval"]["value"], "30 2 * * *");
  EXPECT_EQ(d["timetable_description"], "At 02:30");

  json t = Get("/api/v1/dags/etl_pipeline/tasks");
  EXPECT_EQ(t["total_entries"], 4);
  EXPECT_EQ(Ids(t["tasks"], "task_id"),
            (std::vector<std::string>{"extract", "load", "notify", "transform"}));
  json tr = Get("/api/v1/dags/etl_pipeline/tasks/transform");
  EXPECT_EQ(tr["owner"], "analytics");
  EXPECT_EQ(tr["retries"], 2);
  EXPECT_EQ(tr["retry_delay"],
            json({{"__type", "TimeDelta"}, {"days", 0}, {"seconds", 60}, {"microseconds", 0}}));
  EXPECT_EQ(tr["execution_timeout"]["seconds"], 600);
  EXPECT_EQ(tr["retry_exponential_backoff"], true);
  EXPECT_EQ(tr["trigger_rule"], "all_success");
  EXPECT_EQ(tr["downstream_task_ids"], json({"load"}));
  EXPECT_EQ(tr["class_ref"]["class_name"], "command");
  EXPECT_EQ(Get("/api/v1/dags/etl_pipeline/tasks/notify")["trigger_rule"], "all_done");
  EXPECT_TRUE(Get("/api/v1/dags/etl_pipeline/tasks/extract")["execution_timeout"].is_null());
  EXPECT_EQ(Ids(Get("/api/v1/dags/etl_pipeline/tasks?order_by=-task_id")["tasks"], "task_id")[0],
            "transform");
}

TEST_F(RestTest, ListDagRuns) {
  json j = Get("/api/v1/dags/user_automation/dagRuns");
  EXPECT_EQ(j["total_entries"], 3);
  ASSERT_EQ(j["dag_runs"].size(), 3u);
  const json& r = j["dag_runs"][1];
  EXPECT_EQ(r["dag_run_id"], "scheduled__2023-09-10T00:00:00+00:00");
  EXPECT_EQ(r["dag_id"], "user_automation");
  EXPECT_EQ(r["logical_date"], "2023-09-10T00:00:00+00:00");
  EXPECT_EQ(r["execution_date"], "2023-09-10T00:00:00+00:00");
  EXPECT_EQ(r["data_interval_start"], "2023-09-10T00:00:00+00:00");
  EXPECT_EQ(r["data_interval_end"], "2023-09-11T00:00:00+00:00");
  EXPECT_EQ(r["start_date"], "2023-09-11T00:00:01+00:00");
  EXPECT_EQ(r["end_date"], "2023-09-11T00:01:06+00:00");
  EXPECT_EQ(r["run_type"], "scheduled");
  EXPECT_EQ(r["state"], "failed");
  EXPECT_EQ(r["external_trigger"], false);
  EXPECT_EQ(r["conf"], json::object());
  EXPECT_TRUE(r["note"].is_null());
  EXPECT_TRUE(r["last_scheduling_decision"].is_null());
  EXPECT_TRUE(j["dag_runs"][2]["end_date"].is_null());  // still running

  auto states = [&](const std::string& q) {
    return Ids(Get("/api/v1/dags/user_automation/dagRuns" + q)["dag_runs"], "state");
  };
  EXPECT_EQ(states("?order_by=-execution_date"),
            (std::vector<std::string>{"running", "failed", "success"}));
  EXPECT_EQ(states("?state=failed&state=running"), (std::vector<std::string>{"failed", "running"}));
  // An encoded '+' and one left raw in the URL (a space by then) both work, as in Airflow.
  EXPECT_EQ(states("?execution_date_gte=2023-09-10T00:00:00%2B00:00").size(), 2u);
  EXPECT_EQ(states("?execution_date_gte=2023-09-10T00:00:00+00:00").size(), 2u);
  EXPECT_EQ(states("?execution_date_lte=2023-09-09").size(), 1u);
  EXPECT_EQ(states("?end_date_lte=2023-09-12T00:00:00Z"),
            (std::vector<std::string>{"success", "failed"}));
  EXPECT_EQ(states("?start_date_gte=2023-09-12T00:00:00Z"), std::vector<std::string>{"running"});
  EXPECT_EQ(states("?order_by=state"), (std::vector<std::string>{"failed", "running", "success"}));
  json page = Get("/api/v1/dags/user_automation/dagRuns?limit=1&offset=2");
  EXPECT_EQ(page["total_entries"], 3);
  EXPECT_EQ(Ids(page["dag_runs"], "state"), std::vector<std::string>{"running"});

  // "~": every DAG's runs.
  json any = Get("/api/v1/dags/~/dagRuns?limit=2&order_by=dag_id");
  EXPECT_EQ(any["total_entries"], 5);
  EXPECT_EQ(Ids(any["dag_runs"], "dag_id"),
            (std::vector<std::string>{"etl_pipeline", "etl_pipeline"}));
}

TEST_F(RestTest, TriggerGetPatchNoteDelete) {
  json r = Json(Call("POST", "/api/v1/dags/etl_pipeline/dagRuns",
                     R"({"dag_run_id": "my_run", "logical_date": "2023-09-20T02:00:00+02:00",
                         "conf": {"table": "orders"}, "note": "by hand"})"));
  EXPECT_EQ(r["dag_run_id"], "my_run");
  EXPECT_EQ(r["logical_date"], "2023-09-20T00:00:00+00:00");
  EXPECT_EQ(r["run_type"], "manual");
  EXPECT_EQ(r["state"], "queued");
  EXPECT_EQ(r["external_trigger"], true);
  EXPECT_EQ(r["conf"], json({{"table", "orders"}}));
  EXPECT_EQ(r["note"], "by hand");
  json tis = Get("/api/v1/dags/etl_pipeline/dagRuns/my_run/taskInstances");
  EXPECT_EQ(tis["total_entries"], 4);
  EXPECT_TRUE(tis["task_instances"][0]["state"].is_null());
  EXPECT_EQ(tis["task_instances"][0]["try_number"], 0);

  // No run id or date: manual__<now>.
  json now = Json(Call("POST", "/api/v1/dags/manual_only/dagRuns", "{}"));
  EXPECT_EQ(now["dag_run_id"], "manual__2023-09-12T12:00:00+00:00");
  EXPECT_EQ(now["logical_date"], "2023-09-12T12:00:00+00:00");
  json old = Json(Call("POST", "/api/v1/dags/manual_only/dagRuns",
                       R"({"execution_date": "2023-01-02T00:00:00Z"})"));
  EXPECT_EQ(old["dag_run_id"], "manual__2023-01-02T00:00:00+00:00");

  EXPECT_EQ(Get("/api/v1/dags/etl_pipeline/dagRuns/my_run")["note"], "by hand");
  json n = Json(
      Call("PATCH", "/api/v1/dags/etl_pipeline/dagRuns/my_run/setNote", R"({"note": "checked"})"));
  EXPECT_EQ(n["note"], "checked");
  json s =
      Json(Call("PATCH", "/api/v1/dags/etl_pipeline/dagRuns/my_run", R"({"state": "success"})"));
  EXPECT_EQ(s["state"], "success");
  EXPECT_EQ(s["end_date"], "2023-09-12T12:00:00+00:00");
  EXPECT_EQ(Get("/api/v1/dags/etl_pipeline/dagRuns/my_run/taskInstances/load")["state"], "success");

  http::Response del = Call("DELETE", "/api/v1/dags/etl_pipeline/dagRuns/my_run");
  EXPECT_EQ(del.status, 204);
  EXPECT_TRUE(del.body.empty());
  Get("/api/v1/dags/etl_pipeline/dagRuns/my_run", 404);
}

TEST_F(RestTest, TaskInstances) {
  const std::string run = "scheduled__2023-09-10T00:30:00+00:00";
  json j = Get("/api/v1/dags/etl_pipeline/dagRuns/" + run + "/taskInstances");
  EXPECT_EQ(j["total_entries"], 4);
  EXPECT_EQ(Ids(j["task_instances"], "task_id"),
            (std::vector<std::string>{"extract", "transform", "load", "notify"}));
  const json& t = j["task_instances"][1];
  EXPECT_EQ(t["dag_id"], "etl_pipeline");
  EXPECT_EQ(t["dag_run_id"], run);
  EXPECT_EQ(t["execution_date"], "2023-09-10T00:30:00+00:00");
  EXPECT_EQ(t["state"], "failed");
  EXPECT_EQ(t["try_number"], 3);
  EXPECT_EQ(t["max_tries"], 2);
  EXPECT_EQ(t["map_index"], -1);
  EXPECT_DOUBLE_EQ(t["duration"].get<double>(), 60.5);
  EXPECT_EQ(t["start_date"], "2023-09-11T00:30:01.500000+00:00");
  EXPECT_EQ(t["priority_weight"], 3);  // transform, load, notify
  EXPECT_EQ(t["operator"], "command");
  EXPECT_EQ(t["pool"], "default_pool");
  EXPECT_EQ(t["pool_slots"], 1);
  EXPECT_EQ(t["queue"], "default");
  EXPECT_EQ(t["hostname"], "kappa-host");
  EXPECT_EQ(t["pid"], 4242);
  EXPECT_EQ(t["executor_config"], "{}");
  EXPECT_EQ(t["rendered_fields"], json::object());
  const json& load = j["task_instances"][2];
  EXPECT_EQ(load["state"], "upstream_failed");
  EXPECT_TRUE(load["start_date"].is_null());
  EXPECT_TRUE(load["duration"].is_null());
  EXPECT_TRUE(load["pid"].is_null());

  auto ids = [&](const std::string& q) {
    return Ids(
        Get("/api/v1/dags/etl_pipeline/dagRuns/" + run + "/taskInstances" + q)["task_instances"],
        "task_id");
  };
  EXPECT_EQ(ids("?state=failed&state=upstream_failed"),
            (std::vector<std::string>{"transform", "load"}));
  EXPECT_EQ(ids("?duration_gte=60&limit=2"), (std::vector<std::string>{"extract", "transform"}));
  EXPECT_EQ(ids("?pool=other").size(), 0u);
  EXPECT_EQ(ids("?queue=default").size(), 4u);

  EXPECT_EQ(Get("/api/v1/dags/~/dagRuns/~/taskInstances")["total_entries"], 11);
  json mine = Get("/api/v1/dags/etl_pipeline/dagRuns/~/taskInstances?state=success");
  EXPECT_EQ(mine["total_entries"], 6);
  json one = Get("/api/v1/dags/etl_pipeline/dagRuns/" + run + "/taskInstances/notify");
  EXPECT_EQ(one["state"], "success");
  EXPECT_EQ(one["priority_weight"], 1);
}

TEST_F(RestTest, HealthAndVersion) {
  json h = Get("/api/v1/health");
  EXPECT_EQ(h["metadatabase"]["status"], "healthy");
  EXPECT_EQ(h["scheduler"]["status"], "healthy");
  EXPECT_TRUE(h["scheduler"]["latest_scheduler_heartbeat"].is_null());
  EXPECT_TRUE(h["triggerer"]["status"].is_null());
  fake_.SetHealth({true, false, 1'694'520'000'000});
  h = Get("/api/v1/health");
  EXPECT_EQ(h["scheduler"]["status"], "unhealthy");
  EXPECT_EQ(h["scheduler"]["latest_scheduler_heartbeat"], "2023-09-12T12:00:00+00:00");
  json v = Get("/api/v1/version");
  EXPECT_EQ(v["version"], "2.10.4");
  EXPECT_EQ(v["git_version"].get<std::string>().rfind("kappa ", 0), 0u);
}

double ApiRequests(std::string_view operation, std::string_view status) {
  for (const auto& f : metrics::Registry::Default().Collect()) {
    if (f.name != "kappa_orchestrator_api_requests_total") continue;
    for (const auto& s : f.samples) {
      if (s.labels ==
          metrics::Labels{{"operation", std::string(operation)}, {"status", std::string(status)}}) {
        return s.value;
      }
    }
  }
  return 0;
}

TEST_F(RestTest, RequestsAreCounted) {
  double ok = ApiRequests("get_dag", "200"), missing = ApiRequests("get_dag", "404");
  Get("/api/v1/dags/user_automation");
  Get("/api/v1/dags/user_automation");
  Get("/api/v1/dags/nope", 404);
  EXPECT_EQ(ApiRequests("get_dag", "200"), ok + 2);
  EXPECT_EQ(ApiRequests("get_dag", "404"), missing + 1);
}

// The same routes through the shared HTTP server, over a socket.
TEST_F(RestTest, OverTheServer) {
  auto router = std::make_shared<http::Router>();
  AddAirflowRoutes(&fake_, router.get());
  auto server = http::testing::StartOn(router);
  http::testing::RawClient c(server->port());
  http::testing::Answer a;
  c.Send(http::testing::Get("/api/v1/dags?limit=1"));
  ASSERT_TRUE(c.Read(&a));
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.header("content-type"), "application/json");
  EXPECT_EQ(json::parse(a.body)["total_entries"], 3);
  c.Send(http::testing::Get("/api/v1/dags/nope"));
  ASSERT_TRUE(c.Read(&a));
  EXPECT_EQ(a.status, 404);
  EXPECT_EQ(a.header("content-type"), "application/problem+json");
  // The connection keeps serving after an error.
  c.Send(http::testing::Get("/api/v1/version"));
  ASSERT_TRUE(c.Read(&a));
  EXPECT_EQ(a.status, 200);
}

}  // namespace
}  // namespace kappa::orchestrator
