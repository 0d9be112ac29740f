// MockKafkaCluster: librdkafka's in-process mock Kafka cluster for unit tests (an owner
// handle plus the cluster, destroyed together). Test-only; header-only.
#pragma once

#include <librdkafka/rdkafka_mock.h>

#include <stdexcept>
#include <string>

#include "rdkafka/rdkafka.h"

namespace kappa::testutil {

class MockKafkaCluster {
 public:
  // A cluster of `brokers` brokers; throws std::runtime_error if librdkafka cannot make one.
  explicit MockKafkaCluster(int brokers = 1) {
    // The mock cluster needs an owner client, not a bootstrap: build its configuration by
    // hand (log_level 0: the mock's own chatter is of no interest).
    rdkafka::ConfPtr conf(rd_kafka_conf_new());
    if (!rdkafka::SetProperty(conf.get(), "log_level", "0").ok()) {
      throw std::runtime_error("log_level");
    }
    auto owner = rdkafka::NewClient(RD_KAFKA_PRODUCER, std::move(conf));
    if (!owner.ok()) throw std::runtime_error(owner.status().ToString());
    owner_ = std::move(*owner);
    mock_ = rd_kafka_mock_cluster_new(owner_.get(), brokers);
    if (mock_ == nullptr) throw std::runtime_error("rd_kafka_mock_cluster_new failed");
    bootstrap_ = rd_kafka_mock_cluster_bootstraps(mock_);
  }
  ~MockKafkaCluster() { rd_kafka_mock_cluster_destroy(mock_); }
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
  rdkafka::ClientPtr owner_;  // destroyed after the cluster (member order)
  rd_kafka_mock_cluster_t* mock_ = nullptr;
  std::string bootstrap_;
};

}  // namespace kappa::testutil
