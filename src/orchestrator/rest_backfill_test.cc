// POST /api/v1/dags/{dag_id}/backfill (kappa's extension) over the real Scheduler in virtual
// time: the runs it creates, that they run, conf, the intervals already covered, bad bodies.
#include <gtest/gtest.h>

#include "common/clock.h"
#include "http/http.h"
#include "metrics/metrics.h"
#include "orchestrator/orchestrator.h"

namespace kappa::orchestrator {
namespace {

using nlohmann::json;

class BackfillRouteTest : public ::testing::Test {
 protected:
  BackfillRouteTest() : clock_(ParseDateTime("2023-09-12T12:00:00Z").value()) {
    DagSpec d;
    d.dag_id = "daily";
    d.start_date = ParseDateTime("2023-09-01").value();
    d.schedule = Schedule::Parse("@daily").value();
    d.paused_at_creation = true;  // only the backfill makes runs
    TaskSpec t;
    t.task_id = "echo";
    t.type = "noop";
    t.args = {{"result", "{{ ds }} {{ params.colour }}"}};
    d.params = {{"colour", "red"}};
    d.tasks = {t};
    SchedulerOptions o;
    o.clock = &clock_;
    o.virtual_time = true;
    o.metrics = &registry_;
    auto s = Scheduler::Create({d}, meta_.get(), &types_, o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    sched_ = std::move(s).value();
    EXPECT_TRUE(sched_->Start().ok());
    AddAirflowRoutes(sched_.get(), &router_);
  }

  http::Response Post(const std::string& path, const std::string& body) {
    http::Request req;
    req.method = "POST";
    req.target = req.path = path;
    req.body = body;
    req.headers.Add("Content-Type", "application/json");
    return router_.Dispatch(req);
  }

  ManualClock clock_;
  metrics::Registry registry_;
  std::unique_ptr<MetaStore> meta_ = NewMemoryMetaStore();
  TaskTypes types_ = BuiltinTaskTypes();
  std::unique_ptr<Scheduler> sched_;
  http::Router router_;
};

TEST_F(BackfillRouteTest, CreatesOneRunPerIntervalAndTheyRun) {
  http::Response r = Post("/api/v1/dags/daily/backfill",
                          R"({"from_date": "2023-09-02T00:00:00+00:00",
                              "to_date": "2023-09-04T00:00:00Z",
                              "dag_run_conf": {"colour": "blue"}})");
  ASSERT_EQ(r.status, 200) << r.body;
  json doc = json::parse(r.body);
  ASSERT_EQ(doc["total_entries"], 3);
  std::vector<std::string> ids;
  for (const auto& run : doc["dag_runs"]) {
    ids.push_back(run["dag_run_id"]);
    EXPECT_EQ(run["run_type"], "backfill");
    EXPECT_EQ(run["state"], "queued");
    EXPECT_EQ(run["conf"], json({{"colour", "blue"}}));
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"backfill__2023-09-02T00:00:00+00:00",
                                           "backfill__2023-09-03T00:00:00+00:00",
                                           "backfill__2023-09-04T00:00:00+00:00"}));
  // Backfills run although the DAG is paused (as Airflow's backfill job does).
  ASSERT_TRUE(sched_->RunUntil(clock_.NowMs() + 60'000).ok());
  for (const auto& id : ids) {
    auto ti = sched_->GetTaskInstance("daily", id, "echo");
    ASSERT_TRUE(ti.ok());
    EXPECT_EQ(ti->state, TaskState::kSuccess) << id;
    EXPECT_EQ(ti->result, id.substr(10, 10) + " blue");
  }
  // The same range again: every interval has its run, nothing new.
  r = Post("/api/v1/dags/daily/backfill",
           R"({"from_date": "2023-09-01T00:00:00Z", "to_date": "2023-09-04T00:00:00Z"})");
  ASSERT_EQ(r.status, 200) << r.body;
  doc = json::parse(r.body);
  ASSERT_EQ(doc["total_entries"], 1);
  EXPECT_EQ(doc["dag_runs"][0]["dag_run_id"], "backfill__2023-09-01T00:00:00+00:00");
  EXPECT_EQ(doc["dag_runs"][0]["conf"], json::object());
}

TEST_F(BackfillRouteTest, BadRequests) {
  auto status = [&](const std::string& path, const std::string& body) {
    http::Response r = Post(path, body);
    if (r.status >= 400) {
      EXPECT_EQ(r.content_type, "application/problem+json") << r.body;
    }
    return std::make_pair(r.status, r.body);
  };
  const std::string kPath = "/api/v1/dags/daily/backfill";
  auto [code, body] = status("/api/v1/dags/nope/backfill",
                             R"({"from_date": "2023-09-01Z", "to_date": "2023-09-02Z"})");
  EXPECT_EQ(code, 404);
  EXPECT_NE(body.find("DAG not found"), std::string::npos);
  std::tie(code, body) = status(kPath, R"({"to_date": "2023-09-02T00:00:00Z"})");
  EXPECT_EQ(code, 400);
  EXPECT_NE(body.find("from_date"), std::string::npos);
  std::tie(code, body) = status(kPath, R"({"from_date": "2023-09-02T00:00:00"})");
  EXPECT_EQ(code, 400);
  EXPECT_NE(body.find("Naive datetime"), std::string::npos);
  std::tie(code, body) = status(
      kPath, R"({"from_date": "2023-09-02T00:00:00Z", "to_date": "2023-09-03T00:00:00Z", "x": 1})");
  EXPECT_EQ(code, 400);
  EXPECT_NE(body.find("Unknown field"), std::string::npos);
  std::tie(code, body) = status(
      kPath,
      R"({"from_date": "2023-09-02T00:00:00Z", "to_date": "2023-09-03T00:00:00Z", "dag_run_conf": [1]})");
  EXPECT_EQ(code, 400);
  EXPECT_NE(body.find("mapping"), std::string::npos);
  std::tie(code, body) =
      status(kPath, R"({"from_date": "2023-09-05T00:00:00Z", "to_date": "2023-09-03T00:00:00Z"})");
  EXPECT_EQ(code, 400);
  EXPECT_NE(body.find("after its end"), std::string::npos);
  // More intervals than one backfill may create: refused, nothing created.
  std::tie(code, body) =
      status(kPath, R"({"from_date": "1990-01-01T00:00:00Z", "to_date": "2023-09-03T00:00:00Z"})");
  EXPECT_EQ(code, 400);
  EXPECT_NE(body.find("more than"), std::string::npos);
  auto runs = sched_->ListRuns("daily", RunFilter{});
  ASSERT_TRUE(runs.ok());
  EXPECT_EQ(runs->second, 0);
}

}  // namespace
}  // namespace kappa::orchestrator
