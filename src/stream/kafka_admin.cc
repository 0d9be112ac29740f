#include "stream/kafka_admin.h"

#include <fmt/format.h>

namespace kappa::stream {
namespace {

// A client for admin and metadata requests (a consumer when `group` is set, for commits).
Result<rdkafka::ClientPtr> AdminClient(const LogConfig& log, const std::string& group = "") {
  rdkafka::Properties defaults;
  if (!group.empty()) defaults.emplace_back("group.id", group);
  ASSIGN_OR_RETURN(rdkafka::ConfPtr conf, NewKafkaConf(log, "admin", defaults));
  auto rk = rdkafka::NewClient(group.empty() ? RD_KAFKA_PRODUCER : RD_KAFKA_CONSUMER,
                               std::move(conf));
  if (!rk.ok()) return rk.status().WithContext("kafka client for " + log.bootstrap);
  return rk;
}

// Context for a request that reached no usable answer from the cluster.
Status Unreachable(const Status& st, const LogConfig& log) {
  return st.WithContext(fmt::format("Kafka cluster at {} (`log.bootstrap` in the config)",
                                    log.bootstrap));
}

}  // namespace

rdkafka::ClientConfig KafkaClientConfig(const LogConfig& log, std::string_view role) {
  rdkafka::ClientConfig c;
  c.bootstrap = log.bootstrap;
  c.client_id = fmt::format("{}-{}", log.client_id, role);
  c.properties = log.properties;
  return c;
}

Result<rdkafka::ConfPtr> NewKafkaConf(const LogConfig& log, std::string_view role,
                                      const rdkafka::Properties& defaults) {
  auto conf = rdkafka::NewConf(KafkaClientConfig(log, role), defaults);
  if (!conf.ok()) return conf.status().WithContext("log.properties");
  return conf;
}

connect::KafkaSinkOptions KafkaSinkOptionsFor(const LogConfig& log) {
  connect::KafkaSinkOptions o;
  o.bootstrap = log.bootstrap;
  o.client_id = log.client_id + "-producer";
  o.properties = log.properties;
  return o;
}

Result<std::vector<KafkaPartitionRange>> DescribeKafkaTopic(const LogConfig& log,
                                                            const std::string& topic) {
  ASSIGN_OR_RETURN(rdkafka::ClientPtr rk, AdminClient(log));
  auto topics = rdkafka::ListTopics(rk.get());
  if (!topics.ok()) return Unreachable(topics.status(), log);
  const rdkafka::TopicMetadata* t = rdkafka::FindTopic(*topics, topic);
  if (t == nullptr) {
    return Status::NotFound(fmt::format("topic {} does not exist on {}", topic, log.bootstrap));
  }
  std::vector<KafkaPartitionRange> out;
  for (int32_t p : t->partitions) {
    auto w = rdkafka::QueryWatermarks(rk.get(), topic, p);
    if (!w.ok()) return w.status().WithContext(log.bootstrap);
    out.push_back({p, w->low, w->high});
  }
  return out;
}

Result<std::map<int32_t, int64_t>> KafkaOffsetsForTime(const LogConfig& log,
                                                       const std::string& topic,
                                                       const std::vector<int32_t>& partitions,
                                                       int64_t timestamp_ms) {
  ASSIGN_OR_RETURN(rdkafka::ClientPtr rk, AdminClient(log));
  auto offsets = rdkafka::OffsetsForTime(rk.get(), topic, partitions, timestamp_ms);
  if (!offsets.ok()) return offsets.status().WithContext(log.bootstrap);
  return offsets;
}

Status CommitKafkaGroupOffsets(const LogConfig& log, const std::string& group,
                               const std::string& topic,
                               const std::map<int32_t, int64_t>& offsets) {
  if (offsets.empty()) return Status::OK();
  ASSIGN_OR_RETURN(rdkafka::ClientPtr rk, AdminClient(log, group));
  rdkafka::PartitionListPtr l = rdkafka::MakePartitionList(topic, offsets);
  RETURN_IF_ERROR(rdkafka::ToStatus(
      rd_kafka_commit(rk.get(), l.get(), /*async=*/0),
      fmt::format("committing offsets of group {} on {} (a group can be reset only while it "
                  "has no active members)", group, log.bootstrap)));
  rd_kafka_consumer_close(rk.get());
  return Status::OK();
}

Status EnsureKafkaTopics(const LogConfig& log, const std::vector<TopicConfig>& topics) {
  ASSIGN_OR_RETURN(rdkafka::ClientPtr rk, AdminClient(log));
  std::vector<rdkafka::NewTopic> wanted;
  for (const TopicConfig& t : topics) {
    rdkafka::NewTopic nt;
    nt.name = t.name;
    nt.partitions = t.partitions;
    nt.replication_factor = log.replication_factor;
    if (t.retention_bytes > 0) nt.configs.emplace_back("retention.bytes", std::to_string(t.retention_bytes));
    if (t.retention_ms > 0) nt.configs.emplace_back("retention.ms", std::to_string(t.retention_ms));
    wanted.push_back(std::move(nt));
  }
  return rdkafka::EnsureTopics(rk.get(), wanted, log.bootstrap);
}

}  // namespace kappa::stream
