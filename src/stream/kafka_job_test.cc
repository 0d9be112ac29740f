// The job on an external Kafka (log: kafka) against librdkafka's in-process mock cluster:
// rows + offsets commit into the store, dead letters on the cluster, a second run continues
// without duplicates, offsets mirrored to the consumer group, a group offset ahead of the
// store (another member's progress) is taken over.
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <stdlib.h>

#include <memory>

#include "common/env.h"
#include "common/uuid.h"
#include "connect/connect.h"
#include "store/store.h"
#include "stream/job_offsets.h"
#include "app/app.h"  // the config and the data directory of the tests
#include "stream/stream.h"
#include "testutil/mock_kafka_cluster.h"
#include "testutil/temp_dir.h"

namespace kappa::stream {
namespace {

constexpr std::string_view kKafkaJobConfig = R"(
topics:
  - name: in
    partitions: 2
  - name: in.dlq
keyspaces:
  - name: ks
    tables:
      - name: users
        primary_key: [id]
        columns:
          id: uuid
          name: text
jobs:
  - name: j
    topic: in
    table: ks.users
    batch_size: 7
)";

class KafkaJobTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_ = std::make_unique<testutil::MockKafkaCluster>();
    bootstrap_ = cluster_->bootstrap();
    // The mock cluster has no CreateTopics; Setup finds them existing (as on a second run).
    ASSERT_EQ(cluster_->CreateTopic("in", 2), RD_KAFKA_RESP_ERR_NO_ERROR);
    ASSERT_EQ(cluster_->CreateTopic("in.dlq", 1), RD_KAFKA_RESP_ERR_NO_ERROR);

