#include "cli/kafka_client.h"

#include "cli/cli_common.h"

namespace kappa::cli {

void AddBootstrapOption(CLI::App* cmd, std::string* bootstrap) {
  CheckHostPortList(cmd->add_option("--bootstrap", *bootstrap,
                                    "host:port of a Kafka-protocol broker (kappa or Kafka): "
                                    "work through the Kafka protocol instead of reading "
                                    "--data-dir directly"));
}

rdkafka::ConfPtr NewKafkaConf(const std::string& bootstrap, const KafkaSettings& settings) {
  rdkafka::ClientConfig config;
  config.bootstrap = bootstrap;
  config.log_level = 3;  // errors only: connection trouble shows up as our own message
  KafkaSettings defaults{{"socket.nagle.disable", "true"}};
  defaults.insert(defaults.end(), settings.begin(), settings.end());
  auto conf = rdkafka::NewConf(config, defaults);
  if (!conf.ok()) Fail(conf.status().message());
  return std::move(*conf);
}

KafkaClient NewKafkaClient(rd_kafka_type_t type, rdkafka::ConfPtr conf) {
  auto rk = rdkafka::NewClient(type, std::move(conf));
  if (!rk.ok()) Fail(rk.status().message());
  return std::move(*rk);
}

std::vector<RemoteTopic> ListRemoteTopics(rd_kafka_t* rk, const std::string& bootstrap) {
  auto topics = rdkafka::ListTopics(rk);
  if (!topics.ok()) {
    Fail("no metadata from the broker at " + bootstrap + " within " +
         std::to_string(kKafkaTimeoutMs / 1000) + " s (" + topics.status().message() +
         "); is a Kafka-protocol broker listening there?");
  }
  return std::move(*topics);
}

std::pair<int64_t, int64_t> Watermarks(rd_kafka_t* rk, const std::string& topic,
                                       int32_t partition) {
  auto w = rdkafka::QueryWatermarks(rk, topic, partition);
  if (!w.ok()) Fail(w.status().message());
  return {w->low, w->high};
}

}  // namespace kappa::cli
