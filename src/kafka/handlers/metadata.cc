// Metadata (key 3), versions 0..8 (non-flexible). This is a single-node cluster: every
// partition is led by this broker, with itself as the only replica and ISR.
//   request  topics (v0: empty = all; v1+: null = all) [name], v4+ allow_auto_topic_creation,
//            v8+ include_cluster/topic_authorized_operations
//   response v3+ throttle_time_ms, brokers[node_id, host, port, v1+ rack], v2+ cluster_id,
//            v1+ controller_id, topics[error_code, name, v1+ is_internal, partitions[
//            error_code, partition_index, leader_id, v7+ leader_epoch, replica_nodes,
//            isr_nodes, v5+ offline_replicas], v8+ topic_authorized_operations],
//            v8+ cluster_authorized_operations
// ACLs as Kafka's KafkaApis: a topic the principal may not DESCRIBE is left out of an
// all-topics answer and answered TOPIC_AUTHORIZATION_FAILED when named; a missing topic is
// auto-created only with CREATE on the cluster or the topic (else TOPIC_AUTHORIZATION_FAILED).
// v8's authorized-operations bit sets (1 << AclOperation code) are computed when asked for.
#include "kafka/handlers/handlers.h"

namespace kappa::kafka {

using security::AclOperation;

static void HandleMetadata(RequestContext& ctx, Reader& in, Responder respond) {
  const int16_t v = ctx.api_version;
  Broker& b = *ctx.broker;
  std::optional<std::vector<std::string>> requested;  // nullopt = all topics
  int32_t n = in.ArrayLength(2);
  if (n >= 0 && !(v == 0 && n == 0)) {
    requested.emplace();
    for (int32_t i = 0; i < n && in.ok(); ++i) {
      requested->emplace_back(in.String());
      in.SkipTaggedFields();
    }
  }
  bool allow_auto_create = true;
  if (v >= 4) allow_auto_create = in.Bool();
  bool cluster_ops = false, topic_ops = false;
  if (v >= 8) {
    cluster_ops = in.Bool();
    topic_ops = in.Bool();
  }
  in.SkipTaggedFields();
  if (!in.ok()) {
    respond.Close("malformed Metadata request");
    return;
  }

  Writer w(ctx.flexible);
  if (v >= 3) w.Int32(0);
  w.ArrayLength(1);
  w.Int32(b.config().node_id);
  w.String(AdvertisedHost(ctx));
  w.Int32(AdvertisedPort(ctx));
  if (v >= 1) w.NullableString(std::nullopt);  // rack
  w.EmptyTaggedFields();
  if (v >= 2) w.NullableString(b.config().cluster_id);
  if (v >= 1) w.Int32(b.config().node_id);  // controller

  std::vector<std::string> names;
  if (requested) {
    names = *requested;
  } else {
    for (auto& t : b.log().ListTopics()) {
      if (TopicAuthorized(ctx, AclOperation::kDescribe, t)) names.push_back(std::move(t));
    }
  }
  w.ArrayLength(int32_t(names.size()));
  const int32_t node = b.config().node_id;
  PartitionQuota quota;  // topics auto-created by this request, against the broker's caps
  for (const std::string& name : names) {
    ErrorCode err = ErrorCode::kNone;
    if (requested && !TopicAuthorized(ctx, AclOperation::kDescribe, name)) {
      err = ErrorCode::kTopicAuthorizationFailed;
    } else if (requested && allow_auto_create && b.config().auto_create_topics &&
               !b.log().DescribeTopic(name).ok() &&
               !ClusterAuthorized(ctx, AclOperation::kCreate) &&
               !TopicAuthorized(ctx, AclOperation::kCreate, name)) {
      err = ErrorCode::kTopicAuthorizationFailed;
    } else if (requested && allow_auto_create) {
      Status s = b.MaybeAutoCreate(name, &quota);
      if (!s.ok()) {
        err = s.IsInvalidArgument() ? ErrorCode::kInvalidTopicException
                                    : ErrorCode::kUnknownTopicOrPartition;
      }
    }
    auto desc = err == ErrorCode::kNone ? b.log().DescribeTopic(name)
                                        : Result<log::TopicDescription>(Status::NotFound(name));
    if (err == ErrorCode::kNone && !desc.ok()) {
      err = log::ValidateTopicName(name).ok() ? ErrorCode::kUnknownTopicOrPartition
                                              : ErrorCode::kInvalidTopicException;
    }
    w.Error(err);
    w.String(name);
    if (v >= 1) w.Bool(false);  // is_internal
    if (err != ErrorCode::kNone) {
      w.ArrayLength(0);
    } else {
      w.ArrayLength(int32_t(desc->partitions.size()));
      for (const auto& p : desc->partitions) {
        w.Int16(0);
        w.Int32(p.partition.value());
        w.Int32(node);
        if (v >= 7) w.Int32(0);  // leader_epoch
        w.ArrayLength(1);
        w.Int32(node);
        w.ArrayLength(1);
        w.Int32(node);
        if (v >= 5) w.ArrayLength(0);
        w.EmptyTaggedFields();
      }
    }
    if (v >= 8) {
      w.Int32(topic_ops && err == ErrorCode::kNone
                  ? AuthorizedOperations(ctx, security::ResourceType::kTopic, name,
                                         {AclOperation::kRead, AclOperation::kWrite,
                                          AclOperation::kCreate, AclOperation::kDelete,
                                          AclOperation::kAlter, AclOperation::kDescribe,
                                          AclOperation::kDescribeConfigs,
                                          AclOperation::kAlterConfigs})
                  : INT32_MIN);
    }
    w.EmptyTaggedFields();
  }
  if (v >= 8) w.Int32(cluster_ops ? ClusterAuthorizedOperations(ctx) : INT32_MIN);
  w.EmptyTaggedFields();
  respond.Send(w);
}

const ApiSpec kMetadataApi = {3, "Metadata", 0, 8, kNeverFlexible, &HandleMetadata};

}  // namespace kappa::kafka