    auto c = app::LoadConfigText(std::string(kKafkaJobConfig) + "log:\n  type: kafka\n  bootstrap: " +
                                bootstrap_ + "\n  properties: {session.timeout.ms: '6000'}\n",
                            "test.yaml");
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    config_ = *c;
    app::RuntimeOptions o;
    o.data_dir = dir_;
    o.owner = "kafka_job_test";
    auto rt = app::Runtime::Open(o);
    ASSERT_TRUE(rt.ok()) << rt.status().ToString();
    rt_ = std::move(rt).value();
    // Checks the topics on the (mock) cluster and creates the table in the store.
    Status st = app::Pipeline::Setup(rt_.get(), config_);
    ASSERT_TRUE(st.ok()) << st.ToString();
    connect::KafkaSinkOptions so;
    so.bootstrap = bootstrap_;
    auto sink = connect::NewKafkaSink(so);
    ASSERT_TRUE(sink.ok());
    sink_ = std::move(sink).value();
    char err[512];
    rd_kafka_conf_t* cc = rd_kafka_conf_new();
    rd_kafka_conf_set(cc, "bootstrap.servers", bootstrap_.c_str(), err, sizeof(err));
    rd_kafka_conf_set(cc, "log_level", "0", err, sizeof(err));
    client_ = rd_kafka_new(RD_KAFKA_PRODUCER, cc, err, sizeof(err));
    ASSERT_NE(client_, nullptr) << err;
  }
  void TearDown() override {
    if (client_) rd_kafka_destroy(client_);
    sink_.reset();
    rt_.reset();
    cluster_.reset();
  }

  void Produce(int good, int bad) {
    std::vector<std::string> keys, values;
    for (int i = 0; i < good + bad; ++i) {
      std::string id = Uuid::Random().ToString();
      keys.push_back(id);
      values.push_back(i < good ? "{\"id\":\"" + id + "\",\"name\":\"n\"}" : "not json");
    }
    std::vector<connect::SinkRecord> records;
    for (size_t i = 0; i < keys.size(); ++i) records.push_back({keys[i], values[i]});
    Status st = sink_->AppendBatch("in", records);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  Status RunToEnd(JobStats* stats) {
    auto job = StreamJob::CreateOnKafka(rt_->job_storage(), config_.jobs[0], config_.log);
    if (!job.ok()) return job.status();
    RETURN_IF_ERROR((*job)->Start());
    (*job)->Drain();
    Status st = (*job)->Wait(std::chrono::seconds(60));
    *stats = (*job)->stats();
    return st;
  }

  uint64_t Rows() {
    auto t = rt_->store().GetTable("ks", "users");
    EXPECT_TRUE(t.ok());
    auto n = rt_->store().Count(**t);
    EXPECT_TRUE(n.ok());
    return *n;
  }

  // The group's committed offsets of topic "in", by partition.
  std::map<int32_t, int64_t> GroupOffsets() {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap_.c_str(), err, sizeof(err));
    rd_kafka_conf_set(conf, "group.id", "j", err, sizeof(err));
    rd_kafka_conf_set(conf, "log_level", "0", err, sizeof(err));
    rd_kafka_t* c = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
    rd_kafka_topic_partition_list_t* l = rd_kafka_topic_partition_list_new(2);
    rd_kafka_topic_partition_list_add(l, "in", 0);
    rd_kafka_topic_partition_list_add(l, "in", 1);
    EXPECT_EQ(rd_kafka_committed(c, l, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
    std::map<int32_t, int64_t> out;
    for (int i = 0; i < l->cnt; ++i) out[l->elems[i].partition] = l->elems[i].offset;
    rd_kafka_topic_partition_list_destroy(l);
    rd_kafka_destroy(c);
    return out;
  }

  int64_t EndOffset(const char* topic, int32_t p) {
    int64_t lo = 0, hi = 0;
    EXPECT_EQ(rd_kafka_query_watermark_offsets(client_, topic, p, &lo, &hi, 10000), 0);
    return hi;
  }

  std::unique_ptr<testutil::MockKafkaCluster> cluster_;
  rd_kafka_t* client_ = nullptr;  // a client of it (watermarks)
  std::string bootstrap_;
  testutil::TempDir tmp_{"kappa-kafka-job-test"};
  const std::string dir_ = tmp_.path();
  app::PipelineConfig config_;
  std::unique_ptr<app::Runtime> rt_;
  std::unique_ptr<connect::RecordSink> sink_;
};

TEST_F(KafkaJobTest, StoresOnceDeadLettersOnTheClusterAndContinues) {
  Produce(40, 2);
  JobStats s;
  Status st = RunToEnd(&s);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(s.stored, 40u);
  EXPECT_EQ(s.dead_letters, 2u);
  EXPECT_EQ(s.lag, 0);
  EXPECT_EQ(Rows(), 40u);
  EXPECT_EQ(EndOffset("in.dlq", 0), 2);

  // Store offsets == end offsets == the group's committed offsets.
  auto progress = ReadProgress(rt_->store(), "j");
  ASSERT_TRUE(progress.ok());
  auto group = GroupOffsets();
  for (int32_t p = 0; p < 2; ++p) {
    EXPECT_EQ(progress->at(p).next.value(), EndOffset("in", p)) << p;
    EXPECT_EQ(group.at(p), EndOffset("in", p)) << p;
  }

  Produce(15, 0);
  st = RunToEnd(&s);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(s.stored, 15u);  // only the new records
  EXPECT_EQ(s.dead_letters, 0u);
  EXPECT_EQ(Rows(), 55u);
}

TEST_F(KafkaJobTest, GroupOffsetAheadOfTheStoreIsTakenOver) {
  Produce(30, 0);
  // Another member of group "j" consumed everything (its rows are in its own data dir).
  {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap_.c_str(), err, sizeof(err));
    rd_kafka_conf_set(conf, "group.id", "j", err, sizeof(err));
    rd_kafka_conf_set(conf, "log_level", "0", err, sizeof(err));
    rd_kafka_t* c = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
    rd_kafka_topic_partition_list_t* l = rd_kafka_topic_partition_list_new(2);
    rd_kafka_topic_partition_list_add(l, "in", 0)->offset = EndOffset("in", 0);
    rd_kafka_topic_partition_list_add(l, "in", 1)->offset = EndOffset("in", 1);
    EXPECT_EQ(rd_kafka_commit(c, l, 0), RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_topic_partition_list_destroy(l);
    rd_kafka_destroy(c);
  }
  Produce(10, 0);
  JobStats s;
  Status st = RunToEnd(&s);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(s.stored, 10u);
  EXPECT_EQ(Rows(), 10u);
}

}  // namespace
}  // namespace kappa::stream
