// CreatePartitions (key 37), versions 0..1 (non-flexible). Grows a topic to `count`
// partitions.
//   request  topics[name, count, assignments (nullable)[broker_ids]], timeout_ms,
//            validate_only
//   response throttle_time_ms, results[name, error_code, error_message]
#include "kafka/handlers/handlers.h"

namespace kappa::kafka {

static void HandleCreatePartitions(RequestContext& ctx, Reader& in, Responder respond) {
  Broker& b = *ctx.broker;
  std::vector<std::pair<std::string, int32_t>> reqs;
  int32_t nt = in.ArrayLength(10);
  for (int32_t t = 0; t < nt && in.ok(); ++t) {
    std::string name(in.String());
    int32_t count = in.Int32();
    int32_t na = in.ArrayLength(4);
    for (int32_t i = 0; i < na && in.ok(); ++i) {
      int32_t nb = in.ArrayLength(4);
      for (int32_t j = 0; j < nb && in.ok(); ++j) in.Int32();
    }
    reqs.emplace_back(name, count);
  }
  in.Int32();
  bool validate_only = in.Bool();
  if (!in.ok()) {
    respond.Close("malformed CreatePartitions request");
    return;
  }
  Writer w(ctx.flexible);
  PartitionQuota quota;  // the partitions this request creates, against the broker's caps
  w.Int32(0);
  w.ArrayLength(int32_t(reqs.size()));
  for (const auto& [name, count] : reqs) {
    ErrorCode e = ErrorCode::kNone;
    std::optional<std::string> msg;
    auto desc = b.log().DescribeTopic(name);
    if (!TopicAuthorized(ctx, security::AclOperation::kAlter, name)) {
      e = ErrorCode::kTopicAuthorizationFailed;  // Kafka: ALTER on the topic, checked first
      msg = "The topic authorization is failed.";
    } else if (!desc.ok()) {
      e = ErrorCode::kUnknownTopicOrPartition;
      msg = "unknown topic " + name;
    } else if (count <= int32_t(desc->partitions.size())) {
      e = ErrorCode::kInvalidPartitions;
      msg = "topic " + name + " has " + std::to_string(desc->partitions.size()) +
            " partitions; the new count must be larger";
    } else if (count > kMaxPartitionsPerTopic) {
      e = ErrorCode::kInvalidPartitions;
      msg = "at most " + std::to_string(kMaxPartitionsPerTopic) + " partitions per topic";
    } else if (std::string why;
               (e = b.ReservePartitions(count - int32_t(desc->partitions.size()), &quota, &why)) !=
               ErrorCode::kNone) {
      msg = why;
    } else if (!validate_only) {
      Status s = b.log().AddPartitions(name, count);
      if (!s.ok()) {
        e = s.IsInvalidArgument() ? ErrorCode::kInvalidPartitions : ErrorCode::kKafkaStorageError;
        msg = s.message();
      }
    }
    w.String(name);
    w.Error(e);
    w.NullableString(msg);
  }
  respond.Send(w);
}

const ApiSpec kCreatePartitionsApi = {37, "CreatePartitions", 0, 1, kNeverFlexible,
                                      &HandleCreatePartitions};

}  // namespace kappa::kafka
