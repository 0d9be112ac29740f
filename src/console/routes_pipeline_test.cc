// The Jobs and Tables API (routes_jobs.cc, routes_tables.cc) over a fake PipelineSource:
// shapes, paging parameters, the replay body, errors and their HTTP codes, History rates.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <map>

#include "console/console.h"
#include "console/routes.h"
#include "http/http.h"
#include "metrics/metrics.h"

namespace kappa::console {
namespace {

using nlohmann::json;

class FakePipeline final : public PipelineSource {
 public:
  FakePipeline() {
    JobInfo j;
    j.name = "users_to_table";
    j.topic = "users";
    j.table = "ks.users";
    j.group = "users_to_table";
    j.dead_letter_topic = "users.dlq";
    j.state = "running";
    j.consumed = 10;
    j.stored = 9;
    j.dead_letters = 1;
    j.lag = 3;
    j.partitions = {{0, 5, 0, 7, 2, 4, 1}, {1, std::nullopt, 0, 1, 1, 0, 0}};
    jobs_.push_back(j);
    for (int i = 0; i < 7; ++i) {
      DeadLetter d;
      d.offset = i;
      d.timestamp_ms = 1000 + i;
      d.key = "<script>k" + std::to_string(i) + "</script>";
      d.value = i == 3 ? std::nullopt : std::optional<std::string>("not json");
      d.headers = {{"error", "value is not JSON"}, {"source.offset", std::to_string(i)},
                   {"empty", std::nullopt}};
      dlq_.push_back(d);
    }
  }

  Result<std::vector<JobInfo>> ListJobs() override {
    std::vector<JobInfo> out = jobs_;
    for (auto& j : out) j.partitions.clear();
    return out;
  }
  Result<JobInfo> GetJob(std::string_view name) override {
    for (const auto& j : jobs_) {
      if (j.name == name) return j;
    }
    return Status::NotFound("no job named " + std::string(name));
  }
  Result<DeadLetterPage> DeadLetters(std::string_view job, int32_t partition,
                                     std::optional<int64_t> from, int32_t limit) override {
    RETURN_IF_ERROR(GetJob(job).status());
    if (partition != 0) return Status::NotFound("no partition");
    DeadLetterPage p;
    p.partitions = 1;
    p.end_offset = int64_t(dlq_.size());
    int64_t next = from.value_or(0);
    while (next < p.end_offset && int32_t(p.items.size()) < limit) p.items.push_back(dlq_[size_t(next++)]);
    if (next < p.end_offset) p.next_offset = next;
    return p;
  }
  Result<JobInfo> ReplayJob(std::string_view name, const ReplayTarget& target) override {
    last_replay_ = target;
    if (name == "kafka_job") return Status::NotSupported("job kafka_job reads a Kafka cluster");
    ASSIGN_OR_RETURN(JobInfo j, GetJob(name));
    j.lag = 8;
    return j;
  }
  Result<std::vector<KeyspaceInfo>> ListKeyspaces() override {
    return std::vector<KeyspaceInfo>{{"ks", "CREATE KEYSPACE ks ...", {"users"}}};
  }
  Result<TableInfo> GetTable(std::string_view ks, std::string_view t) override {
    if (ks != "ks" || t != "users") return Status::NotFound("table ks.users does not exist");
    return TableInfo{"ks", "users", Columns(), "CREATE TABLE ks.users (...)"};
  }
  Result<RowPage> BrowseRows(std::string_view ks, std::string_view t, std::string_view cursor,
                             int32_t limit) override {
    RETURN_IF_ERROR(GetTable(ks, t).status());
    last_limit_ = limit;
    RowPage p;
    p.columns = Columns();
    p.rows = {{"1", std::nullopt}};
    p.cursor = cursor.empty() ? "00ff" : "";
    return p;
  }
  Result<QueryResult> Query(std::string_view statement, std::string_view keyspace,
                            std::string_view cursor, int32_t limit) override {
    last_statement_ = std::string(statement);
    last_keyspace_ = std::string(keyspace);
    last_cursor_ = std::string(cursor);
    last_limit_ = limit;
    if (statement.starts_with("SELEC ")) return Status::InvalidArgument("line 1:0 no viable alternative");
    QueryResult r;
    if (statement.starts_with("USE")) {
      r.kind = "set_keyspace";
      r.keyspace = "ks";
      r.message = "USE ks";
      return r;
    }
    r.kind = "rows";
    r.page.columns = {{"id", "int", ""}};
    r.page.rows = {{"42"}};
    r.page.cursor = "abcd";
    return r;
  }

