#include "cli/kafka_client.h"

#include <fstream>

#include "cli/cli_common.h"
#include "common/strings.h"

namespace kappa::cli {
namespace {

// The --command-config file of this run (one command per process).
std::string& CommandConfigPath() {
  static std::string path;
  return path;
}

// Kafka's client.properties: `key=value` lines (also `key: value`), # and ! comments.
KafkaSettings ReadCommandConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) Fail("--command-config: cannot read " + path, 2);
  KafkaSettings out;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    std::string_view t = TrimSpace(line);
    if (t.empty() || t[0] == '#' || t[0] == '!') continue;
    size_t sep = t.find_first_of("=:");
    if (sep == std::string_view::npos) {
      Fail("--command-config " + path + ":" + std::to_string(n) + ": expected key=value", 2);
    }
    out.emplace_back(std::string(TrimSpace(t.substr(0, sep))),
                     std::string(TrimSpace(t.substr(sep + 1))));
  }
  return out;
}

}  // namespace

void AddBootstrapOption(CLI::App* cmd, std::string* bootstrap) {
  CheckHostPortList(cmd->add_option("--bootstrap", *bootstrap,
                                    "host:port of a Kafka-protocol broker (kappa or Kafka): "
                                    "work through the Kafka protocol instead of reading "
                                    "--data-dir directly"));
  cmd->add_option("--command-config", CommandConfigPath(),
                  "Client properties file for --bootstrap, as Kafka's tools take it "
                  "(key=value lines: security.protocol, sasl.mechanisms, sasl.username, "
                  "sasl.password, ssl.ca.location, ...)");
}

rdkafka::ConfPtr NewKafkaConf(const std::string& bootstrap, const KafkaSettings& settings) {
  rdkafka::ClientConfig config;
  config.bootstrap = bootstrap;
  config.log_level = 3;  // errors only: connection trouble shows up as our own message
  KafkaSettings defaults{{"socket.nagle.disable", "true"}};
  if (!CommandConfigPath().empty()) {
    for (auto& kv : ReadCommandConfig(CommandConfigPath())) defaults.push_back(std::move(kv));
  }
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
