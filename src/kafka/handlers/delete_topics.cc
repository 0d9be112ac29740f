// DeleteTopics (key 20), versions 0..3 (non-flexible).
//   request  topic_names[], timeout_ms
//   response v1+ throttle_time_ms, responses[name, error_code]
#include "kafka/handlers/handlers.h"

namespace kappa::kafka {

static void HandleDeleteTopics(RequestContext& ctx, Reader& in, Responder respond) {
  const int16_t v = ctx.api_version;
  Broker& b = *ctx.broker;
  std::vector<std::string> names;
  int32_t n = in.ArrayLength(2);
  for (int32_t i = 0; i < n && in.ok(); ++i) names.emplace_back(in.String());
  in.Int32();
  if (!in.ok()) {
    respond.Close("malformed DeleteTopics request");
    return;
  }
  Writer w(ctx.flexible);
  if (v >= 1) w.Int32(0);
  w.ArrayLength(int32_t(names.size()));
  for (const auto& name : names) {
    // Kafka: DESCRIBE, then existence, then DELETE (both ACL failures are
    // TOPIC_AUTHORIZATION_FAILED; DELETE implies DESCRIBE).
    ErrorCode e = ErrorCode::kNone;
    if (!TopicAuthorized(ctx, security::AclOperation::kDescribe, name)) {
      e = ErrorCode::kTopicAuthorizationFailed;
    } else if (!b.log().TopicExists(name)) {
      e = ErrorCode::kUnknownTopicOrPartition;
    } else if (!TopicAuthorized(ctx, security::AclOperation::kDelete, name)) {
      e = ErrorCode::kTopicAuthorizationFailed;
    } else {
      Status s = b.log().DeleteTopic(name);
      e = s.ok() ? ErrorCode::kNone
          : s.IsNotFound() ? ErrorCode::kUnknownTopicOrPartition
                           : ErrorCode::kKafkaStorageError;
    }
    w.String(name);
    w.Error(e);
  }
  respond.Send(w);
}

const ApiSpec kDeleteTopicsApi = {20, "DeleteTopics", 0, 3, kNeverFlexible, &HandleDeleteTopics};

}  // namespace kappa::kafka