  static std::vector<ColumnInfo> Columns() {
    return {{"id", "int", "partition_key"}, {"name", "text", "regular"}};
  }

  std::vector<JobInfo> jobs_;
  std::vector<DeadLetter> dlq_;
  std::optional<ReplayTarget> last_replay_;
  std::string last_statement_, last_keyspace_, last_cursor_;
  int32_t last_limit_ = 0;
};

class PipelineRoutesTest : public testing::Test {
 protected:
  void SetUp() override {
    sources_.pipeline = &fake_;
    sources_.history = &history_;
    AddPipelineRoutes(router_, sources_);
  }

  http::Response Call(std::string method, std::string path,
                      std::vector<std::pair<std::string, std::string>> query = {},
                      std::string body = {}) {
    http::Request r;
    r.method = std::move(method);
    r.path = path;
    r.target = path;
    r.query = std::move(query);
    r.body = std::move(body);
    if (!r.body.empty()) r.headers.Add("Content-Type", "application/json");
    return router_.Dispatch(r);
  }
  static json Body(const http::Response& r) { return json::parse(r.body); }

  FakePipeline fake_;
  metrics::Registry registry_;
  metrics::History history_{&registry_};
  Sources sources_;
  http::Router router_;
};

TEST_F(PipelineRoutesTest, JobsListWithRateFromHistory) {
  // The job counter as the pipeline exports it, rising 50/s for 20 s.
  double consumed = 0;
  auto handle = registry_.AddCollector([&](metrics::CollectSink& sink) {
    sink.Counter("kappa_job_records_consumed_total", "records", {{"job", "users_to_table"}}, consumed);
    sink.Gauge("kappa_job_lag_records", "lag", {{"job", "users_to_table"}}, 3);
  });
  for (int s = 1; s <= 20; ++s) {
    consumed += 50;
    history_.Tick(1'000'000 + s);
  }
  auto r = Call("GET", "/api/console/jobs");
  ASSERT_EQ(r.status, 200) << r.body;
  json b = Body(r);
  ASSERT_EQ(b["items"].size(), 1u);
  EXPECT_TRUE(b["next_cursor"].is_null());
  EXPECT_EQ(b["total"], 1);
  const json& j = b["items"][0];
  EXPECT_EQ(j["name"], "users_to_table");
  EXPECT_EQ(j["state"], "running");
  EXPECT_EQ(j["lag"], 3);
  EXPECT_EQ(j["dead_letter_topic"], "users.dlq");
  EXPECT_DOUBLE_EQ(j["rate_per_s"].get<double>(), 50.0);

  auto series = Call("GET", "/api/console/jobs/users_to_table/series");
  ASSERT_EQ(series.status, 200) << series.body;
  json s = Body(series);
  // 15 minutes at 1 s, ending at the last tick; 20 samples give 19 differences.
  auto values = [](const json& points) {
    std::vector<double> v;
    for (const json& p : points) {
      if (!p[1].is_null()) v.push_back(p[1].get<double>());
    }
    return v;
  };
  ASSERT_FALSE(s["consumed_per_s"].empty());
  EXPECT_EQ(s["consumed_per_s"].back()[0], 1'000'020);
  EXPECT_EQ(values(s["consumed_per_s"]), std::vector<double>(19, 50.0));
  EXPECT_EQ(values(s["lag"]), std::vector<double>(20, 3.0));
  EXPECT_TRUE(values(s["stored_per_s"]).empty());  // not exported here: no values, no error
}

TEST_F(PipelineRoutesTest, JobDetailHasPartitions) {
  auto r = Call("GET", "/api/console/jobs/users_to_table");
  ASSERT_EQ(r.status, 200) << r.body;
  json j = Body(r);
  ASSERT_EQ(j["partitions"].size(), 2u);
  EXPECT_EQ(j["partitions"][0]["committed"], 5);
  EXPECT_TRUE(j["partitions"][1]["committed"].is_null());
  EXPECT_EQ(j["partitions"][1]["lag"], 1);
  EXPECT_TRUE(j["rate_per_s"].is_null());  // no History samples yet
  EXPECT_EQ(Call("GET", "/api/console/jobs/nope").status, 404);
}

// Every page boundary of the dead-letter paging: each record exactly once, in order.
TEST_F(PipelineRoutesTest, DeadLettersPageThroughEveryRecord) {
  for (int limit = 1; limit <= 8; ++limit) {
    std::vector<int64_t> offsets;
    std::optional<std::string> cursor;
    for (int pages = 0; pages < 20; ++pages) {
      std::vector<std::pair<std::string, std::string>> q = {{"limit", std::to_string(limit)}};
      if (cursor) q.push_back({"cursor", *cursor});
      auto r = Call("GET", "/api/console/jobs/users_to_table/dead-letters", q);
      ASSERT_EQ(r.status, 200) << r.body;
      json b = Body(r);
      EXPECT_LE(b["items"].size(), size_t(limit));
      for (const json& d : b["items"]) offsets.push_back(d["offset"].get<int64_t>());
      if (b["next_cursor"].is_null()) break;
      cursor = b["next_cursor"].get<std::string>();
    }
    EXPECT_EQ(offsets, (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6})) << "limit " << limit;
  }
  auto r = Call("GET", "/api/console/jobs/users_to_table/dead-letters", {{"limit", "4"}});
  json d = Body(r)["items"][3];
  EXPECT_EQ(d["error"], "value is not JSON");
  EXPECT_TRUE(d["value"].is_null());
  EXPECT_EQ(d["key"], "<script>k3</script>");  // data, as is: the page renders it as text
  EXPECT_EQ(d["headers"][2]["key"], "empty");
  EXPECT_TRUE(d["headers"][2]["value"].is_null());
  EXPECT_EQ(Body(r)["partitions"], 1);
  EXPECT_EQ(Body(r)["end_offset"], 7);
}

TEST_F(PipelineRoutesTest, BadPagingParametersAre400) {
  const std::string dl = "/api/console/jobs/users_to_table/dead-letters";
  for (const char* limit : {"0", "501", "-1", "x", "1.5", ""}) {
    EXPECT_EQ(Call("GET", dl, {{"limit", limit}}).status, 400) << limit;
  }
  EXPECT_EQ(Call("GET", dl, {{"cursor", "x"}}).status, 400);
  EXPECT_EQ(Call("GET", dl, {{"cursor", "-3"}}).status, 400);
  EXPECT_EQ(Call("GET", dl, {{"partition", "-1"}}).status, 400);
  EXPECT_EQ(Call("GET", dl, {{"partition", "3"}}).status, 404);
  EXPECT_EQ(Call("GET", dl, {{"limit", "500"}}).status, 200);
  auto rows = Call("GET", "/api/console/tables/ks/users/rows");
  ASSERT_EQ(rows.status, 200);
  EXPECT_EQ(fake_.last_limit_, 50);  // the default
  EXPECT_EQ(Call("GET", "/api/console/tables/ks/users/rows", {{"limit", "501"}}).status, 400);
}

TEST_F(PipelineRoutesTest, ReplayParsesTargetsAndMapsConflicts) {
  const std::string path = "/api/console/jobs/users_to_table/replay";
  auto r = Call("POST", path, {}, R"({"to": "earliest"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["lag"], 8);
  EXPECT_EQ(fake_.last_replay_->kind, ReplayTarget::Kind::kEarliest);
  EXPECT_FALSE(fake_.last_replay_->partition);

  ASSERT_EQ(Call("POST", path, {}, R"({"to": "offset", "offset": 12, "partition": 1})").status, 200);
  EXPECT_EQ(fake_.last_replay_->kind, ReplayTarget::Kind::kOffset);
  EXPECT_EQ(fake_.last_replay_->value, 12);
  EXPECT_EQ(fake_.last_replay_->partition, 1);
  ASSERT_EQ(Call("POST", path, {}, R"({"to": "time", "time_ms": 1700000000000})").status, 200);
  EXPECT_EQ(fake_.last_replay_->kind, ReplayTarget::Kind::kTimestamp);
  EXPECT_EQ(fake_.last_replay_->value, 1700000000000);

  for (const char* bad : {"", "[]", R"({"to": "yesterday"})", R"({"to": "offset"})",
                          R"({"to": "offset", "offset": -1})", R"({"to": "time", "time_ms": "x"})",
                          R"({"to": "latest", "partition": -2})", "{not json"}) {
    EXPECT_EQ(Call("POST", path, {}, bad).status, 400) << bad;
  }
  EXPECT_EQ(Call("POST", "/api/console/jobs/nope/replay", {}, R"({"to": "latest"})").status, 404);
  auto kafka = Call("POST", "/api/console/jobs/kafka_job/replay", {}, R"({"to": "latest"})");
  EXPECT_EQ(kafka.status, 409);
  EXPECT_NE(Body(kafka)["message"].get<std::string>().find("Kafka cluster"), std::string::npos);
}

TEST_F(PipelineRoutesTest, TablesSchemaRowsAndQuery) {
  auto ks = Call("GET", "/api/console/tables");
  ASSERT_EQ(ks.status, 200);
  EXPECT_EQ(Body(ks)["items"][0]["tables"][0], "users");
  auto t = Call("GET", "/api/console/tables/ks/users");
  ASSERT_EQ(t.status, 200);
  EXPECT_EQ(Body(t)["columns"][0]["kind"], "partition_key");
  EXPECT_EQ(Body(t)["ddl"], "CREATE TABLE ks.users (...)");
  EXPECT_EQ(Call("GET", "/api/console/tables/ks/nope").status, 404);

  auto rows = Call("GET", "/api/console/tables/ks/users/rows", {{"limit", "10"}});
  ASSERT_EQ(rows.status, 200);
  json b = Body(rows);
  EXPECT_EQ(b["items"][0][0], "1");
  EXPECT_TRUE(b["items"][0][1].is_null());
  EXPECT_EQ(b["next_cursor"], "00ff");
  auto last = Call("GET", "/api/console/tables/ks/users/rows", {{"cursor", "00ff"}});
  EXPECT_TRUE(Body(last)["next_cursor"].is_null());

  const std::string q = "/api/console/tables/query";
  auto r = Call("POST", q, {}, R"({"statement": "SELECT id FROM users", "keyspace": "ks", "limit": 5, "cursor": "ab"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(fake_.last_keyspace_, "ks");
  EXPECT_EQ(fake_.last_cursor_, "ab");
  EXPECT_EQ(fake_.last_limit_, 5);
  EXPECT_EQ(Body(r)["kind"], "rows");
  EXPECT_EQ(Body(r)["items"][0][0], "42");
  EXPECT_EQ(Body(r)["next_cursor"], "abcd");
  auto use = Call("POST", q, {}, R"({"statement": "USE ks"})");
  EXPECT_EQ(Body(use)["kind"], "set_keyspace");
  EXPECT_EQ(Body(use)["keyspace"], "ks");
  EXPECT_FALSE(Body(use).contains("items"));
  auto err = Call("POST", q, {}, R"({"statement": "SELEC * FROM users"})");
  EXPECT_EQ(err.status, 400);
  EXPECT_EQ(Body(err)["message"], "line 1:0 no viable alternative");
  for (const char* bad : {R"({})", R"({"statement": 3})", R"({"statement": " ; "})",
                          R"({"statement": "SELECT 1", "limit": 0})",
                          R"({"statement": "SELECT 1", "keyspace": 5})"}) {
    EXPECT_EQ(Call("POST", q, {}, bad).status, 400) << bad;
  }
}

TEST(PipelineRoutesNotConfigured, EveryRouteSaysSo) {
  Sources none;
  http::Router router;
  AddPipelineRoutes(router, none);
  for (const char* path : {"/api/console/jobs", "/api/console/jobs/j", "/api/console/tables",
                           "/api/console/tables/ks/t/rows"}) {
    http::Request r;
    r.method = "GET";
    r.path = r.target = path;
    auto resp = router.Dispatch(r);
    EXPECT_EQ(resp.status, 404) << path;
    EXPECT_NE(resp.body.find("no pipeline"), std::string::npos) << resp.body;
  }
}

}  // namespace
}  // namespace kappa::console
