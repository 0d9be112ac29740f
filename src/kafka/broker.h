// Broker: the state every handler shares: the log, the group coordinator, idempotent
// producer state and the advertised identity of this single-node cluster. Private to
// src/kafka. Thread-safe (each member is).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/byte_budget.h"
#include "common/clock.h"
#include "common/status.h"
#include "kafka/error_codes.h"
#include "kafka/group_coordinator.h"
#include "kafka/producer_state.h"
#include "log/log.h"
#include "security/security.h"

namespace kappa::kafka {

struct BrokerConfig {
  int32_t node_id = 0;
  std::string host = "127.0.0.1";  // advertised
  int32_t port = 9092;             // advertised
  std::string cluster_id = "kappa-cluster";
  bool auto_create_topics = true;
  int32_t default_partitions = 1;
  int32_t group_initial_rebalance_delay_ms = 3000;  // GroupCoordinatorOptions
  int32_t max_partitions_per_request = 1000;  // see KafkaServerOptions
  int32_t max_partitions = 10000;
  // The ACL checks of every handler (KafkaServerOptions::authorizer); nullptr: none.
  std::shared_ptr<security::Authorizer> authorizer;
  uint64_t fetch_max_bytes = 55u << 20;              // see KafkaServerOptions
  uint64_t max_fetch_bytes_in_flight = 256u << 20;   // see KafkaServerOptions
};

// The partitions one request has created so far (the per-request cap counts them).
struct PartitionQuota {
  int32_t created = 0;
  bool refusal_logged = false;  // one log line per request, not one per topic
};

class Broker {
 public:
  Broker(log::Log* log, BrokerConfig config, Clock* clock)
      : log_(log), config_(std::move(config)), clock_(clock),
        groups_(clock, CoordinatorOptions(config_)),
        producers_(clock->NowMs() * 1000),
        fetch_budget_(config_.max_fetch_bytes_in_flight) {}

  log::Log& log() { return *log_; }
  const BrokerConfig& config() const { return config_; }
  Clock* clock() { return clock_; }
  GroupCoordinator& groups() { return groups_; }
  ProducerStateTable& producers() { return producers_; }
  // Record bytes of Fetch answers built and not yet written, over all connections
  // (max_fetch_bytes_in_flight): a Fetch takes what it may return from it (TakeUpTo) and
  // its answer gives it back once written.
  ByteBudget& fetch_budget() { return fetch_budget_; }

  // The partition, auto-creating its topic first when `may_create` and auto-creation is on.
  // NotFound (-> UNKNOWN_TOPIC_OR_PARTITION) if it does not exist; InvalidArgument for a bad
  // topic name.
  Result<log::Partition*> GetPartition(std::string_view topic, int32_t partition,
                                       bool may_create);
  // Creates the topic if missing and auto-creation is on. OK if it exists afterwards.
  // `quota`: the request's count of created partitions (Metadata passes one per request).
  Status MaybeAutoCreate(std::string_view topic, PartitionQuota* quota = nullptr);
  // Whether `partitions` more partitions may be created by the request owning `quota` (and
  // counts them when so). kNone, or kPolicyViolation with *message saying which limit.
  ErrorCode ReservePartitions(int32_t partitions, PartitionQuota* quota, std::string* message);

 private:
  static GroupCoordinatorOptions CoordinatorOptions(const BrokerConfig& c) {
    GroupCoordinatorOptions o;
    o.initial_rebalance_delay_ms = c.group_initial_rebalance_delay_ms;
    return o;
  }

  log::Log* log_;
  BrokerConfig config_;
  Clock* clock_;
  GroupCoordinator groups_;
  ProducerStateTable producers_;
  ByteBudget fetch_budget_;
};

// Status -> Kafka error code, at the protocol edge.
ErrorCode ToErrorCode(const Status& s);

}  // namespace kappa::kafka
