// The app's DAG task types (produce, cql, replay, wait) run against a real data directory and
// pipeline, one try at a time, as the scheduler calls them.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "app/app.h"
#include "app/test_config.h"
#include "rdkafka/rdkafka.h"
#include "testutil/mock_kafka_cluster.h"
#include "testutil/temp_dir.h"

namespace kappa::app {
namespace {

namespace orch = orchestrator;

const std::string kConfig = testing::TestPipelineYaml();

class DagTasksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = testing::StartTestPipeline(kConfig, tmp_.path() + "/data");
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    config_ = std::move(t->config);
    rt_ = std::move(t->runtime);
    pipeline_ = std::move(t->pipeline);
    types_ = DagTaskTypes(config_, pipeline_.get());
  }
  void TearDown() override {
    if (pipeline_) (void)pipeline_->Stop();
  }

  // One try of `type` with `args`, as the scheduler runs it (real-time sleeps).
  Result<std::string> Run(std::string_view type, const nlohmann::json& args) {
    orch::TaskType* t = types_.Find(type);
    EXPECT_NE(t, nullptr) << type;
    if (!t) return Status::NotFound("no type");
    Status v = t->Validate(args);
    if (!v.ok()) return v;
    orch::TaskContext ctx;
    ctx.args = args;
    ctx.log = [this](std::string_view line) { log_.emplace_back(line); };
    ctx.cancelled = &cancelled_;
    ctx.sleep_or_cancelled = [this](int64_t ms) {
      auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
      while (std::chrono::steady_clock::now() < end && !cancelled_.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      return cancelled_.load();
    };
    return t->Run(ctx);
  }

  int64_t EndOffsets(const std::string& topic) {
    auto d = rt_->log().DescribeTopic(topic);
    EXPECT_TRUE(d.ok());
    int64_t sum = 0;
    for (const auto& p : d->partitions) sum += p.end_offset.value();
    return sum;
  }

  testutil::TempDir tmp_{"kappa-dag-tasks-test"};
  PipelineConfig config_;
  std::unique_ptr<Runtime> rt_;
  std::unique_ptr<Pipeline> pipeline_;
  orch::TaskTypes types_;
  std::atomic<bool> cancelled_{false};
  std::vector<std::string> log_;
};

TEST_F(DagTasksTest, ProduceRunsAConfiguredProducerForACountAndCountsInTheStats) {
  auto r = Run("produce", {{"producer", "p"}, {"count", 250}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "250");
  EXPECT_EQ(EndOffsets("t"), 250);
  EXPECT_EQ(pipeline_->stats().produced, 250u);
  EXPECT_FALSE(pipeline_->stats().producers_running);
  // An assembled producer (source + mapping + topic) counts under its own name.
  r = Run("produce", {{"source", "r"}, {"mapping", "m"}, {"topic", "t"}, {"count", "50"}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "50");
  EXPECT_EQ(pipeline_->stats().produced, 300u);
  ASSERT_FALSE(log_.empty());
  EXPECT_NE(log_.back().find("produced 50 records into t"), std::string::npos) << log_.back();
}

TEST_F(DagTasksTest, ProduceStopsWhenCancelled) {
  std::thread canceller([this] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cancelled_ = true;
  });
  auto t0 = std::chrono::steady_clock::now();
  auto r = Run("produce", {{"producer", "p"}, {"duration", "60s"}, {"rate", 100}});
  canceller.join();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(30));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kAborted) << r.status().ToString();
  EXPECT_FALSE(pipeline_->stats().producers_running);
  // What it appended before the stop is counted and in the log.
  EXPECT_EQ(int64_t(pipeline_->stats().produced), EndOffsets("t"));
}

