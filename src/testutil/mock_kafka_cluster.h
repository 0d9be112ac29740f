// MockKafkaCluster: librdkafka's in-process mock Kafka cluster for unit tests (an owner
// handle plus the cluster, destroyed together). Test-only; header-only.
#pragma once

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <stdexcept>
#include <string>

namespace kappa::testutil {

class MockKafkaCluster {
 public:
  // A cluster of `brokers` brokers; throws std::runtime_error if librdkafka cannot make one.
  explicit MockKafkaCluster(int brokers = 1) {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "log_level", "0", err, sizeof(err));
    owner_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
    if (owner_ == nullptr) throw std::runtime_error(std::string("rd_kafka_new: ") + err);
    mock_ = rd_kafka_mock_cluster_new(owner_, brokers);
    if (mock_ == nullptr) {
      rd_kafka_destroy(owner_);
      throw std::runtime_error("rd_kafka_mock_cluster_new failed");
    }
    bootstrap_ = rd_kafka_mock_cluster_bootstraps(mock_);
  }
  ~MockKafkaCluster() {
    rd_kafka_mock_cluster_destroy(mock_);
    rd_kafka_destroy(owner_);
  }
  MockKafkaCluster(const MockKafkaCluster&) = delete;
  MockKafkaCluster& operator=(const MockKafkaCluster&) = delete;

  // The mock cluster has no CreateTopics API for clients: tests create topics here.
  rd_kafka_resp_err_t CreateTopic(const std::string& name, int partitions) {
    return rd_kafka_mock_topic_create(mock_, name.c_str(), partitions, 1);
  }
  const std::string& bootstrap() const { return bootstrap_; }
  // For fault injection (rd_kafka_mock_push_request_errors, ...).
  rd_kafka_mock_cluster_t* get() const { return mock_; }

 private:
  rd_kafka_t* owner_ = nullptr;
  rd_kafka_mock_cluster_t* mock_ = nullptr;
  std::string bootstrap_;
};

}  // namespace kappa::testutil
