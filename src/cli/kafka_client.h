// The commands' side of the librdkafka adapter (rdkafka/rdkafka.h) for everything that takes
// `--bootstrap host:port` (topics, produce, consume, groups, bench kafka): the flag, the CLI's
// client configuration, and metadata with readable errors. Every function here ends the
// command with Fail() on an error, so callers stay linear; handles are RAII and are
// released on that path too.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "rdkafka/rdkafka.h"

namespace kappa::cli {

// How long a command waits for a broker's answer before it gives up with an error.
inline constexpr int kKafkaTimeoutMs = int(rdkafka::kRequestTimeout.count());

using KafkaClient = rdkafka::ClientPtr;
using KafkaSettings = rdkafka::Properties;
using RemoteTopic = rdkafka::TopicMetadata;

// Adds `--bootstrap` bound to *bootstrap, with the help text shared by every command.
void AddBootstrapOption(CLI::App* cmd, std::string* bootstrap);

// The CLI's client configuration for `bootstrap` (librdkafka logs errors only: connection
// trouble shows up as the command's own message; Nagle off) plus `settings`. Fails on an
// unknown setting or value.
rdkafka::ConfPtr NewKafkaConf(const std::string& bootstrap, const KafkaSettings& settings = {});

// Creates a client from `conf`. Fails with librdkafka's message.
KafkaClient NewKafkaClient(rd_kafka_type_t type, rdkafka::ConfPtr conf);

// Every topic the broker knows (without creating any), sorted by name. Fails when the broker
// does not answer within kKafkaTimeoutMs, naming `bootstrap`.
std::vector<RemoteTopic> ListRemoteTopics(rd_kafka_t* rk, const std::string& bootstrap);

// The named topic from ListRemoteTopics, or nullptr if it does not exist.
inline const RemoteTopic* FindTopic(const std::vector<RemoteTopic>& topics,
                                    const std::string& name) {
  return rdkafka::FindTopic(topics, name);
}

// Low (log start) and high (log end) watermark of one partition. Fails on an error.
std::pair<int64_t, int64_t> Watermarks(rd_kafka_t* rk, const std::string& topic,
                                       int32_t partition);

}  // namespace kappa::cli
