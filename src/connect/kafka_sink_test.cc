// The Kafka sink against librdkafka's in-process mock cluster: delivery, partitioning like
// the embedded log's, headers, and a broker error surfacing with its message.
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "connect/connect.h"
#include "testutil/mock_kafka_cluster.h"

namespace kappa::connect {
namespace {

class KafkaSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_ = std::make_unique<testutil::MockKafkaCluster>();
    ASSERT_EQ(cluster_->CreateTopic("t", 3), RD_KAFKA_RESP_ERR_NO_ERROR);
    bootstrap_ = cluster_->bootstrap();
    mock_ = cluster_->get();
  }
  void TearDown() override { cluster_.reset(); }

  struct Got {
    int32_t partition;
    std::string key, value;
    std::map<std::string, std::string> headers;
  };
  std::vector<Got> ReadAll(const std::string& topic, size_t want) {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap_.c_str(), err, sizeof(err));
    rd_kafka_conf_set(conf, "group.id", "kafka-sink-test", err, sizeof(err));
    rd_kafka_conf_set(conf, "log_level", "0", err, sizeof(err));
    rd_kafka_t* c = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
    rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(3);
    for (int p = 0; p < 3; ++p) {
      rd_kafka_topic_partition_list_add(parts, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    }
    rd_kafka_assign(c, parts);
    rd_kafka_topic_partition_list_destroy(parts);
    std::vector<Got> out;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (out.size() < want && std::chrono::steady_clock::now() < deadline) {
      rd_kafka_message_t* m = rd_kafka_consumer_poll(c, 100);
      if (!m) continue;
      if (!m->err) {
        Got g;
        g.partition = m->partition;
        g.key.assign(static_cast<const char*>(m->key), m->key_len);
        g.value.assign(static_cast<const char*>(m->payload), m->len);
        rd_kafka_headers_t* h = nullptr;
        if (rd_kafka_message_headers(m, &h) == RD_KAFKA_RESP_ERR_NO_ERROR) {
          const char* name;
          const void* val;
          size_t size;
          for (size_t idx = 0; !rd_kafka_header_get_all(h, idx, &name, &val, &size); ++idx) {
            g.headers[name] = std::string(static_cast<const char*>(val), size);
          }
        }
        out.push_back(std::move(g));
      }
      rd_kafka_message_destroy(m);
    }
    rd_kafka_consumer_close(c);
    rd_kafka_destroy(c);
    return out;
  }

  std::unique_ptr<testutil::MockKafkaCluster> cluster_;
  rd_kafka_mock_cluster_t* mock_ = nullptr;  // cluster_'s, for fault injection
  std::string bootstrap_;
};

TEST_F(KafkaSinkTest, DeliversEveryRecordPartitionedByMurmur2WithHeaders) {
  KafkaSinkOptions o;
  o.bootstrap = bootstrap_;
  auto sink = NewKafkaSink(o);
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  std::vector<std::string> keys, values;
  for (int i = 0; i < 300; ++i) {
    keys.push_back("key-" + std::to_string(i));
    values.push_back("{\"n\":" + std::to_string(i) + "}");
  }
  SinkHeader h[] = {{"error", "bad"}, {"job", "j"}};
  std::vector<SinkRecord> records;
  for (size_t i = 0; i < keys.size(); ++i) {
    SinkRecord r;
    r.key = keys[i];
    r.value = values[i];
    if (i == 0) r.headers = h;
    records.push_back(r);
  }
  ASSERT_TRUE((*sink)->AppendBatch("t", records).ok());
  auto got = ReadAll("t", records.size());
  ASSERT_EQ(got.size(), records.size());
  for (const Got& g : got) {
    EXPECT_EQ(g.partition, PartitionForKey(g.key, 3)) << g.key;
    if (g.key == "key-0") {
      EXPECT_EQ(g.headers.at("error"), "bad");
      EXPECT_EQ(g.headers.at("job"), "j");
    } else {
      EXPECT_TRUE(g.headers.empty());
    }
  }
}

TEST_F(KafkaSinkTest, BrokerErrorFailsTheBatchWithItsMessage) {
  KafkaSinkOptions o;
  o.bootstrap = bootstrap_;
  o.delivery_timeout = std::chrono::milliseconds(3000);
  auto sink = NewKafkaSink(o);
  ASSERT_TRUE(sink.ok());
  SinkRecord r;
  r.key = "k";
  r.value = "v";
  ASSERT_TRUE((*sink)->AppendBatch("t", std::span<const SinkRecord>(&r, 1)).ok());
  // Every Produce request now fails with a non-retriable error.
  rd_kafka_mock_push_request_errors(mock_, 0 /* Produce */, 5,
                                    RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED,
                                    RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED,
                                    RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED,
                                    RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED,
                                    RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
  Status st = (*sink)->AppendBatch("t", std::span<const SinkRecord>(&r, 1));
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("producing to t"), std::string::npos) << st.ToString();
  EXPECT_NE(st.message().find("uthoriz"), std::string::npos) << st.ToString();
}

TEST(KafkaSink, BadPropertyIsInvalidArgument) {
  KafkaSinkOptions o;
  o.bootstrap = "127.0.0.1:1";
  o.properties["no.such.property"] = "1";
  auto sink = NewKafkaSink(o);
  ASSERT_FALSE(sink.ok());
  EXPECT_TRUE(sink.status().IsInvalidArgument());
  EXPECT_NE(sink.status().message().find("no.such.property"), std::string::npos);
}

}  // namespace
}  // namespace kappa::connect
