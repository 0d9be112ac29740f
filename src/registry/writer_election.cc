// The writer election over librdkafka's consumer group protocol (writer_election.h).
#include "registry/writer_election.h"

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include <chrono>

#include "common/logging.h"
#include "rdkafka/rdkafka.h"

namespace kappa::registry {

struct WriterElection::Client {
  rdkafka::ClientPtr consumer;
  std::string topic;
  std::string group;
  // Set by the rebalance callback, which runs on the election thread inside poll.
  bool assigned_partition_0 = false;
};

namespace {

void OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                 rd_kafka_topic_partition_list_t* parts, void* opaque) {
  auto* c = static_cast<WriterElection::Client*>(opaque);
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    rd_kafka_assign(rk, parts);
    // The election reads nothing: the registry replays the topic with its own reader.
    rd_kafka_pause_partitions(rk, parts);
    bool mine = false;
    for (int i = 0; i < parts->cnt; ++i) {
      if (parts->elems[i].partition == 0 && c->topic == parts->elems[i].topic) mine = true;
    }
    c->assigned_partition_0 = mine;
  } else {
    // Revoked (or an error): stop writing before anyone else may start (the eager protocol
    // revokes every member's partitions before it assigns them again).
    c->assigned_partition_0 = false;
    rd_kafka_assign(rk, nullptr);
  }
}

}  // namespace

Result<std::unique_ptr<WriterElection>> WriterElection::Start(
    const WriterElectionOptions& options, OnChange on_change) {
  std::unique_ptr<WriterElection> e(new WriterElection());
  e->on_change_ = std::move(on_change);
  e->client_ = std::make_unique<Client>();
  e->client_->topic = options.topic;
  e->client_->group = options.group;
  rdkafka::ClientConfig cc{options.bootstrap, "kappa-registry-election", options.properties};
  int session = options.session_timeout_ms;
  ASSIGN_OR_RETURN(
      rdkafka::ConfPtr conf,
      rdkafka::NewConf(cc, {{"group.id", options.group},
                            {"enable.auto.commit", "false"},
                            {"enable.auto.offset.store", "false"},
                            {"auto.offset.reset", "latest"},
                            {"session.timeout.ms", std::to_string(session)},
                            {"heartbeat.interval.ms", std::to_string(std::max(100, session / 5))},
                            // One member gets the single partition; the others none.
                            {"partition.assignment.strategy", "range"}}));
  rd_kafka_conf_set_rebalance_cb(conf.get(), OnRebalance);
  rd_kafka_conf_set_opaque(conf.get(), e->client_.get());
  auto consumer = rdkafka::NewClient(RD_KAFKA_CONSUMER, std::move(conf));
  if (!consumer.ok()) {
    return consumer.status().WithContext("registry writer election on " + options.bootstrap);
  }
  e->client_->consumer = std::move(*consumer);
  rd_kafka_poll_set_consumer(e->client_->consumer.get());
  auto topics = rdkafka::MakePartitionList(options.topic, {{RD_KAFKA_PARTITION_UA, 0}});
  rd_kafka_resp_err_t err = rd_kafka_subscribe(e->client_->consumer.get(), topics.get());
  if (err) return rdkafka::ToStatus(err, "joining group " + options.group);
  KLOG_INFO("registry: joined group {} on {} to elect the writer of {}", options.group,
            options.bootstrap, options.topic);
  e->thread_ = std::thread([p = e.get()] { p->Run(); });
  return e;
}

WriterElection::~WriterElection() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  if (client_ && client_->consumer) {
    // Leaves the group now rather than after a session timeout: the next writer takes over.
    rd_kafka_consumer_close(client_->consumer.get());
  }
}

void WriterElection::Run() {
  bool notified = false;  // what on_change_ last accepted
  auto retry_at = std::chrono::steady_clock::now();
  while (!stopping_) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(client_->consumer.get(), 100);
    if (m != nullptr) {
      if (m->err && m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        KLOG_DEBUG("registry election: {}", rd_kafka_message_errstr(m));
      }
      rd_kafka_message_destroy(m);
    }
    bool now = client_->assigned_partition_0;
    is_writer_ = now;
    if (now == notified || std::chrono::steady_clock::now() < retry_at) continue;
    KLOG_INFO("registry: this instance {} the writer of {} (group {})",
              now ? "is now" : "is no longer", client_->topic, client_->group);
    if (on_change_(now)) {
      notified = now;
    } else {
      retry_at = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    }
  }
}

}  // namespace kappa::registry
