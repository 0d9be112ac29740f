// `log: kafka` (an external cluster) in the stream's terms: the LogConfig as a client
// configuration of the librdkafka adapter (rdkafka/rdkafka.h), and the requests the
// pipeline and `kappa jobs` make of the cluster. Private to src/stream.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "connect/connect.h"
#include "rdkafka/rdkafka.h"
#include "stream/stream.h"

namespace kappa::stream {

// The adapter's client configuration for this cluster: bootstrap.servers, client.id
// "<client_id>-<role>", the config's extra properties.
rdkafka::ClientConfig KafkaClientConfig(const LogConfig& log, std::string_view role);

// A client configuration (see KafkaClientConfig) with `defaults` applied before the
// config's properties. InvalidArgument for a property librdkafka rejects.
Result<rdkafka::ConfPtr> NewKafkaConf(const LogConfig& log, std::string_view role,
                                      const rdkafka::Properties& defaults = {});

// KafkaSinkOptionsFor and EnsureKafkaTopics: stream.h (the app layer uses them).

// Start and end offsets of every partition of `topic` on the cluster. NotFound if the
// topic does not exist there; Unavailable if the cluster cannot be reached.
struct KafkaPartitionRange {
  int32_t partition;
  int64_t start;
  int64_t end;
};
Result<std::vector<KafkaPartitionRange>> DescribeKafkaTopic(const LogConfig& log,
                                                            const std::string& topic);
// The first offset of each partition with a timestamp >= timestamp_ms (the end if none).
Result<std::map<int32_t, int64_t>> KafkaOffsetsForTime(const LogConfig& log,
                                                       const std::string& topic,
                                                       const std::vector<int32_t>& partitions,
                                                       int64_t timestamp_ms);
// Commits offsets for `group` (which must have no active members, as for any reset).
Status CommitKafkaGroupOffsets(const LogConfig& log, const std::string& group,
                               const std::string& topic,
                               const std::map<int32_t, int64_t>& offsets);

}  // namespace kappa::stream
