// librdkafka helpers for `log: kafka` (an external cluster): client configuration from the
// LogConfig, and creating the config's topics on the cluster. Private to src/stream.
#pragma once

#include <librdkafka/rdkafka.h>

#include <string>
#include <vector>

#include "common/status.h"
#include "connect/connect.h"
#include "stream/pipeline_config.h"

namespace kappa::stream {

// A librdkafka configuration with bootstrap.servers, client.id "<client_id>-<role>", the
// config's extra properties, and logging routed to kappa's log. The caller owns the result
// (rd_kafka_new takes it over). InvalidArgument for a property librdkafka rejects.
Result<rd_kafka_conf_t*> NewKafkaConf(const LogConfig& log, std::string_view role);

// The options of connect's Kafka sink for this cluster.
connect::KafkaSinkOptions KafkaSinkOptionsFor(const LogConfig& log);

// Creates the topics missing on the cluster (CreateTopics, with the config's partitions and
// replication factor) and adds partitions to those with fewer than configured
// (CreatePartitions). Idempotent. Unavailable (with the broker's message) when the cluster
// cannot be reached or refuses.
Status EnsureKafkaTopics(const LogConfig& log, const std::vector<TopicConfig>& topics);

}  // namespace kappa::stream
