// SchemaLog over an external Kafka cluster (`log: kafka`) through librdkafka: partition 0 of
// the topic. Append produces with an idempotent producer (acks=all) and returns once every
// record has its delivery report, with the last record's offset; ReadFrom reads with an
// assigned consumer (no group membership, nothing committed) up to the high watermark as of
// the call. Records of one Append are not one atomic batch here (librdkafka may split them);
// the registry's multi-record writes (a permanent subject delete) are idempotent, so a
// retried delete completes one that was cut short.
#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include <mutex>
#include <thread>

#include "common/logging.h"
#include "rdkafka/rdkafka.h"
#include "registry/schema_log.h"

namespace kappa::registry {

namespace {

constexpr std::chrono::milliseconds kTimeout{15'000};

struct Delivery {
  size_t pending = 0;
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  int64_t last_offset = -1;
};

void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  auto* d = static_cast<Delivery*>(m->_private);
  if (d == nullptr) return;
  --d->pending;
  if (m->err && !d->err) d->err = m->err;
  if (!m->err) d->last_offset = std::max(d->last_offset, int64_t(m->offset));
}

class KafkaSchemaLog final : public SchemaLog {
 public:
  KafkaSchemaLog(rdkafka::ClientPtr producer, rdkafka::ClientPtr consumer, std::string topic,
                 std::string where)
      : producer_(std::move(producer)), consumer_(std::move(consumer)),
        topic_(std::move(topic)), where_(std::move(where)) {}
  ~KafkaSchemaLog() override {
    rd_kafka_flush(producer_.get(), 1000);
    rd_kafka_consumer_close(consumer_.get());
  }

  Result<int64_t> Append(const std::vector<SchemaLogRecord>& records) override {
    std::lock_guard l(produce_mu_);
    Delivery d;
    for (const auto& r : records) {
      const void* value = r.value ? static_cast<const void*>(r.value->data()) : nullptr;
      size_t value_size = r.value ? r.value->size() : 0;
      rd_kafka_resp_err_t err = rd_kafka_producev(
          producer_.get(), RD_KAFKA_V_TOPIC(topic_.c_str()), RD_KAFKA_V_PARTITION(0),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_KEY(const_cast<char*>(r.key.data()), r.key.size()),
          RD_KAFKA_V_VALUE(const_cast<void*>(value), value_size), RD_KAFKA_V_OPAQUE(&d),
          RD_KAFKA_V_END);
      if (err) {
        Wait(&d);
        return rdkafka::ToStatus(err, fmt::format("producing to {} on {}", topic_, where_));
      }
      ++d.pending;
    }
    Wait(&d);
    if (d.pending > 0) {
      return Status::TimedOut(fmt::format("producing to {} on {}: no acknowledgement", topic_,
                                          where_));
    }
    if (d.err) return rdkafka::ToStatus(d.err, fmt::format("producing to {} on {}", topic_, where_));
    return d.last_offset;
  }

  Result<int64_t> ReadFrom(int64_t from, const Visitor& fn) override {
    std::lock_guard l(consume_mu_);
    ASSIGN_OR_RETURN(auto wm, rdkafka::QueryWatermarks(consumer_.get(), topic_, 0, kTimeout));
    int64_t next = std::max(from, wm.low);
    if (next >= wm.high) return next;
    if (position_ != next) {
      auto list = rdkafka::MakePartitionList(topic_, {{0, next}});
      rd_kafka_resp_err_t err = rd_kafka_assign(consumer_.get(), list.get());
      if (err) return rdkafka::ToStatus(err, "assigning " + topic_);
      position_ = next;
    }
    auto deadline = std::chrono::steady_clock::now() + kTimeout;
    while (position_ < wm.high) {
      if (std::chrono::steady_clock::now() > deadline) {
        return Status::TimedOut(fmt::format("reading {} on {}: offset {} of {} not reached",
                                            topic_, where_, position_, wm.high));
      }
      rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer_.get(), 100);
      if (m == nullptr) continue;
      std::unique_ptr<rd_kafka_message_t, void (*)(rd_kafka_message_t*)> guard(
          m, rd_kafka_message_destroy);
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) continue;
      if (m->err) return rdkafka::ToStatus(m->err, "reading " + topic_);
      if (m->offset < position_) continue;
      std::string_view key(static_cast<const char*>(m->key), m->key_len);
      std::optional<std::string_view> value;
      if (m->payload != nullptr) value = std::string_view(static_cast<const char*>(m->payload), m->len);
      fn(m->offset, key, value);
      position_ = m->offset + 1;
    }
    return position_;
  }

