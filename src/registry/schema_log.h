// Where the registry's records live: a single-partition topic (`_schemas`), read and appended
// in log order. Internal to src/registry. Record format: docs/formats/registry-log.md.
//
// The registry's correctness rests on two properties every implementation gives: one total
// order of records that every reader sees (one partition), and Append returning only once the
// record is durable (fsynced in the embedded log; acknowledged by the cluster with acks=all
// for an external Kafka cluster).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace kappa::log {
class Log;
}

namespace kappa::registry {

struct SchemaLogRecord {
  std::string key;
  std::optional<std::string> value;  // nullopt: a tombstone
};

class SchemaLog {
 public:
  virtual ~SchemaLog() = default;
  // Appends `records` as one batch (all or none), durable when it returns. Returns the
  // offset of the last one.
  virtual Result<int64_t> Append(const std::vector<SchemaLogRecord>& records) = 0;
  // Calls fn(offset, key, value) for each record from `from` to the end as of the call, in
  // order (the views are valid during the call). Returns the offset after the last one read.
  using Visitor =
      std::function<void(int64_t offset, std::string_view key,
                         std::optional<std::string_view> value)>;
  virtual Result<int64_t> ReadFrom(int64_t from, const Visitor& fn) = 0;
  // Blocks until a record at or after `next` exists, `timeout` passes or the log closes.
  virtual void WaitForData(int64_t next, std::chrono::milliseconds timeout) = 0;
};

// The `_schemas` topic of the embedded log, created if missing (1 partition, unlimited
// retention, cleanup.policy=compact kept as a topic config: the embedded log does not
// compact). `log` must outlive the result.
Result<std::unique_ptr<SchemaLog>> OpenEmbeddedSchemaLog(log::Log* log, const std::string& topic);

// The topic on an external Kafka cluster (`log: kafka`), created if missing (1 partition,
// cleanup.policy=delete with unlimited retention: never compacted, see schema_log_kafka.cc). `properties`: the user's librdkafka properties.
Result<std::unique_ptr<SchemaLog>> OpenKafkaSchemaLog(
    const std::string& bootstrap, const std::map<std::string, std::string>& properties,
    const std::string& topic);

}  // namespace kappa::registry
