// librdkafka plumbing shared by the commands that take `--bootstrap host:port` (topics,
// produce, consume, bench kafka): client creation with readable errors, metadata, admin
// results and watermarks. Every function here ends the command with Fail() on an error, so
// callers stay linear; handles are RAII and are released on that path too.
#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

namespace kappa::cli {

// How long a command waits for a broker's answer before it gives up with an error.
inline constexpr int kKafkaTimeoutMs = 15'000;

struct RdKafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
// Owns a librdkafka client (producer or consumer); rd_kafka_destroy on scope exit.
using KafkaClient = std::unique_ptr<rd_kafka_t, RdKafkaDeleter>;

using KafkaSettings = std::vector<std::pair<std::string, std::string>>;

// Adds `--bootstrap` bound to *bootstrap, with the help text shared by every command.
void AddBootstrapOption(CLI::App* cmd, std::string* bootstrap);

// A fresh configuration for `bootstrap` (quiet logging: errors only) plus `settings`.
// Fails on an unknown setting or value. The caller owns the result until it passes it to
// NewKafkaClient.
rd_kafka_conf_t* NewKafkaConf(const std::string& bootstrap, const KafkaSettings& settings = {});

// Creates a client from `conf` (taking ownership of it). Fails with librdkafka's message.
KafkaClient NewKafkaClient(rd_kafka_type_t type, rd_kafka_conf_t* conf);

// One topic as the broker's metadata shows it.
struct RemoteTopic {
  std::string name;
  std::vector<int32_t> partitions;  // ascending ids
  std::vector<int32_t> leaders;     // leader broker id per entry of `partitions`
};

// Every topic the broker knows (without creating any), sorted by name. Fails when the broker
// does not answer within kKafkaTimeoutMs, naming `bootstrap`.
std::vector<RemoteTopic> ListRemoteTopics(rd_kafka_t* rk, const std::string& bootstrap);

// The named topic from ListRemoteTopics, or nullptr if it does not exist.
const RemoteTopic* FindTopic(const std::vector<RemoteTopic>& topics, const std::string& name);

// Low (log start) and high (log end) watermark of one partition. Fails on an error.
std::pair<int64_t, int64_t> Watermarks(rd_kafka_t* rk, const std::string& topic,
                                       int32_t partition);

// Waits for the admin result event of `type` on `queue` (kKafkaTimeoutMs plus slack). Fails
// on a request-level error; the caller inspects per-topic results and destroys the event.
rd_kafka_event_t* WaitAdminResult(rd_kafka_queue_t* queue, rd_kafka_event_type_t type,
                                  const char* what);

// Admin options with the request and operation timeouts set to kKafkaTimeoutMs.
rd_kafka_AdminOptions_t* NewAdminOptions(rd_kafka_t* rk, rd_kafka_admin_op_t op);

// Fails with "<what>: <per-topic error>" for the first topic result that carries an error.
void CheckTopicResults(const rd_kafka_topic_result_t** results, size_t n, const char* what);

}  // namespace kappa::cli