TEST_F(DagTasksTest, SensorsOnTopicJobAndTableThenReplayIntoANewTable) {
  ASSERT_TRUE(Run("produce", {{"producer", "p"}, {"count", 120}}).ok());
  const nlohmann::json quick = {{"poke_interval", "50ms"}, {"timeout", "30s"}};
  auto with = [&](nlohmann::json a) {
    a.update(quick);
    return a;
  };
  auto r = Run("wait", with({{"topic", "t"}, {"offset", 120}}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "120");
  r = Run("wait", with({{"job", "j"}}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "0");
  r = Run("wait", with({{"table", "ks.tab"}, {"rows", 120}}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "120");
  // A condition that does not come: TimedOut, or skipped with soft_fail.
  r = Run("wait", {{"table", "ks.tab"}, {"rows", 1000}, {"poke_interval", "50ms"}, {"timeout", "200ms"}});
  EXPECT_EQ(r.status().code(), Status::Code::kTimedOut) << r.status().ToString();
  r = Run("wait", {{"table", "ks.tab"}, {"rows", 1000}, {"poke_interval", "50ms"}, {"timeout", "200ms"}, {"soft_fail", true}});
  EXPECT_TRUE(orch::IsSkip(r.status())) << r.status().ToString();

  // replay: a new version of job j reads t from the start into ks.tab_v2.
  r = Run("replay", {{"job", "j"}, {"table", "ks.tab_v2"}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "120");
  auto v2 = rt_->store().GetTable("ks", "tab_v2");
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(*rt_->store().Count(**v2), 120u);
  // Run again it continues from its own offsets: nothing new to store.
  r = Run("replay", {{"job", "j"}, {"table", "ks.tab_v2"}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "0");
  // Its offsets can be reset (it is not one of the pipeline's running jobs).
  r = Run("replay", {{"job", "j__tab_v2"}, {"reset_to", "earliest"}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "120");  // the lag after the reset
  r = Run("replay", {{"job", "j__tab_v2"}, {"table", "ks.tab"}});
  EXPECT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();  // no such config job
}

TEST_F(DagTasksTest, CqlRunsStatementsOnTheEmbeddedStore) {
  auto r = Run("cql", {{"statements",
                        "CREATE TABLE ks.counts (day text PRIMARY KEY, n int);"
                        "INSERT INTO ks.counts (day, n) VALUES ('a', 1);"
                        "INSERT INTO ks.counts (day, n) VALUES ('b', 2);"
                        "SELECT * FROM ks.counts"}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "2");
  r = Run("cql", {{"keyspace", "ks"}, {"statements", nlohmann::json::array({"SELECT n FROM counts WHERE day = 'b'"})}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "1");
  r = Run("cql", {{"statements", "SELECT * FROM ks.counts; SELECT * FROM ks.nope"}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("statement 2"), std::string::npos) << r.status().ToString();
}

TEST_F(DagTasksTest, ValidationWithoutAPipelineAndRunRefused) {
  orch::TaskTypes types = DagTaskTypes(config_, nullptr);
  orch::TaskType* produce = types.Find("produce");
  ASSERT_NE(produce, nullptr);
  EXPECT_TRUE(produce->Validate({{"producer", "p"}, {"count", 1}}).ok());
  EXPECT_TRUE(produce->Validate({{"producer", "{{ params.which }}"}}).ok());  // checked at run time
  orch::TaskContext ctx;
  ctx.args = {{"producer", "p"}, {"count", 1}};
  EXPECT_TRUE(produce->Run(ctx).status().IsUnavailable());
  for (const char* name : {"produce", "cql", "replay", "wait", "http", "noop"}) {
    EXPECT_NE(types.Find(name), nullptr) << name;
  }
}

// With `log: kafka` a wait on a topic asks the cluster for its partitions' high watermarks
// (librdkafka's mock cluster here); no pipeline is needed for it.
TEST(DagTaskWaitKafkaTest, TopicOffsetOnTheCluster) {
  testutil::MockKafkaCluster cluster;
  ASSERT_EQ(cluster.CreateTopic("t", 2), RD_KAFKA_RESP_ERR_NO_ERROR);
  auto c = LoadConfigText(testing::TestPipelineYaml(), "t.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  PipelineConfig config = *c;
  config.log.type = LogConfig::Type::kKafka;
  config.log.bootstrap = cluster.bootstrap();

  rdkafka::ClientConfig cc;
  cc.bootstrap = cluster.bootstrap();
  auto producer = rdkafka::NewClient(RD_KAFKA_PRODUCER, cc);
  ASSERT_TRUE(producer.ok()) << producer.status().ToString();
  for (int i = 0; i < 5; ++i) {  // 3 records into partition 0, 2 into partition 1
    ASSERT_EQ(rd_kafka_producev(producer->get(), RD_KAFKA_V_TOPIC("t"),
                                RD_KAFKA_V_PARTITION(i < 3 ? 0 : 1), RD_KAFKA_V_VALUE((void*)"v", 1),
                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END),
              RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  ASSERT_EQ(rd_kafka_flush(producer->get(), 10000), RD_KAFKA_RESP_ERR_NO_ERROR);

  orch::TaskTypes types = DagTaskTypes(config, nullptr);
  orch::TaskType* wait = types.Find("wait");
  ASSERT_NE(wait, nullptr);
  std::atomic<bool> cancelled{false};
  auto run = [&](nlohmann::json args) -> Result<std::string> {
    args["poke_interval"] = "50ms";
    if (!args.contains("timeout")) args["timeout"] = "10s";
    Status v = wait->Validate(args);
    if (!v.ok()) return v;
    orch::TaskContext ctx;
    ctx.args = args;
    ctx.log = [](std::string_view) {};
    ctx.cancelled = &cancelled;
    ctx.sleep_or_cancelled = [](int64_t ms) {
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
      return false;
    };
    return wait->Run(ctx);
  };
  auto r = run({{"topic", "t"}, {"offset", 5}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "5");
  r = run({{"topic", "t"}, {"partition", 1}, {"offset", 2}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "2");
  r = run({{"topic", "t"}, {"offset", 6}, {"timeout", "300ms"}});
  EXPECT_EQ(r.status().code(), Status::Code::kTimedOut) << r.status().ToString();
  r = run({{"topic", "t"}, {"partition", 7}, {"offset", 1}});
  EXPECT_EQ(r.status().code(), Status::Code::kNotFound) << r.status().ToString();
}

}  // namespace
}  // namespace kappa::app