  void WaitForData(int64_t next, std::chrono::milliseconds timeout) override {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto wm = rdkafka::QueryWatermarks(consumer_.get(), topic_, 0, timeout);
      if (wm.ok() && wm->high > next) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

 private:
  void Wait(Delivery* d) {
    auto deadline = std::chrono::steady_clock::now() + kTimeout + std::chrono::seconds(5);
    while (d->pending > 0 && std::chrono::steady_clock::now() < deadline) {
      rd_kafka_flush(producer_.get(), 100);
    }
    if (d->pending > 0) {
      // No late report may touch `d` once this returns.
      rd_kafka_purge(producer_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
      rd_kafka_flush(producer_.get(), 1000);
    }
  }

  rdkafka::ClientPtr producer_;
  rdkafka::ClientPtr consumer_;
  std::string topic_;
  std::string where_;
  std::mutex produce_mu_;
  std::mutex consume_mu_;
  int64_t position_ = -1;  // the consumer's next offset (guarded by consume_mu_)
};

}  // namespace

Result<std::unique_ptr<SchemaLog>> OpenKafkaSchemaLog(
    const std::string& bootstrap, const std::map<std::string, std::string>& properties,
    const std::string& topic) {
  rdkafka::ClientConfig client{bootstrap, "kappa-registry", properties};
  ASSIGN_OR_RETURN(rdkafka::ConfPtr pconf,
                   rdkafka::NewConf(client, {{"enable.idempotence", "true"},
                                             {"acks", "all"},
                                             {"linger.ms", "0"},
                                             {"message.timeout.ms", std::to_string(kTimeout.count())}}));
  rd_kafka_conf_set_dr_msg_cb(pconf.get(), OnDelivery);
  auto producer = rdkafka::NewClient(RD_KAFKA_PRODUCER, std::move(pconf));
  if (!producer.ok()) return producer.status().WithContext("registry producer for " + bootstrap);
  // The topic: one partition, kept forever, and NOT compacted (unlike Confluent's _schemas):
  // replay resolves races by log order, and compaction would keep a losing record whose key
  // a winning one shares (the latest per key), turning the loser into the winner on the next
  // replay. docs/formats/registry-log.md.
  ASSIGN_OR_RETURN(auto topics, rdkafka::ListTopics(producer->get(), kTimeout));
  if (const auto* t = rdkafka::FindTopic(topics, topic)) {
    if (t->partitions.size() != 1) {
      return Status::InvalidArgument(fmt::format(
          "the registry topic {} on {} has {} partitions; it needs exactly 1", topic, bootstrap,
          t->partitions.size()));
    }
  } else {
    rdkafka::NewTopic nt;
    nt.name = topic;
    nt.partitions = 1;
    nt.replication_factor = -1;
    nt.configs = {{"cleanup.policy", "delete"}, {"retention.ms", "-1"}, {"retention.bytes", "-1"}};
    RETURN_IF_ERROR(rdkafka::EnsureTopics(producer->get(), {nt}, bootstrap, kTimeout));
  }
  ASSIGN_OR_RETURN(rdkafka::ConfPtr cconf,
                   rdkafka::NewConf(client, {{"group.id", "kappa-registry-reader"},
                                             {"enable.auto.commit", "false"},
                                             {"enable.partition.eof", "false"},
                                             {"auto.offset.reset", "earliest"}}));
  auto consumer = rdkafka::NewClient(RD_KAFKA_CONSUMER, std::move(cconf));
  if (!consumer.ok()) return consumer.status().WithContext("registry consumer for " + bootstrap);
  return std::unique_ptr<SchemaLog>(
      new KafkaSchemaLog(std::move(*producer), std::move(*consumer), topic, bootstrap));
}

}  // namespace kappa::registry
