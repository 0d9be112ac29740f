// CreateTopics (key 19), versions 0..4 (non-flexible). Single node: replication factor must
// be -1 (default) or 1; explicit assignments may only name this broker.
//   request  topics[name, num_partitions, replication_factor, assignments[partition_index,
//            broker_ids], configs[name, value]], timeout_ms, v1+ validate_only
//   response v2+ throttle_time_ms, topics[name, error_code, v1+ error_message]
#include "kafka/handlers/handlers.h"
#include "kafka/handlers/topic_configs.h"

namespace kappa::kafka {

static void HandleCreateTopics(RequestContext& ctx, Reader& in, Responder respond) {
  const int16_t v = ctx.api_version;
  Broker& b = *ctx.broker;
  struct TopicReq {
    std::string name;
    int32_t partitions;
    int16_t replication;
    int32_t assignments = 0;
    bool assignment_ok = true;
    std::vector<std::pair<std::string, std::optional<std::string>>> configs;
  };
  std::vector<TopicReq> reqs;
  int32_t nt = in.ArrayLength(10);
  for (int32_t t = 0; t < nt && in.ok(); ++t) {
    TopicReq r;
    r.name = std::string(in.String());
    r.partitions = in.Int32();
    r.replication = in.Int16();
    int32_t na = in.ArrayLength(8);
    for (int32_t i = 0; i < na && in.ok(); ++i) {
      in.Int32();
      int32_t nb = in.ArrayLength(4);
      for (int32_t j = 0; j < nb && in.ok(); ++j) {
        if (in.Int32() != b.config().node_id) r.assignment_ok = false;
      }
      ++r.assignments;
    }
    int32_t nc = in.ArrayLength(4);
    for (int32_t i = 0; i < nc && in.ok(); ++i) {
      std::string name(in.String());
      auto value = in.NullableString();
      r.configs.emplace_back(name, value ? std::optional<std::string>(*value) : std::nullopt);
    }
    reqs.push_back(std::move(r));
  }
  in.Int32();  // timeout_ms
  bool validate_only = v >= 1 ? in.Bool() : false;
  if (!in.ok()) {
    respond.Close("malformed CreateTopics request");
    return;
  }
  Writer w(ctx.flexible);
  PartitionQuota quota;  // the partitions this request creates, against the broker's caps
  if (v >= 2) w.Int32(0);
  w.ArrayLength(int32_t(reqs.size()));
  for (const auto& r : reqs) {
    ErrorCode e = ErrorCode::kNone;
    std::optional<std::string> msg;
    log::TopicConfig config;
    int32_t partitions = r.assignments > 0 ? r.assignments
                         : r.partitions == -1 ? b.config().default_partitions
                                              : r.partitions;
    if (!ClusterAuthorized(ctx, security::AclOperation::kCreate) &&
        !TopicAuthorized(ctx, security::AclOperation::kCreate, r.name)) {
      // Kafka: CREATE on the cluster or on the topic, checked before anything else.
      e = ErrorCode::kTopicAuthorizationFailed;
      msg = "Authorization failed.";
    } else if (Status s = log::ValidateTopicName(r.name); !s.ok()) {
      e = ErrorCode::kInvalidTopicException;
      msg = s.message();
    } else if (partitions < 1) {
      e = ErrorCode::kInvalidPartitions;
      msg = "number of partitions must be at least 1";
    } else if (partitions > kMaxPartitionsPerTopic) {
      e = ErrorCode::kInvalidPartitions;
      msg = "at most " + std::to_string(kMaxPartitionsPerTopic) + " partitions per topic";
    } else if (r.replication != -1 && r.replication != 1) {
      e = ErrorCode::kInvalidReplicationFactor;
      msg = "kappa is a single broker: replication factor must be 1";
    } else if (!r.assignment_ok) {
      e = ErrorCode::kInvalidReplicaAssignment;
      msg = "replica assignment names a broker other than this one";
    } else {
      for (const auto& [name, value] : r.configs) {
        if (auto err = ApplyTopicConfig(name, value, &config)) {
          e = ErrorCode::kInvalidConfig;
          msg = *err;
          break;
        }
      }
    }
    if (e == ErrorCode::kNone) {
      if (b.log().TopicExists(r.name)) {
        e = ErrorCode::kTopicAlreadyExists;
        msg = "topic '" + r.name + "' already exists";
      } else if (std::string why; (e = b.ReservePartitions(partitions, &quota, &why)) !=
                                  ErrorCode::kNone) {
        msg = why;
      } else if (!validate_only) {
        Status s = b.log().CreateTopic(r.name, partitions, config);
        if (!s.ok()) {
          e = s.IsAlreadyExists() ? ErrorCode::kTopicAlreadyExists
              : s.IsInvalidArgument() ? ErrorCode::kInvalidRequest
                                      : ErrorCode::kKafkaStorageError;
          msg = s.message();
        }
      }
    }
    w.String(r.name);
    w.Error(e);
    if (v >= 1) w.NullableString(msg);
  }
  respond.Send(w);
}

const ApiSpec kCreateTopicsApi = {19, "CreateTopics", 0, 4, kNeverFlexible, &HandleCreateTopics};

}  // namespace kappa::kafka
