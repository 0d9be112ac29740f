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
    Status s = b.log().DeleteTopic(name);
    w.String(name);
    w.Error(s.ok() ? ErrorCode::kNone
                 : s.IsNotFound() ? ErrorCode::kUnknownTopicOrPartition
                                  : ErrorCode::kKafkaStorageError);
  }
  respond.Send(w);
}

const ApiSpec kDeleteTopicsApi = {20, "DeleteTopics", 0, 3, kNeverFlexible, &HandleDeleteTopics};

}  // namespace kappa::kafka
