// Part of console/console.h (include that): what the Topics, Messages and Consumer groups
// pages read and change. Implemented by the app over the log and the Kafka server's group
// coordinator (src/app/console_kafka_source.cc); tests implement it with fakes. Owner: the
// kafka pages (routes_topics.cc, routes_messages.cc, routes_groups.cc).
//
// The source is thin on purpose: it reads and changes what is stored; paging, filtering,
// decoding (JSON, Avro through the registry), lag and charts are the console's (over these
// calls and metrics::History), so every implementation gets them alike.
//
// Thread safety: called from HTTP handler threads at the same time; implementations must be
// thread-safe. Errors: NotFound (unknown topic, partition or group: 404), InvalidArgument
// (bad input: 400), AlreadyExists (409), Aborted (a conflicting state, such as resetting a
// group with active members: 409), others 500.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace kappa::console {

struct PartitionStat {
  int32_t partition = 0;
  int64_t start_offset = 0;  // first offset still stored
  int64_t end_offset = 0;    // next offset to be written (high watermark)
  int64_t bytes = 0;
  int32_t segments = 0;
};

struct TopicStat {
  std::string name;
  std::vector<PartitionStat> partitions;
  int64_t retention_ms = -1;     // <= 0: unlimited
  int64_t retention_bytes = -1;  // per partition; <= 0: unlimited
};

struct TopicConfigEntry {
  std::string name;   // Kafka's name ("retention.ms")
  std::string value;
  bool is_default = true;
};

struct MessageHeader {
  std::string key;
  std::optional<std::string> value;  // nullopt: a null header value
};

// A record as stored. Bytes are raw (not necessarily UTF-8).
struct Message {
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp_ms = 0;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<MessageHeader> headers;
  // Set by the message browser's scan (message_scan.h) when it kept only the first bytes of
  // the key, the value or a header value for display; value_size is then the whole
  // value's size.
  bool truncated = false;
  size_t value_size = 0;
};

struct ProduceRequest {
  std::string topic;
  // nullopt: Kafka's default partitioner (murmur2 of the key; round robin without a key).
  std::optional<int32_t> partition;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<MessageHeader> headers;
};

struct ProduceResult {
  int32_t partition = 0;
  int64_t offset = 0;
};

struct GroupMember {
  std::string member_id;
  std::optional<std::string> instance_id;  // static membership
  std::string client_id;
  std::string client_host;
  std::vector<std::pair<std::string, std::vector<int32_t>>> assignment;  // topic -> partitions
};

struct CommittedOffset {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
};

struct GroupSummary {
  std::string name;
  std::string state;  // "Stable", "Empty", ... ("Empty" for a group known only by offsets)
  int32_t members = 0;
};

struct GroupDetail {
  std::string name;
  std::string state;
  std::string protocol_type;
  std::string protocol;  // the assignor ("range", "roundrobin", ...)
  int32_t generation = 0;
  std::vector<GroupMember> members;
  std::vector<CommittedOffset> offsets;  // sorted by topic, partition
};

class KafkaSource {
 public:
  virtual ~KafkaSource() = default;

  // ---- topics
  virtual std::vector<std::string> ListTopics() const = 0;  // sorted
  virtual Result<TopicStat> DescribeTopic(std::string_view topic) const = 0;
  // Every Kafka topic config with its value, sorted by name.
  virtual Result<std::vector<TopicConfigEntry>> TopicConfigs(std::string_view topic) const = 0;
  // configs: Kafka topic configs ("retention.ms" -> "60000"), validated as CreateTopics does.
  virtual Status CreateTopic(const std::string& name, int32_t partitions,
                             const std::vector<std::pair<std::string, std::string>>& configs) = 0;
  virtual Status DeleteTopic(std::string_view topic) = 0;

  // ---- messages
  // Records of one partition with offset >= from, in offset order: at most max_records and
  // about max_bytes of batches (at least one record if any). `from` below the start offset
  // reads from the start; at or past the end returns nothing.
  virtual Result<std::vector<Message>> Read(std::string_view topic, int32_t partition,
                                            int64_t from, size_t max_records,
                                            size_t max_bytes) const = 0;
  // The first offset whose record timestamp is >= time_ms; the end offset if none.
  virtual Result<int64_t> OffsetForTime(std::string_view topic, int32_t partition,
                                        int64_t time_ms) const = 0;
  virtual Result<ProduceResult> Produce(const ProduceRequest& request) = 0;

  // ---- consumer groups
  // Groups with live members and groups known by their committed offsets, sorted by name.
  virtual std::vector<GroupSummary> ListGroups() const = 0;
  virtual Result<GroupDetail> DescribeGroup(std::string_view group) const = 0;
  // Moves the group's committed offsets; Aborted when the group has active members.
  virtual Status CommitOffsets(std::string_view group,
                               const std::vector<CommittedOffset>& offsets) = 0;
};

}  // namespace kappa::console
