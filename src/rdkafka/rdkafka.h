// kappa's one adapter over librdkafka, the Kafka client kappa uses to reach a Kafka cluster
// (kappa's own broker or Apache Kafka): client configuration (bootstrap, client.id, the
// user's properties, kappa's logging), RAII handles, the admin and metadata requests kappa
// makes, and the one mapping from librdkafka's error codes to Status.
//
// The data path (produce, consume, rebalance callbacks) stays with the callers, on the raw
// handles below: it is where each caller differs, and a wrapper there would only copy
// librdkafka's API. Every function here is thread-compatible: a handle is used by one thread
// at a time unless librdkafka documents otherwise.
//
// Errors: every failure is a Status whose code comes from ErrorStatus (NotFound for an
// unknown topic or partition, TimedOut, InvalidArgument for a request the broker or
// librdkafka rejects as malformed, AlreadyExists, Unavailable for the rest: the cluster
// cannot be reached or refuses), and whose message names what was asked and librdkafka's
// or the broker's text.
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace kappa::rdkafka {

// How long a metadata or admin request waits for the cluster's answer by default.
inline constexpr std::chrono::milliseconds kRequestTimeout{15'000};

// ---- RAII handles ----
struct ConfDeleter {
  void operator()(rd_kafka_conf_t* c) const { rd_kafka_conf_destroy(c); }
};
struct ClientDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const {
    rd_kafka_topic_partition_list_destroy(l);
  }
};
struct QueueDeleter {
  void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
};
// A configuration not yet given to a client (rd_kafka_new takes it over: release() then).
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;
// A producer or consumer client; rd_kafka_destroy on scope exit (a consumer should be
// closed with rd_kafka_consumer_close first to leave its group).
using ClientPtr = std::unique_ptr<rd_kafka_t, ClientDeleter>;
using PartitionListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;
using QueuePtr = std::unique_ptr<rd_kafka_queue_t, QueueDeleter>;

// ---- errors ----

// The Status for a librdkafka or broker error code, carrying `message` (see the top).
// OK for RD_KAFKA_RESP_ERR_NO_ERROR.
Status ErrorStatus(rd_kafka_resp_err_t err, std::string_view message);
// ErrorStatus with the message "<context>: <librdkafka's text for err>".
Status ToStatus(rd_kafka_resp_err_t err, std::string_view context);

// ---- configuration ----

// librdkafka properties, applied in order.
using Properties = std::vector<std::pair<std::string, std::string>>;

// What every kappa client of one cluster shares.
struct ClientConfig {
  // bootstrap.servers: "host:port[,host:port...]". Required.
  std::string bootstrap;
  // client.id as the brokers log it and show it in group descriptions; empty keeps
  // librdkafka's default ("rdkafka").
  std::string client_id;
  // The user's librdkafka properties (security.protocol, sasl.*, ssl.*, tuning): applied
  // after kappa's defaults, so they override them.
  std::map<std::string, std::string> properties;
  // librdkafka's log level (syslog numbering): 4 lets warnings through (to kappa's debug
  // log), 3 errors only (the CLI, where connection trouble is reported as the command's
  // error). Errors reach kappa's log as warnings.
  int log_level = 4;
};

// Sets one property. InvalidArgument "kafka property k=v: <librdkafka's reason>".
Status SetProperty(rd_kafka_conf_t* conf, std::string_view key, std::string_view value);

// The one place a kappa client configuration is made: bootstrap.servers, client.id,
// log_level with librdkafka's log routed to kappa's log (errors as warnings, the rest at
// debug), then `defaults` (the caller's role: acks, group.id, ...), then the user's
// properties. InvalidArgument for a property librdkafka rejects.
Result<ConfPtr> NewConf(const ClientConfig& config, const Properties& defaults = {});

// A client of `type` from `conf` (taken over in every case). InvalidArgument with
// librdkafka's reason when it refuses the configuration.
Result<ClientPtr> NewClient(rd_kafka_type_t type, ConfPtr conf);
// NewConf then NewClient.
Result<ClientPtr> NewClient(rd_kafka_type_t type, const ClientConfig& config,
                            const Properties& defaults = {});

// ---- metadata and offsets ----

// One topic as the cluster's metadata shows it.
struct TopicMetadata {
  std::string name;
  std::vector<int32_t> partitions;  // ascending ids
  std::vector<int32_t> leaders;     // leader broker id per entry of `partitions`
};

// Every topic the cluster knows, sorted by name (asks for all topics: naming one could
// auto-create it on kappa and Kafka). Topics the metadata reports with an error (being
// deleted) are left out. The status carries librdkafka's reason when there is no answer.
Result<std::vector<TopicMetadata>> ListTopics(rd_kafka_t* rk,
                                              std::chrono::milliseconds timeout = kRequestTimeout);
// The named topic of `topics`, or nullptr.
const TopicMetadata* FindTopic(const std::vector<TopicMetadata>& topics, std::string_view name);

// Log start (low) and log end (high) offset of one partition, asked of its leader.
struct Watermarks {
  int64_t low = 0;
  int64_t high = 0;
};
Result<Watermarks> QueryWatermarks(rd_kafka_t* rk, const std::string& topic, int32_t partition,
                                   std::chrono::milliseconds timeout = kRequestTimeout);

// The first offset of each partition with a timestamp >= timestamp_ms (-1 when there is
// none: librdkafka's answer for "after the end").
Result<std::map<int32_t, int64_t>> OffsetsForTime(
    rd_kafka_t* rk, const std::string& topic, const std::vector<int32_t>& partitions,
    int64_t timestamp_ms, std::chrono::milliseconds timeout = kRequestTimeout);

// A list of (topic, partition) entries with `offset` set (for commit, committed, assign).
PartitionListPtr MakePartitionList(const std::string& topic,
                                   const std::map<int32_t, int64_t>& offsets);

// ---- admin requests ----

struct NewTopic {
  std::string name;
  int32_t partitions = 1;
  int32_t replication_factor = 1;
  Properties configs;  // topic configs: retention.ms, segment.bytes, ...
};

// The broker's answer for one topic of an admin request.
struct TopicResult {
  std::string name;
  rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
  Status status;  // ErrorStatus(error, "<name>: <broker's message>"); OK on success
};

// Each returns one result per topic, or the request's own failure: TimedOut when no answer
// came within `timeout` (plus slack), Unavailable when the cluster refused the request.
Result<std::vector<TopicResult>> CreateTopics(rd_kafka_t* rk, const std::vector<NewTopic>& topics,
                                              std::chrono::milliseconds timeout = kRequestTimeout);
Result<std::vector<TopicResult>> DeleteTopics(rd_kafka_t* rk,
                                              const std::vector<std::string>& topics,
                                              std::chrono::milliseconds timeout = kRequestTimeout);
// Grows each named topic to the given total partition count.
Result<std::vector<TopicResult>> CreatePartitions(
    rd_kafka_t* rk, const std::vector<std::pair<std::string, int32_t>>& totals,
    std::chrono::milliseconds timeout = kRequestTimeout);
// The configs of one topic that have a value (DescribeConfigs). The result's own status
// is the request's; `status` is the broker's answer for the topic (values empty then).
struct TopicConfigs {
  Status status;
  std::map<std::string, std::string> values;
};
Result<TopicConfigs> DescribeTopicConfigs(
    rd_kafka_t* rk, const std::string& topic, std::chrono::milliseconds timeout = kRequestTimeout);

// The first failed result's status, or OK.
Status FirstError(const std::vector<TopicResult>& results);

// Creates the topics missing on the cluster and adds partitions to those with fewer than
// asked (existing configs are left alone). Idempotent: a topic another client created
// meanwhile counts as created. `where` names the cluster in log lines and errors.
Status EnsureTopics(rd_kafka_t* rk, const std::vector<NewTopic>& topics, std::string_view where,
                    std::chrono::milliseconds timeout = kRequestTimeout);

// ---- consumer groups ----

struct GroupMember {
  std::string member_id, client_id, client_host;
  std::string assignment;  // the member's raw assignment bytes (ConsumerProtocol encoded)
};
struct GroupInfo {
  std::string group, state, protocol_type, protocol;
  std::vector<GroupMember> members;
};
// Every group the cluster knows (`group` empty), or just that one.
Result<std::vector<GroupInfo>> ListGroups(rd_kafka_t* rk, const std::string& group = "",
                                          std::chrono::milliseconds timeout = kRequestTimeout);

}  // namespace kappa::rdkafka
