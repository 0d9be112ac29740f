// OffsetDelete (key 47), version 0 (non-flexible). Deletes a group's committed offsets of
// some partitions (KIP-496): GROUP_ID_NOT_FOUND for a group with neither members nor
// commits; for a consumer group with members, GROUP_SUBSCRIBED_TO_TOPIC for the topics a
// member subscribes to (the others are deleted); NON_EMPTY_GROUP for another protocol type
// with members. A partition without a commit is answered without error, as Kafka does.
//   request  group_id, topics[name, partitions[partition_index]]
//   response error_code, throttle_time_ms, topics[name, partitions[partition_index,
//            error_code]]
#include "kafka/handlers/handlers.h"

namespace kappa::kafka {

static void HandleOffsetDelete(RequestContext& ctx, Reader& in, Responder respond) {
  Broker& b = *ctx.broker;
  std::string group(in.String());
  std::vector<std::pair<std::string, std::vector<int32_t>>> topics;
  int32_t nt = in.ArrayLength(6);
  for (int32_t t = 0; t < nt && in.ok(); ++t) {
    std::pair<std::string, std::vector<int32_t>> tp;
    tp.first = std::string(in.String());
    int32_t np = in.ArrayLength(4);
    for (int32_t i = 0; i < np && in.ok(); ++i) tp.second.push_back(in.Int32());
    topics.push_back(std::move(tp));
  }
  if (!in.ok()) {
    respond.Close("malformed OffsetDelete request");
    return;
  }
  std::vector<std::string> names;
  for (const auto& t : topics) names.push_back(t.first);
  std::vector<bool> subscribed;
  // Kafka: DELETE on the group (else GROUP_AUTHORIZATION_FAILED for the request), READ on
  // each topic (else TOPIC_AUTHORIZATION_FAILED for its partitions).
  if (!GroupAuthorized(ctx, security::AclOperation::kDelete, group)) {
    Writer w(ctx.flexible);
    w.Error(ErrorCode::kGroupAuthorizationFailed);
    w.Int32(0);
    w.ArrayLength(0);
    respond.Send(w);
    return;
  }
  ErrorCode group_error = b.groups().CheckOffsetDelete(group, names, &subscribed);
  bool known = b.groups().Describe(group).has_value() ||
               !b.log().offsets().FetchGroup(group).empty();
  if (group_error == ErrorCode::kNone && !known) group_error = ErrorCode::kGroupIdNotFound;
  std::vector<ErrorCode> topic_errors(topics.size(), ErrorCode::kNone);
  if (group_error == ErrorCode::kNone) {
    std::vector<log::OffsetKey> keys;
    for (size_t i = 0; i < topics.size(); ++i) {
      if (!TopicAuthorized(ctx, security::AclOperation::kRead, topics[i].first)) {
        topic_errors[i] = ErrorCode::kTopicAuthorizationFailed;
        continue;
      }
      if (subscribed[i]) {
        topic_errors[i] = ErrorCode::kGroupSubscribedToTopic;
        continue;
      }
      for (int32_t p : topics[i].second) keys.push_back({topics[i].first, PartitionId(p)});
    }
    Status s = keys.empty() ? Status::OK() : b.log().offsets().DeleteOffsets(group, keys);
    if (!s.ok() && !s.IsNotFound()) {
      for (size_t i = 0; i < topics.size(); ++i) {
        if (!subscribed[i]) topic_errors[i] = ErrorCode::kKafkaStorageError;
      }
    }
  }
  Writer w(ctx.flexible);
  w.Error(group_error);
  w.Int32(0);
  // With a group-level error Kafka answers no partitions.
  if (group_error != ErrorCode::kNone) {
    w.ArrayLength(0);
  } else {
    w.ArrayLength(int32_t(topics.size()));
    for (size_t i = 0; i < topics.size(); ++i) {
      w.String(topics[i].first);
      w.ArrayLength(int32_t(topics[i].second.size()));
      for (int32_t p : topics[i].second) {
        w.Int32(p);
        w.Error(topic_errors[i]);
      }
    }
  }
  respond.Send(w);
}

const ApiSpec kOffsetDeleteApi = {47, "OffsetDelete", 0, 0, kNeverFlexible, &HandleOffsetDelete};

}  // namespace kappa::kafka
